// SQLite-only behaviour: group commit under contention, the single-process lock, slow watchers,
// ring eviction, paging of long replays and automatic compaction.
#include "storage/sqlite_storage.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "storage/storage_test_backends.h"

namespace flotilla::storage {
namespace {

using core::Code;

class SqliteStorageTest : public ::testing::Test {
 protected:
  StoragePtr open(SqliteOptions options = {}) {
    if (options.compaction_interval == SqliteOptions{}.compaction_interval) {
      options.compaction_interval = std::chrono::milliseconds(0);
    }
    auto opened = openSqliteStorage(path(), options);
    EXPECT_TRUE(opened.isOk()) << opened.status().toString();
    return opened.isOk() ? std::move(opened).value() : nullptr;
  }
  std::string path() const { return dir_.path() + "/flotilla.db"; }

  TempDir dir_;
};

TEST_F(SqliteStorageTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  // 32 clients increment one counter with optimistic concurrency. Writes of one group commit
  // are checked in order, so exactly one of several racing updates at a revision wins.
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->create("/counter", "0").isOk());
  constexpr int kThreads = 32;
  constexpr int kIncrements = 20;
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements;) {
        auto current = store->get("/counter");
        ASSERT_TRUE(current.isOk());
        auto next = std::to_string(std::stoi(current->value) + 1);
        auto written = store->update("/counter", next, current->mod_revision);
        if (written.isOk()) {
          ++i;
        } else {
          ASSERT_EQ(written.status().code(), Code::Conflict);
          ++conflicts;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store->get("/counter")->value, std::to_string(kThreads * kIncrements));
  EXPECT_EQ(store->currentRevision().valueOr(0), 1 + kThreads * kIncrements);
  // Every write, failed preconditions included, went through some group commit.
  auto stats = sqliteWriterStats(*store);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->writes, 1 + kThreads * kIncrements + conflicts.load());
  EXPECT_GE(stats->commits, 1);
  EXPECT_LE(stats->commits, stats->writes);
}

TEST_F(SqliteStorageTest, CallersAndTheWriterThreadShareCommitsWithCompactionRunning) {
  // A caller that finds nobody committing commits its own write; writes that arrive meanwhile
  // go to the writer thread, which also runs compaction. Every write lands exactly once, in
  // revision order, whoever committed it.
  auto store = open();
  ASSERT_TRUE(store);
  constexpr int kThreads = 8;
  constexpr int kWrites = 100;
  std::atomic<bool> writing{true};
  std::thread compactor([&] {
    while (writing) {
      auto rev = store->currentRevision();
      if (rev.isOk() && *rev > 1) {
        EXPECT_TRUE(store->compact(*rev - 1).isOk());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> revisions(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string key = "/k/" + std::to_string(t) + "/" + std::to_string(i);
        auto created = store->create(key, "v");
        ASSERT_TRUE(created.isOk()) << created.status().toString();
        auto updated = store->update(key, "w", *created);
        ASSERT_TRUE(updated.isOk()) << updated.status().toString();
        EXPECT_GT(*updated, *created);
        revisions[t].push_back(*updated);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  writing = false;
  compactor.join();
  std::set<int64_t> all;
  for (const auto& r : revisions) all.insert(r.begin(), r.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kWrites));
  EXPECT_EQ(store->currentRevision().valueOr(0), 2 * kThreads * kWrites);
  ListOptions everything;
  everything.prefix = "/k/";
  auto listed = store->list(everything);
  ASSERT_TRUE(listed.isOk());
  EXPECT_EQ(listed->items.size(), static_cast<size_t>(kThreads * kWrites));
  for (const auto& kv : listed->items) EXPECT_EQ(kv.value, "w") << kv.key;
  auto stats = sqliteWriterStats(*store);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->writes, 2 * kThreads * kWrites);
}

TEST_F(SqliteStorageTest, SecondOpenOfTheSameFileIsRefused) {
  auto store = open();
  ASSERT_TRUE(store);
  auto second = openSqliteStorage(path(), {});
  EXPECT_EQ(second.status().code(), Code::Unavailable);
  store.reset();
  EXPECT_TRUE(openSqliteStorage(path(), {}).isOk());
}

TEST_F(SqliteStorageTest, SlowWatcherGetsGoneAndWritersContinue) {
  SqliteOptions options;
  options.watch_backlog_limit = 10;
  auto store = open(options);
  ASSERT_TRUE(store);
  auto slow = store->watch("/s/", 0);
  ASSERT_TRUE(slow.isOk());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->create("/s/" + std::to_string(i), "v").isOk());
  auto result = (*slow)->next(std::chrono::milliseconds(10));
  EXPECT_EQ(result.status().code(), Code::Gone);
  // A fresh watch from the current revision works.
  auto fresh = store->watch("/s/", store->currentRevision().valueOr(0));
  ASSERT_TRUE(fresh.isOk());
  ASSERT_TRUE(store->create("/s/new", "v").isOk());
  EXPECT_EQ(collectEvents(**fresh, 1).events.size(), 1u);
}

TEST_F(SqliteStorageTest, WatchOlderThanTheRingReplaysFromTheLog) {
  SqliteOptions options;
  options.event_ring_capacity = 10;
  auto store = open(options);
  ASSERT_TRUE(store);
  // More than one replay page (1000 rows), interleaved with keys outside the prefix.
  constexpr int kWrites = 2500;
  for (int i = 0; i < kWrites; ++i) {
    std::string prefix = i % 5 == 0 ? "/other/" : "/ring/";
    ASSERT_TRUE(store->create(prefix + std::to_string(i), std::to_string(i)).isOk());
  }
  auto watch = store->watch("/ring/", 3);
  ASSERT_TRUE(watch.isOk());
  // Writes that happen while the replay is in progress arrive after it, once.
  ASSERT_TRUE(store->create("/ring/late", "late").isOk());
  size_t want = 0;
  for (int i = 3; i < kWrites; ++i) want += i % 5 == 0 ? 0 : 1;
  auto collected = collectEvents(**watch, want + 1);
  ASSERT_EQ(collected.events.size(), want + 1) << collected.end.toString();
  for (size_t i = 1; i < collected.events.size(); ++i) {
    ASSERT_GT(collected.events[i].revision, collected.events[i - 1].revision);
  }
  EXPECT_EQ(collected.events.front().revision, 4);
  EXPECT_EQ(collected.events.back().key, "/ring/late");
}

TEST_F(SqliteStorageTest, CompactionDuringALogReplayEndsTheWatchWithGone) {
  SqliteOptions options;
  options.event_ring_capacity = 10;
  auto store = open(options);
  ASSERT_TRUE(store);
  for (int i = 0; i < 2500; ++i) {
    ASSERT_TRUE(store->create("/rc/" + std::to_string(i), "v").isOk());
  }
  auto watch = store->watch("/rc/", 0);
  ASSERT_TRUE(watch.isOk());
  auto first = (*watch)->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(first.isOk());
  ASSERT_FALSE(first->empty());
  // History the watch has not read yet disappears: it must not skip silently.
  ASSERT_TRUE(store->compact(2000).isOk());
  auto collected = collectEvents(**watch, 2500);
  EXPECT_EQ(collected.end.code(), Code::Gone);
  EXPECT_LT(first->size() + collected.events.size(), 2500u);
}

TEST_F(SqliteStorageTest, AutomaticCompactionKeepsTheLastRevisions) {
  SqliteOptions options;
  options.compaction_interval = std::chrono::milliseconds(20);
  options.compaction_keep_revisions = 10;
  options.compaction_chunk = 7;  // several chunks per run
  auto store = open(options);
  ASSERT_TRUE(store);
  int64_t revision = store->create("/auto/a", "0").valueOr(0);
  for (int i = 1; i < 100; ++i)
    revision = store->update("/auto/a", std::to_string(i), 0).valueOr(0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (store->compactedRevision().valueOr(0) < revision - 10 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store->compactedRevision().valueOr(0), revision - 10);
  EXPECT_EQ(store->list({.prefix = "/auto/", .revision = revision - 11}).status().code(),
            Code::Gone);
  auto kept = store->list({.prefix = "/auto/", .revision = revision - 10});
  ASSERT_TRUE(kept.isOk()) << kept.status().toString();
  EXPECT_EQ(kept->items.at(0).value, "89");
  // The compacted revision survives a restart.
  store.reset();
  store = open();
  EXPECT_EQ(store->compactedRevision().valueOr(0), revision - 10);
}

TEST_F(SqliteStorageTest, CompactionRemovesSupersededRowsAndTombstones) {
  auto store = open();
  ASSERT_TRUE(store);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->create("/gc/" + std::to_string(i), "v").isOk());
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(store->update("/gc/" + std::to_string(i), "w", 0).isOk());
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(store->remove("/gc/" + std::to_string(i), 0).isOk());
  int64_t current = store->currentRevision().valueOr(0);
  ASSERT_TRUE(store->compact(current).isOk());
  // Only the 25 live rows remain; their state at the compacted revision is intact.
  auto listed = store->list({.prefix = "/gc/", .revision = current});
  ASSERT_TRUE(listed.isOk());
  EXPECT_EQ(listed->items.size(), 25u);
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM log", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 25);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

// Latest-state pages (the revision the snapshot is at) count what remains from the log's indexes:
// each row is a history the count must get right, with compaction in between or not.
TEST_F(SqliteStorageTest, LatestPagesCountLiveKeysFromTheLog) {
  struct Row {
    const char* name;
    bool compact_first;
  };
  const Row rows[] = {{"uncompacted history", false}, {"compacted history", true}};
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    std::filesystem::remove_all(dir_.path());
    std::filesystem::create_directories(dir_.path());
    auto store = open();
    ASSERT_TRUE(store);
    // k0..k9 live at the end: updated, deleted and re-created, deleted for good (k2, k7x),
    // created and deleted between, and one key outside the prefix.
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(store->create("/lc/k" + std::to_string(i), "v").isOk());
    ASSERT_TRUE(store->update("/lc/k1", "w", 0).isOk());
    ASSERT_TRUE(store->remove("/lc/k3", 0).isOk());
    ASSERT_TRUE(store->create("/lc/k3", "again").isOk());
    ASSERT_TRUE(store->create("/lc/k7x", "gone").isOk());
    ASSERT_TRUE(store->remove("/lc/k7x", 0).isOk());
    ASSERT_TRUE(store->create("/lc/k2x", "gone").isOk());
    ASSERT_TRUE(store->remove("/lc/k2x", 0).isOk());
    ASSERT_TRUE(store->create("/lc0", "outside").isOk());
    if (row.compact_first) {
      ASSERT_TRUE(store->compact(store->currentRevision().valueOr(0) - 3).isOk());
    }
    ListOptions options{.prefix = "/lc/", .limit = 3};
    std::vector<std::string> seen;
    while (true) {
      auto page = store->list(options);
      ASSERT_TRUE(page.isOk()) << page.status().toString();
      for (const auto& item : page->items) seen.push_back(item.key);
      if (page->more) {
        EXPECT_EQ(page->remaining, 10 - static_cast<int64_t>(seen.size()))
            << "after " << seen.size();
      }
      if (!page->more) break;
      options.start_after = page->items.back().key;
    }
    EXPECT_EQ(seen.size(), 10u);
  }
}

// A database written before the `current` table was dropped opens with its keys, values and
// history intact, and the table is gone afterwards.
TEST_F(SqliteStorageTest, DatabaseWithTheOldCurrentTableOpens) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    const char* old_schema =
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, key BLOB NOT NULL, value BLOB,"
        "  create_revision INTEGER NOT NULL, prev_revision INTEGER NOT NULL,"
        "  deleted INTEGER NOT NULL);"
        "CREATE INDEX log_key_id ON log(key, id);"
        "CREATE TABLE current (key BLOB PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
        "INSERT INTO log VALUES (1, CAST('/o/a' AS BLOB), CAST('a1' AS BLOB), 1, 0, 0);"
        "INSERT INTO log VALUES (2, CAST('/o/b' AS BLOB), CAST('b1' AS BLOB), 2, 0, 0);"
        "INSERT INTO log VALUES (3, CAST('/o/a' AS BLOB), CAST('a2' AS BLOB), 1, 1, 0);"
        "INSERT INTO log VALUES (4, CAST('/o/b' AS BLOB), NULL, 2, 2, 1);"
        "INSERT INTO current VALUES (CAST('/o/a' AS BLOB), 3);";
    ASSERT_EQ(sqlite3_exec(db, old_schema, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->currentRevision().valueOr(0), 4);
  auto a = store->get("/o/a");
  ASSERT_TRUE(a.isOk()) << a.status().toString();
  EXPECT_EQ(a->value, "a2");
  EXPECT_EQ(a->create_revision, 1);
  EXPECT_EQ(a->mod_revision, 3);
  EXPECT_EQ(store->get("/o/b").status().code(), Code::NotFound);
  auto at2 = store->list({.prefix = "/o/", .revision = 2});
  ASSERT_TRUE(at2.isOk());
  ASSERT_EQ(at2->items.size(), 2u);
  EXPECT_EQ(at2->items[0].value, "a1");
  auto next = store->create("/o/b", "b2");
  ASSERT_TRUE(next.isOk());
  EXPECT_EQ(*next, 5);
  store.reset();
  store = open();
  ASSERT_TRUE(store);
  auto latest = store->list({.prefix = "/o/"});
  ASSERT_TRUE(latest.isOk());
  ASSERT_EQ(latest->items.size(), 2u);
  EXPECT_EQ(latest->items[1].value, "b2");
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT type FROM sqlite_master WHERE name = 'current'", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "view");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

// What a binary from before the table was dropped does on a database this one wrote (a
// rollback): its schema statement keeps the view, its reads of `current` see every live key at
// its newest row, and its writes fail (a view cannot be modified) rather than succeed against
// an empty table.
TEST_F(SqliteStorageTest, OlderBinaryReadsTheCurrentViewAndCannotWriteIt) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create("/o/a", "a1").isOk());
    auto a = store->get("/o/a");
    ASSERT_TRUE(a.isOk());
    ASSERT_TRUE(store->update("/o/a", "a2", a->mod_revision).isOk());
    ASSERT_TRUE(store->create("/o/b", "b1").isOk());
    auto b = store->get("/o/b");
    ASSERT_TRUE(b.isOk());
    ASSERT_TRUE(store->remove("/o/b", b->mod_revision).isOk());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db,
                         "CREATE TABLE IF NOT EXISTS current (key BLOB PRIMARY KEY, id INTEGER "
                         "NOT NULL) WITHOUT ROWID;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT CAST(c.key AS TEXT), CAST(l.value AS TEXT) FROM current "
                               "AS c JOIN log AS l ON l.id = c.id ORDER BY c.key",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    rows.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) +
                   "=" + reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
  }
  sqlite3_finalize(stmt);
  EXPECT_EQ(rows, std::vector<std::string>{"/o/a=a2"});
  EXPECT_NE(sqlite3_exec(db, "INSERT INTO current (key, id) VALUES (CAST('/o/c' AS BLOB), 9)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStorageTest, ClosingEndsWatches) {
  auto store = open();
  ASSERT_TRUE(store);
  auto watch = store->watch("/", 0);
  ASSERT_TRUE(watch.isOk());
  store.reset();
  EXPECT_EQ((*watch)->next(std::chrono::milliseconds(10)).status().code(), Code::Unavailable);
}

}  // namespace
}  // namespace flotilla::storage
