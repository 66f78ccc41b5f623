#pragma once

// The execution seam of live mode: where an opened or closed position
// becomes an order. The client order id is derived from the signal, so a
// call retried after a crash (the minute runs again) can never open or
// close twice; the broker's answer is persisted with the minute's batch
// before the event is published.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/engine/signal.hpp"
#include "core/error.hpp"

namespace btk {

/// An order: open or close the position of one signal.
struct broker_order {
  /// `symbol:strategy:signal:open` (or `:close`): the same order has the
  /// same id in every run.
  std::string client_id;
  std::string symbol;
  side position = side::long_;
  /// Closing the position (else opening it).
  bool close = false;
  /// The price the engine opened or closed at.
  double price = 0;
  /// Money in the position, `CC_POSITION_ENTRY_COST`.
  double cost = 0;
  /// The tick.
  timestamp when = 0;
};

/// What the broker did with an order.
struct broker_fill {
  std::string client_id;
  /// The broker's own id of the order.
  std::string order_id;
  double price = 0;
  /// Base-asset quantity: `cost / price`.
  double quantity = 0;
};

/// Sends orders (open, close) and answers what became of one (query).
class broker {
public:
  virtual ~broker() = default;
  /// Places `o`. An order whose client id the broker already has returns
  /// that order's fill instead of a second one. An error is reported as a
  /// warning event and the result is published without a fill (no broker
  /// gate: the reference's order retries are not modelled).
  virtual expected<broker_fill> submit(const broker_order& o) = 0;
  /// The fill of `client_id`, if the broker has it.
  virtual std::optional<broker_fill> query(const std::string& client_id) = 0;
};

/// Fills every order at once at its price, as backtest-kit's live mode
/// without a broker adapter (no gate: every open and close is confirmed).
class paper_broker final : public broker {
public:
  /// Fills `query` still knows (the newest). Value: 65536
  static constexpr std::size_t keep = 65536;

  expected<broker_fill> submit(const broker_order& o) override {
    std::lock_guard<std::mutex> g{m_};
    const auto it = fills_.find(o.client_id);
    if (it != fills_.end())
      return it->second;
    // The order id follows from the client id: the same in every run.
    broker_fill f{o.client_id, "paper:" + o.client_id, o.price,
                  o.price > 0 ? o.cost / o.price : 0};
    fills_.emplace(o.client_id, f);
    order_.push_back(o.client_id);
    if (order_.size() > keep) {
      fills_.erase(order_.front());
      order_.pop_front();
    }
    return f;
  }
  std::optional<broker_fill> query(const std::string& client_id) override {
    std::lock_guard<std::mutex> g{m_};
    const auto it = fills_.find(client_id);
    if (it == fills_.end())
      return std::nullopt;
    return it->second;
  }

private:
  std::mutex m_;
  std::unordered_map<std::string, broker_fill> fills_;
  std::deque<std::string> order_;
};

} // namespace btk
