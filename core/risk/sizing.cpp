#include "core/risk/sizing.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "core/stats/number_format.hpp"

namespace btk {

namespace {

std::string num(double x) {
  return js_number(x);
}

/// JavaScript's `Math.min` / `Math.max` of two numbers (NaN wins), so the
/// clamps behave as the reference's even on odd inputs.
double js_min(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nan("");
  return b < a ? b : a;
}

double js_max(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nan("");
  return b > a ? b : a;
}

} // namespace

std::string_view to_string(sizing_method x) noexcept {
  switch (x) {
  case sizing_method::fixed_percentage:
    return "fixed-percentage";
  case sizing_method::kelly_criterion:
    return "kelly-criterion";
  case sizing_method::atr_based:
    return "atr-based";
  }
  return "unknown";
}

expected<sizing_method> parse_sizing_method(std::string_view text) {
  for (auto m : {sizing_method::fixed_percentage,
                 sizing_method::kelly_criterion, sizing_method::atr_based})
    if (text == to_string(m))
      return m;
  return error{"unknown sizing method '" + std::string{text} +
               "' (known: fixed-percentage, kelly-criterion, atr-based)"};
}

expected<sizing_params> sizing_params::make(const sizing_options& opts) {
  std::vector<std::string> errs;
  auto finite_nonneg = [&](const char* name, double v) {
    if (!(std::isfinite(v) && v >= 0))
      errs.push_back(std::string{name} + " must be a finite number >= 0 (got " +
                     num(v) + ")");
  };
  auto finite_pos = [&](const char* name, double v) {
    if (!(std::isfinite(v) && v > 0))
      errs.push_back(std::string{name} + " must be a finite number > 0 (got " +
                     num(v) + ")");
  };
  switch (opts.method) {
  case sizing_method::fixed_percentage:
  case sizing_method::kelly_criterion:
  case sizing_method::atr_based:
    break;
  default:
    errs.push_back("method has an unknown value " +
                   std::to_string(static_cast<int>(opts.method)));
  }
  finite_nonneg("risk_percentage", opts.risk_percentage);
  finite_pos("kelly_multiplier", opts.kelly_multiplier);
  finite_pos("atr_multiplier", opts.atr_multiplier);
  if (opts.max_position_percentage)
    finite_nonneg("max_position_percentage", *opts.max_position_percentage);
  if (opts.min_position_size)
    finite_nonneg("min_position_size", *opts.min_position_size);
  if (opts.max_position_size)
    finite_nonneg("max_position_size", *opts.max_position_size);
  if (opts.min_position_size && opts.max_position_size &&
      *opts.min_position_size > *opts.max_position_size)
    errs.push_back("min_position_size (" + num(*opts.min_position_size) +
                   ") must be <= max_position_size (" +
                   num(*opts.max_position_size) + ")");
  if (!errs.empty()) {
    std::string msg = "invalid sizing schema:";
    for (const auto& e : errs)
      msg += "\n  - " + e;
    return error{std::move(msg)};
  }
  return sizing_params{opts};
}

expected<double> position_size(const sizing_params& params,
                               const sizing_input& in) {
  const sizing_options& o = params.options();
  if (in.method != o.method)
    return error{"sizing method " + std::string{to_string(in.method)} +
                 " was asked for, but the schema uses " +
                 std::string{to_string(o.method)}};
  if (!(std::isfinite(in.balance) && in.balance > 0))
    return error{"balance must be a finite number > 0 (got " + num(in.balance) +
                 ")"};
  if (!(std::isfinite(in.price_open) && in.price_open > 0))
    return error{"price_open must be a finite number > 0 (got " +
                 num(in.price_open) + ")"};
  double q = 0;
  switch (o.method) {
  case sizing_method::fixed_percentage: {
    if (!(std::isfinite(in.price_stop_loss) && in.price_stop_loss > 0))
      return error{"price_stop_loss must be a finite number > 0 (got " +
                   num(in.price_stop_loss) + ")"};
    const double risk_amount = in.balance * (o.risk_percentage / 100);
    const double stop_distance = std::fabs(in.price_open - in.price_stop_loss);
    if (stop_distance == 0)
      return error{"the stop-loss distance is zero (price_open and "
                   "price_stop_loss are both " +
                   num(in.price_open) + ")"};
    q = risk_amount / stop_distance;
    break;
  }
  case sizing_method::kelly_criterion: {
    if (!(in.win_rate > 0 && in.win_rate < 1))
      return error{"win_rate must be between 0 and 1, exclusive (got " +
                   num(in.win_rate) + ")"};
    if (!(std::isfinite(in.win_loss_ratio) && in.win_loss_ratio > 0))
      return error{"win_loss_ratio must be a finite number > 0 (got " +
                   num(in.win_loss_ratio) + ")"};
    const double w = in.win_rate;
    const double r = in.win_loss_ratio;
    const double kelly = (w * r - (1 - w)) / r;
    const double adjusted = js_max(0, kelly) * o.kelly_multiplier;
    q = in.balance * adjusted / in.price_open;
    break;
  }
  case sizing_method::atr_based: {
    if (!(std::isfinite(in.atr) && in.atr > 0))
      return error{"atr must be a finite number > 0 (got " + num(in.atr) + ")"};
    const double risk_amount = in.balance * (o.risk_percentage / 100);
    const double stop_distance = in.atr * o.atr_multiplier;
    q = risk_amount / stop_distance;
    break;
  }
  }
  if (o.max_position_percentage)
    q = js_min(q,
               in.balance * *o.max_position_percentage / 100 / in.price_open);
  if (o.min_position_size)
    q = js_max(q, *o.min_position_size);
  if (o.max_position_size)
    q = js_min(q, *o.max_position_size);
  return q;
}

} // namespace btk
