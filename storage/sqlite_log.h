// The SQLite backend's on-disk layout and every query on it.
//
// `log` is append-only: one row per write, whose integer primary key is the write's revision
// (the writer assigns them; no AUTOINCREMENT, whose sqlite_sequence row would be one more page
// written by every commit). The current revision is the newest row, or the compacted revision
// when compaction removed the newest rows, so a revision is never reused. Databases created with
// AUTOINCREMENT before keep it and read the same way.
// A row holds the key, the new value, the key's create_revision, the revision of the key's
// previous row (0 on create) and a deleted flag (tombstone). The (key, id) index answers every
// question about a key: its newest row is its state (a tombstone: not live), its newest row at or
// below R its state at R; lists walk it in key order. A partial index holds the tombstones alone,
// so counting live keys reads indexes only. There is no table of live keys: the storage keeps
// them in memory (CurrentIndex, rebuilt from the log at start), and such a table was one more
// B-tree page written by every write. Databases written before kept one (`current`); opening them
// drops it (a binary from before would find it missing and must not open a database written
// since). `meta` holds the compacted revision. Compaction deletes rows at or below it that a
// later row at or below it supersedes, and tombstones at or below it, so the state at any
// revision >= it stays readable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/sqlite_db.h"
#include "storage/storage.h"

namespace flotilla::storage::sqlite_log {

core::Status createSchema(SqliteConnection& conn);

struct Revisions {
  int64_t current = 0;    // the newest revision ever written
  int64_t compacted = 0;  // history at or below this is gone
};
// Reads both counters (inside a read transaction, they describe that snapshot).
core::Result<Revisions> readRevisions(SqliteConnection& conn);

// The live row of a key.
struct CurrentRow {
  int64_t mod_revision = 0;
  int64_t create_revision = 0;
  std::string value;  // only filled when asked for
};
core::Result<std::optional<CurrentRow>> lookup(SqliteConnection& conn, const std::string& key,
                                               bool with_value);
// Calls `visit(key, create_revision, mod_revision)` for every live key, in key order (one pass
// over the whole log: for start-up).
core::Status forEachCurrent(
    SqliteConnection& conn,
    const std::function<void(std::string key, int64_t create_revision, int64_t mod_revision)>&
        visit);

// Appends a row with an explicit id (the writer assigns revisions).
struct Row {
  int64_t id = 0;
  std::string_view key;
  std::string_view value;
  int64_t create_revision = 0;
  int64_t prev_revision = 0;
  bool deleted = false;
};
core::Status append(SqliteConnection& conn, const Row& row);

core::Result<KeyValue> get(SqliteConnection& conn, const std::string& key);

// Lists from a snapshot; the caller has opened a read transaction and checked `revision`.
core::Result<ListResult> list(SqliteConnection& conn, const ListOptions& options,
                              int64_t snapshot_revision);

// Events in (after, upto] under `prefix`, oldest first, at most `limit`.
core::Result<std::vector<Event>> readEvents(SqliteConnection& conn, const std::string& prefix,
                                            int64_t after, int64_t upto, int64_t limit);

// Records the compacted revision (never lowers it).
core::Status setCompacted(SqliteConnection& conn, int64_t revision);
// The smallest row id still present, or nullopt for an empty log.
core::Result<std::optional<int64_t>> oldestRow(SqliteConnection& conn);
// Deletes rows with id in (from, to] that compaction at `target` makes unreachable; returns how
// many rows it deleted.
core::Result<int64_t> compactRange(SqliteConnection& conn, int64_t target, int64_t from,
                                   int64_t to);

}  // namespace flotilla::storage::sqlite_log
