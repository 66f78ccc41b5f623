#include "runtime/api/llm_tools.hpp"

#include <chrono>
#include <thread>
#include <tuple>

#include "runtime/api/engine.hpp"
#include "runtime/api/listen_address.hpp"
#include "runtime/llm/fake_llm_server.hpp"

namespace btk {

std::uint64_t run_fake_llm(const fake_llm_run_options& opts,
                           const std::atomic<bool>& stop) {
  if (opts.delay_ms < 0 || opts.delay_ms > 3'600'000)
    throw api_error("--delay-ms " + std::to_string(opts.delay_ms) +
                    ": 0 .. 3600000 (an hour)");
  fake_llm_options fo;
  std::tie(fo.host, fo.port) = detail::parse_listen(opts.listen);
  fo.token = opts.token;
  fo.delay = std::chrono::milliseconds{opts.delay_ms};
  auto srv = fake_llm_server::start(fo);
  if (!srv)
    throw api_error(srv.err().message);
  if (opts.on_listening)
    opts.on_listening((*srv)->url());
  while (!stop.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return (*srv)->requests();
}

} // namespace btk
