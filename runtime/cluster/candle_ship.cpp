#include "runtime/cluster/candle_ship.hpp"

#include <openssl/evp.h>

#include "messages/candles_convert.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/wire.hpp"

namespace btk {

namespace {

EVP_MD_CTX* new_digest() {
  auto* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  return ctx;
}

std::string end_digest(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

} // namespace

series_shipment ship_series(const series& s) {
  series_shipment out;
  out.ref.symbol = s.symbol();
  out.ref.candles = s.size();
  const auto& m = s.minutes();
  auto* ctx = new_digest();
  std::vector<candle> chunk;
  for (std::size_t i = 0; i < s.size(); i += wire_limits::chunk_candles) {
    const std::size_t n = std::min(wire_limits::chunk_candles, s.size() - i);
    chunk.clear();
    for (std::size_t k = i; k < i + n; ++k)
      chunk.push_back(candle{m.open_time(k), m.open[k], m.high[k], m.low[k],
                             m.close[k], m.volume[k]});
    out.chunks.push_back(encode_candle_batch(s.symbol(), interval::m1, chunk));
    EVP_DigestUpdate(ctx, out.chunks.back().data(), out.chunks.back().size());
  }
  out.ref.hash = end_digest(ctx);
  EVP_MD_CTX_free(ctx);
  out.ref.chunks = static_cast<std::uint32_t>(out.chunks.size());
  return out;
}

series_assembly::series_assembly(series_manifest ref)
    : ref_(std::move(ref))
    , digest_(new_digest()) {}

series_assembly::~series_assembly() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(digest_));
}

expected<bool> series_assembly::add(std::uint32_t index,
                                    const std::string& bytes) {
  const std::string what = ref_.symbol + " candles " + short_hex(ref_.hash);
  if (index != next_)
    return error{what + ": chunk " + std::to_string(index) + " arrived, " +
                 std::to_string(next_) + " expected"};
  if (next_ >= ref_.chunks)
    return error{what + ": more than the " + std::to_string(ref_.chunks) +
                 " chunks announced"};
  if (bytes.size() > wire_limits::max_chunk_bytes)
    return error{what + ": chunk " + std::to_string(index) + " has " +
                 std::to_string(bytes.size()) + " bytes, more than " +
                 std::to_string(wire_limits::max_chunk_bytes)};
  auto h = append_candle_batch(bytes, candles_);
  if (!h)
    return error{what + ": chunk " + std::to_string(index) + ": " +
                 h.err().message};
  if (h->symbol != ref_.symbol || h->iv != interval::m1)
    return error{what + ": chunk " + std::to_string(index) + " holds " +
                 h->symbol + " " + std::string{to_string(h->iv)} + " candles"};
  if (candles_.size() > ref_.candles)
    return error{what + ": more than the " + std::to_string(ref_.candles) +
                 " candles announced"};
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(digest_), bytes.data(),
                   bytes.size());
  ++next_;
  return true;
}

expected<std::shared_ptr<const series>> series_assembly::finish() {
  const std::string what = ref_.symbol + " candles " + short_hex(ref_.hash);
  if (!complete())
    return error{what + ": " + std::to_string(next_) + " of " +
                 std::to_string(ref_.chunks) + " chunks arrived"};
  if (candles_.size() != ref_.candles)
    return error{what + ": " + std::to_string(candles_.size()) +
                 " candles arrived, " + std::to_string(ref_.candles) +
                 " announced"};
  if (end_digest(static_cast<EVP_MD_CTX*>(digest_)) != ref_.hash)
    return error{what + ": the content hash does not match"};
  auto s = series::make(ref_.symbol, candles_);
  if (!s)
    return error{what + ": " + s.err().message};
  candles_ = {};
  return *s;
}

std::shared_ptr<const series>
candle_cache::find(const std::string& hash) const {
  std::lock_guard<std::mutex> lock{mtx_};
  auto i = by_hash_.find(hash);
  return i == by_hash_.end() ? nullptr : i->second;
}

void candle_cache::put(const std::string& hash,
                       std::shared_ptr<const series> s) {
  std::lock_guard<std::mutex> lock{mtx_};
  by_hash_.emplace(hash, std::move(s));
}

std::size_t candle_cache::size() const {
  std::lock_guard<std::mutex> lock{mtx_};
  return by_hash_.size();
}

} // namespace btk
