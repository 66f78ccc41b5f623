#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/engine/signal.hpp"
#include "core/market/time.hpp"

namespace btk {

/// An open position as risk validations see it (an entry of the reference's
/// `activePositions`, whose `signal` field is always null).
struct risk_position {
  std::string strategy;
  std::string symbol;
  std::string exchange;
  /// When the position opened (activation time for a scheduled signal).
  timestamp open_timestamp = 0;
};

/// What a validation sees (the reference's `IRiskValidationPayload`,
/// seed-era.md §13.1): the signal asking to open plus the positions open
/// under the same risk name.
struct risk_args {
  std::string symbol;
  std::string strategy;
  std::string exchange;
  std::string frame;
  /// The current price at the tick.
  double current_price = 0;
  /// The tick time (simulated in a backtest).
  timestamp when = 0;
  /// The signal the strategy asks to open.
  signal_request pending;
  /// Number of open positions (`activePositionCount`).
  std::size_t active_position_count = 0;
  /// The open positions, oldest first (`activePositions`).
  std::vector<risk_position> active_positions;
};

/// One validation of a risk profile: `validate` returns true to allow the
/// signal. `note` is the rejection comment ("N/A" when empty). The
/// reference's validations reject by throwing; here returning false or
/// throwing both reject.
struct risk_validation {
  std::function<bool(const risk_args&)> validate;
  std::string note;
};

/// The outcome of `check_risk`.
struct risk_decision {
  /// True when every validation allowed the signal.
  bool allowed = true;
  /// Index of the validation that rejected; 0 when allowed.
  std::size_t failed = 0;
  /// The rejecting validation's note, or "N/A" when it has none (the
  /// reference's `comment`); empty when allowed.
  std::string comment;
  /// The text of the exception the rejecting validation threw (the
  /// reference's `validationSubject` payload); empty when it returned false
  /// or the signal was allowed.
  std::string error;
};

/// Runs `validations` in order and stops at the first that rejects
/// (fail-fast, seed-era.md §13.1): one that returns false, throws, or has
/// no function. No validations: always allowed.
risk_decision check_risk(const std::vector<risk_validation>& validations,
                         const risk_args& args);

/// A risk profile (backtest-kit's `IRiskSchema`, seed-era.md §13.1).
struct risk_schema {
  /// Unique name; strategies refer to it.
  std::string name;
  /// Free text. Default: empty
  std::string note;
  /// Checked in order; the first that returns false (or throws) rejects.
  /// Default: none (everything is allowed)
  std::vector<risk_validation> validations;
  /// Called after a rejection. Default: none
  std::function<void(const risk_args&, const risk_decision&)> on_rejected;
  /// Called after a pass. Default: none
  std::function<void(const risk_args&)> on_allowed;
};

/// The positions open under one risk name, shared by every strategy and
/// symbol that names it (the reference's `ClientRisk` map keyed
/// `"{strategy}:{symbol}"`, one position per strategy x symbol), made
/// deterministic for backtests that run concurrently at different speeds.
///
/// Every entry keeps its open time, its close time and the rank of the
/// strategy instance that opened it, so that each instance can ask what was
/// open at *its* simulated time whatever the others have already recorded.
/// At equal timestamps the instances are ordered by rank: an instance sees
/// a position opened at its own time only when a lower rank opened it, and
/// never a position closed at or before its time.
///
/// Positions are listed in the order a time-ordered simulation would have
/// inserted them: by open time, then rank, then arrival. This is the
/// insertion order whenever the opens are recorded in simulated-time order,
/// and it stays the same whatever order concurrent runs record them in.
///
/// Not synchronised: the owner (one risk actor) serialises the calls.
class risk_book {
public:
  /// The close time of a position that is still open.
  static constexpr timestamp still_open = std::numeric_limits<timestamp>::max();

  /// Records that `strategy` opened a position on `symbol` at `at`, by the
  /// instance of rank `rank`. Replaces an entry with the same strategy and
  /// symbol, open or closed.
  void open(std::string_view strategy, std::string_view symbol,
            std::string_view exchange, timestamp at, std::uint32_t rank);

  /// Records that the position of `strategy` on `symbol` closed at `at`.
  /// Does nothing when there is no such entry or it is already closed.
  void close(std::string_view strategy, std::string_view symbol, timestamp at);

  /// The positions open at simulated time `t` as seen by the instance of
  /// rank `rank`: opened before `t`, or at `t` by a lower rank, and not
  /// closed at or before `t`. Live use: `t = still_open` lists every
  /// position still open.
  std::vector<risk_position> active_at(timestamp t, std::uint32_t rank) const;

  /// Drops the entries closed at or before `t`, once no instance can ask
  /// about a time before `t + 1` any more, so memory stays bounded.
  void forget_closed_before(timestamp t);

  /// Number of entries kept, open or closed.
  std::size_t size() const noexcept { return by_key_.size(); }

private:
  /// Position in the listing order: open time, rank, arrival number.
  using order = std::tuple<timestamp, std::uint32_t, std::uint64_t>;
  /// Strategy and symbol. A pair rather than the reference's joined string
  /// so that names containing ':' cannot collide.
  using key = std::pair<std::string, std::string>;

  struct entry {
    risk_position position;
    timestamp close_timestamp = still_open;
    std::uint32_t rank = 0;
    key k;
  };

  std::map<order, entry> entries_;
  std::map<key, order> by_key_;
  std::uint64_t arrivals_ = 0;
};

} // namespace btk
