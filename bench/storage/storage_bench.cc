// storage_bench: create throughput of each Storage backend next to the raw rate of the same
// backend measured in the same run, for 1 KB and 10 KB values and 1 and 32 writer threads.
//
//   SQLite raw: plain INSERT into a two-column table, one transaction per row, WAL,
//               synchronous=FULL, one connection per thread (what a naive store would do).
//   etcd raw:   plain PUTs through the same v3 JSON gateway and connection pool, plus the
//               latency of `etcdctl put` (process start included) when etcdctl is installed,
//               and the bare create txn (what our create sends) to separate server from client.
//
// Usage: storage_bench [--seconds N] [--backend sqlite|etcd|all]
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/logging.h"
#include "storage/base64.h"
#include "storage/etcd_codec.h"
#include "storage/etcd_http.h"
#include "storage/etcd_storage.h"
#include "storage/sqlite_storage.h"
#include "storage/testing/etcd_process.h"

namespace flotilla::storage {
namespace {

using Clock = std::chrono::steady_clock;

// One writer's step: performs write number `i` of thread `t`; false on error.
using WriteFn = std::function<bool(int t, int64_t i)>;

struct Rate {
  double ops_per_second = 0;
  int64_t errors = 0;
};

// Runs `threads` writers for `seconds` and returns the acknowledged write rate.
Rate measure(int threads, double seconds, const WriteFn& write) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> errors{0};
  std::vector<std::thread> workers;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        if (write(t, i)) {
          done.fetch_add(1, std::memory_order_relaxed);
        } else {
          errors.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& worker : workers) worker.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return {static_cast<double>(done.load()) / elapsed, errors.load()};
}

std::string makeValue(size_t size) {
  std::string value(size, 'x');
  for (size_t i = 0; i < size; ++i) value[i] = static_cast<char>('a' + (i * 7) % 26);
  return value;
}

std::string keyFor(const std::string& row, int t, int64_t i) {
  return "/registry/bench/" + row + "/" + std::to_string(t) + "/" + std::to_string(i);
}

void printHeader(const char* raw_label) {
  std::printf("%-7s %6s %8s %16s %16s %8s\n", "backend", "value", "threads", "flotilla ops/s",
              raw_label, "ratio");
}

void printRow(const char* backend, size_t size, int threads, Rate ours, Rate raw) {
  std::printf("%-7s %5zuK %8d %16.0f %16.0f %7.2fx", backend, size / 1024, threads,
              ours.ops_per_second, raw.ops_per_second,
              raw.ops_per_second > 0 ? ours.ops_per_second / raw.ops_per_second : 0.0);
  if (ours.errors + raw.errors > 0) {
    std::printf("  (errors: %lld / %lld)", static_cast<long long>(ours.errors),
                static_cast<long long>(raw.errors));
  }
  std::printf("\n");
  std::fflush(stdout);
}

// Times a full list and a list paged by 500 of everything under `prefix`.
void benchList(Storage& store, const std::string& prefix) {
  auto start = Clock::now();
  auto full = store.list({.prefix = prefix});
  double full_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (!full.isOk()) {
    std::printf("list failed: %s\n", full.status().toString().c_str());
    return;
  }
  start = Clock::now();
  ListOptions options{.prefix = prefix, .limit = 500};
  size_t paged = 0;
  int pages = 0;
  while (true) {
    auto page = store.list(options);
    if (!page.isOk()) break;
    paged += page->items.size();
    ++pages;
    if (!page->more) break;
    options.start_after = page->items.back().key;
    options.revision = page->revision;
  }
  double paged_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::printf("list %zu objects of 1K: all at once %.0f ms; %d pages of 500: %.0f ms\n",
              full->items.size(), full_ms, pages, paged_ms);

  // The same pages at the older revision once something changed (kube's "continue" tokens).
  (void)store.create(prefix + "~changed", "v");
  start = Clock::now();
  options = ListOptions{.prefix = prefix, .limit = 500, .revision = full->revision};
  size_t old_items = 0;
  while (true) {
    auto page = store.list(options);
    if (!page.isOk()) break;
    old_items += page->items.size();
    if (!page->more) break;
    options.start_after = page->items.back().key;
  }
  double old_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::printf("  the same %zu objects in pages of 500 at the previous revision: %.0f ms\n",
              old_items, old_ms);
  (void)paged;
}

// --- SQLite -------------------------------------------------------------------------------

struct RawSqlite {
  explicit RawSqlite(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 30'000);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                 nullptr);
    sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB)", nullptr, nullptr,
                 nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO kv (k, v) VALUES (?1, ?2)", -1, &insert, nullptr);
  }
  ~RawSqlite() {
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
  bool put(const std::string& key, const std::string& value) {
    sqlite3_bind_text(insert, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    int rc = sqlite3_step(insert);
    sqlite3_reset(insert);
    return rc == SQLITE_DONE;
  }
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
};

void benchSqlite(double seconds) {
  auto dir =
      std::filesystem::temp_directory_path() / ("flotilla-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::printf("\n== SQLite (%s, WAL, synchronous=FULL) ==\n", dir.c_str());
  printHeader("raw INSERT ops/s");
  SqliteOptions options;
  options.compaction_interval = std::chrono::milliseconds(0);
  auto store = openSqliteStorage((dir / "flotilla.db").string(), options);
  if (!store.isOk()) {
    std::printf("cannot open sqlite storage: %s\n", store.status().toString().c_str());
    return;
  }
  for (size_t size : {size_t{1024}, size_t{10 * 1024}}) {
    const std::string value = makeValue(size);
    for (int threads : {1, 32}) {
      std::string row = std::to_string(size) + "-" + std::to_string(threads);
      auto before = sqliteWriterStats(**store).value_or(SqliteWriterStats{});
      Rate ours = measure(threads, seconds, [&](int t, int64_t i) {
        return (*store)->create(keyFor(row, t, i), value).isOk();
      });
      auto after = sqliteWriterStats(**store).value_or(SqliteWriterStats{});
      std::vector<std::unique_ptr<RawSqlite>> conns;
      for (int t = 0; t < threads; ++t) {
        conns.push_back(std::make_unique<RawSqlite>((dir / "raw.db").string()));
      }
      Rate raw = measure(threads, seconds,
                         [&](int t, int64_t i) { return conns[t]->put(keyFor(row, t, i), value); });
      printRow("sqlite", size, threads, ours, raw);
      int64_t commits = after.commits - before.commits;
      if (commits > 0) {
        std::printf("        (group commit: %.1f writes per transaction/fsync)\n",
                    static_cast<double>(after.writes - before.writes) / commits);
      }
    }
  }
  benchList(**store, "/registry/bench/1024-32/");
  store = core::Status(core::Code::Unavailable, "closed");  // close before removing files
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// --- etcd ---------------------------------------------------------------------------------

// Average wall time of `etcdctl put` (process start included), or a negative number.
double etcdctlPutSeconds(const std::string& endpoint, const std::string& value, int runs) {
  if (::access("/usr/bin/etcdctl", X_OK) != 0) return -1;
  auto start = Clock::now();
  for (int i = 0; i < runs; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      std::string key = "/registry/bench/etcdctl/" + std::to_string(i);
      std::string endpoints = "--endpoints=" + endpoint;
      int null_fd = ::open("/dev/null", O_WRONLY);
      ::dup2(null_fd, STDOUT_FILENO);
      ::setenv("ETCDCTL_API", "3", 1);
      ::execl("/usr/bin/etcdctl", "etcdctl", endpoints.c_str(), "put", key.c_str(), value.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  }
  return std::chrono::duration<double>(Clock::now() - start).count() / runs;
}

void benchEtcd(double seconds) {
  std::printf("\n== etcd 3.4 (/usr/bin/etcd, one member, 127.0.0.1) ==\n");
  if (!testing::EtcdProcess::available()) {
    std::printf("skipped: /usr/bin/etcd is not installed\n");
    return;
  }
  auto etcd = testing::EtcdProcess::start();
  if (!etcd.isOk()) {
    std::printf("cannot start etcd: %s\n", etcd.status().toString().c_str());
    return;
  }
  const std::string endpoint = (*etcd)->endpoint();
  auto store = openEtcdStorage({endpoint}, {});
  if (!store.isOk()) {
    std::printf("cannot open etcd storage: %s\n", store.status().toString().c_str());
    return;
  }
  auto parsed = parseHttpEndpoint(endpoint);
  HttpPool raw_pool({*parsed}, {});
  printHeader("raw put ops/s");
  for (size_t size : {size_t{1024}, size_t{10 * 1024}}) {
    const std::string value = makeValue(size);
    const std::string value64 = base64Encode(value);
    for (int threads : {1, 32}) {
      std::string row = std::to_string(size) + "-" + std::to_string(threads);
      Rate ours = measure(threads, seconds, [&](int t, int64_t i) {
        return (*store)->create(keyFor(row, t, i), value).isOk();
      });
      Rate raw = measure(threads, seconds, [&](int t, int64_t i) {
        std::string body = "{\"key\":\"" + base64Encode(keyFor("raw" + row, t, i)) +
                           "\",\"value\":\"" + value64 + "\"}";
        auto reply = raw_pool.post("/v3/kv/put", body, /*idempotent=*/false);
        return reply.isOk() && reply->status == 200;
      });
      printRow("etcd", size, threads, ours, raw);
      // The same create transaction, sent without our client around it: separates etcd's cost
      // of a txn (vs. a plain put) from the client's.
      Rate raw_txn = measure(threads, seconds, [&](int t, int64_t i) {
        auto reply = raw_pool.post(
            "/v3/kv/txn", etcd_codec::encodeCreate(keyFor("txn" + row, t, i), value), false);
        return reply.isOk() && reply->status == 200;
      });
      std::printf("        (raw create txn through the gateway: %.0f ops/s)\n",
                  raw_txn.ops_per_second);
    }
  }
  benchList(**store, "/registry/bench/1024-32/");
  double etcdctl = etcdctlPutSeconds(endpoint, makeValue(1024), 20);
  if (etcdctl > 0) {
    std::printf("etcdctl put, 1K, sequential: %.1f ms each (%.0f ops/s, process start included)\n",
                etcdctl * 1000, 1 / etcdctl);
  }
}

}  // namespace
}  // namespace flotilla::storage

int main(int argc, char** argv) {
  double seconds = 2;
  std::string backend = "all";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--backend" && i + 1 < argc) {
      backend = argv[++i];
    } else {
      std::fprintf(stderr, "usage: storage_bench [--seconds N] [--backend sqlite|etcd|all]\n");
      return 2;
    }
  }
  flotilla::core::setupLogging("warn", "text");
  std::printf("storage_bench: %.1f s per measurement, %u hardware threads\n", seconds,
              std::thread::hardware_concurrency());
  if (backend == "all" || backend == "sqlite") flotilla::storage::benchSqlite(seconds);
  if (backend == "all" || backend == "etcd") flotilla::storage::benchEtcd(seconds);
  return 0;
}
