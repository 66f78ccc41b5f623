#pragma once

#include <string>
#include <string_view>

namespace btk {

/// Formats `x` with `digits` decimals exactly like JavaScript's
/// `Number.prototype.toFixed`: the exact binary value is rounded half away
/// from zero (printf rounds exact ties to even), a strictly negative value
/// keeps its `-` even when it rounds to zero (`-0.001` → `"-0.00"`), and
/// `-0` prints as `"0.00"`. Reports must match the reference digit for digit,
/// hence this instead of `printf("%.*f")`. Values with `|x| >= 1e21`, NaN and
/// infinities fall back to `js_number`, as in JavaScript. `digits` is
/// clamped to JavaScript's accepted range 0..100.
std::string to_fixed(double x, int digits);

/// Converts `x` to text like JavaScript's `Number → String` (what a template
/// literal `${x}` prints): the shortest digits that round-trip, fixed
/// notation for `1e-6 <= |x| < 1e21` (`"112"`, `"47.333333333333336"`,
/// `"0.000001"`), exponent form otherwise (`"1e-7"`, `"1.5e+21"`); `-0` is
/// `"0"`, NaN is `"NaN"`, infinities are `"Infinity"` / `"-Infinity"`.
std::string js_number(double x);

/// Number of decimals the reports use for a price or amount `v`
/// (backtest-kit's `getPriceScale`, statistics.md §2.4): 2 for `|v| >= 1` or
/// `v == 0`, 4 for `[0.1, 1)`, 6 for `[0.01, 0.1)`, 8 below; from
/// `min(8, max(2, 2 - 2 * floor(log10(|v|))))`. NaN gives 0 (JavaScript's
/// `toFixed(NaN)`).
int price_scale(double v);

/// Reads a decimal number the way JavaScript's `Number()` reads the usual
/// forms (optional sign, digits, fraction, exponent; surrounding blanks
/// ignored). Strategy parameters and configuration values are read with it
/// so that `tp=1` means exactly what it means to the reference. Returns
/// false for empty text, trailing garbage and non-finite results.
bool parse_js_number(std::string_view text, double& out);

} // namespace btk
