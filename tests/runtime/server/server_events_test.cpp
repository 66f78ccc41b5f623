// The event stream and live runs of `btk serve`: WebSocket topics and
// filters, a slow client dropped without slowing a run, a live run started
// and stopped over HTTP.

#include <sys/socket.h>

#include <set>

#include "runtime/server/hub.hpp"
#include "tests/runtime/server/server_fixture.hpp"

using namespace btk;
using namespace btk::test;
using nlohmann::json;

namespace {

const std::string sma = "sma-cross:fast=10,slow=30,interval=15m";
const std::string rsi = "rsi-reversion:period=14,interval=15m";

json live_body(const std::string& until) {
  return json{{"symbols", "DEMOUSDT"},
              {"strategies", {sma, rsi}},
              {"clock", "virtual"},
              {"from", "2024-01-03T00:00:00Z"},
              {"until", until}};
}

// Reads events until `done` for `run` arrives; returns them.
std::vector<json> read_until_done(ws_client& ws, const std::string& run) {
  std::vector<json> out;
  for (int i = 0; i < 100000; ++i) {
    auto m = ws.read(std::chrono::seconds(30));
    REQUIRE(m);
    out.push_back(json::parse(*m));
    if (out.back()["topic"] == "done" && out.back()["run"] == run)
      return out;
  }
  FAIL("no done event");
  return out;
}

} // namespace

TEST_CASE("hub: a filter matches topics, runs and instances", "[server]") {
  event_filter f;
  CHECK(f.matches("signals", "live-1", "BTCUSDT:sma#1"));
  f.topics = {"signals", "done"};
  CHECK(f.matches("done", "x", ""));
  CHECK(!f.matches("progress", "x", ""));
  f.run = "live-1";
  CHECK(!f.matches("done", "live-2", ""));
  f.instance = "BTCUSDT";
  CHECK(f.matches("signals", "live-1", "BTCUSDT:sma#1"));
  CHECK(!f.matches("signals", "live-1", "BTCUSDT2:sma#1"));
  CHECK(!f.matches("signals", "live-1", "ETHUSDT:sma#1"));
  CHECK(f.matches("done", "live-1", ""));
  f.instance = "BTCUSDT:sma#1";
  CHECK(f.matches("signals", "live-1", "BTCUSDT:sma#1"));
  CHECK(!f.matches("signals", "live-1", "BTCUSDT:sma#10"));
}

TEST_CASE("hub: a subscriber that refuses is removed and counted, the "
          "others still get every event",
          "[server]") {
  hub h;
  std::vector<std::string> got;
  std::mutex m;
  h.subscribe({}, [&](std::shared_ptr<const std::string> t) {
    std::lock_guard<std::mutex> g{m};
    got.push_back(*t);
    return true;
  });
  int refusals = 0;
  h.subscribe({{"done"}, "", ""}, [&](std::shared_ptr<const std::string>) {
    ++refusals;
    return false;
  });
  for (int i = 0; i < 100; ++i)
    h.publish(i % 2 ? "done" : "signals", "r", "S:x",
              nlohmann::ordered_json{{"i", i}});
  h.flush();
  CHECK(got.size() == 100);
  CHECK(refusals == 1);
  const auto st = h.stats();
  CHECK(st.refused == 1);
  CHECK(st.subscribers == 1);
  CHECK(json::parse(got[7])["data"]["i"] == 7);
  CHECK(json::parse(got[7])["topic"] == "done");
}

TEST_CASE("serve: a live run started over HTTP streams its events to "
          "subscribers, filtered by topic and instance",
          "[server]") {
  served s;
  auto all = ws_client::connect(s.address, "/api/events");
  REQUIRE(all);
  auto only = ws_client::connect(
      s.address,
      "/api/events?topics=signals,done&instance=DEMOUSDT:sma-cross%231");
  REQUIRE(only);
  for (auto* w : {&*all, &*only}) {
    auto hello = w->read(std::chrono::seconds(5));
    REQUIRE(hello);
    CHECK(json::parse(*hello)["topic"] == "hello");
  }
  auto r = s.call("POST", "/api/live", live_body("2024-01-10T00:00:00Z").dump(),
                  true);
  INFO(r.body);
  REQUIRE(r.status == 202);
  const std::string id = json::parse(r.body)["id"];
  auto every = read_until_done(*all, id);
  auto some = read_until_done(*only, id);

  std::set<std::string> topics;
  std::size_t signals = 0, sma_signals = 0;
  for (const auto& e : every) {
    topics.insert(e["topic"].get<std::string>());
    if (e["topic"] == "signals") {
      ++signals;
      if (e["instance"] == "DEMOUSDT:sma-cross#1")
        ++sma_signals;
    }
  }
  CHECK(topics.count("signals") == 1);
  CHECK(topics.count("progress") == 1);
  CHECK(topics.count("done") == 1);
  CHECK(sma_signals > 0);
  CHECK(signals > sma_signals);
  // The filtered stream has exactly the sma instance's signals, in order.
  std::vector<json> filtered;
  for (const auto& e : every)
    if (e["topic"] == "signals" && e["instance"] == "DEMOUSDT:sma-cross#1")
      filtered.push_back(e);
  std::vector<json> seen;
  for (const auto& e : some) {
    CHECK((e["topic"] == "signals" || e["topic"] == "done"));
    if (e["topic"] == "signals")
      seen.push_back(e);
  }
  CHECK(seen == filtered);
  CHECK(seen.front()["data"].contains("action"));

  // After the end its statistics and report are still served.
  auto run = s.wait_run(id);
  CHECK(run["status"] == "done");
  REQUIRE(run["instances"].size() == 2);
  const std::string q = "?symbol=DEMOUSDT&strategy=sma-cross%231";
  auto data = s.get_json("/api/runs/" + id + "/data" + q);
  CHECK(data["totalEvents"].get<int>() > 0);
  auto report = s.call("GET", "/api/runs/" + id + "/report" + q);
  CHECK(report.status == 200);
  CHECK(has(report.body, "sma-cross#1"));
  auto trades = s.get_json("/api/runs/" + id + "/trades" + q);
  CHECK(trades.size() == static_cast<std::size_t>(data["totalClosed"]));
}

TEST_CASE("serve: a live run stops over HTTP as Live.stop does", "[server]") {
  served s;
  auto r = s.call("POST", "/api/live",
                  json{{"symbols", "DEMOUSDT"},
                       {"strategies", {sma}},
                       {"clock", "x60"},
                       {"from", "2024-01-05T00:00:00Z"}}
                      .dump(),
                  true);
  INFO(r.body);
  REQUIRE(r.status == 202);
  const std::string id = json::parse(r.body)["id"];
  // A minute a second from inside the replay: it runs until stopped.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(s.get_json("/api/runs/" + id)["status"] == "running");
  auto denied = s.call("POST", "/api/runs/" + id + "/stop");
  CHECK(denied.status == 401);
  auto stop = s.call("POST", "/api/runs/" + id + "/stop", "", true);
  CHECK(stop.status == 202);
  auto run = s.wait_run(id);
  CHECK(run["status"] == "stopped");
}

TEST_CASE("serve: a backtest stopped over HTTP ends with at most the trades "
          "of a whole run",
          "[server]") {
  served s;
  const std::string spec = "sma-cross:fast=2,slow=3,interval=1m";
  auto r = s.call("POST", "/api/backtests",
                  json{{"symbols", "DEMOUSDT"}, {"strategies", {spec}}}.dump(),
                  true);
  REQUIRE(r.status == 202);
  const std::string id = json::parse(r.body)["id"];
  auto stop = s.call("POST", "/api/runs/" + id + "/stop", "", true);
  CHECK(stop.status == 202);
  auto run = s.wait_run(id);
  // The engine may finish before the stop lands: then the run is whole.
  REQUIRE((run["status"] == "stopped" || run["status"] == "done"));
  REQUIRE(run["instances"].size() == 1);
  const auto closed = run["instances"][0]["closed"].get<std::uint64_t>();
  backtest_options whole;
  whole.source.store = s.dir / "store";
  whole.source.symbols = {"DEMOUSDT"};
  whole.strategies = {spec};
  const auto all = run_backtests(whole).runs[0].outcome.counters.closed;
  REQUIRE(all > 100);
  if (run["status"] == "done")
    CHECK(closed == all);
  else
    CHECK(closed <= all);
}

TEST_CASE("serve: a client too slow to read is dropped and the run goes on",
          "[server]") {
  server_options o;
  o.ws_queue = 8;
  served s{o};
  // A client that never reads: its socket fills, its queue overflows.
  auto slow =
      ws_client::connect(s.address, "/api/events?topics=signals,progress,done",
                         std::chrono::seconds(5));
  REQUIRE(slow);
  auto fast = ws_client::connect(s.address, "/api/events?topics=done");
  REQUIRE(fast);
  REQUIRE(fast->read(std::chrono::seconds(5))); // hello
  auto body = live_body("2024-01-20T00:00:00Z");
  body["all_ticks"] = true; // an event every minute for each instance
  auto r = s.call("POST", "/api/live", body.dump(), true);
  REQUIRE(r.status == 202);
  const std::string id = json::parse(r.body)["id"];
  auto done = fast->read(std::chrono::seconds(60));
  REQUIRE(done);
  CHECK(json::parse(*done)["run"] == id);
  auto run = s.wait_run(id);
  CHECK(run["status"] == "done");
  CHECK(run["live"]["minutes"].get<int>() > 20000);
  auto metrics = s.call("GET", "/metrics").body;
  CHECK(has(metrics, "btk_ws_dropped_total 1\n"));
  // The slow client's stream was cut before the end.
  std::size_t read = 0;
  bool cut = false;
  for (;;) {
    auto m = slow->read(std::chrono::seconds(5));
    if (!m) {
      cut = has(m.err().message, "closed");
      break;
    }
    ++read;
  }
  CHECK(cut);
  CHECK(read < 40000);
}

TEST_CASE("serve: an unknown topic or filter is refused before the upgrade",
          "[server]") {
  served s;
  auto bad = ws_client::connect(s.address, "/api/events?topics=signals,gossip");
  REQUIRE(!bad);
  CHECK(has(bad.err().message, "gossip"));
  auto odd = ws_client::connect(s.address, "/api/events?colour=red");
  REQUIRE(!odd);
  CHECK(has(odd.err().message, "colour"));
}

TEST_CASE("serve: a WebSocket from a page of another origin is refused",
          "[server]") {
  served s;
  auto raw = http_raw(s.address,
                      "GET /api/events HTTP/1.1\r\nHost: " + s.address +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                          "dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: "
                          "http://evil.example\r\n\r\n");
  REQUIRE(raw);
  CHECK(raw->rfind("HTTP/1.1 403", 0) == 0);
  CHECK(has(*raw, "evil.example"));
  auto same = http_raw(s.address,
                       "GET /api/events HTTP/1.1\r\nHost: " + s.address +
                           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                           "dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://" +
                           s.address + "\r\n\r\n",
                       std::chrono::milliseconds(500));
  REQUIRE(same);
  CHECK(same->rfind("HTTP/1.1 101", 0) == 0);
}

TEST_CASE("serve: a restarted server never reuses an earlier run's folders",
          "[server]") {
  scratch_dir d{"serve_ids"};
  make_store(d / "store", 5);
  server_options o;
  o.listen = "127.0.0.1:0";
  o.token_file = d / "token";
  o.store = d / "store";
  o.dump_dir = d / "dump";
  std::filesystem::create_directories(d / "dump/backtest-7");
  api_server s{o};
  auto r = http_call(s.url().substr(7), "POST", "/api/backtests",
                     R"({"symbols":"DEMOUSDT","strategies":"sma-cross"})",
                     s.token());
  REQUIRE(r);
  CHECK(json::parse(r->body)["id"] == "backtest-8");
}
