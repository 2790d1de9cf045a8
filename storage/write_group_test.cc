// Storage::groupWrites: one transaction for several writes of one thread. The SQLite cases check
// what the grouping thread, other threads and watchers see before and after the commit, the
// bounds that keep other writers going, failures and concurrent groups; the shared case checks
// that every backend (etcd: a no-op group) keeps the plain write semantics.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "storage/sqlite_storage.h"
#include "storage/storage_test_backends.h"

namespace flotilla::storage {
namespace {

using core::Code;

enum class Op { Create, Update, Remove };

struct GroupedWrite {
  Op op = Op::Create;
  std::string key;
  std::string value;
  // Update/Remove precondition: 0 = unconditional; -1 = the revision the previous write of the
  // group returned (a write on top of the group's own provisional revision).
  int64_t expected = 0;
  Code code = Code::Ok;  // the write's outcome
};

core::Result<int64_t> runWrite(Storage& store, const GroupedWrite& write, int64_t last) {
  const int64_t expected = write.expected == -1 ? last : write.expected;
  switch (write.op) {
    case Op::Create:
      return store.create(write.key, write.value);
    case Op::Update:
      return store.update(write.key, write.value, expected);
    case Op::Remove: {
      auto removed = store.remove(write.key, expected);
      if (!removed.isOk()) return removed.status();
      return removed->mod_revision;
    }
  }
  return core::internalError("unknown op");
}

class WriteGroupTest : public ::testing::Test {
 protected:
  StoragePtr open(SqliteOptions options = {}) {
    options.compaction_interval = std::chrono::milliseconds(0);
    auto opened = openSqliteStorage(path(), options);
    EXPECT_TRUE(opened.isOk()) << opened.status().toString();
    return opened.isOk() ? std::move(opened).value() : nullptr;
  }
  std::string path() const { return dir_.path() + "/flotilla.db"; }

  TempDir dir_;
};

// The value of `key` read from another thread (nullopt: NotFound).
std::optional<std::string> getElsewhere(Storage& store, const std::string& key) {
  std::optional<std::string> out;
  std::thread([&] {
    auto got = store.get(key);
    if (got.isOk()) out = got->value;
  }).join();
  return out;
}

TEST_F(WriteGroupTest, WritesAreProvisionalUntilTheGroupCommits) {
  struct Case {
    std::string name;
    std::vector<GroupedWrite> writes;
    std::map<std::string, std::string> after;  // every key under /t/ after the commit
  };
  const std::vector<Case> cases = {
      {"create_update_create",
       {{Op::Create, "/t/a", "1"}, {Op::Update, "/t/a", "2", -1}, {Op::Create, "/t/b", "x"}},
       {{"/t/a", "2"}, {"/t/b", "x"}, {"/t/seed", "s"}}},
      {"create_of_an_existing_key_fails_and_the_group_goes_on",
       {{Op::Create, "/t/seed", "again", 0, Code::AlreadyExists}, {Op::Create, "/t/a", "1"}},
       {{"/t/a", "1"}, {"/t/seed", "s"}}},
      {"update_at_a_stale_revision_conflicts",
       {{Op::Create, "/t/a", "1"}, {Op::Update, "/t/a", "2", 1, Code::Conflict}},
       {{"/t/a", "1"}, {"/t/seed", "s"}}},
      {"remove_then_create_again",
       {{Op::Remove, "/t/seed", "", 1}, {Op::Create, "/t/seed", "new"}},
       {{"/t/seed", "new"}}},
      {"update_of_a_key_removed_in_the_group_is_not_found",
       {{Op::Remove, "/t/seed", ""}, {Op::Update, "/t/seed", "x", 0, Code::NotFound}},
       {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    SqliteOptions options;
    options.compaction_interval = std::chrono::milliseconds(0);
    options.write_group_max_time = std::chrono::hours(1);
    auto opened = openSqliteStorage(dir.path() + "/flotilla.db", options);
    ASSERT_TRUE(opened.isOk());
    auto& store = **opened;
    ASSERT_EQ(store.create("/t/seed", "s").valueOr(0), 1);
    auto watch = store.watch("/t/", 1);
    ASSERT_TRUE(watch.isOk());
    const auto commits_before = sqliteWriterStats(store)->commits;

    auto group = store.groupWrites();
    int64_t last = 1;
    int64_t successes = 0;
    for (const auto& write : c.writes) {
      auto revision = runWrite(store, write, last);
      ASSERT_EQ(revision.status().code(), write.code) << write.key << " " << revision.status().toString();
      if (revision.isOk()) {
        EXPECT_EQ(*revision, last + 1) << "revisions stay consecutive within a group";
        last = *revision;
        ++successes;
      }
    }
    // Nothing is visible outside the grouping thread, nor published, before the commit.
    EXPECT_EQ(getElsewhere(store, "/t/seed"), std::optional<std::string>("s"));
    EXPECT_EQ(getElsewhere(store, "/t/a"), std::nullopt);
    auto early = (*watch)->next(std::chrono::milliseconds(0));
    ASSERT_TRUE(early.isOk());
    EXPECT_TRUE(early->empty());
    EXPECT_EQ(sqliteWriterStats(store)->commits, commits_before);

    ASSERT_TRUE(group->commit().isOk());
    EXPECT_TRUE(group->commit().isOk()) << "commit is idempotent";
    EXPECT_EQ(sqliteWriterStats(store)->commits, commits_before + (successes > 0 ? 1 : 0));
    EXPECT_EQ(store.currentRevision().valueOr(0), last);
    std::map<std::string, std::string> state;
    ListOptions all;
    all.prefix = "/t/";
    auto listed = store.list(all);
    ASSERT_TRUE(listed.isOk()) << listed.status().toString();
    for (auto& kv : listed->items) state[kv.key] = kv.value;
    EXPECT_EQ(state, c.after);
    for (const auto& [key, value] : c.after) {
      EXPECT_EQ(getElsewhere(store, key), std::optional<std::string>(value)) << key;
    }
    auto events = collectEvents(**watch, static_cast<size_t>(successes));
    ASSERT_EQ(events.events.size(), static_cast<size_t>(successes));
    for (size_t i = 0; i < events.events.size(); ++i) {
      EXPECT_EQ(events.events[i].revision, 2 + static_cast<int64_t>(i));
    }
  }
}

TEST_F(WriteGroupTest, TheGroupingThreadReadsItsOwnWrites) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->create("/r/gone", "g").isOk());
  auto group = store->groupWrites();
  ASSERT_EQ(store->create("/r/a", "1").valueOr(0), 2);
  ASSERT_EQ(store->update("/r/a", "2", 2).valueOr(0), 3);
  ASSERT_TRUE(store->remove("/r/gone", 1).isOk());

  struct Read {
    std::string key;
    std::optional<std::string> value;
    int64_t mod_revision = 0;
  };
  for (const auto& read : std::vector<Read>{{"/r/a", "2", 3}, {"/r/gone", std::nullopt, 0}}) {
    SCOPED_TRACE(read.key);
    auto got = store->get(read.key);
    if (!read.value) {
      EXPECT_EQ(got.status().code(), Code::NotFound);
      continue;
    }
    ASSERT_TRUE(got.isOk()) << got.status().toString();
    EXPECT_EQ(got->value, *read.value);
    EXPECT_EQ(got->mod_revision, read.mod_revision);
    EXPECT_EQ(got->create_revision, 2);
  }
  EXPECT_EQ(store->currentRevision().valueOr(0), 4);
  ListOptions all;
  all.prefix = "/r/";
  auto listed = store->list(all);
  ASSERT_TRUE(listed.isOk()) << listed.status().toString();
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].value, "2");
  EXPECT_EQ(listed->revision, 4);
  EXPECT_EQ(store->compact(2).code(), Code::FailedPrecondition);
  ASSERT_TRUE(group->commit().isOk());
  EXPECT_EQ(getElsewhere(*store, "/r/a"), std::optional<std::string>("2"));
  EXPECT_EQ(getElsewhere(*store, "/r/gone"), std::nullopt);
}

TEST_F(WriteGroupTest, BoundsCommitWhatTheGroupHasSoFar) {
  struct Case {
    std::string name;
    size_t max_writes;
    std::chrono::milliseconds max_time;
    int writes;
    int64_t commits;        // after the group ended
    int64_t visible_early;  // keys other threads see before the group ends
  };
  const std::vector<Case> cases = {
      {"unbounded_one_commit", 1000, std::chrono::hours(1), 5, 1, 0},
      {"two_writes_per_commit", 2, std::chrono::hours(1), 5, 3, 4},
      {"no_time_commits_before_every_next_write", 1000, std::chrono::milliseconds(0), 4, 4, 3},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    SqliteOptions options;
    options.compaction_interval = std::chrono::milliseconds(0);
    options.write_group_max_writes = c.max_writes;
    options.write_group_max_time = c.max_time;
    auto opened = openSqliteStorage(dir.path() + "/flotilla.db", options);
    ASSERT_TRUE(opened.isOk());
    auto& store = **opened;
    {
      auto group = store.groupWrites();
      for (int i = 0; i < c.writes; ++i) {
        ASSERT_EQ(store.create("/b/" + std::to_string(i), "v").valueOr(0), i + 1);
      }
      int64_t visible = 0;
      for (int i = 0; i < c.writes; ++i) {
        if (getElsewhere(store, "/b/" + std::to_string(i))) ++visible;
      }
      EXPECT_EQ(visible, c.visible_early);
    }  // the destructor commits
    EXPECT_EQ(sqliteWriterStats(store)->commits, c.commits);
    EXPECT_EQ(sqliteWriterStats(store)->writes, c.writes);
    EXPECT_EQ(getElsewhere(store, "/b/" + std::to_string(c.writes - 1)),
              std::optional<std::string>("v"));
  }
}

TEST_F(WriteGroupTest, NestedGroupsJoinTheOuterOne) {
  auto store = open();
  ASSERT_TRUE(store);
  auto outer = store->groupWrites();
  ASSERT_TRUE(store->create("/n/a", "1").isOk());
  {
    auto inner = store->groupWrites();
    ASSERT_TRUE(store->create("/n/b", "1").isOk());
    EXPECT_TRUE(inner->commit().isOk());
  }
  EXPECT_EQ(getElsewhere(*store, "/n/b"), std::nullopt);
  ASSERT_TRUE(outer->commit().isOk());
  EXPECT_EQ(getElsewhere(*store, "/n/b"), std::optional<std::string>("1"));
  EXPECT_EQ(sqliteWriterStats(*store)->commits, 1);
  // After the commit the thread's writes commit one by one again.
  ASSERT_TRUE(store->create("/n/c", "1").isOk());
  EXPECT_EQ(getElsewhere(*store, "/n/c"), std::optional<std::string>("1"));
}

// Makes every insert of a log row for `key` fail inside SQLite.
void failWritesOf(const std::string& path, const std::string& key) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql = "CREATE TRIGGER fail_" + std::to_string(key.size()) +
                          " BEFORE INSERT ON log WHEN NEW.key = CAST('" + key +
                          "' AS BLOB) OR NEW.key = '" + key +
                          "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;";
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(WriteGroupTest, AFailedWriteRollsBackTheGroup) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create("/f/seed", "s").isOk());
  }
  failWritesOf(path(), "/f/boom");
  auto store = open();
  ASSERT_TRUE(store);
  auto watch = store->watch("/f/", 1);
  ASSERT_TRUE(watch.isOk());

  auto group = store->groupWrites();
  struct Step {
    std::string name;
    std::string key;
    bool ok;
  };
  for (const auto& step : std::vector<Step>{{"acknowledged_before_the_failure", "/f/a", true},
                                            {"the_failing_write", "/f/boom", false},
                                            {"later_writes_fail_too", "/f/c", false}}) {
    SCOPED_TRACE(step.name);
    auto written = store->create(step.key, "v");
    EXPECT_EQ(written.isOk(), step.ok) << written.status().toString();
  }
  auto committed = group->commit();
  EXPECT_FALSE(committed.isOk());
  EXPECT_NE(committed.message().find("rolled back"), std::string::npos) << committed.toString();
  // The acknowledged write is gone, nothing was published, the revision did not move.
  EXPECT_EQ(store->get("/f/a").status().code(), Code::NotFound);
  EXPECT_EQ(store->currentRevision().valueOr(0), 1);
  // The writer was released: plain writes and new groups work.
  ASSERT_EQ(store->create("/f/d", "v").valueOr(0), 2);
  auto again = store->groupWrites();
  ASSERT_EQ(store->create("/f/e", "v").valueOr(0), 3);
  ASSERT_TRUE(again->commit().isOk());
  auto events = collectEvents(**watch, 2);
  ASSERT_EQ(events.events.size(), 2u);
  EXPECT_EQ(events.events[0].key, "/f/d");
  EXPECT_EQ(events.events[1].key, "/f/e");
}

TEST_F(WriteGroupTest, OtherThreadsWritesWaitAndLandAfterTheGroup) {
  SqliteOptions options;
  options.write_group_max_time = std::chrono::hours(1);
  auto store = open(options);
  ASSERT_TRUE(store);
  auto group = store->groupWrites();
  ASSERT_EQ(store->create("/o/group1", "v").valueOr(0), 1);
  std::atomic<int64_t> other_revision{0};
  std::thread other([&] { other_revision = store->create("/o/other", "v").valueOr(-1); });
  // Whether the other write queued already or not, it cannot land inside the group.
  ASSERT_EQ(store->create("/o/group2", "v").valueOr(0), 2);
  ASSERT_TRUE(group->commit().isOk());
  other.join();
  EXPECT_EQ(other_revision.load(), 3);
  EXPECT_EQ(store->currentRevision().valueOr(0), 3);
}

TEST_F(WriteGroupTest, ConcurrentGroupsAndPlainWritesLandExactlyOnce) {
  // Threads alternate between groups of writes and plain writes on their own keys, and all
  // increment one shared counter with optimistic concurrency; a watch must see every write
  // exactly once, in revision order, and the counter must lose no increment.
  SqliteOptions options;
  options.write_group_max_writes = 7;  // some groups commit midway
  auto store = open(options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->create("/c/counter", "0").isOk());
  auto watch = store->watch("/c/", 1);
  ASSERT_TRUE(watch.isOk());
  constexpr int kThreads = 6;
  constexpr int kRounds = 30;
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        WriteGroupPtr group = (round + t) % 2 == 0 ? store->groupWrites() : nullptr;
        int64_t acked = 0;
        const std::string own = "/c/t" + std::to_string(t) + "-" + std::to_string(round);
        if (store->create(own, "v").isOk()) ++acked; else ++failures;
        while (true) {
          auto counter = store->get("/c/counter");
          if (!counter.isOk()) {
            ++failures;
            break;
          }
          auto next = std::to_string(std::stoi(counter->value) + 1);
          auto written = store->update("/c/counter", next, counter->mod_revision);
          if (written.isOk()) {
            ++acked;
            break;
          }
          if (written.status().code() != Code::Conflict) {
            ++failures;
            break;
          }
          if (group) {
            // The conflicting write is not ours to see until we let it land.
            if (!group->commit().isOk()) ++failures;
            group = store->groupWrites();
          }
        }
        if (store->update(own, "w", 0).isOk()) ++acked; else ++failures;
        if (group && !group->commit().isOk()) ++failures;
        acknowledged += acked;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(acknowledged.load(), kThreads * kRounds * 3);
  EXPECT_EQ(store->get("/c/counter")->value, std::to_string(kThreads * kRounds));
  auto events = collectEvents(**watch, static_cast<size_t>(acknowledged.load()));
  ASSERT_EQ(events.events.size(), static_cast<size_t>(acknowledged.load()));
  std::set<int64_t> revisions;
  for (size_t i = 0; i < events.events.size(); ++i) {
    EXPECT_EQ(events.events[i].revision, 2 + static_cast<int64_t>(i));
    revisions.insert(events.events[i].revision);
  }
  EXPECT_EQ(revisions.size(), events.events.size());
}

// Every backend: a group changes when writes become visible, never what they do.
TEST_P(StorageSuite, WriteGroupKeepsWriteSemantics) {
  auto group = store().groupWrites();
  ASSERT_TRUE(group);
  auto first = store().create("/g/a", "1");
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_EQ(store().create("/g/a", "2").status().code(), Code::AlreadyExists);
  auto second = store().update("/g/a", "2", *first);
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_GT(*second, *first);
  EXPECT_EQ(store().get("/g/a")->value, "2");
  ASSERT_TRUE(group->commit().isOk());
  EXPECT_EQ(store().get("/g/a")->mod_revision, *second);
  EXPECT_EQ(store().currentRevision().valueOr(0), *second);
}

}  // namespace
}  // namespace flotilla::storage
