#pragma once

// A `btk serve` in the test's process: a candle store of synthetic
// DEMOUSDT minutes, a token file, a server on a free loopback port, and
// helpers to call it with btk's own client.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "runtime/api/engine.hpp"
#include "runtime/data/synth.hpp"
#include "runtime/server/client.hpp"
#include "runtime/server/server.hpp"
#include "runtime/store/candle_store.hpp"
#include "tests/runtime/btk_process.hpp"

namespace btk::test {

/// `days` of synthetic minutes of DEMOUSDT in a store at `dir`.
inline void make_store(const std::string& dir, int days = 20) {
  synth_options so;
  so.seed = 3;
  so.minutes = days * 1440;
  so.price = 42000;
  auto store = candle_store::open(dir, true);
  REQUIRE(store);
  REQUIRE(store->put("DEMOUSDT", generate_candles(so)));
}

struct served {
  scratch_dir dir{"serve"};
  std::unique_ptr<api_server> server;
  std::string address;

  explicit served(server_options o = {}) {
    make_store(dir / "store");
    o.listen = "127.0.0.1:0";
    o.token_file = dir / "token";
    o.store = dir / "store";
    o.state_dir = dir / "state";
    o.dump_dir = dir / "dump";
    server = std::make_unique<api_server>(o);
    address = server->url().substr(7);
  }

  client_response call(const std::string& method, const std::string& target,
                       const std::string& body = {}, bool auth = false) {
    auto r = http_call(address, method, target, body,
                       auth ? server->token() : std::string{});
    REQUIRE(r);
    return *r;
  }
  nlohmann::json get_json(const std::string& target, int status = 200) {
    auto r = call("GET", target);
    INFO(target << " answered " << r.status << ": " << r.body);
    REQUIRE(r.status == status);
    return nlohmann::json::parse(r.body);
  }
  /// Polls run `id` until it is no longer running; returns it.
  nlohmann::json wait_run(const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      auto j = get_json("/api/runs/" + id);
      if (j["status"] != "running" && j["status"] != "stopping")
        return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("run " << id << " did not end within 30 s");
    return {};
  }
};

} // namespace btk::test
