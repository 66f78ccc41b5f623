#pragma once

// Candles travel to each node once, as Cap'n Proto candle batches keyed by
// their content hash; a node keeps what it has received in a cache that
// every sweep it runs shares.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/market/series.hpp"
#include "messages/cluster_convert.hpp"

namespace btk {

/// SHA-256 of a series' content: its symbol, first open time, size and
/// every price and volume, bit for bit (32 bytes). The key a node caches
/// it under, checked again when it arrives.
std::string series_hash(const series& s);

/// A series ready to send: its manifest, and the series to encode chunk by
/// chunk only for a node that lacks it.
struct series_shipment {
  series_manifest ref;
  std::shared_ptr<const series> data;
  /// Chunk `k`: candles `k * chunk_candles` onwards, as a `CandleBatch`.
  std::string chunk(std::uint32_t k) const;
};

/// The manifest of `s` (hash, size, chunks of `wire_limits::chunk_candles`).
series_shipment ship_series(std::shared_ptr<const series> s);

/// A series arriving chunk by chunk on a node: checks the order, the sizes
/// and at the end the hash, then builds the series.
class series_assembly {
public:
  explicit series_assembly(series_manifest ref);

  /// Adds chunk `index` (in order); an error names what is wrong (the
  /// assembly is then useless).
  expected<bool> add(std::uint32_t index, const std::string& bytes);
  /// True when every chunk has arrived.
  bool complete() const { return next_ == ref_.chunks; }
  /// Checks the hash and the count and builds the series.
  expected<std::shared_ptr<const series>> finish();

private:
  series_manifest ref_;
  std::uint32_t next_ = 0;
  std::vector<candle> candles_;
};

/// The series a node holds, by content hash, shared by its sessions.
class candle_cache {
public:
  std::shared_ptr<const series> find(const std::string& hash) const;
  void put(const std::string& hash, std::shared_ptr<const series> s);
  std::size_t size() const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, std::shared_ptr<const series>> by_hash_;
};

} // namespace btk
