#include "runtime/llm/llm_cache.hpp"

#include <openssl/evp.h>
#include <rocksdb/db.h>

#include "runtime/store/rocks.hpp"

namespace btk {

namespace {

// Answers live under this prefix; the format record is "v".
constexpr const char* answer_prefix = "a/";

} // namespace

cache_key::cache_key()
    : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}

cache_key::~cache_key() {
  EVP_MD_CTX_free(ctx_);
}

cache_key& cache_key::add(const void* data, std::size_t bytes) {
  const auto n = static_cast<std::uint64_t>(bytes);
  EVP_DigestUpdate(ctx_, &n, sizeof n);
  EVP_DigestUpdate(ctx_, data, bytes);
  return *this;
}

std::string cache_key::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_, md, &n);
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

expected<std::shared_ptr<llm_cache>> llm_cache::open(const std::string& dir) {
  auto st = open_state_db(dir, "LLM answer cache", "v", "btk-llm-cache 1",
                          "another btk process");
  if (!st)
    return st.err();
  if (st->stored_tag != "btk-llm-cache 1")
    return error{"LLM answer cache " + dir + ": holds '" + st->stored_tag +
                 "', not btk-llm-cache 1"};
  return std::shared_ptr<llm_cache>{new llm_cache(std::move(st->db), dir)};
}

llm_cache::llm_cache(std::unique_ptr<rocksdb::DB> db, std::string dir)
    : db_(std::move(db))
    , dir_(std::move(dir)) {}

llm_cache::~llm_cache() = default;

std::string llm_cache::key_of(const llm_client& c,
                              const std::vector<llm_message>& messages) {
  const auto& o = c.options();
  return cache_key{}
      .add(std::string{to_string(o.api)})
      .add(o.model)
      .add(c.request_body(messages))
      .hex();
}

expected<std::optional<std::string>>
llm_cache::get(const std::string& key) const {
  std::string value;
  const auto s = db_->Get(rocksdb::ReadOptions{}, answer_prefix + key, &value);
  if (s.IsNotFound())
    return std::optional<std::string>{};
  if (!s.ok())
    return error{"LLM answer cache " + dir_ +
                 ": reading failed: " + describe_rocks_status(s, dir_)};
  return std::optional<std::string>{std::move(value)};
}

expected<bool> llm_cache::put(const std::string& key,
                              const std::string& answer) {
  const auto s = db_->Put(rocksdb::WriteOptions{}, answer_prefix + key, answer);
  if (!s.ok())
    return error{"LLM answer cache " + dir_ +
                 ": writing failed: " + describe_rocks_status(s, dir_)};
  return true;
}

} // namespace btk
