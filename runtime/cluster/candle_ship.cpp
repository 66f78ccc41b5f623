#include "runtime/cluster/candle_ship.hpp"

#include <openssl/evp.h>

#include "messages/candles_convert.hpp"
#include "runtime/cluster/auth.hpp"
#include "runtime/cluster/wire.hpp"

namespace btk {

std::string series_hash(const series& s) {
  auto* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, s.symbol().data(), s.symbol().size() + 1);
  const auto& m = s.minutes();
  const std::int64_t head[2] = {m.first, static_cast<std::int64_t>(m.size())};
  EVP_DigestUpdate(ctx, head, sizeof head);
  for (const auto* column : {&m.open, &m.high, &m.low, &m.close, &m.volume})
    EVP_DigestUpdate(ctx, column->data(), column->size() * sizeof(double));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(md), len);
}

series_shipment ship_series(std::shared_ptr<const series> s) {
  series_shipment out;
  out.ref.symbol = s->symbol();
  out.ref.candles = s->size();
  out.ref.hash = series_hash(*s);
  out.ref.chunks =
      static_cast<std::uint32_t>((s->size() + wire_limits::chunk_candles - 1) /
                                 wire_limits::chunk_candles);
  out.data = std::move(s);
  return out;
}

std::string series_shipment::chunk(std::uint32_t k) const {
  const auto& m = data->minutes();
  const std::size_t from = std::size_t{k} * wire_limits::chunk_candles;
  const std::size_t n = std::min(wire_limits::chunk_candles,
                                 data->size() - std::min(from, data->size()));
  std::vector<candle> cs;
  cs.reserve(n);
  for (std::size_t i = from; i < from + n; ++i)
    cs.push_back(candle{m.open_time(i), m.open[i], m.high[i], m.low[i],
                        m.close[i], m.volume[i]});
  return encode_candle_batch(data->symbol(), interval::m1, cs);
}

series_assembly::series_assembly(series_manifest ref)
    : ref_(std::move(ref)) {}

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
  auto s = series::make(ref_.symbol, candles_);
  if (!s)
    return error{what + ": " + s.err().message};
  candles_ = {};
  if (series_hash(**s) != ref_.hash)
    return error{what + ": the content hash does not match"};
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
