#include "storage/sqlite_db.h"

#include <sqlite3.h>

#include <string>

namespace flotilla::storage {
namespace {

core::Status sqliteError(sqlite3* db, int rc, const char* what) {
  std::string message = std::string(what) + ": " + sqlite3_errstr(rc);
  if (db != nullptr) message += " (" + std::string(sqlite3_errmsg(db)) + ")";
  // Busy/locked/IO problems are transient from the caller's point of view; anything else means
  // the database or our SQL is broken.
  int primary = rc & 0xff;
  bool transient = primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
                   primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
                   primary == SQLITE_PROTOCOL;
  return core::Status(transient ? core::Code::Unavailable : core::Code::Internal, message);
}

}  // namespace

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void SqliteStatement::bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void SqliteStatement::bindBlob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL: keys and values compare as blobs.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                      SQLITE_TRANSIENT);
}

void SqliteStatement::bindNull(int index) { sqlite3_bind_null(stmt_, index); }

core::Result<bool> SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqliteError(db_, rc, "sqlite step");
}

core::Status SqliteStatement::run() {
  while (true) {
    auto row = step();
    if (!row.isOk()) return row.status();
    if (!*row) return core::Status::ok();
  }
}

int64_t SqliteStatement::columnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

bool SqliteStatement::columnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::string SqliteStatement::columnBlob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

core::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(
    const std::string& path, std::chrono::milliseconds busy_timeout, bool create,
    bool durable_commits) {
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is only ever used by one thread at a time (writer thread or a lease).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto status = sqliteError(db, rc, ("opening " + path).c_str());
    sqlite3_close(db);
    return status;
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  FLOTILLA_RETURN_IF_ERROR(conn->exec("PRAGMA journal_mode=WAL"));
  FLOTILLA_RETURN_IF_ERROR(
      conn->exec(durable_commits ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  // A large batch can grow the WAL; give the disk back once it has been checkpointed.
  FLOTILLA_RETURN_IF_ERROR(conn->exec("PRAGMA journal_size_limit=67108864"));
  // Checkpoint every 10,000 WAL pages (~40 MiB) instead of SQLite's 1,000: pages rewritten by
  // every commit (index interiors, the log's last page) are copied back and fsynced ten
  // times less often. It only matters on the writing connection and stays under the size limit.
  if (create) FLOTILLA_RETURN_IF_ERROR(conn->exec("PRAGMA wal_autocheckpoint=10000"));
  FLOTILLA_RETURN_IF_ERROR(conn->exec("PRAGMA foreign_keys=OFF"));
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

core::Status SqliteConnection::exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return core::Status::ok();
  std::string message = std::string("sqlite exec '") + sql + "'";
  sqlite3_free(error);
  return sqliteError(db_, rc, message.c_str());
}

core::Status SqliteConnection::execCached(const char* sql) {
  auto stmt = prepare(sql);
  if (!stmt.isOk()) return stmt.status();
  auto status = stmt->run();
  if (status.isOk()) return status;
  return core::Status(status.code(), std::string("sqlite exec '") + sql + "': " + status.message());
}

core::Result<SqliteStatement> SqliteConnection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return SqliteStatement(db_, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqliteError(db_, rc, "sqlite prepare");
  statements_.emplace(sql, stmt);
  return SqliteStatement(db_, stmt);
}

core::Result<SqliteReaderPool::Lease> SqliteReaderPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  auto conn = SqliteConnection::open(path_, busy_timeout_, /*create=*/false);
  if (!conn.isOk()) return conn.status();
  FLOTILLA_RETURN_IF_ERROR((*conn)->exec("PRAGMA query_only=ON"));
  return Lease(this, std::move(conn).value());
}

void SqliteReaderPool::release(std::unique_ptr<SqliteConnection> conn) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
}

core::Status SqliteReadTransaction::begin() {
  FLOTILLA_RETURN_IF_ERROR(conn_.exec("BEGIN"));
  open_ = true;
  return core::Status::ok();
}

SqliteReadTransaction::~SqliteReadTransaction() {
  if (open_) (void)conn_.exec("ROLLBACK");
}

}  // namespace flotilla::storage
