#pragma once

// The state of a running `btk exchange-sim`, shared by its REST answers,
// its pushes and its connections (plain or TLS). Internal to
// runtime/exchange.

#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

#include "runtime/exchange/exchange_sim.hpp"

namespace btk {

namespace sim {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

/// The query parameters of a request target.
inline std::map<std::string, std::string> query_of(const std::string& target) {
  std::map<std::string, std::string> out;
  const auto q = target.find('?');
  if (q == std::string::npos)
    return out;
  std::size_t pos = q + 1;
  while (pos <= target.size()) {
    auto amp = target.find('&', pos);
    if (amp == std::string::npos)
      amp = target.size();
    const auto item = target.substr(pos, amp - pos);
    const auto eq = item.find('=');
    if (eq != std::string::npos)
      out[item.substr(0, eq)] = item.substr(eq + 1);
    pos = amp + 1;
  }
  return out;
}

inline std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// A WebSocket client of the simulator, over TCP or TLS.
class sim_client {
public:
  virtual ~sim_client() = default;
  /// Open and subscribed to `symbol`'s klines.
  virtual bool wants(const std::string& symbol) const = 0;
  virtual bool is_open() const = 0;
  /// Clock time of its connection (for the 24-hour rotation).
  virtual timestamp connected_at() const = 0;
  /// Queues a text frame ("" sends a ping).
  virtual void send(std::string text) = 0;
  /// Closes the connection at once.
  virtual void drop() = 0;
};

} // namespace sim

/// Everything a simulator holds; its io_context runs on `thread`.
struct exchange_sim::impl {
  using sim_client = sim::sim_client;
  using tcp = sim::tcp;
  exchange_sim_options o;
  sim::net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  sim::net::steady_timer ticker{ioc};
  std::thread thread;
  std::chrono::steady_clock::time_point start;
  std::mt19937_64 dice;
  // Pushing: the next candle open time to push, the next half-way update.
  timestamp next_push = 0;
  timestamp next_update = 0;
  timestamp next_ping = 0;
  std::vector<std::weak_ptr<sim_client>> sessions;
  // Set when it serves TLS (https and wss).
  std::unique_ptr<sim::net::ssl::context> tls;
  mutable std::mutex mtx;
  exchange_sim_stats stats;
  // Weight used in the current clock minute.
  timestamp weight_minute = 0;
  int weight = 0;

  timestamp now() const {
    const double spent = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    return o.from + static_cast<timestamp>(spent * o.speed);
  }
  bool roll(double p) {
    return p > 0 && std::uniform_real_distribution<double>(0, 1)(dice) < p;
  }
  void count(std::uint64_t exchange_sim_stats::*field) {
    std::lock_guard<std::mutex> g{mtx};
    ++(stats.*field);
  }

  void accept();
  void tick();
  void push(const std::string& symbol, const candle& c, bool closed);
  sim::http::response<sim::http::string_body>
  answer(const sim::http::request<sim::http::string_body>& req);
};

} // namespace btk
