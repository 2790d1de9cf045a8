// Crash safety of the SQLite backend: a child process writes from several threads and reports
// each acknowledged write through a pipe; the parent SIGKILLs it mid-stream, reopens the file and
// checks that every acknowledged write survived and that no object is half-written.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "storage/sqlite_storage.h"
#include "storage/storage_test_backends.h"

namespace flotilla::storage {
namespace {

// A value large enough to span several pages, derived from the key and a version, so a torn or
// mixed write is detectable.
std::string valueFor(const std::string& key, int version) {
  std::string out = key + "#" + std::to_string(version) + "#";
  while (out.size() < 6000) out += static_cast<char>('a' + (out.size() * 31 + version) % 26);
  return out;
}

struct Ack {
  char op = 'C';  // C create, U update
  std::string key;
  int64_t revision = 0;
};

[[noreturn]] void runChild(const std::string& path, int round, int fd, bool durable) {
  SqliteOptions options;
  options.durable_commits = durable;
  auto opened = openSqliteStorage(path, options);
  if (!opened.isOk()) _exit(2);
  auto store = std::move(opened).value();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        std::string key =
            "/crash/" + std::to_string(round) + "/" + std::to_string(t) + "/" + std::to_string(i);
        auto created = store->create(key, valueFor(key, 1));
        if (!created.isOk()) _exit(3);
        std::string line = "C " + key + " " + std::to_string(*created) + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
        auto updated = store->update(key, valueFor(key, 2), *created);
        if (!updated.isOk()) _exit(5);
        line = "U " + key + " " + std::to_string(*updated) + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  _exit(0);
}

// Both commit modes must survive a crash of the process: without fsync (durable_commits false,
// what simulated members use) the WAL still sits in the kernel's page cache.
class SqliteCrashTest : public ::testing::TestWithParam<bool> {};

TEST_P(SqliteCrashTest, KillDuringWritesLosesNoAcknowledgedWrite) {
  const bool durable = GetParam();
  TempDir dir;
  const std::string path = dir.path() + "/flotilla.db";
  std::map<std::string, Ack> latest;  // per key, the last acknowledged write
  int64_t max_acked = 0;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      runChild(path, round, fds[1], durable);
    }
    ::close(fds[1]);
    FILE* in = ::fdopen(fds[0], "r");
    ASSERT_NE(in, nullptr);
    // Kill at a different depth each round, while the writers are running flat out.
    const int kill_after = 150 + round * 250;
    int acks = 0;
    char op = 0;
    char key_buf[256];
    long long revision = 0;
    bool killed = false;
    while (::fscanf(in, " %c %255s %lld", &op, key_buf, &revision) == 3) {
      Ack ack{op, key_buf, revision};
      auto& slot = latest[ack.key];
      if (ack.revision > slot.revision) slot = ack;
      max_acked = std::max<int64_t>(max_acked, revision);
      if (++acks == kill_after && !killed) {
        ::kill(child, SIGKILL);
        killed = true;
      }
    }
    ::fclose(in);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
    ASSERT_GE(acks, kill_after);

    auto reopened = openSqliteStorage(path, {});
    ASSERT_TRUE(reopened.isOk()) << reopened.status().toString();
    auto& store = **reopened;
    EXPECT_GE(store.currentRevision().valueOr(0), max_acked);
    for (const auto& [key, ack] : latest) {
      auto got = store.get(key);
      ASSERT_TRUE(got.isOk()) << key << " was acknowledged at " << ack.revision;
      if (ack.op == 'U') {
        EXPECT_EQ(got->mod_revision, ack.revision) << key;
        EXPECT_EQ(got->value, valueFor(key, 2)) << key;
      } else {
        // The update may have committed without its acknowledgement reaching us.
        EXPECT_GE(got->mod_revision, ack.revision) << key;
        EXPECT_TRUE(got->value == valueFor(key, 1) || got->value == valueFor(key, 2)) << key;
      }
    }
    // Every stored object, acknowledged or not, is whole.
    auto all = store.list({.prefix = "/crash/"});
    ASSERT_TRUE(all.isOk());
    for (const auto& item : all->items) {
      bool whole = item.value == valueFor(item.key, 1) || item.value == valueFor(item.key, 2);
      EXPECT_TRUE(whole) << item.key;
    }
    EXPECT_GE(all->items.size(), latest.size());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "ok");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

INSTANTIATE_TEST_SUITE_P(CommitModes, SqliteCrashTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("fsync") : std::string("no_fsync");
                         });

}  // namespace
}  // namespace flotilla::storage
