#pragma once

// Inflating a whole gzip file at once with libdeflate, several times faster
// than zlib's streaming inflate. Internal to the data library; the
// streaming path stays for pipes and for anything this declines.

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

namespace btk::detail {

/// Text inflated from gzip data.
struct inflated_text {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::string_view view() const noexcept { return {data.get(), size}; }
};

/// Most bytes the inflated text may have per byte of gzip data for
/// `inflate_whole_gzip` to trust the size its trailer claims (candle text
/// compresses 3 to 8 times); above it the data streams through zlib, whose
/// memory does not depend on that size.
inline constexpr std::size_t max_gzip_ratio = 32;

/// The text of `gz` when it is one valid gzip member, with nothing after
/// it, whose trailer's size is right and at most `max_gzip_ratio` times
/// `gz.size()`; nullopt otherwise (several members, trailing bytes, corrupt
/// or truncated data, a forged size, no memory), and the caller streams the
/// data through zlib, which gives the messages for bad data.
std::optional<inflated_text> inflate_whole_gzip(std::string_view gz);

} // namespace btk::detail
