#include "runtime/exchange/binance_feed.hpp"
#include "runtime/net/tls.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace btk {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// The kline WebSocket, reconnecting on its own thread's io_context.
class binance_feed::stream {
public:
  stream(url_parts u, std::string target, const binance_feed_options& o,
         std::function<void(const std::string&)> on_text,
         std::function<void()> on_open,
         std::function<void(const std::string&)> on_warn)
      : u_(std::move(u))
      , target_(std::move(target))
      , first_backoff_(o.backoff_ms)
      , max_backoff_(o.max_backoff_ms)
      , backoff_(o.backoff_ms)
      , on_text_(std::move(on_text))
      , on_open_(std::move(on_open))
      , on_warn_(std::move(on_warn)) {
    // An unusable CA file fails every handshake, each attempt reported.
    if (u_.tls)
      if (auto ok = setup_client_tls(ctx_, u_); !ok)
        on_warn_("websocket " + u_.origin(true) + ": " + ok.err().message);
  }

  void run() {
    connect();
    ioc_.run();
  }

  void stop() {
    net::post(ioc_, [this] {
      stopping_ = true;
      timer_.cancel();
      with_ws([](auto& ws) {
        beast::error_code ec;
        beast::get_lowest_layer(ws).socket().close(ec);
      });
      ioc_.stop();
    });
  }

private:
  using plain_ws = websocket::stream<beast::tcp_stream>;
  using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  template <class F>
  void with_ws(F&& f) {
    if (tls_)
      f(*tls_);
    else if (plain_)
      f(*plain_);
  }

  void connect() {
    if (stopping_)
      return;
    buf_.clear();
    if (u_.tls) {
      tls_ = std::make_unique<tls_ws>(ioc_, ctx_);
      SSL_set_tlsext_host_name(tls_->next_layer().native_handle(),
                               u_.host.c_str());
    } else {
      plain_ = std::make_unique<plain_ws>(ioc_);
    }
    resolver_.async_resolve(
        u_.host, u_.port,
        [this](beast::error_code ec, tcp::resolver::results_type results) {
          if (ec)
            return retry("resolve", ec);
          with_ws([&](auto& ws) { open(ws, results); });
        });
  }

  template <class Ws>
  void open(Ws& ws, const tcp::resolver::results_type& results) {
    auto& low = beast::get_lowest_layer(ws);
    low.expires_after(std::chrono::seconds(10));
    low.async_connect(results, [this, &ws](beast::error_code ec,
                                           tcp::endpoint) {
      if (ec)
        return retry("connect", ec);
      beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));
      if constexpr (std::is_same_v<Ws, tls_ws>) {
        ws.next_layer().async_handshake(net::ssl::stream_base::client,
                                        [this, &ws](beast::error_code ec2) {
                                          if (ec2)
                                            return retry("TLS handshake", ec2);
                                          handshake(ws);
                                        });
      } else {
        handshake(ws);
      }
    });
  }

  template <class Ws>
  void handshake(Ws& ws) {
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = std::chrono::seconds(20);
    t.keep_alive_pings = true;
    ws.set_option(t);
    ws.async_handshake(u_.host + ":" + u_.port, u_.prefix + target_,
                       [this, &ws](beast::error_code ec) {
                         if (ec)
                           return retry("handshake", ec);
                         backoff_ = first_backoff_;
                         on_open_();
                         read(ws);
                       });
  }

  template <class Ws>
  void read(Ws& ws) {
    ws.async_read(buf_, [this, &ws](beast::error_code ec, std::size_t) {
      if (ec)
        return retry("read", ec);
      on_text_(beast::buffers_to_string(buf_.data()));
      buf_.consume(buf_.size());
      read(ws);
    });
  }

  void retry(const char* stage, beast::error_code ec) {
    if (stopping_)
      return;
    on_warn_("websocket " + u_.origin(true) + u_.prefix + target_ + ": " +
             stage + " failed (" + ec.message() + "); reconnecting in " +
             std::to_string(backoff_) + " ms");
    timer_.expires_after(std::chrono::milliseconds(backoff_));
    timer_.async_wait([this](beast::error_code e) {
      if (!e && !stopping_)
        connect();
    });
    backoff_ = std::min(backoff_ * 2, max_backoff_);
  }

  net::io_context ioc_;
  net::ssl::context ctx_{net::ssl::context::tls_client};
  tcp::resolver resolver_{ioc_};
  net::steady_timer timer_{ioc_};
  std::unique_ptr<plain_ws> plain_;
  std::unique_ptr<tls_ws> tls_;
  beast::flat_buffer buf_;
  url_parts u_;
  std::string target_;
  std::int64_t first_backoff_;
  std::int64_t max_backoff_;
  std::int64_t backoff_;
  bool stopping_ = false;
  std::function<void(const std::string&)> on_text_;
  std::function<void()> on_open_;
  std::function<void(const std::string&)> on_warn_;
};

// The candles of one symbol: contiguous, ascending; candles that arrived
// after a gap wait in `ahead`.
struct binance_feed::book {
  std::vector<candle> candles;
  std::map<timestamp, candle> ahead;
  std::shared_ptr<const series> snap;
  bool dirty = true;
  // The stream (re)connected or skipped a minute: ask REST before waiting.
  bool gap = false;
};

binance_feed::binance_feed(binance_feed_options opts)
    : opts_(std::move(opts))
    , rest_(opts_.rest, opts_.market, opts_.pacing) {
  rest_.on_warning = [this](const std::string& w) { warn(w); };
}

binance_feed::~binance_feed() {
  if (stream_)
    stream_->stop();
  if (thread_.joinable())
    thread_.join();
}

void binance_feed::warn(const std::string& text) {
  if (opts_.on_warning)
    opts_.on_warning(text);
}

expected<std::unique_ptr<binance_feed>>
binance_feed::start(binance_feed_options opts) {
  if (opts.symbols.empty())
    return error{"binance: no symbol to follow"};
  std::unique_ptr<binance_feed> f{new binance_feed(std::move(opts))};
  const auto& o = f->opts_;
  std::string streams;
  for (const auto& s : o.symbols) {
    f->books_[s] = std::make_unique<book>();
    auto warm =
        f->backfill(s, o.from - o.keep_minutes * minute_ms, o.from - minute_ms);
    if (!warm)
      return error{"binance warm-up of " + s + ": " + warm.err().message};
    std::string lower = s;
    for (auto& ch : lower)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    streams += (streams.empty() ? "" : "/") + lower + "@kline_1m";
  }
  auto* self = f.get();
  f->stream_ = std::make_unique<stream>(
      o.ws, "/stream?streams=" + streams, o,
      [self](const std::string& t) { self->on_text(t); },
      [self] { self->on_connected(); },
      [self](const std::string& w) { self->warn(w); });
  f->thread_ = std::thread([self] { self->stream_->run(); });
  return f;
}

bool binance_feed::accept(book& b, const candle& c) {
  if (!b.candles.empty() && c.ts <= b.candles.back().ts)
    return false; // a repeat, or older than what we have
  if (!b.candles.empty() && c.ts != b.candles.back().ts + minute_ms) {
    b.ahead[c.ts] = c;
    b.gap = true;
    return true;
  }
  b.candles.push_back(c);
  for (auto it = b.ahead.begin(); it != b.ahead.end();) {
    if (it->first <= b.candles.back().ts) {
      it = b.ahead.erase(it);
    } else if (it->first == b.candles.back().ts + minute_ms) {
      b.candles.push_back(it->second);
      it = b.ahead.erase(it);
    } else {
      break;
    }
  }
  if (b.ahead.empty())
    b.gap = false;
  b.dirty = true;
  return true;
}

void binance_feed::on_connected() {
  std::lock_guard<std::mutex> g{mtx_};
  ++stats_.connects;
  // Minutes may have closed while disconnected: backfill before waiting.
  for (auto& [s, b] : books_)
    b->gap = true;
  cv_.notify_all();
}

void binance_feed::on_text(const std::string& text) {
  auto e = binance::parse_kline_message(text);
  std::unique_lock<std::mutex> g{mtx_};
  ++stats_.messages;
  if (!e) {
    ++stats_.malformed;
    g.unlock();
    warn("binance stream: " + e.err().message + " (ignored)");
    return;
  }
  if (!e->closed)
    return;
  const auto it = books_.find(e->symbol);
  if (it == books_.end()) {
    ++stats_.ignored;
    return;
  }
  if (candle_flaws(e->c) != 0) {
    ++stats_.malformed;
    g.unlock();
    warn("binance stream: " + e->symbol + " candle " + to_iso(e->c.ts) + ": " +
         describe_candle_flaws(candle_flaws(e->c), e->c) + " (ignored)");
    return;
  }
  ++stats_.closed_candles;
  if (!accept(*it->second, e->c))
    ++stats_.ignored;
  cv_.notify_all();
}

expected<bool> binance_feed::backfill(const std::string& symbol, timestamp from,
                                      timestamp to) {
  if (from > to)
    return true;
  auto got = rest_.klines(symbol, from, to);
  if (!got)
    return got.err();
  std::lock_guard<std::mutex> g{mtx_};
  auto& b = *books_.at(symbol);
  for (const auto& c : *got) {
    if (candle_flaws(c) != 0)
      return error{symbol + " candle " + to_iso(c.ts) +
                   " from REST: " + describe_candle_flaws(candle_flaws(c), c)};
    if (accept(b, c))
      ++stats_.backfilled;
  }
  return true;
}

std::shared_ptr<const series> binance_feed::snapshot(const std::string& symbol,
                                                     book& b) {
  if (!b.dirty && b.snap)
    return b.snap;
  const auto keep = static_cast<std::size_t>(opts_.keep_minutes);
  if (b.candles.size() > 2 * keep)
    b.candles.erase(b.candles.begin(),
                    b.candles.end() - static_cast<std::ptrdiff_t>(keep));
  auto s = series::make(symbol, b.candles);
  b.snap = s ? *s : nullptr;
  b.dirty = false;
  return b.snap;
}

expected<std::shared_ptr<const series>>
binance_feed::candles_before(const std::string& symbol, timestamp t,
                             live_clock& clock,
                             const std::atomic<bool>& cancel) {
  const auto it = books_.find(symbol);
  if (it == books_.end())
    return error{"binance: not following " + symbol};
  book& b = *it->second;
  const timestamp need = t - minute_ms;
  bool asked_at_deadline = false;
  for (;;) {
    std::unique_lock<std::mutex> g{mtx_};
    if (!b.candles.empty() && b.candles.back().ts >= need) {
      auto s = snapshot(symbol, b);
      if (!s)
        return error{"binance: " + symbol + " candles do not form a series"};
      return s;
    }
    if (cancel.load())
      return error{"binance: stopped while waiting for " + symbol + " candle " +
                   to_iso(need)};
    const bool late = clock.now() >= t + opts_.wait_ms;
    if (!b.gap && !late) {
      cv_.wait_for(g, std::chrono::milliseconds(20));
      continue;
    }
    if (late && asked_at_deadline)
      return error{"binance: no " + symbol + " candle " + to_iso(need) +
                   " from the stream or REST by " + to_iso(t + opts_.wait_ms)};
    const timestamp from = b.candles.empty()
                               ? t - opts_.keep_minutes * minute_ms
                               : b.candles.back().ts + minute_ms;
    b.gap = false;
    asked_at_deadline = late;
    g.unlock();
    auto filled = backfill(symbol, from, need);
    if (!filled)
      return error{"binance backfill of " + symbol + ": " +
                   filled.err().message};
  }
}

binance_feed_stats binance_feed::stats() const {
  std::lock_guard<std::mutex> g{mtx_};
  return stats_;
}

} // namespace btk
