// Thin RAII layer over the SQLite C API for the SQLite backend: a connection that caches its
// prepared statements, a statement handle that resets itself, and a pool of read connections.
// SQLite errors become Status values here so the layers above never see result codes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace flotilla::storage {

// A prepared statement borrowed from a connection's cache; reset and unbound on destruction.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Parameters are 1-based, like SQLite's.
  void bind(int index, int64_t value);
  void bindBlob(int index, std::string_view bytes);
  void bindNull(int index);

  // true: a row is available; false: done.
  core::Result<bool> step();
  // Steps until done (for statements that return no rows).
  core::Status run();

  int64_t columnInt(int index) const;
  bool columnIsNull(int index) const;
  std::string columnBlob(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteConnection {
 public:
  // Opens (creating when `create`) the database with the pragmas the backend relies on: WAL,
  // synchronous=FULL so a commit is durable when it returns (unless `durable_commits` is false:
  // synchronous=NORMAL, which survives a process crash but may lose the last commits on power
  // loss), and a busy timeout.
  static core::Result<std::unique_ptr<SqliteConnection>> open(
      const std::string& path, std::chrono::milliseconds busy_timeout, bool create,
      bool durable_commits = true);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  core::Status exec(const char* sql);
  // exec() for one statement run again and again (BEGIN/COMMIT of every write batch): prepared
  // once and kept in the statement cache instead of compiled on every call.
  core::Status execCached(const char* sql);
  // A statement from the connection's cache, prepared on first use.
  core::Result<SqliteStatement> prepare(const std::string& sql);

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// Read connections shared by reader threads; each lease returns its connection to the pool.
class SqliteReaderPool {
 public:
  SqliteReaderPool(std::string path, std::chrono::milliseconds busy_timeout)
      : path_(std::move(path)), busy_timeout_(busy_timeout) {}

  class Lease {
   public:
    Lease(SqliteReaderPool* pool, std::unique_ptr<SqliteConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->release(std::move(conn_));
    }
    SqliteConnection& operator*() { return *conn_; }
    SqliteConnection* operator->() { return conn_.get(); }

   private:
    SqliteReaderPool* pool_;
    std::unique_ptr<SqliteConnection> conn_;
  };

  core::Result<Lease> acquire();

 private:
  void release(std::unique_ptr<SqliteConnection> conn);

  const std::string path_;
  const std::chrono::milliseconds busy_timeout_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

// Runs a deferred read transaction on a connection so several queries see one snapshot; rolls
// back (a no-op for reads) on destruction.
class SqliteReadTransaction {
 public:
  explicit SqliteReadTransaction(SqliteConnection& conn) : conn_(conn) {}
  core::Status begin();
  ~SqliteReadTransaction();

 private:
  SqliteConnection& conn_;
  bool open_ = false;
};

}  // namespace flotilla::storage
