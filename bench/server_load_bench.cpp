// `btk serve` under load: 10,000 live instances (SYMBOLS symbols x 20
// strategies, as bench/live_bench) tick on a virtual clock through
// run_live with the server attached, once with no WebSocket client and
// once with CLIENTS clients subscribed to every event (signals, progress,
// done, errors), reading as fast as they can on one thread of this
// process. The runs alternate (none, clients, none, clients, ...) so that
// the machine's noise falls on both; it prints each run's minute-batch
// latency p50 / p99 / max, the p99 ratio of the two kinds in each round,
// and the ratio of the p99s over all rounds' minutes together.
//
//   server_load_bench [SYMBOLS] [MINUTES] [CLIENTS] [ROUNDS] [all|symbol]
//
// Defaults: 500 symbols (10,000 instances), 1440 minutes, 200 clients, 2
// rounds, every client taking every event (`symbol`: client k follows the
// events of symbol k, as a dashboard watching one market). The candles (3 days
// of warm-up plus MINUTES) are written to a candle store in the temp folder
// first.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/live_mix.hpp"
#include "runtime/api/live.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/server/server.hpp"
#include "runtime/store/candle_store.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// CLIENTS WebSocket readers on one io_context thread.
class readers {
public:
  readers(const std::string& host, const std::string& port, int n, int symbols,
          bool per_symbol) {
    tcp::resolver res{ioc_};
    const auto eps = res.resolve(host, port);
    for (int i = 0; i < n; ++i) {
      auto ws = std::make_unique<websocket::stream<tcp::socket>>(ioc_);
      net::connect(ws->next_layer(), eps);
      // Every event, or (a dashboard following one market) the events of
      // one symbol each.
      std::string target = "/api/events?topics=signals,progress,done,errors";
      if (per_symbol)
        target += "&instance=S" + std::to_string(i % symbols) + "USDT";
      ws->handshake(host + ":" + port, target);
      ws->read(buf_.emplace_back()); // hello
      streams_.push_back(std::move(ws));
    }
    for (std::size_t i = 0; i < streams_.size(); ++i)
      read(i);
    // Clients are other programs: they get no more priority than the
    // server's own threads.
    thread_ = std::thread([this] {
      btk::lower_thread_priority(10);
      ioc_.run();
    });
  }
  ~readers() {
    net::post(ioc_, [this] {
      for (auto& s : streams_) {
        beast::error_code ec;
        s->next_layer().close(ec);
      }
    });
    thread_.join();
  }
  std::uint64_t messages() const { return messages_.load(); }
  std::uint64_t bytes() const { return bytes_.load(); }

private:
  void read(std::size_t i) {
    streams_[i]->async_read(buf_[i],
                            [this, i](beast::error_code ec, std::size_t n) {
                              if (ec)
                                return;
                              ++messages_;
                              bytes_ += n;
                              buf_[i].consume(buf_[i].size());
                              read(i);
                            });
  }
  net::io_context ioc_;
  std::vector<std::unique_ptr<websocket::stream<tcp::socket>>> streams_;
  std::deque<beast::flat_buffer> buf_;
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::thread thread_;
};

struct result {
  std::vector<double> lat;
  double secs = 0;
  std::uint64_t events = 0;
  std::uint64_t delivered = 0;
  btk::hub_stats hub;
};

} // namespace

int main(int argc, char** argv) {
  using namespace btk;
  using bench::percentile;
  using bench::strategy_specs;
  const int symbols = argc > 1 ? std::atoi(argv[1]) : 500;
  const int minutes = argc > 2 ? std::atoi(argv[2]) : 1440;
  const int clients = argc > 3 ? std::atoi(argv[3]) : 200;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 2;
  const bool per_symbol = argc > 5 && std::string{argv[5]} == "symbol";
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / "btk_server_load_bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const timestamp start = 1'704'067'200'000;
  const int warm = 3 * 1440;
  std::vector<std::string> names;
  {
    auto store = candle_store::open((dir / "store").string(), true);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.err().message.c_str());
      return 1;
    }
    for (int k = 0; k < symbols; ++k) {
      synth_options o;
      o.seed = static_cast<std::uint64_t>(k + 1);
      o.start = start;
      o.minutes = warm + minutes;
      o.price = 10 + k;
      o.annual_vol = 0.8;
      o.decimals = 4;
      names.push_back("S" + std::to_string(k) + "USDT");
      if (auto r = store->put(names.back(), generate_candles(o)); !r) {
        std::fprintf(stderr, "%s\n", r.err().message.c_str());
        return 1;
      }
    }
  }
  server_options so;
  so.listen = "127.0.0.1:0";
  so.token_file = (dir / "token").string();
  api_server server{so};
  const auto addr = server.url().substr(7);
  const auto colon = addr.rfind(':');

  auto run = [&](int round, bool with_clients) {
    std::unique_ptr<readers> rd;
    if (with_clients)
      rd = std::make_unique<readers>(addr.substr(0, colon),
                                     addr.substr(colon + 1), clients, symbols,
                                     per_symbol);
    live_options lo;
    lo.source.store = (dir / "store").string();
    lo.source.symbols = names;
    lo.symbols = names;
    lo.strategies = strategy_specs();
    lo.clock = "virtual";
    lo.from = start + static_cast<timestamp>(warm) * minute_ms;
    lo.until = *lo.from + static_cast<timestamp>(minutes) * minute_ms;
    lo.state_dir =
        (dir / ("state-" + std::to_string(round) + (with_clients ? "c" : "n")))
            .string();
    result out;
    lo.on_minute_stats = [&](const live_session_stats& s) {
      out.lat.push_back(s.last_minute_ms);
    };
    auto r = server.attach_live(lo);
    std::atomic<bool> no{false};
    const auto t0 = std::chrono::steady_clock::now();
    auto rep = run_live(lo, no, no);
    out.secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    out.events = rep.events;
    server.finish_live(*r, rep);
    server.hub().flush();
    if (rd) {
      // Let the readers drain what the server still sends.
      std::uint64_t last = ~0ULL;
      while (rd->messages() != last) {
        last = rd->messages();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      }
      out.delivered = rd->messages();
    }
    out.hub = server.hub().stats();
    fs::remove_all(lo.state_dir);
    return out;
  };

  std::printf("instances %d (%d symbols x 20), %d minutes, %d clients "
              "taking %s\n",
              symbols * 20, symbols, minutes, clients,
              per_symbol ? "one symbol each" : "every event");
  std::vector<double> ratios;
  std::vector<double> all_none, all_with;
  for (int round = 0; round < rounds; ++round) {
    const auto none = run(round, false);
    const auto with = run(round, true);
    for (const auto* r : {&none, &with})
      std::printf("%-12s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  %5.1f s  "
                  "%llu events, %llu messages delivered\n",
                  r == &none ? "no clients" : "with clients",
                  percentile(r->lat, 0.5), percentile(r->lat, 0.99),
                  percentile(r->lat, 1.0), r->secs,
                  static_cast<unsigned long long>(r->events),
                  static_cast<unsigned long long>(r->delivered));
    std::printf("             hub: %llu published, %llu overflowed, %llu "
                "clients dropped (too slow) in all\n",
                static_cast<unsigned long long>(with.hub.published),
                static_cast<unsigned long long>(with.hub.overflowed),
                static_cast<unsigned long long>(with.hub.refused));
    ratios.push_back(percentile(with.lat, 0.99) / percentile(none.lat, 0.99));
    std::printf("round %d: p99 with clients / without = %.3f\n", round + 1,
                ratios.back());
    all_none.insert(all_none.end(), none.lat.begin(), none.lat.end());
    all_with.insert(all_with.end(), with.lat.begin(), with.lat.end());
  }
  // One round's p99 is about its 15 slowest minutes, and the machine's
  // noise moves it by up to 30 % between identical runs; the p99 of every
  // round's minutes together is the figure to compare.
  std::sort(ratios.begin(), ratios.end());
  std::printf("all %d rounds: p99 without clients %.2f ms (%zu minutes), with "
              "%.2f ms (%zu minutes), ratio %.3f; median round ratio %.3f\n",
              rounds, percentile(all_none, 0.99), all_none.size(),
              percentile(all_with, 0.99), all_with.size(),
              percentile(all_with, 0.99) / percentile(all_none, 0.99),
              ratios[ratios.size() / 2]);
  fs::remove_all(dir);
  return 0;
}
