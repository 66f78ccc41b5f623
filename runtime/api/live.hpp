#pragma once

// Live mode in one call: what `btk live` does, for any host. A session of
// strategy instances (every symbol runs every strategy, the k-th named
// `name#k`) ticks once a minute on a clock over a market feed; every state
// transition and event is written to RocksDB in one synced batch per minute
// before it is published, so a process killed at any moment and restarted
// with the same state folder loses and repeats nothing.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/config.hpp"
#include "messages/live_convert.hpp"
#include "runtime/api/candle_source.hpp"
#include "runtime/cluster/cluster_options.hpp"
#include "runtime/exchange/exchange_sim.hpp"
#include "runtime/live/session.hpp"
#include "runtime/results/results.hpp"

namespace btk {

/// Options of `run_live`.
struct live_options {
  /// The exchange: `replay` (recorded candles from `source`) or `binance`
  /// (REST and WebSocket market data). Default: replay
  std::string exchange = "replay";
  /// The recorded candles `replay` serves. Required for replay.
  candle_source source;
  /// `binance`: the symbols to follow. Required for binance (replay takes
  /// `source.symbols`).
  std::vector<std::string> symbols;
  /// `binance`: `spot` or `usdm` (USD-M futures). Default: spot
  std::string market = "spot";
  /// `binance`: one address serving REST and WebSocket (`http://` with
  /// `ws://`, `https://` with `wss://`), as `btk exchange-sim` does.
  /// Default: none (Binance's own: api.binance.com and
  /// stream.binance.com:9443, or fapi / fstream for usdm)
  std::string base_url;
  /// `binance`: a PEM file of the certificate authorities to trust for
  /// https and wss (a private CA, or a TLS simulator's own certificate).
  /// Default: empty (the system's store)
  std::string ca_file;
  /// Strategy specs `name:key=value,...`; every symbol runs all of them.
  /// At least one.
  std::vector<std::string> strategies;
  /// Risk profiles `NAME:key=value,...` (core/risk/risk_limits.hpp), each
  /// shared by the strategies it names (all by default) on every symbol;
  /// their books are restored from the state at a restart. Default: none
  std::vector<std::string> risks;
  /// The configuration the overrides apply to. Default: backtest-kit's
  config cfg;
  /// `CC_KEY=value` overrides. Default: none
  std::vector<std::pair<std::string, std::string>> overrides;
  /// Apply the overrides without the safety rules. Default: false
  bool unsafe_config = false;
  /// `real`, `virtual` (as fast as the data allows), `xN` (N times faster
  /// than real time, from `from`) or `exchange` (the server's time,
  /// binance only). Default: real
  std::string clock = "real";
  /// First tick. Default: the current minute (virtual clock: required)
  std::optional<timestamp> from;
  /// Ticks run while `when < until`. Default: none (until stopped)
  std::optional<timestamp> until;
  /// A graceful stop of every instance before the tick at this time.
  /// Default: none
  std::optional<timestamp> stop_at;
  /// Publish idle, waiting and active ticks too. Default: false
  bool all_ticks = false;
  /// The RocksDB state folder. Required.
  std::string state_dir;
  /// Every published event as a JSON line, appended. Default: none
  std::string events_out;
  /// Closed and cancelled results as JSON lines, appended. Default: none
  std::string trades_out;
  /// JSON summary of the run (`live_summary_json`). Default: none
  std::string summary_out;
  /// Folder of every instance's Live report, written when the run ends
  /// (`{symbol}_{strategy}.md`, as `Live.dump` names them). One process
  /// only. Default: none (not written)
  std::string report_dir;
  /// What those reports are: `md`, `html` (a self-contained page with the
  /// tables and charts of the PNL, drawdown and trades) or `both`.
  /// Default: md
  std::string report_format{"md"};
  /// Called with every event after it is persisted. Default: none
  std::function<void(const live_event&)> on_event;
  /// Called after every minute (on the session's thread) with its counters
  /// and every instance. Default: none
  std::function<void(const live_session_stats&,
                     const std::vector<live_session::instance_view>&)>
      on_minute;
  /// Called after every minute (on the session's thread) with its counters
  /// only: cheaper than `on_minute` for many instances. Default: none
  std::function<void(const live_session_stats&)> on_minute_stats;
  /// Keep every instance's `Live.getData` book (what `get_data` and
  /// `get_report` read) although no summary is written. Default: false
  bool keep_reports = false;
  /// Called with the session once it is open, and with null before it
  /// closes (on the caller's thread), so that a host can read its
  /// instances (`with_view`, `for_each`) while it runs. One process only
  /// (not with `nodes`). Default: none
  std::function<void(live_session*)> on_session;
  /// Called with a sentence for every reconnect, retry and malformed
  /// message of the exchange (from btk's threads). Default: none
  std::function<void(const std::string&)> on_warning;
  /// `btk node`s (each with `--state`) to run the instances on, a live
  /// fleet: each instance on one node, its state also on a second before
  /// its events are published, resumed there when its node is lost. The
  /// events are merged here (per-instance order kept, ids deduplicated).
  /// `state_dir` then holds the coordinator's placement and epochs.
  /// Replay only, without risk profiles or a summary for now.
  /// Default: none (one process)
  std::vector<std::string> nodes;
  /// File holding the cluster's shared secret; required with `nodes`.
  /// Default: none
  std::string secret_file;
  /// The failure detector's timings and TLS files (the secret is read from
  /// `secret_file`).
  cluster_options cluster;
  /// Called with a line for the user (nodes up and down, failovers).
  /// Default: none
  std::function<void(const std::string&)> on_notice;
};

/// Runs a live session until `until`, a stop, or every instance has ended.
/// `graceful` stops every instance as `Live.stop` does (open positions run
/// to their close); `hard` returns at once (the state is safe either way).
/// Throws `api_error` naming the option, file or state key and the reason.
live_report run_live(const live_options& opts,
                     const std::atomic<bool>& graceful,
                     const std::atomic<bool>& hard);

/// What a state folder holds (`btk live status`): every instance, and the
/// last minute committed. Works beside a running session.
struct live_status_report {
  timestamp minute = 0;
  std::vector<live_instance_record> instances;
};

/// Reads a state folder; throws `api_error` when it is not live state.
live_status_report live_status(const std::string& state_dir);

/// Options of `run_exchange_sim` (`btk exchange-sim`).
struct exchange_sim_run_options {
  /// The recorded candles it serves. Required.
  candle_source source;
  /// `HOST:PORT` to listen on (port 0: any free one). Default: 127.0.0.1:0
  std::string listen = "127.0.0.1:0";
  /// Clock speed. Default: 1
  double speed = 1;
  /// Where its clock starts. Default: one day after the first candle
  std::optional<timestamp> from;
  /// Faults, as `parse_sim_faults` reads them. Default: none
  std::string faults;
  /// Seed of the fault dice. Default: 1
  std::uint64_t seed = 1;
  /// Serve https and wss with this certificate chain and key (PEM files;
  /// both or neither). Default: none (http and ws)
  std::string tls_cert;
  std::string tls_key;
  /// Called once it listens, with its base URL. Default: none
  std::function<void(const std::string& url)> on_listening;
};

/// Serves recorded candles as Binance does until `stop` is set; returns
/// what it served. Throws `api_error` naming the file, the address or the
/// fault.
exchange_sim_stats run_exchange_sim(const exchange_sim_run_options& opts,
                                    const std::atomic<bool>& stop);

} // namespace btk
