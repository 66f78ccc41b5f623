#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.hpp"

namespace btk {

/// How a position size is computed (seed-era.md §13.2). The reference names
/// are `fixed-percentage`, `kelly-criterion` and `atr-based`.
enum class sizing_method : std::uint8_t {
  /// Risk a percentage of the balance between the entry and the stop-loss.
  fixed_percentage,
  /// A fraction of the Kelly bet from the win rate and the win/loss ratio.
  kelly_criterion,
  /// Risk a percentage of the balance over a multiple of the ATR.
  atr_based,
};

/// The reference name of `x`, e.g. `kelly-criterion`.
std::string_view to_string(sizing_method x) noexcept;

/// Reads a reference name (`fixed-percentage`, `kelly-criterion`,
/// `atr-based`); the error lists the accepted names.
expected<sizing_method> parse_sizing_method(std::string_view text);

/// What a caller fills in to describe a sizing schema (backtest-kit's
/// `ISizingSchema` without the name and callbacks). Turned into a checked
/// `sizing_params` by `sizing_params::make`.
struct sizing_options {
  /// The method the schema computes with. Default: fixed-percentage
  sizing_method method = sizing_method::fixed_percentage;
  /// Percent of the balance put at risk per position (fixed-percentage and
  /// atr-based; required there by the reference, which has no default).
  /// Must be finite and >= 0. Default: 1
  double risk_percentage = 1;
  /// Fraction of the Kelly bet actually taken (kelly-criterion; 0.25 is
  /// "quarter Kelly"). Must be finite and > 0. Default: 0.25
  double kelly_multiplier = 0.25;
  /// The stop distance in ATRs (atr-based). Must be finite and > 0.
  /// Default: 2
  double atr_multiplier = 2;
  /// Cap on the position value, in percent of the balance: the quantity is
  /// at most `balance * p / 100 / price_open`. Must be finite and >= 0.
  /// Default: none (no cap)
  std::optional<double> max_position_percentage;
  /// Floor on the quantity. Must be finite and >= 0, and <= the maximum
  /// when both are set. Default: none (no floor)
  std::optional<double> min_position_size;
  /// Cap on the quantity. Must be finite and >= 0. Default: none (no cap)
  std::optional<double> max_position_size;
};

/// A sizing schema whose options were checked once, so that computing a
/// size only has to check the per-call inputs. Immutable.
class sizing_params {
public:
  /// Checks `opts` and reports every problem at once, each naming the field
  /// and the value (e.g. "kelly_multiplier must be a finite number > 0 (got
  /// 0)").
  static expected<sizing_params> make(const sizing_options& opts);

  /// The checked options.
  const sizing_options& options() const noexcept { return opts_; }
  sizing_method method() const noexcept { return opts_.method; }

private:
  explicit sizing_params(const sizing_options& opts)
      : opts_(opts) {}

  sizing_options opts_;
};

/// The inputs of one size computation (backtest-kit's
/// `ISizingCalculateParams`). Which fields a method reads:
/// fixed-percentage: balance, price_open, price_stop_loss;
/// kelly-criterion: balance, price_open, win_rate, win_loss_ratio;
/// atr-based: balance, price_open, atr. The others are ignored.
struct sizing_input {
  /// Account balance in quote currency. Must be > 0.
  double balance = 0;
  /// Planned entry price. Must be > 0.
  double price_open = 0;
  /// Planned stop-loss (fixed-percentage). Must be > 0 and differ from the
  /// entry.
  double price_stop_loss = 0;
  /// Share of winning trades, strictly between 0 and 1 (kelly-criterion).
  double win_rate = 0;
  /// Average win over average loss, > 0 (kelly-criterion).
  double win_loss_ratio = 0;
  /// Average true range in price units, > 0 (atr-based).
  double atr = 0;
  /// The method the caller means; it must be the schema's (the reference
  /// checks this too). Default: fixed-percentage
  sizing_method method = sizing_method::fixed_percentage;
};

/// The quantity to buy or sell (seed-era.md §13.2), in IEEE double in the
/// reference's order of operations:
///   fixed-percentage: `balance * (risk / 100) / abs(price_open - stop)`
///   kelly-criterion:  `k = (W * R - (1 - W)) / R`,
///                     `balance * (max(0, k) * multiplier) / price_open`
///   atr-based:        `balance * (risk / 100) / (atr * multiplier)`
/// then, in this order, `min(q, balance * max% / 100 / price_open)`,
/// `max(q, min_position_size)`, `min(q, max_position_size)` for the options
/// that are set. Errors (naming the value): a method other than the
/// schema's, a zero stop distance, a win rate outside (0, 1), a win/loss
/// ratio or an ATR <= 0, a balance or price <= 0 or not finite.
expected<double> position_size(const sizing_params& params,
                               const sizing_input& in);

} // namespace btk
