#include "runtime/results/results.hpp"

#include <charconv>

namespace btk {

std::vector<std::string> batch_report::symbols() const {
  std::vector<std::string> out;
  for (const auto& d : data)
    out.push_back(d.symbol);
  return out;
}

std::string file_name_problem(std::string_view what, std::string_view name) {
  // Echo at most 64 bytes of it: the name may be anything.
  std::string shown;
  for (const char c : name.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    shown += u < 0x20 || u == 0x7f ? '?' : c;
  }
  if (name.size() > 64)
    shown += "...";
  const std::string head = std::string{what} + " '" + shown + "'";
  if (name.empty())
    return std::string{what} + " is empty";
  if (name.size() > 128)
    return head + " is " + std::to_string(name.size()) +
           " bytes long; at most 128 (it becomes part of file names)";
  if (name == "." || name == "..")
    return head + " cannot name a file";
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\')
      return head + " holds '" + std::string(1, c) +
             "', which would put its files in another folder";
    if (u < 0x20 || u == 0x7f)
      return head + " holds a control character (byte " + std::to_string(u) +
             "), which cannot go into a file name";
  }
  return {};
}

expected<walk_forward_spec> parse_walk_forward(std::string_view text) {
  walk_forward_spec w;
  const std::string all{text};
  auto fail = [&](const std::string& why) {
    return error{"--walk-forward '" + all + "': " + why +
                 " (expected train=30d,test=7d[,step=7d]; units m h d w)"};
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    if (comma == std::string_view::npos)
      comma = text.size();
    const auto item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty())
      return fail("empty item");
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return fail("'" + std::string{item} + "' has no '='");
    const auto key = item.substr(0, eq);
    auto value = item.substr(eq + 1);
    if (value.size() < 2)
      return fail("'" + std::string{item} + "': give a number and a unit");
    timestamp unit = 0;
    switch (value.back()) {
    case 'm':
      unit = minute_ms;
      break;
    case 'h':
      unit = 60 * minute_ms;
      break;
    case 'd':
      unit = day_ms;
      break;
    case 'w':
      unit = 7 * day_ms;
      break;
    default:
      return fail("'" + std::string{item} + "': unknown unit");
    }
    std::int64_t n = 0;
    const auto num = value.substr(0, value.size() - 1);
    const auto r = std::from_chars(num.data(), num.data() + num.size(), n);
    if (r.ec != std::errc{} || r.ptr != num.data() + num.size() || n <= 0)
      return fail("'" + std::string{item} + "': not a positive whole number");
    if (n > max_walk_forward_span / unit)
      return fail("'" + std::string{item} + "': longer than 100 years");
    if (key == "train")
      w.train = n * unit;
    else if (key == "test")
      w.test = n * unit;
    else if (key == "step")
      w.step = n * unit;
    else
      return fail("unknown key '" + std::string{key} + "'");
    if (comma == text.size())
      break;
  }
  if (w.train == 0 || w.test == 0)
    return fail("train and test are required");
  if (w.step == 0)
    w.step = w.test;
  if (w.step < w.test)
    return fail("step is shorter than test: test spans would overlap and "
                "the out-of-sample result would count their trades more than "
                "once");
  return w;
}

} // namespace btk
