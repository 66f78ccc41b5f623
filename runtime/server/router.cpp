#include "runtime/server/router.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/api/engine.hpp"
#include "runtime/api/version.hpp"
#include "runtime/server/views.hpp"

namespace btk::serve {

namespace {

using ojson = nlohmann::ordered_json;

answer json_answer(int status, const ojson& body) {
  answer a;
  a.status = status;
  a.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return a;
}

answer text_answer(std::string type, std::string body) {
  answer a;
  a.content_type = std::move(type);
  a.body = std::move(body);
  return a;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Percent-decoding (`+` as a space in queries); nothing on a bad escape or
// a NUL.
std::optional<std::string> decode(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size())
        return std::nullopt;
      const int hi = hex_digit(s[i + 1]);
      const int lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (plus && c == '+') {
      c = ' ';
    }
    if (c == '\0')
      return std::nullopt;
    out.push_back(c);
  }
  return out;
}

// Constant-time comparison, so the token cannot be guessed byte by byte
// from answer times.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned>(i < a.size() ? a[i] : 0) ^
            static_cast<unsigned>(i < b.size() ? b[i] : 0);
  return diff == 0;
}

bool authorized(const core& c, const request& req) {
  constexpr std::string_view scheme = "Bearer ";
  if (req.authorization.size() <= scheme.size() ||
      req.authorization.compare(0, scheme.size(), scheme) != 0)
    return false;
  return same_secret(std::string_view{req.authorization}.substr(scheme.size()),
                     c.token);
}

// `/api/runs/ID/REST` split into ID and REST.
std::pair<std::string, std::string> run_part(const std::string& path) {
  const std::string_view head = "/api/runs/";
  const auto rest = path.substr(head.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos)
    return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

answer health(core& c) {
  const auto up = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - c.started)
                      .count();
  return json_answer(
      200,
      ojson{{"status", "ok"}, {"version", version()}, {"uptimeSeconds", up}});
}

answer start_run(core& c, const request& req, run_kind kind) {
  if (!authorized(c, req))
    return json_error(401,
                      "this route changes state: send 'Authorization: Bearer "
                      "TOKEN' (the token file of btk serve)");
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::exception& e) {
    return json_error(400, std::string{"the body is not JSON: "} + e.what());
  }
  if (!body.is_object())
    return json_error(400, "the body must be a JSON object of options");
  if (!c.o.dry_run && c.running() >= c.o.max_runs)
    return json_error(503, "already " + std::to_string(c.o.max_runs) +
                               " runs started through the API are running "
                               "(max_runs); stop one or wait");
  auto id = c.start(kind, body);
  if (!id)
    return json_error(400, id.err().message);
  auto a = json_answer(202, ojson{{"id", *id}, {"url", "/api/runs/" + *id}});
  a.headers.emplace_back("Location", "/api/runs/" + *id);
  return a;
}

answer stop_run(core& c, const request& req, server_run& r) {
  if (!authorized(c, req))
    return json_error(401,
                      "this route changes state: send 'Authorization: Bearer "
                      "TOKEN' (the token file of btk serve)");
  if (r.kind == run_kind::walker || r.kind == run_kind::sweep)
    return json_error(409, "run " + r.id + " is a " +
                               std::string{to_string(r.kind)} +
                               ": it cannot be stopped part way (backtests and "
                               "live runs can)");
  const bool now = query_of(req.target)["now"] == "1";
  {
    std::lock_guard<std::mutex> g{r.mtx};
    if (r.status == "running")
      r.status = "stopping";
  }
  r.graceful = true;
  if (now)
    r.hard = true;
  return json_answer(202, ojson{{"id", r.id}, {"stopping", true}});
}

answer run_route(core& c, const request& req, const std::string& path) {
  const auto [id, rest] = run_part(path);
  auto r = c.events.find(id);
  if (!r)
    return json_error(404, "no run '" + id + "' (GET /api/runs lists them)");
  const bool get = req.method == "GET";
  if (rest.empty() && get)
    return json_answer(200, run_json(*r, true));
  if (rest == "stop" && req.method == "POST")
    return stop_run(c, req, *r);
  auto q = query_of(req.target);
  if (rest == "data" && get)
    return view_data(*r, q);
  if (rest == "report" && get)
    return view_report(*r, q);
  if (rest == "trades" && get)
    return view_trades(*r, q);
  if (rest == "results" && get)
    return view_results(*r);
  if (rest.rfind("files/", 0) == 0 && get)
    return view_file(*r, rest.substr(6), &c.o.token_file);
  if (rest == "stop" || rest == "data" || rest == "report" || rest == "trades")
    return json_error(405,
                      "method " + req.method + " is not allowed on " + path);
  return json_error(404, "no route " + path);
}

answer dispatch(core& c, const request& req) {
  const auto path = path_of(req.target);
  if (!path)
    return json_error(400,
                      "the target is not a clean path (a bad %-escape or a "
                      "NUL)");
  const auto& p = *path;
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (p == "/" && get)
    return text_answer("text/html; charset=utf-8",
                       std::string{dashboard_page()});
  if (p == "/api/health" && get)
    return health(c);
  if (p == "/metrics" && get)
    return text_answer("text/plain; version=0.0.4", metrics_text(c));
  if ((p == "/api/runs" || p == "/api/instances") && get) {
    if (p == "/api/runs") {
      ojson out = ojson::array();
      for (const auto& r : c.events.runs())
        out.push_back(run_json(*r, false));
      return json_answer(200, out);
    }
    return json_answer(200, instances_json(c));
  }
  if (p == "/api/candles" && get)
    return view_candles(c, query_of(req.target));
  if (p == "/api/backtests" && req.method == "POST")
    return start_run(c, req, run_kind::backtest);
  if (p == "/api/walkers" && req.method == "POST")
    return start_run(c, req, run_kind::walker);
  if (p == "/api/live" && req.method == "POST")
    return start_run(c, req, run_kind::live);
  if (p.rfind("/api/runs/", 0) == 0 && p.size() > 10)
    return run_route(c, req, p);
  if (p == "/api/backtests" || p == "/api/walkers" || p == "/api/live" ||
      p == "/api/health" || p == "/api/runs" || p == "/metrics")
    return json_error(405, "method " + req.method + " is not allowed on " + p);
  return json_error(404, "no route " + p);
}

} // namespace

answer json_error(int status, std::string_view why) {
  return json_answer(status, ojson{{"error", std::string{why}}});
}

bool rate_limiter::take(const std::string& peer,
                        std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> g{mtx_};
  if (buckets_.size() > 10000) // forget idle clients now and then
    buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(peer, bucket{burst_, now});
  auto& b = it->second;
  if (!fresh) {
    const double s = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + s * rate_);
    b.at = now;
  }
  if (b.tokens < 1)
    return false;
  b.tokens -= 1;
  return true;
}

std::map<std::string, std::string> query_of(std::string_view target) {
  std::map<std::string, std::string> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos)
    return out;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto item = rest.substr(0, amp);
    const auto eq = item.find('=');
    auto k = decode(item.substr(0, eq), true);
    auto v = eq == std::string_view::npos ? std::optional<std::string>{""}
                                          : decode(item.substr(eq + 1), true);
    if (k && v && !k->empty())
      out[*k] = *v;
    if (amp == std::string_view::npos)
      break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

std::optional<std::string> path_of(std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/')
    return std::nullopt;
  return decode(path, false);
}

std::optional<std::string> confined(const std::string& root,
                                    const std::string& rel) {
  namespace fs = std::filesystem;
  if (root.empty() || rel.empty())
    return std::nullopt;
  const fs::path r{rel};
  if (r.is_absolute() || r.has_root_name())
    return std::nullopt;
  for (const auto& part : r)
    if (part == "..")
      return std::nullopt;
  std::error_code ec;
  const auto base = fs::weakly_canonical(fs::path{root}, ec);
  if (ec)
    return std::nullopt;
  // Resolves symbolic links: a link pointing out of the folder is refused.
  const auto full = fs::weakly_canonical(base / r, ec);
  if (ec)
    return std::nullopt;
  const auto b = base.string();
  const auto f = full.string();
  if (f.size() <= b.size() || f.compare(0, b.size(), b) != 0 ||
      (f[b.size()] != '/' && b.back() != '/'))
    return std::nullopt;
  return f;
}

answer route(core& c, const request& req) {
  answer a;
  if (!c.limiter.take(req.peer, std::chrono::steady_clock::now())) {
    a = json_error(429,
                   "too many requests from " + req.peer + " (more than " +
                       std::to_string(static_cast<long>(c.o.rate_per_second)) +
                       " a second); slow down");
    a.headers.emplace_back("Retry-After", "1");
  } else {
    try {
      a = dispatch(c, req);
    } catch (const std::exception& e) {
      a = json_error(500, std::string{"internal error: "} + e.what());
    }
  }
  std::lock_guard<std::mutex> g{c.counters_mtx};
  ++c.answered[a.status / 100];
  return a;
}

} // namespace btk::serve
