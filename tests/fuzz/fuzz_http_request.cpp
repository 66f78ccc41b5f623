// What any client sends `btk serve`: raw bytes through Beast's request
// parser (the server's own limits) and the router, with a fixed token so
// that POST bodies reach the option checks (the server only checks them:
// dry run, nothing starts). Every answer is an HTTP response; none is a
// 5xx; every 4xx carries a JSON error.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/server/listener.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

btk::serve::core& server() {
  static btk::serve::core c = [] {
    btk::server_options o;
    o.dry_run = true;
    o.rate_per_second = 1e12;
    o.rate_burst = 1e12;
    o.max_body = 4096;
    o.max_header = 2048;
    o.dump_dir = "/nonexistent/btk-fuzz-dump";
    return btk::serve::core{o, "fuzz-token-0123456789"};
  }();
  return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes{reinterpret_cast<const char*>(data), size};
  const auto out = btk::serve::answer_bytes(server(), bytes);
  fuzz_check(out.rfind("HTTP/1.", 0) == 0);
  fuzz_check(out.size() > 12);
  const int status = std::stoi(out.substr(9, 3));
  fuzz_check(status >= 200 && status < 500);
  if (status >= 400) {
    const auto body = out.find("\r\n\r\n");
    fuzz_check(body != std::string::npos);
    const auto text = out.substr(body + 4);
    if (!text.empty()) { // HEAD answers carry no body
      auto j = nlohmann::json::parse(text, nullptr, false);
      fuzz_check(!j.is_discarded() && j.contains("error"));
    }
  }
  return 0;
}
