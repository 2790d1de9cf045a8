// apiserver_bench: the figures of the host control plane issue, measured against real
// `flotilla apiserver` processes (plain HTTP on loopback so that TLS cost does not hide the
// server's own):
//   - create throughput (1 KB and 10 KB ConfigMaps, 1 and 32 clients) per backend, beside the raw
//     rate of that backend measured in the same run (SQLite: one INSERT per transaction, WAL,
//     synchronous=FULL; etcd: v3 gateway puts);
//   - LIST latency of 10,000 objects, JSON and Table, P50/P99;
//   - watch fan-out: 100 watchers under sustained writes, events/s delivered and write→delivery
//     lag P99;
//   - resident memory with 100,000 stored 2 KB objects.
// Usage: apiserver_bench [--flotilla PATH] [--seconds N] [--skip-etcd] [--skip-memory]
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/apiserver/http_client.h"
#include "storage/testing/etcd_process.h"

using flotilla::bench::HttpClient;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string g_flotilla = FLOTILLA_BINARY_DIR "/bin/flotilla";
double g_seconds = 3;

struct ServerProcess {
  pid_t pid = -1;
  int port = 0;
  std::string dir;
  ~ServerProcess() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      int st;
      waitpid(pid, &st, 0);
    }
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

std::unique_ptr<ServerProcess> startServer(const std::string& storage, const std::string& etcd) {
  auto s = std::make_unique<ServerProcess>();
  char tmpl[] = "/tmp/flotilla-bench-XXXXXX";
  s->dir = mkdtemp(tmpl);
  int pipefd[2];
  if (pipe(pipefd) != 0) return nullptr;
  s->pid = fork();
  if (s->pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    std::vector<std::string> args = {g_flotilla, "apiserver", "--listen", "127.0.0.1:0",
                                     "--data-dir", s->dir, "--insecure-http", "--log-level", "warn",
                                     "--storage", storage};
    if (!etcd.empty()) {
      args.push_back("--etcd-endpoints");
      args.push_back(etcd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  FILE* out = fdopen(pipefd[0], "r");
  char line[4096];
  while (fgets(line, sizeof line, out) != nullptr) {
    std::string l = line;
    auto pos = l.find("http://127.0.0.1:");
    if (l.find("ready") != std::string::npos && pos != std::string::npos) {
      s->port = std::stoi(l.substr(pos + 17));
      break;
    }
  }
  // Keep draining stdout in the background so the server never blocks on it.
  std::thread([out] {
    char buf[4096];
    while (fgets(buf, sizeof buf, out) != nullptr) {
    }
    fclose(out);
  }).detach();
  if (s->port == 0) return nullptr;
  return s;
}

long rssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

std::string payload(std::size_t bytes) { return std::string(bytes, 'x'); }

std::string configMap(const std::string& name, const std::string& data) {
  return Json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", name}}},
              {"data", {{"payload", data}}}}
      .dump();
}

void createNamespace(int port, const std::string& ns) {
  HttpClient c("127.0.0.1", port);
  c.request("POST", "/api/v1/namespaces",
            Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}.dump());
}

// Runs `clients` threads calling op(thread, i) for g_seconds; returns successful ops per second.
double runLoad(int clients, const std::function<bool(int, long)>& op) {
  std::atomic<long> ok{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      long i = 0;
      while (!stop) {
        if (op(t, i++)) ++ok;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(g_seconds));
  stop = true;
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(ok) / secs;
}

double apiCreateRate(int port, const std::string& ns, std::size_t bytes, int clients,
                     const std::string& tag) {
  const std::string data = payload(bytes);
  std::vector<std::unique_ptr<HttpClient>> conns;
  for (int i = 0; i < clients; ++i) conns.push_back(std::make_unique<HttpClient>("127.0.0.1", port));
  return runLoad(clients, [&](int t, long i) {
    auto r = conns[static_cast<std::size_t>(t)]->request(
        "POST", "/api/v1/namespaces/" + ns + "/configmaps",
        configMap(tag + "-" + std::to_string(t) + "-" + std::to_string(i), data));
    return r.status == 201;
  });
}

double rawSqliteRate(std::size_t bytes, int clients) {
  char tmpl[] = "/tmp/flotilla-raw-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  const std::string path = dir + "/raw.db";
  {
    sqlite3* db;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB);",
                 nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  std::vector<sqlite3*> dbs(static_cast<std::size_t>(clients));
  for (auto& db : dbs) {
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 30000);
    sqlite3_exec(db, "PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  }
  const std::string data = payload(bytes);
  double rate = runLoad(clients, [&](int t, long i) {
    sqlite3* db = dbs[static_cast<std::size_t>(t)];
    sqlite3_stmt* st;
    sqlite3_prepare_v2(db, "INSERT INTO kv(k, v) VALUES(?, ?)", -1, &st, nullptr);
    const std::string key = std::to_string(t) + "/" + std::to_string(i);
    sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 2, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
    const bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
  });
  for (auto* db : dbs) sqlite3_close(db);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rate;
}

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, valb = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    valb += 8;
    while (valb >= 0) {
      out.push_back(t[(val >> valb) & 0x3F]);
      valb -= 6;
    }
  }
  if (valb > -6) out.push_back(t[((val << 8) >> (valb + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

double rawEtcdRate(int port, std::size_t bytes, int clients) {
  const std::string value = base64(payload(bytes));
  std::vector<std::unique_ptr<HttpClient>> conns;
  for (int i = 0; i < clients; ++i) conns.push_back(std::make_unique<HttpClient>("127.0.0.1", port));
  return runLoad(clients, [&](int t, long i) {
    const std::string key = base64("/raw/" + std::to_string(bytes) + "/" + std::to_string(t) + "/" +
                                   std::to_string(i));
    auto r = conns[static_cast<std::size_t>(t)]->request(
        "POST", "/v3/kv/put", "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}");
    return r.status == 200;
  });
}

void fill(int port, const std::string& ns, long count, std::size_t bytes) {
  const std::string data = payload(bytes);
  std::atomic<long> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t) {
    threads.emplace_back([&] {
      HttpClient c("127.0.0.1", port);
      long i;
      while ((i = next++) < count) {
        c.request("POST", "/api/v1/namespaces/" + ns + "/configmaps",
                  configMap("obj-" + std::to_string(i), data));
      }
    });
  }
  for (auto& th : threads) th.join();
}

std::pair<double, double> percentiles(std::vector<double> v) {
  if (v.empty()) return {0, 0};
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  };
  return {at(0.50), at(0.99)};
}

void listLatency(int port) {
  createNamespace(port, "list-bench");
  fill(port, "list-bench", 10000, 1024);
  HttpClient c("127.0.0.1", port);
  for (const bool table : {false, true}) {
    std::vector<double> ms;
    const std::string accept =
        table ? "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
              : "application/json";
    for (int i = 0; i < 20; ++i) {
      const auto t0 = Clock::now();
      auto r = c.request("GET", "/api/v1/namespaces/list-bench/configmaps", "", "application/json",
                         accept);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (r.status != 200) std::printf("  list failed: %d\n", r.status);
    }
    auto [p50, p99] = percentiles(ms);
    std::printf("  LIST 10,000 x 1 KB (%s): P50 %.1f ms, P99 %.1f ms\n", table ? "Table" : "JSON",
                p50, p99);
  }
}

void watchFanout(int port) {
  createNamespace(port, "watch-bench");
  constexpr int kWatchers = 100;
  std::atomic<long> delivered{0};
  std::mutex mu;
  std::vector<double> lags;
  std::atomic<bool> stop{false};
  std::atomic<int> started{0};
  std::vector<std::thread> watchers;
  for (int w = 0; w < kWatchers; ++w) {
    watchers.emplace_back([&] {
      HttpClient c("127.0.0.1", port);
      std::vector<double> mine;
      bool counted = false;
      c.stream("/api/v1/namespaces/watch-bench/configmaps?watch=1&resourceVersion=1&timeoutSeconds=" +
                   std::to_string(static_cast<int>(g_seconds) + 30),
               [&](const std::string& line) {
                 if (!counted) {
                   counted = true;
                 }
                 auto pos = line.find("\"t\":\"");
                 if (pos != std::string::npos) {
                   const long long t = std::stoll(line.substr(pos + 5));
                   const long long now = Clock::now().time_since_epoch().count();
                   mine.push_back(static_cast<double>(now - t) / 1e6);
                   ++delivered;
                 }
                 return !stop.load();
               });
      std::lock_guard lock(mu);
      lags.insert(lags.end(), mine.begin(), mine.end());
    });
    ++started;
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the watches connect
  const long before = delivered.load();
  const auto t0 = Clock::now();
  std::atomic<long> writes{0};
  std::vector<std::thread> writers;
  std::atomic<bool> stop_writes{false};
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      HttpClient c("127.0.0.1", port);
      long i = 0;
      while (!stop_writes) {
        const std::string now = std::to_string(Clock::now().time_since_epoch().count());
        Json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata",
                    {{"name", "w-" + std::to_string(t) + "-" + std::to_string(i++)},
                     {"annotations", {{"t", now}}}}},
                   {"data", {{"k", "v"}}}};
        if (c.request("POST", "/api/v1/namespaces/watch-bench/configmaps", cm.dump()).status == 201) {
          ++writes;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(g_seconds));
  stop_writes = true;
  for (auto& th : writers) th.join();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // drain
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  // Nudge every watcher so its callback sees stop.
  HttpClient c("127.0.0.1", port);
  c.request("POST", "/api/v1/namespaces/watch-bench/configmaps",
            configMap("final", "x"));
  for (auto& th : watchers) th.join();
  auto [p50, p99] = percentiles(lags);
  std::printf("  watch fan-out: %d watchers, %ld writes (%.0f/s), %.0f events/s delivered, "
              "lag P50 %.1f ms, P99 %.1f ms\n",
              kWatchers, writes.load(), static_cast<double>(writes.load()) / (secs - 2),
              static_cast<double>(delivered.load() - before) / secs, p50, p99);
}

void memory(int port, pid_t pid) {
  createNamespace(port, "mem-bench");
  const long before = rssKiB(pid);
  const std::size_t object_bytes = configMap("obj-00000", payload(2048)).size();
  fill(port, "mem-bench", 100000, 2048);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long after = rssKiB(pid);
  const double stored_mib = static_cast<double>(object_bytes) * 100000 / (1024.0 * 1024.0);
  std::printf("  RSS with 100,000 x 2 KB objects: %.0f MiB (before fill %.0f MiB); stored JSON "
              "%.0f MiB; target < %.0f MiB\n",
              after / 1024.0, before / 1024.0, stored_mib, 2 * stored_mib + 64);
}

void createRates(const std::string& backend, int port,
                 const std::function<double(std::size_t, int)>& raw) {
  createNamespace(port, "bench");
  std::printf("  %-8s %-6s %-8s %12s %12s %8s\n", "backend", "size", "clients", "flotilla/s",
              "raw/s", "ratio");
  for (std::size_t bytes : {std::size_t{1024}, std::size_t{10240}}) {
    for (int clients : {1, 32}) {
      const double api = apiCreateRate(port, "bench", bytes, clients,
                                       "c" + std::to_string(bytes) + "x" + std::to_string(clients));
      const double r = raw(bytes, clients);
      std::printf("  %-8s %-6s %-8d %12.0f %12.0f %7.0f%%\n", backend.c_str(),
                  bytes == 1024 ? "1KB" : "10KB", clients, api, r, r > 0 ? 100 * api / r : 0);
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool skip_etcd = false, skip_memory = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf(
          "usage: apiserver_bench [--flotilla PATH] [--seconds N] [--skip-etcd] [--skip-memory]\n"
          "  Starts `flotilla apiserver` (plain HTTP on loopback) per storage backend and prints\n"
          "  create rates (1/10 KB, 1/32 clients) beside the raw backend rate, LIST latency of\n"
          "  10,000 objects, watch fan-out to 100 watchers, and RSS with 100,000 objects.\n"
          "  --flotilla PATH  the binary under test (default: this build's bin/flotilla)\n"
          "  --seconds N      length of each rate row (default 3)\n"
          "  --skip-etcd      SQLite only\n"
          "  --skip-memory    skip the 100,000-object RSS figure\n"
          "  TLS costs (handshakes, keep-alive, client CPU) are measured by `client_bench tls`.\n");
      return 0;
    }
    if (a == "--flotilla" && i + 1 < argc) g_flotilla = argv[++i];
    else if (a == "--seconds" && i + 1 < argc) g_seconds = std::stod(argv[++i]);
    else if (a == "--skip-etcd") skip_etcd = true;
    else if (a == "--skip-memory") skip_memory = true;
  }
  signal(SIGPIPE, SIG_IGN);
  std::printf("apiserver_bench (%g s per rate row, %u cores)\n", g_seconds,
              std::thread::hardware_concurrency());
  {
    auto server = startServer("sqlite", "");
    if (!server) {
      std::fprintf(stderr, "cannot start %s apiserver\n", g_flotilla.c_str());
      return 1;
    }
    std::printf("[sqlite]\n");
    createRates("sqlite", server->port, [](std::size_t b, int c) { return rawSqliteRate(b, c); });
    listLatency(server->port);
    watchFanout(server->port);
    if (!skip_memory) memory(server->port, server->pid);
  }
  if (!skip_etcd && flotilla::storage::testing::EtcdProcess::available()) {
    auto etcd = flotilla::storage::testing::EtcdProcess::start();
    if (!etcd.isOk()) {
      std::fprintf(stderr, "etcd: %s\n", etcd.status().toString().c_str());
      return 1;
    }
    const std::string endpoint = (*etcd)->endpoint();
    const int etcd_port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
    auto server = startServer("etcd", endpoint);
    if (!server) return 1;
    std::printf("[etcd]\n");
    createRates("etcd", server->port,
                [&](std::size_t b, int c) { return rawEtcdRate(etcd_port, b, c); });
    listLatency(server->port);
    watchFanout(server->port);
  }
  return 0;
}
