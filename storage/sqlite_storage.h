// The SQLite backend of Storage: one database file for a single API server process.
//
// Write groups (Storage::groupWrites): the grouping thread takes the writer role (as a caller
// committing its own write does) at its first write and keeps the transaction open, applying
// each of its writes directly; the commit, the index update and the events come when the group
// commits. Writes of other threads queue meanwhile and are taken into the group's commit.
//
// Writes go through one writer thread that drains the queue of pending writes into a single
// transaction, checks each write's precondition in arrival order, commits with one fsync
// (WAL, synchronous=FULL) and only then acknowledges them all and publishes their events, so many
// concurrent clients share each fsync and every acknowledged write is durable. Live keys, their
// revisions and recently used values are kept in memory (CurrentIndex): preconditions and most
// gets never query SQLite. Other reads use a pool of read connections and never wait for the
// writer. Watches follow an in-memory ring of recent
// events and replay older history from the log table until it is compacted. A background task
// compacts history (every `compaction_interval`, keeping either the last
// `compaction_keep_revisions` revisions or one interval's worth). The file is locked against a
// second process opening it, because revisions are assigned in memory by the one writer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "storage/storage.h"

namespace flotilla::storage {

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{30'000};
  size_t max_batch = 1024;  // writes per group commit
  // false: no fsync per commit (synchronous=NORMAL). A crash of the process loses nothing; a
  // power loss may lose the last commits. Simulated members use it; a host should not.
  bool durable_commits = true;
  // Larger values are refused with TooLarge, like etcd's default --max-request-bytes.
  size_t max_value_bytes = 1536 * 1024;
  // Values of recently written or read keys kept in memory (the keys and their revisions always
  // are): gets and the writer's precondition checks read them instead of SQLite.
  size_t value_cache_bytes = 64u << 20;
  // Recent events kept in memory for new watches (older ones are read from the log table).
  size_t event_ring_capacity = 100'000;
  size_t event_ring_max_bytes = 256u << 20;
  // Undelivered events (or bytes) before a watcher gets Gone.
  size_t watch_backlog_limit = 50'000;
  size_t watch_backlog_bytes = 64u << 20;
  // 0 disables automatic compaction (compact() still works).
  std::chrono::milliseconds compaction_interval{std::chrono::minutes(5)};
  // > 0: each automatic run compacts to current - N. 0: to the revision seen one run earlier.
  int64_t compaction_keep_revisions = 0;
  int64_t compaction_chunk = 5'000;  // revisions examined per compaction transaction
  // Storage::groupWrites: a group that has held the writer this long, or made this many
  // writes, commits what it has (with the writes other threads queued meanwhile) before its
  // next write, so other writers wait at most about this long.
  std::chrono::milliseconds write_group_max_time{10};
  size_t write_group_max_writes = 256;
};

// Opens or creates the database at `path` (its directory must exist).
core::Result<StoragePtr> openSqliteStorage(const std::string& path, SqliteOptions options = {});

// The writer's counters since open, for benchmarks and diagnostics: writes / commits is the
// average group-commit size (writes per fsync).
struct SqliteWriterStats {
  int64_t commits = 0;
  int64_t writes = 0;
};
// nullopt when `storage` is not a SQLite store.
std::optional<SqliteWriterStats> sqliteWriterStats(Storage& storage);

}  // namespace flotilla::storage
