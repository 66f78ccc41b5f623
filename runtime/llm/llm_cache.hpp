#pragma once

// The answers of LLMs kept on disk under a hash of what was asked, so that a
// rerun of an `llm` strategy or an optimization is exact, offline and fast.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "runtime/llm/llm_client.hpp"

namespace rocksdb {
class DB;
}

struct evp_md_ctx_st;

namespace btk {

/// A key of the answer cache built from the pieces that determine a
/// question (SHA-256, hex): cheaper than writing the question out when most
/// answers are cached (`llm_strategy` hashes a tick's candles, not its
/// text). Each piece is added with its length, so pieces cannot run into
/// each other.
class cache_key {
public:
  cache_key();
  ~cache_key();
  cache_key(const cache_key&) = delete;
  cache_key& operator=(const cache_key&) = delete;
  cache_key& add(const void* data, std::size_t bytes);
  cache_key& add(const std::string& text) {
    return add(text.data(), text.size());
  }
  /// The key; the builder is spent.
  std::string hex();

private:
  evp_md_ctx_st* ctx_;
};

/// A RocksDB database of answers, keyed by `llm_cache::key_of`. Thread-safe;
/// one process at a time may hold a folder (RocksDB's lock).
class llm_cache {
public:
  /// Opens the cache in `dir`, creating it when missing; refuses a folder
  /// holding anything else, and names a process that holds it.
  static expected<std::shared_ptr<llm_cache>> open(const std::string& dir);

  ~llm_cache();
  llm_cache(const llm_cache&) = delete;
  llm_cache& operator=(const llm_cache&) = delete;

  /// The key of a chat: SHA-256 (hex) of the API, the server's model and the
  /// request body `c` would post (messages and schema). The URL is left
  /// out: the same model answers the same wherever it is served.
  static std::string key_of(const llm_client& c,
                            const std::vector<llm_message>& messages);

  /// The answer stored under `key`, or nullopt; an error when RocksDB fails.
  expected<std::optional<std::string>> get(const std::string& key) const;

  /// Stores `answer` under `key` (written ahead, not synced: a crash loses
  /// at most the last answers, which a rerun asks again).
  expected<bool> put(const std::string& key, const std::string& answer);

  const std::string& dir() const noexcept { return dir_; }

private:
  llm_cache(std::unique_ptr<rocksdb::DB> db, std::string dir);
  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
};

} // namespace btk
