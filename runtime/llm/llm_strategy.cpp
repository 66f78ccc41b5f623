#include "runtime/llm/llm_strategy.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "runtime/llm/llm_prompt.hpp"
#include "strategies/spec.hpp"

namespace btk {

llm_strategy::llm_strategy(std::shared_ptr<llm_client> client,
                           std::shared_ptr<llm_cache> cache,
                           std::string strategy_text, interval signal_iv)
    : client_(std::move(client))
    , cache_(std::move(cache))
    , text_(std::move(strategy_text))
    , iv_(signal_iv) {}

std::int64_t llm_strategy::lookback_minutes() const {
  return prompt_lookback_minutes();
}

std::int64_t llm_strategy::max_lifetime_minutes() const {
  return llm_max_minutes;
}

std::string llm_strategy::tick_key(const signal_context& ctx) const {
  // What the request body of `signal_messages(ctx, text_)` is made of,
  // hashed as it is: writing a tick's 102 candles out costs far more than
  // hashing them, and most ticks of a rerun are answered from the cache.
  const auto& o = client_->options();
  cache_key k;
  k.add(std::string{prompt_version})
      .add(std::string{to_string(o.api)})
      .add(o.model)
      .add(o.schema)
      .add(text_)
      .add(ctx.symbol());
  const timestamp when = ctx.when();
  k.add(&when, sizeof when);
  for (const auto& tf : prompt_timeframes()) {
    const bar_window w = ctx.candles(tf.iv, tf.count);
    if (w.size != tf.count)
      return {};
    const std::size_t bytes = w.size * sizeof(double);
    k.add(&w.first, sizeof w.first)
        .add(w.open, bytes)
        .add(w.high, bytes)
        .add(w.low, bytes)
        .add(w.close, bytes)
        .add(w.volume, bytes);
  }
  return k.hex();
}

std::optional<signal_request>
llm_strategy::get_signal(const signal_context& ctx) {
  if (failed_)
    throw std::runtime_error(*failed_);
  const auto key = tick_key(ctx);
  if (key.empty())
    return std::nullopt; // the engine names the missing candles
  auto stored = cache_->get(key);
  if (!stored)
    throw std::runtime_error(stored.err().message);
  std::string answer;
  bool from_cache = stored->has_value();
  if (from_cache) {
    answer = std::move(**stored);
  } else {
    auto got = client_->chat(signal_messages(ctx, text_));
    if (!got) {
      failed_ = got.err().message;
      throw std::runtime_error(*failed_);
    }
    answer = std::move(*got);
    if (auto put = cache_->put(key, answer); !put)
      throw std::runtime_error(put.err().message);
  }
  auto read = read_signal_answer(answer);
  std::lock_guard<std::mutex> g{mtx_};
  ++stats_.asked;
  ++(from_cache ? stats_.cached : stats_.requested);
  if (!read.signal) {
    ++stats_.idle[read.idle_reason];
    return std::nullopt;
  }
  ++stats_.signals;
  return std::move(read.signal);
}

llm_strategy_stats llm_strategy::stats() const {
  std::lock_guard<std::mutex> g{mtx_};
  return stats_;
}

namespace {

// Shared by every instance of the process, looked up under a lock.
struct shared_parts {
  std::mutex mtx;
  std::map<std::string, std::weak_ptr<llm_client>> clients;
  std::map<std::string, std::weak_ptr<llm_cache>> caches;
};

shared_parts& shared() {
  static shared_parts p;
  return p;
}

expected<std::shared_ptr<llm_client>> shared_client(const llm_options& o) {
  auto& p = shared();
  std::lock_guard<std::mutex> g{p.mtx};
  const std::string key =
      std::string{to_string(o.api)} + "\n" + o.url + "\n" + o.model;
  if (auto c = p.clients[key].lock())
    return c;
  auto made = llm_client::make(o);
  if (!made)
    return made.err();
  std::shared_ptr<llm_client> c{std::move(*made)};
  p.clients[key] = c;
  return c;
}

expected<std::shared_ptr<llm_cache>> shared_cache(const std::string& dir) {
  auto& p = shared();
  std::lock_guard<std::mutex> g{p.mtx};
  if (auto c = p.caches[dir].lock())
    return c;
  auto made = llm_cache::open(dir);
  if (!made)
    return made.err();
  // The database closes under the lock when the last strategy lets it go,
  // so that another strategy cannot reopen the folder while RocksDB still
  // holds its lock.
  std::shared_ptr<llm_cache> inner = std::move(*made);
  llm_cache* raw = inner.get();
  std::shared_ptr<llm_cache> shared_one{
      raw, [inner = std::move(inner)](llm_cache*) mutable {
        std::lock_guard<std::mutex> g{shared().mtx};
        inner.reset();
      }};
  p.caches[dir] = shared_one;
  return shared_one;
}

expected<std::string> read_prompt(const std::string& file) {
  if (file.empty())
    return error{"llm: give prompt=FILE, the strategy the model follows"};
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return error{"llm: prompt file '" + file + "' cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos)
    return error{"llm: prompt file '" + file + "' is empty"};
  return text.str();
}

} // namespace

strategy_info llm_strategy_info() {
  using k = param_kind;
  return {"llm",
          "asks a model for a position at each bucket (seed-era.md §16); "
          "answers are cached, so reruns ask nothing",
          {{"model", k::text, "", "the model's name on the server"},
           {"prompt", k::text, "", "file with the strategy the model follows"},
           {"interval", k::signal_interval, "5m", "signal interval"},
           {"url", k::text, "http://127.0.0.1:11434", "the server's base URL"},
           {"api", k::text, "ollama", "ollama or openai"},
           {"cache", k::text, "./dump/llm-cache", "answer cache folder"}},
          [](const param_values& v) -> expected<std::unique_ptr<strategy>> {
            llm_options o;
            o.model = v.text("model");
            if (o.model.empty())
              return error{"llm: give model=NAME (the model on the server)"};
            auto api = parse_llm_api(v.text("api"));
            if (!api)
              return error{"llm: " + api.err().message};
            o.api = *api;
            o.url = v.text("url");
            o.schema = signal_answer_schema();
            auto text = read_prompt(v.text("prompt"));
            if (!text)
              return text.err();
            auto client = shared_client(o);
            if (!client)
              return client.err();
            auto cache = shared_cache(v.text("cache"));
            if (!cache)
              return cache.err();
            return std::unique_ptr<strategy>{
                new llm_strategy(std::move(*client), std::move(*cache),
                                 std::move(*text), v.iv("interval"))};
          }};
}

} // namespace btk
