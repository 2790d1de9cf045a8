#include "storage/sqlite_log.h"

#include <algorithm>
#include <memory>

#include "storage/key_range.h"

namespace flotilla::storage::sqlite_log {
namespace {

constexpr const char* kCompactedName = "compact_revision";

// Range conditions on column `column` for `prefix`: `column >= ?lo [AND column < ?hi]`, using
// parameters `lo` and `lo + 1`. The bounded and unbounded forms are separate statements so the
// planner always sees a plain index range.
std::string rangeCondition(const std::string& column, bool bounded, int lo) {
  std::string out = column + " >= ?" + std::to_string(lo);
  if (bounded) out += " AND " + column + " < ?" + std::to_string(lo + 1);
  return out;
}

void bindRange(SqliteStatement& stmt, const std::string& prefix,
               const std::optional<std::string>& end, int lo) {
  stmt.bindBlob(lo, prefix);
  if (end) stmt.bindBlob(lo + 1, *end);
}

std::shared_ptr<const std::string> share(std::string value) {
  return std::make_shared<const std::string>(std::move(value));
}

}  // namespace

core::Status createSchema(SqliteConnection& conn) {
  FLOTILLA_RETURN_IF_ERROR(conn.exec(
      "CREATE TABLE IF NOT EXISTS log ("
      "  id INTEGER PRIMARY KEY,"
      "  key BLOB NOT NULL,"
      "  value BLOB,"
      "  create_revision INTEGER NOT NULL,"
      "  prev_revision INTEGER NOT NULL,"
      "  deleted INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS log_key_id ON log(key, id);"
      // Only deletes write this index (and compaction removes their rows again): it lets a count
      // of live keys find the keys whose newest row is a tombstone without reading the table.
      "CREATE INDEX IF NOT EXISTS log_tombstone ON log(key, id) WHERE deleted = 1;"
      "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) "
      "  WITHOUT ROWID;"));
  // Databases written before kept a `current` table (key -> newest live row); the log's index
  // answers the same questions, and the table was one more B-tree written by every write. It
  // is replaced by a view of the same name and columns so that an older binary opened on this
  // database (a rollback) still reads every object, and fails loudly on its first write (a view
  // cannot be modified; its transaction rolls back) instead of creating an empty table and
  // serving an empty store.
  bool old_table = false;
  {
    // Scoped: a table cannot be dropped while a statement reading the schema is still open.
    auto kind = conn.prepare("SELECT type FROM sqlite_master WHERE name = 'current'");
    if (!kind.isOk()) return kind.status();
    auto row = kind->step();
    if (!row.isOk()) return row.status();
    old_table = *row && kind->columnBlob(0) == "table";
  }
  if (old_table) FLOTILLA_RETURN_IF_ERROR(conn.exec("DROP TABLE current;"));
  return conn.exec(
      "CREATE VIEW IF NOT EXISTS current (key, id) AS SELECT key, id FROM ("
      "  SELECT key, max(id) AS id, deleted FROM log GROUP BY key) WHERE deleted = 0;");
}

core::Result<Revisions> readRevisions(SqliteConnection& conn) {
  Revisions out;
  {
    // The newest row is the newest revision unless compaction removed it (a tombstone at or
    // below the compacted revision): then the compacted revision is the newest one.
    auto stmt = conn.prepare("SELECT max(id) FROM log");
    if (!stmt.isOk()) return stmt.status();
    auto row = stmt->step();
    if (!row.isOk()) return row.status();
    if (*row && !stmt->columnIsNull(0)) out.current = stmt->columnInt(0);
  }
  auto stmt = conn.prepare("SELECT value FROM meta WHERE name = ?1");
  if (!stmt.isOk()) return stmt.status();
  stmt->bindBlob(1, kCompactedName);
  auto row = stmt->step();
  if (!row.isOk()) return row.status();
  if (*row) out.compacted = stmt->columnInt(0);
  out.current = std::max(out.current, out.compacted);
  return out;
}

core::Result<std::optional<CurrentRow>> lookup(SqliteConnection& conn, const std::string& key,
                                               bool with_value) {
  // The key's newest row, found from the end of its (key, id) index range; a tombstone means the
  // key is not live.
  auto stmt = conn.prepare(with_value ? "SELECT id, create_revision, deleted, value FROM log "
                                        "WHERE key = ?1 ORDER BY id DESC LIMIT 1"
                                      : "SELECT id, create_revision, deleted FROM log "
                                        "WHERE key = ?1 ORDER BY id DESC LIMIT 1");
  if (!stmt.isOk()) return stmt.status();
  stmt->bindBlob(1, key);
  auto row = stmt->step();
  if (!row.isOk()) return row.status();
  if (!*row || stmt->columnInt(2) != 0) return std::optional<CurrentRow>();
  CurrentRow out;
  out.mod_revision = stmt->columnInt(0);
  out.create_revision = stmt->columnInt(1);
  if (with_value) out.value = stmt->columnBlob(3);
  return std::optional<CurrentRow>(std::move(out));
}

core::Status forEachCurrent(
    SqliteConnection& conn,
    const std::function<void(std::string key, int64_t create_revision, int64_t mod_revision)>&
        visit) {
  // One pass over the log in (key, id) order: the last row of each key says whether it is live.
  auto stmt = conn.prepare(
      "SELECT key, id, create_revision, deleted FROM log INDEXED BY log_key_id ORDER BY key, id");
  if (!stmt.isOk()) return stmt.status();
  std::string key;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  bool live = false;
  while (true) {
    auto row = stmt->step();
    if (!row.isOk()) return row.status();
    if (!*row) break;
    std::string next = stmt->columnBlob(0);
    if (live && next != key) visit(std::move(key), create_revision, mod_revision);
    key = std::move(next);
    mod_revision = stmt->columnInt(1);
    create_revision = stmt->columnInt(2);
    live = stmt->columnInt(3) == 0;
  }
  if (live) visit(std::move(key), create_revision, mod_revision);
  return core::Status::ok();
}

core::Status append(SqliteConnection& conn, const Row& row) {
  auto stmt = conn.prepare(
      "INSERT INTO log (id, key, value, create_revision, prev_revision, deleted) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.isOk()) return stmt.status();
  stmt->bind(1, row.id);
  stmt->bindBlob(2, row.key);
  if (row.deleted) {
    stmt->bindNull(3);
  } else {
    stmt->bindBlob(3, row.value);
  }
  stmt->bind(4, row.create_revision);
  stmt->bind(5, row.prev_revision);
  stmt->bind(6, row.deleted ? 1 : 0);
  return stmt->run();
}

core::Result<KeyValue> get(SqliteConnection& conn, const std::string& key) {
  auto found = lookup(conn, key, /*with_value=*/true);
  if (!found.isOk()) return found.status();
  if (!found->has_value()) return core::notFound("key " + key + " not found");
  auto& row = **found;
  return KeyValue{key, std::move(row.value), row.create_revision, row.mod_revision};
}

core::Result<ListResult> list(SqliteConnection& conn, const ListOptions& options,
                              int64_t snapshot_revision) {
  const auto end = prefixEnd(options.prefix);
  const bool bounded = end.has_value();
  // The latest list is the list at the snapshot's own revision.
  const int64_t at = options.revision > 0 ? std::min(options.revision, snapshot_revision)
                                          : snapshot_revision;
  // ?1/?2 prefix range, ?3 start_after, ?4 revision, ?5 limit.
  // Walks the (key, id) index in key order and keeps each key's newest row at the revision,
  // so a page stops after `limit` keys instead of grouping the whole range first.
  const std::string filter =
      "FROM log AS l WHERE " + rangeCondition("l.key", bounded, 1) +
      " AND l.key > ?3 AND l.id <= ?4 AND l.deleted = 0 AND l.id = ("
      "SELECT max(n.id) FROM log AS n WHERE n.key = l.key AND n.id <= ?4)";
  auto bindAll = [&](SqliteStatement& stmt, const std::string& after) {
    bindRange(stmt, options.prefix, end, 1);
    stmt.bindBlob(3, after);
    stmt.bind(4, at);
  };

  ListResult out;
  out.revision = options.revision > 0 ? options.revision : snapshot_revision;
  {
    auto stmt = conn.prepare("SELECT l.key, l.value, l.create_revision, l.id " + filter +
                             " ORDER BY l.key LIMIT ?5");
    if (!stmt.isOk()) return stmt.status();
    bindAll(*stmt, options.start_after);
    // One extra row tells whether more remain.
    stmt->bind(5, options.limit > 0 ? options.limit + 1 : -1);
    while (true) {
      auto row = stmt->step();
      if (!row.isOk()) return row.status();
      if (!*row) break;
      if (options.limit > 0 && static_cast<int64_t>(out.items.size()) == options.limit) {
        out.more = true;
        break;
      }
      out.items.push_back(KeyValue{stmt->columnBlob(0), stmt->columnBlob(1), stmt->columnInt(2),
                                   stmt->columnInt(3)});
    }
  }
  if (out.more) {
    // Keys live at the revision = keys with a row at or below it, less those whose newest such
    // row is a tombstone. Both read only indexes: the first counts (key, id) entries, the second
    // walks the tombstone index, which holds just the deletes compaction has not removed yet.
    // Compaction keeps that exact: a key's newest row at a readable revision is never removed,
    // and a removed tombstone takes the rows it superseded with it.
    const std::string sql =
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM log INDEXED BY log_key_id WHERE " +
        rangeCondition("key", bounded, 1) +
        " AND key > ?3 AND id <= ?4 GROUP BY key)) - (SELECT count(*) FROM log AS t "
        "INDEXED BY log_tombstone WHERE t.deleted = 1 AND " +
        rangeCondition("t.key", bounded, 1) +
        " AND t.key > ?3 AND t.id <= ?4 AND t.id = ("
        "SELECT max(n.id) FROM log AS n WHERE n.key = t.key AND n.id <= ?4))";
    auto stmt = conn.prepare(sql);
    if (!stmt.isOk()) return stmt.status();
    bindAll(*stmt, out.items.back().key);
    auto row = stmt->step();
    if (!row.isOk()) return row.status();
    if (*row) out.remaining = stmt->columnInt(0);
  }
  return out;
}

core::Result<std::vector<Event>> readEvents(SqliteConnection& conn, const std::string& prefix,
                                            int64_t after, int64_t upto, int64_t limit) {
  const auto end = prefixEnd(prefix);
  auto stmt = conn.prepare(
      "SELECT l.id, l.key, l.value, l.create_revision, l.deleted, l.prev_revision, p.value "
      "FROM log AS l LEFT JOIN log AS p ON p.id = l.prev_revision "
      "WHERE l.id > ?1 AND l.id <= ?2 AND " +
      rangeCondition("l.key", end.has_value(), 3) + " ORDER BY l.id LIMIT ?5");
  if (!stmt.isOk()) return stmt.status();
  stmt->bind(1, after);
  stmt->bind(2, upto);
  bindRange(*stmt, prefix, end, 3);
  stmt->bind(5, limit);
  std::vector<Event> out;
  while (true) {
    auto row = stmt->step();
    if (!row.isOk()) return row.status();
    if (!*row) break;
    Event event;
    event.revision = stmt->columnInt(0);
    event.key = stmt->columnBlob(1);
    event.create_revision = stmt->columnInt(3);
    const bool deleted = stmt->columnInt(4) != 0;
    if (stmt->columnInt(5) != 0) event.prev_value = share(stmt->columnBlob(6));
    if (deleted) {
      event.type = EventType::Delete;
      event.value = event.prev_value ? event.prev_value : share("");
    } else {
      event.type = EventType::Put;
      event.value = share(stmt->columnBlob(2));
    }
    out.push_back(std::move(event));
  }
  return out;
}

core::Status setCompacted(SqliteConnection& conn, int64_t revision) {
  auto stmt = conn.prepare(
      "INSERT INTO meta (name, value) VALUES (?1, ?2) "
      "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)");
  if (!stmt.isOk()) return stmt.status();
  stmt->bindBlob(1, kCompactedName);
  stmt->bind(2, revision);
  return stmt->run();
}

core::Result<std::optional<int64_t>> oldestRow(SqliteConnection& conn) {
  auto stmt = conn.prepare("SELECT min(id) FROM log");
  if (!stmt.isOk()) return stmt.status();
  auto row = stmt->step();
  if (!row.isOk()) return row.status();
  if (!*row || stmt->columnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt->columnInt(0));
}

core::Result<int64_t> compactRange(SqliteConnection& conn, int64_t target, int64_t from,
                                   int64_t to) {
  auto stmt = conn.prepare(
      "DELETE FROM log WHERE id > ?1 AND id <= ?2 AND (deleted = 1 OR EXISTS ("
      "  SELECT 1 FROM log AS n WHERE n.key = log.key AND n.id > log.id AND n.id <= ?3))");
  if (!stmt.isOk()) return stmt.status();
  stmt->bind(1, from);
  stmt->bind(2, to);
  stmt->bind(3, target);
  FLOTILLA_RETURN_IF_ERROR(stmt->run());
  auto changes = conn.prepare("SELECT changes()");
  if (!changes.isOk()) return changes.status();
  auto row = changes->step();
  if (!row.isOk()) return row.status();
  return *row ? changes->columnInt(0) : int64_t{0};
}

}  // namespace flotilla::storage::sqlite_log
