#pragma once

#include "core/engine/config.hpp"
#include "core/engine/signal.hpp"

namespace btk {

/// The constants of the PnL formula, derived once from a `config`.
struct pnl_params {
  /// `CC_PERCENT_SLIPPAGE / 100`.
  double slippage = 0.001;
  /// `CC_PERCENT_FEE` (percent, applied as `f * (1 + c'/o')`).
  double fee = 0.1;
  double leverage = 1;
  double cost = 100;

  static pnl_params from(const config& cfg) noexcept {
    return {cfg.percent_slippage / 100, cfg.percent_fee,
            cfg.signal_leverage_multiplier, cfg.position_entry_cost};
  }
};

/// Net PnL in percent of closing a position opened at `open` (the reported
/// entry) at `close`, after slippage and fees, times the leverage
/// (engine.md §6). The operations run in the reference's order.
inline double pnl_percent(side s, double open, double close,
                          const pnl_params& p) noexcept {
  double pnl;
  if (s == side::long_) {
    const double o = open * (1 + p.slippage);
    const double c = close * (1 - p.slippage);
    pnl = (c - o) / o * 100 - p.fee * (1 + c / o);
  } else {
    const double o = open * (1 - p.slippage);
    const double c = close * (1 + p.slippage);
    pnl = (o - c) / o * 100 - p.fee * (1 + c / o);
  }
  return pnl * p.leverage;
}

/// The full PnL record of a close.
inline pnl_result make_pnl(side s, double open, double close,
                           const pnl_params& p) noexcept {
  const double pct = pnl_percent(s, open, close, p);
  return {pct, pct / 100 * p.cost, p.cost, open, close};
}

/// The entry a position reports and prices its PnL with: the cost-weighted
/// mean of its single entry, `cost / (cost / e)` (engine.md §3.6).
inline double effective_entry(double e, double cost) noexcept {
  return cost / (cost / e);
}

} // namespace btk
