#pragma once

// Byte-string helpers shared by the Cap'n Proto conversions of messages/
// (an implementation detail: only messages/*.cpp include it).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>

#include "core/error.hpp"

namespace btk {

// Serializes `mb` into a byte string (segment table + segments).
inline std::string to_bytes(capnp::MessageBuilder& mb) {
  const std::size_t words = capnp::computeSerializedSizeInWords(mb);
  std::string out(words * sizeof(capnp::word), '\0');
  kj::ArrayOutputStream os(
      kj::arrayPtr(reinterpret_cast<kj::byte*>(out.data()), out.size()));
  capnp::writeMessage(os, mb);
  return out;
}

inline void set_text(capnp::Text::Builder dst, std::string_view src) {
  if (!src.empty())
    std::memcpy(dst.begin(), src.data(), src.size());
}

// Runs `f(reader)` over `bytes` read as one flat message. Copies the bytes
// when they are not word-aligned (RocksDB values usually are not). Turns
// Cap'n Proto's exceptions (malformed input) into an error: this is the
// edge where a third-party library's exceptions stop.
template <class F>
auto with_reader(std::string_view bytes, F&& f)
    -> decltype(f(std::declval<capnp::FlatArrayMessageReader&>())) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0)
    return error{"not a Cap'n Proto message: " + std::to_string(bytes.size()) +
                 " bytes, expected a non-zero multiple of 8"};
  const std::size_t nwords = bytes.size() / sizeof(capnp::word);
  kj::Array<capnp::word> copy;
  const capnp::word* words = nullptr;
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(capnp::word) ==
      0) {
    words = reinterpret_cast<const capnp::word*>(bytes.data());
  } else {
    copy = kj::heapArray<capnp::word>(nwords);
    std::memcpy(copy.begin(), bytes.data(), bytes.size());
    words = copy.begin();
  }
  try {
    capnp::ReaderOptions ro;
    // Each list is read once; allow some re-reads, never more than the
    // message could legitimately reference (guards against amplification).
    ro.traversalLimitInWords = 4 * nwords + 1024;
    capnp::FlatArrayMessageReader rd(kj::arrayPtr(words, nwords), ro);
    if (rd.getEnd() != words + nwords)
      return error{
          "not one Cap'n Proto message: " +
          std::to_string((words + nwords - rd.getEnd()) * sizeof(capnp::word)) +
          " trailing bytes"};
    return f(rd);
  } catch (const kj::Exception& e) {
    return error{std::string("malformed Cap'n Proto message: ") +
                 e.getDescription().cStr()};
  }
}

} // namespace btk
