#include "runtime/data/synth.hpp"

#include <algorithm>
#include <cmath>

namespace btk {

namespace {

constexpr double minutes_per_year = 525'600.0;

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

/// xoshiro256** with Box-Muller (polar) normals; fully specified, so the
/// stream is the same everywhere (unlike the std:: distributions).
class rng {
public:
  explicit rng(std::uint64_t seed) noexcept {
    std::uint64_t sm = seed;
    for (auto& w : s_)
      w = splitmix64(sm);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
  }

  /// Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_pos() noexcept { return 1.0 - uniform(); }

  /// Standard normal.
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

private:
  std::uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

// Relative activity by UTC hour for a 24x7 crypto market: quiet in the Asian
// late night, busiest at the US open. Normalised to mean 1 below.
constexpr double hour_profile[24] = {
    1.15, 1.00, 0.90, 0.80, 0.70, 0.65, 0.70, 0.80, 0.95, 1.00, 0.95, 0.95,
    1.05, 1.25, 1.45, 1.40, 1.30, 1.15, 1.05, 1.00, 1.00, 0.95, 0.90, 0.95};

// Weekend volume relative to weekdays.
constexpr double weekend_volume = 0.7;

// GARCH(1,1) on the per-minute variance: persistence alpha + beta = 0.99
// (volatility shocks decay with a half-life of about 70 minutes).
constexpr double garch_alpha = 0.06;
constexpr double garch_beta = 0.93;

// Jumps: about one a day, a normal of 6 base sigmas.
constexpr double jump_prob = 1.0 / 1440.0;
constexpr double jump_sigmas = 6.0;

double pow10(int n) noexcept {
  double p = 1;
  for (int i = 0; i < n; ++i)
    p *= 10;
  return p;
}

} // namespace

std::vector<candle> generate_candles(const synth_options& o) {
  std::vector<candle> out;
  if (o.minutes <= 0)
    return out;
  out.reserve(static_cast<std::size_t>(o.minutes));

  const double price_scale = pow10(std::clamp(o.decimals, 0, 12));
  const double volume_scale = pow10(std::clamp(o.volume_decimals, 0, 12));
  const auto to_ticks = [&](double p) {
    return std::max(1.0, std::round(p * price_scale));
  };

  double season[24];
  double season_sum = 0;
  for (double h : hour_profile)
    season_sum += h;
  for (int h = 0; h < 24; ++h)
    season[h] = hour_profile[h] * 24.0 / season_sum;

  const double sigma_base =
      std::max(0.0, o.annual_vol) / std::sqrt(minutes_per_year);
  const double var_base = sigma_base * sigma_base;
  const double mu = o.annual_drift / minutes_per_year;
  // Split the target variance between diffusion and jumps so that the
  // long-run variance of the returns is var_base.
  const double jump_share = jump_prob * jump_sigmas * jump_sigmas;
  const double omega =
      var_base * ((1 - garch_alpha - garch_beta) * (1 - jump_share) -
                  garch_alpha * jump_share);
  const double h_min = var_base * 0.05;
  const double h_max = var_base * 50;
  // Mean |z| of a standard normal: scales |return| to mean activity 1.
  const double mean_abs_z = 0.7978845608028654;

  rng gen(o.seed);
  const timestamp start = floor_div(o.start, minute_ms) * minute_ms;
  double h = var_base * (1 - jump_share);
  double x = std::log(o.price > 0 ? o.price : 1.0); // unrounded log price
  double open_ticks = to_ticks(o.price > 0 ? o.price : 1.0);

  for (std::int64_t i = 0; i < o.minutes; ++i) {
    const timestamp t = start + i * minute_ms;
    const std::int64_t day = floor_div(t, day_ms);
    const int hour = static_cast<int>((t - day * day_ms) / 3'600'000);
    const int dow = static_cast<int>(((day + 4) % 7 + 7) % 7); // 0 = Sunday
    const double s = season[hour];

    const double var = h * s;
    const double sigma = std::sqrt(var);
    double shock = sigma * gen.normal();
    if (gen.uniform() < jump_prob)
      shock += sigma_base * jump_sigmas * gen.normal();
    const double x_prev = x;
    x += mu + shock;
    h = std::clamp(omega + garch_alpha * (shock * shock / s) + garch_beta * h,
                   h_min, h_max);

    // High and low: the extremes of a Brownian bridge from the open to the
    // close with this minute's variance (exact sampling of its max / min).
    const double d = x - x_prev;
    const double spread_hi =
        std::sqrt(d * d - 2 * var * std::log(gen.uniform_pos()));
    const double spread_lo =
        std::sqrt(d * d - 2 * var * std::log(gen.uniform_pos()));
    const double x_hi = (x_prev + x + spread_hi) / 2;
    const double x_lo = (x_prev + x - spread_lo) / 2;

    const double close_ticks = to_ticks(std::exp(x));
    const double high_ticks =
        std::max(to_ticks(std::exp(x_hi)), std::max(open_ticks, close_ticks));
    const double low_ticks =
        std::min(to_ticks(std::exp(x_lo)), std::min(open_ticks, close_ticks));

    // Volume: hour of day, weekend, and activity rising with |return|.
    const double activity =
        0.35 + 0.65 * std::fabs(shock) / (sigma_base * mean_abs_z + 1e-300);
    const double noise = std::exp(0.6 * gen.normal() - 0.18);
    double vol = std::max(0.0, o.volume) * s *
                 (dow == 0 || dow == 6 ? weekend_volume : 1.0) * activity *
                 noise;
    vol = std::round(vol * volume_scale) / volume_scale;

    out.push_back({t, open_ticks / price_scale, high_ticks / price_scale,
                   low_ticks / price_scale, close_ticks / price_scale, vol});
    open_ticks = close_ticks;
  }
  return out;
}

} // namespace btk
