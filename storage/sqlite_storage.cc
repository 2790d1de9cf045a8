#include "storage/sqlite_storage.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/logging.h"
#include "storage/current_index.h"
#include "storage/event_hub.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_log.h"
#include "storage/sqlite_watch.h"

namespace flotilla::storage {
namespace {

// An exclusive advisory lock on "<path>.lock" for the life of the store.
class FileLock {
 public:
  static core::Result<std::unique_ptr<FileLock>> acquire(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return core::Status(core::Code::Unavailable, "opening " + path + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return core::Status(core::Code::Unavailable,
                          "database is in use by another process (" + path + " is locked)");
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { ::close(fd_); }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

enum class WriteOp { Create, Update, Remove };

// One queued write; the writer fills in the outcome and sets `done`.
struct PendingWrite {
  WriteOp op = WriteOp::Create;
  std::string key;
  std::string value;
  int64_t expected = 0;
  core::Status status;
  int64_t revision = 0;
  KeyValue removed;
  bool done = false;
  // Signalled (under the storage mutex) when `done` is set: each writer is woken for its own
  // write only, not with every other writer waiting on the next batch.
  std::condition_variable done_cv;
};

// What a batch or a write group has written so far, by key (nullopt: deleted); applied to the
// index once it committed.
using Staged = std::unordered_map<std::string, std::optional<CurrentIndex::Entry>>;

class SqliteStorage;

// The open write group of a thread (Storage::groupWrites). Only its thread touches it.
struct GroupState {
  SqliteStorage* owner = nullptr;
  bool active = true;   // false once committed: the thread's writes are no longer grouped
  bool open = false;    // holds the writer role and an open transaction
  core::Status failure;  // set when the group failed; every later write returns it
  Staged staged;
  std::vector<Event> events;
  int64_t next = 0;  // revision of the next write in the open transaction
  size_t writes = 0;  // writes in the open transaction
  std::chrono::steady_clock::time_point opened;
};

// The calling thread's write group, if any (one per thread).
thread_local GroupState* tls_group = nullptr;

// One queued compaction; runs in chunks between write batches.
struct PendingCompaction {
  int64_t target = 0;
  bool started = false;
  int64_t cursor = 0;  // rows with id <= cursor are done
  core::Status status;
  bool done = false;
};

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(SqliteOptions options, std::unique_ptr<FileLock> lock,
                std::unique_ptr<SqliteConnection> writer, std::shared_ptr<SqliteReaderPool> readers,
                sqlite_log::Revisions revisions, std::unique_ptr<CurrentIndex> index)
      : options_(options),
        lock_(std::move(lock)),
        writer_conn_(std::move(writer)),
        readers_(std::move(readers)),
        index_(std::move(index)),
        hub_(EventHub::create({options.event_ring_capacity, options.event_ring_max_bytes,
                               options.watch_backlog_limit, options.watch_backlog_bytes},
                              revisions.current)),
        revision_(revisions.current),
        compacted_(revisions.compacted) {
    writer_ = std::thread([this] { writerLoop(); });
    if (options_.compaction_interval.count() > 0) {
      compactor_ = std::thread([this] { compactorLoop(); });
    }
  }

  ~SqliteStorage() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    stop_cv_.notify_all();
    if (compactor_.joinable()) compactor_.join();
    writer_.join();
    hub_->close(core::Status(core::Code::Unavailable, "storage closed"));
  }

  core::Result<KeyValue> get(const std::string& key) override {
    if (GroupState* group = openGroup()) {
      // The group's own writes are not committed yet: only this thread sees them.
      if (auto it = group->staged.find(key); it != group->staged.end()) {
        if (!it->second) return core::notFound("key " + key + " not found");
        return KeyValue{key, *it->second->value, it->second->create_revision,
                        it->second->mod_revision};
      }
    }
    auto entry = index_->find(key);
    if (!entry) return core::notFound("key " + key + " not found");
    if (entry->value) {
      return KeyValue{key, *entry->value, entry->create_revision, entry->mod_revision};
    }
    auto conn = readers_->acquire();
    if (!conn.isOk()) return conn.status();
    auto kv = sqlite_log::get(**conn, key);
    if (kv.isOk()) index_->fill(key, kv->mod_revision, std::make_shared<const std::string>(kv->value));
    return kv;
  }

  core::Result<ListResult> list(const ListOptions& options) override {
    if (options.limit < 0) return core::invalidArgument("negative list limit");
    if (openGroup() != nullptr) {
      // Inside the group's open transaction the writer connection sees the group's writes.
      return listOn(*writer_conn_, options);
    }
    auto conn = readers_->acquire();
    if (!conn.isOk()) return conn.status();
    SqliteReadTransaction tx(**conn);
    FLOTILLA_RETURN_IF_ERROR(tx.begin());
    return listOn(**conn, options);
  }

  // list() on a connection whose transaction is open.
  core::Result<ListResult> listOn(SqliteConnection& conn, const ListOptions& options) {
    auto revisions = sqlite_log::readRevisions(conn);
    if (!revisions.isOk()) return revisions.status();
    if (options.revision > 0) {
      if (options.revision < revisions->compacted) {
        return core::Status(core::Code::Gone, "revision " + std::to_string(options.revision) +
                                                  " has been compacted (at " +
                                                  std::to_string(revisions->compacted) + ")");
      }
      if (options.revision > revisions->current) {
        return core::invalidArgument("revision " + std::to_string(options.revision) +
                                     " is in the future");
      }
    }
    return sqlite_log::list(conn, options, revisions->current);
  }

  core::Result<int64_t> create(const std::string& key, const std::string& value) override {
    auto write = submit(WriteOp::Create, key, value, 0);
    if (!write.status.isOk()) return write.status;
    return write.revision;
  }

  core::Result<int64_t> update(const std::string& key, const std::string& value,
                               int64_t expected_revision) override {
    auto write = submit(WriteOp::Update, key, value, expected_revision);
    if (!write.status.isOk()) return write.status;
    return write.revision;
  }

  core::Result<KeyValue> remove(const std::string& key, int64_t expected_revision) override {
    auto write = submit(WriteOp::Remove, key, {}, expected_revision);
    if (!write.status.isOk()) return write.status;
    return std::move(write.removed);
  }

  core::Result<int64_t> currentRevision() override {
    if (GroupState* group = openGroup()) return group->next - 1;
    return revision_.load();
  }

  core::Result<WatchPtr> watch(const std::string& prefix, int64_t after_revision) override {
    int64_t compacted = compacted_.load();
    if (after_revision < compacted) {
      return core::Status(core::Code::Gone,
                          "watch from revision " + std::to_string(after_revision) +
                              " is older than the compacted revision " + std::to_string(compacted));
    }
    auto subscribed = hub_->subscribe(prefix, after_revision);
    return WatchPtr(std::make_unique<SqliteWatch>(readers_, prefix, after_revision,
                                                  subscribed.replay_to,
                                                  std::move(subscribed.subscription)));
  }

  core::Status compact(int64_t revision) override {
    if (revision <= compacted_.load()) return core::Status::ok();
    if (openGroup() != nullptr) {
      // The writer thread would wait for the writer role this thread holds.
      return core::Status(core::Code::FailedPrecondition, "compaction inside a write group");
    }
    if (revision > revision_.load()) {
      return core::invalidArgument("cannot compact at future revision " + std::to_string(revision));
    }
    PendingCompaction job;
    job.target = revision;
    std::unique_lock lock(mu_);
    if (stopping_) return core::Status(core::Code::Unavailable, "storage closed");
    compactions_.push_back(&job);
    queue_cv_.notify_all();
    done_cv_.wait(lock, [&] { return job.done; });
    return job.status;
  }

  core::Result<int64_t> compactedRevision() override { return compacted_.load(); }

  SqliteWriterStats stats() const { return {commits_.load(), writes_.load()}; }

  WriteGroupPtr groupWrites() override;

  // Ends `group` (its thread calls this once): commits its open transaction, if any.
  core::Status finishGroup(GroupState& group) {
    group.active = false;
    if (!group.failure.isOk()) return group.failure;
    if (!group.open) return core::Status::ok();
    return commitGroup(group);
  }

 private:
  // What a write came to (PendingWrite itself stays put: it owns the writer's wakeup).
  struct WriteOutcome {
    core::Status status;
    int64_t revision = 0;
    KeyValue removed;
  };

  WriteOutcome submit(WriteOp op, const std::string& key, const std::string& value,
                      int64_t expected) {
    if (expected < 0) return {core::invalidArgument("negative expected revision")};
    if (value.size() > options_.max_value_bytes) {
      return {core::Status(core::Code::TooLarge, "value of " + std::to_string(value.size()) +
                                                     " bytes exceeds the limit of " +
                                                     std::to_string(options_.max_value_bytes))};
    }
    PendingWrite write;
    write.op = op;
    write.key = key;
    write.value = value;
    write.expected = expected;
    if (GroupState* group = tls_group; group != nullptr && group->owner == this && group->active) {
      return submitInGroup(*group, write);
    }
    std::unique_lock lock(mu_);
    if (stopping_) return {core::Status(core::Code::Unavailable, "storage closed")};
    queue_.push_back(&write);
    if (committing_ || !compactions_.empty()) {
      // Someone is committing (and takes this write next) or compaction is queued: the writer
      // thread's turn. A write arriving while a batch commits is group-committed with others.
      if (!committing_) queue_cv_.notify_all();
      write.done_cv.wait(lock, [&] { return write.done; });
      return {std::move(write.status), write.revision, std::move(write.removed)};
    }
    // Nobody is committing: commit here, in the caller's thread, instead of handing the write to
    // the writer thread and waiting to be woken (two thread switches per write when writes come
    // one at a time, as from the member simulator). Writes queued meanwhile ride along while
    // this one is not done yet; whatever is left goes to the writer thread.
    committing_ = true;
    std::vector<PendingWrite*> batch;
    while (!write.done) {
      takeBatch(batch);
      lock.unlock();
      commitBatch(batch);
      lock.lock();
      finishBatch(batch, &write);
    }
    committing_ = false;
    if (stopping_ || !queue_.empty() || !compactions_.empty()) queue_cv_.notify_all();
    idle_cv_.notify_all();
    return {std::move(write.status), write.revision, std::move(write.removed)};
  }

  // The calling thread's group on this store when it has an open transaction.
  GroupState* openGroup() const {
    GroupState* group = tls_group;
    return group != nullptr && group->owner == this && group->open ? group : nullptr;
  }

  // A write of a write group: applied at once in the group's transaction, which is opened at
  // the group's first write and committed first when the group reached its bounds.
  WriteOutcome submitInGroup(GroupState& group, PendingWrite& write) {
    if (!group.failure.isOk()) return {group.failure};
    if (group.open && (group.writes >= options_.write_group_max_writes ||
                       std::chrono::steady_clock::now() - group.opened >=
                           options_.write_group_max_time)) {
      // Let the writes other threads queued meanwhile (and compaction) go.
      if (auto status = commitGroup(group); !status.isOk()) return {std::move(status)};
    }
    if (!group.open) {
      if (auto status = beginGroup(group); !status.isOk()) return {std::move(status)};
    }
    auto status = applyWrite(write, group.next, group.events, group.staged);
    if (!status.isOk()) {
      failGroup(group, status);
      return {std::move(status)};
    }
    ++group.writes;
    return {std::move(write.status), write.revision, std::move(write.removed)};
  }

  // Takes the writer role for `group` and opens its transaction.
  core::Status beginGroup(GroupState& group) {
    {
      std::unique_lock lock(mu_);
      idle_cv_.wait(lock, [&] { return stopping_ || !committing_; });
      if (stopping_) return core::Status(core::Code::Unavailable, "storage closed");
      committing_ = true;
    }
    auto status = writer_conn_->execCached("BEGIN IMMEDIATE");
    if (!status.isOk()) {
      releaseWriter();
      return status;
    }
    group.open = true;
    group.next = revision_.load() + 1;
    group.writes = 0;
    group.opened = std::chrono::steady_clock::now();
    return core::Status::ok();
  }

  // Gives up the writer role; whoever waits for it (queued writes, compaction, another group)
  // goes on.
  void releaseWriter() {
    std::lock_guard lock(mu_);
    committing_ = false;
    if (stopping_ || !queue_.empty() || !compactions_.empty()) queue_cv_.notify_all();
    idle_cv_.notify_all();
  }

  // Commits the group's open transaction together with the writes other threads queued
  // meanwhile, publishes the events and gives up the writer role. On failure everything in the
  // transaction is rolled back and the group has failed.
  core::Status commitGroup(GroupState& group) {
    std::vector<PendingWrite*> batch;
    {
      std::lock_guard lock(mu_);
      takeBatch(batch);
    }
    core::Status status;
    for (auto* write : batch) {
      status = applyWrite(*write, group.next, group.events, group.staged);
      if (!status.isOk()) break;
    }
    if (status.isOk()) status = writer_conn_->execCached("COMMIT");
    const size_t group_writes = group.writes;
    if (status.isOk()) {
      applyStaged(group.staged);
      revision_.store(group.next - 1);
      commits_.fetch_add(1, std::memory_order_relaxed);
      writes_.fetch_add(static_cast<int64_t>(batch.size() + group_writes),
                        std::memory_order_relaxed);
      hub_->publish(group.events);
    } else {
      (void)writer_conn_->exec("ROLLBACK");
      for (auto* write : batch) write->status = status;
    }
    {
      std::lock_guard lock(mu_);
      finishBatch(batch, nullptr);
    }
    group.open = false;
    group.staged.clear();
    group.events.clear();
    group.writes = 0;
    releaseWriter();
    if (!status.isOk()) {
      group.failure = status.withContext("write group of " + std::to_string(group_writes) +
                                         " writes rolled back");
      core::logger("storage")->error("sqlite write group commit failed: {}",
                                     group.failure.toString());
      return group.failure;
    }
    return status;
  }

  // Rolls back the group's open transaction after `cause`; the group's later writes fail.
  void failGroup(GroupState& group, const core::Status& cause) {
    const size_t group_writes = group.writes;
    (void)writer_conn_->exec("ROLLBACK");
    group.open = false;
    group.staged.clear();
    group.events.clear();
    group.writes = 0;
    releaseWriter();
    group.failure = cause.withContext("write group of " + std::to_string(group_writes) +
                                      " earlier writes rolled back");
    core::logger("storage")->error("sqlite write group failed: {}", group.failure.toString());
  }

  // Makes a committed batch's writes visible in the index.
  void applyStaged(Staged& staged) {
    for (auto& [key, entry] : staged) {
      if (entry) {
        index_->put(key, entry->create_revision, entry->mod_revision, std::move(entry->value));
      } else {
        index_->erase(key);
      }
    }
  }

  // Moves up to max_batch queued writes into `batch`. Called with mu_ held.
  void takeBatch(std::vector<PendingWrite*>& batch) {
    while (!queue_.empty() && batch.size() < options_.max_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
  }

  // Marks a committed batch done and wakes its writers (but `self`, the committing caller).
  // Called with mu_ held: a woken writer returns (destroying its PendingWrite) only after taking
  // the lock, so no notify touches a write that is gone.
  void finishBatch(std::vector<PendingWrite*>& batch, const PendingWrite* self) {
    for (auto* write : batch) {
      write->done = true;
      if (write != self) write->done_cv.notify_one();
    }
    batch.clear();
  }

  // Commits what callers did not commit themselves (writes that queued up behind a commit) and
  // runs compaction, one chunk per turn so that writes keep flowing meanwhile.
  void writerLoop() {
    std::vector<PendingWrite*> batch;
    while (true) {
      PendingCompaction* compaction = nullptr;
      {
        std::unique_lock lock(mu_);
        queue_cv_.wait(lock, [&] {
          return !committing_ && (stopping_ || !queue_.empty() || !compactions_.empty());
        });
        if (queue_.empty() && (stopping_ || compactions_.empty())) break;
        takeBatch(batch);
        if (!compactions_.empty()) compaction = compactions_.front();
        committing_ = true;
      }
      if (!batch.empty()) {
        commitBatch(batch);
        std::lock_guard lock(mu_);
        finishBatch(batch, nullptr);
      }
      const bool compacted = compaction != nullptr && compactionStep(*compaction);
      {
        std::lock_guard lock(mu_);
        committing_ = false;
        if (compacted) {
          compactions_.pop_front();
          compaction->done = true;
        }
      }
      idle_cv_.notify_all();
      if (compacted) done_cv_.notify_all();
    }
    // Writes always drain before stopping; compactions still queued are abandoned.
    std::lock_guard lock(mu_);
    for (auto* job : compactions_) {
      job->status = core::Status(core::Code::Unavailable, "storage closed");
      job->done = true;
    }
    compactions_.clear();
    done_cv_.notify_all();
  }

  // Applies the batch in one transaction; fills in each write's outcome.
  void commitBatch(std::vector<PendingWrite*>& batch) {
    std::vector<Event> events;
    events.reserve(batch.size());
    Staged staged;
    int64_t next = revision_.load() + 1;
    core::Status status = writer_conn_->execCached("BEGIN IMMEDIATE");
    if (status.isOk()) {
      for (auto* write : batch) {
        status = applyWrite(*write, next, events, staged);
        if (!status.isOk()) break;
      }
    }
    if (status.isOk()) status = writer_conn_->execCached("COMMIT");
    if (status.isOk()) {
      // Before anyone is woken: a read that starts after the acknowledgement sees the write.
      applyStaged(staged);
    }
    if (!status.isOk()) {
      (void)writer_conn_->exec("ROLLBACK");
      core::logger("storage")->error("sqlite write batch of {} failed: {}", batch.size(),
                                     status.toString());
      for (auto* write : batch) write->status = status;
      return;
    }
    revision_.store(next - 1);
    commits_.fetch_add(1, std::memory_order_relaxed);
    writes_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    hub_->publish(events);
  }

  // The state of `key` before `write`: earlier writes of this batch, else the index; the value
  // (for the event's prev_value) comes from SQLite when the index has not cached it.
  core::Result<std::optional<CurrentIndex::Entry>> currentState(const PendingWrite& write,
                                                               const Staged& staged) {
    std::optional<CurrentIndex::Entry> entry;
    if (auto it = staged.find(write.key); it != staged.end()) {
      entry = it->second;
    } else {
      entry = index_->find(write.key);
    }
    if (!entry || entry->value || write.op == WriteOp::Create) return entry;
    auto row = sqlite_log::lookup(*writer_conn_, write.key, /*with_value=*/true);
    if (!row.isOk()) return row.status();
    if (!row->has_value() || (*row)->mod_revision != entry->mod_revision) {
      return core::internalError("sqlite storage: key " + write.key +
                                 " is not at the revision the index holds");
    }
    entry->value = std::make_shared<const std::string>(std::move((*row)->value));
    return entry;
  }

  // Checks one write's precondition against the state so far (including earlier writes of this
  // batch) and appends its row. A failed precondition is the write's outcome, not an error.
  core::Status applyWrite(PendingWrite& write, int64_t& next, std::vector<Event>& events,
                          Staged& staged) {
    auto current = currentState(write, staged);
    if (!current.isOk()) return current.status();
    if (write.op == WriteOp::Create) {
      if (current->has_value()) {
        write.status = core::Status(core::Code::AlreadyExists, "key " + write.key + " exists");
        return core::Status::ok();
      }
    } else {
      if (!current->has_value()) {
        write.status = core::notFound("key " + write.key + " not found");
        return core::Status::ok();
      }
      if (write.expected != 0 && (*current)->mod_revision != write.expected) {
        write.status =
            core::Status(core::Code::Conflict, "key " + write.key + " is at revision " +
                                                   std::to_string((*current)->mod_revision) +
                                                   ", not " + std::to_string(write.expected));
        return core::Status::ok();
      }
    }
    Event event;
    event.key = write.key;
    event.revision = next;
    sqlite_log::Row row;
    row.id = next;
    row.key = write.key;
    if (write.op == WriteOp::Create) {
      event.value = std::make_shared<const std::string>(std::move(write.value));
      event.create_revision = next;
      row.value = *event.value;
      row.create_revision = next;
    } else {
      auto& found = **current;
      event.prev_value = std::move(found.value);
      event.create_revision = found.create_revision;
      row.create_revision = found.create_revision;
      row.prev_revision = found.mod_revision;
      if (write.op == WriteOp::Update) {
        event.value = std::make_shared<const std::string>(std::move(write.value));
        row.value = *event.value;
      } else {
        event.type = EventType::Delete;
        event.value = event.prev_value;
        row.deleted = true;
        write.removed = KeyValue{write.key, *event.prev_value, found.create_revision, next};
      }
    }
    FLOTILLA_RETURN_IF_ERROR(sqlite_log::append(*writer_conn_, row));
    if (row.deleted) {
      staged[write.key] = std::nullopt;
    } else {
      staged[write.key] = CurrentIndex::Entry{row.create_revision, next, event.value};
    }
    write.revision = next;
    ++next;
    events.push_back(std::move(event));
    return core::Status::ok();
  }

  // Runs one transaction of `job`; true when the job is finished (status set).
  bool compactionStep(PendingCompaction& job) {
    auto& conn = *writer_conn_;
    core::Status status = conn.exec("BEGIN IMMEDIATE");
    bool finished = false;
    if (status.isOk()) {
      if (!job.started) {
        // Record the revision first: from now on reads below it get Gone, even while rows
        // are still being deleted.
        status = sqlite_log::setCompacted(conn, job.target);
        if (status.isOk()) {
          auto oldest = sqlite_log::oldestRow(conn);
          if (oldest.isOk()) {
            job.cursor = oldest->has_value() ? **oldest - 1 : job.target;
          } else {
            status = oldest.status();
          }
        }
      } else {
        int64_t to = std::min(job.target, job.cursor + options_.compaction_chunk);
        auto deleted = sqlite_log::compactRange(conn, job.target, job.cursor, to);
        if (deleted.isOk()) {
          job.cursor = to;
        } else {
          status = deleted.status();
        }
      }
    }
    if (status.isOk()) status = conn.exec("COMMIT");
    if (!status.isOk()) {
      (void)conn.exec("ROLLBACK");
      job.status = status;
      core::logger("storage")->error("sqlite compaction to {} failed: {}", job.target,
                                     status.toString());
      return true;
    }
    if (!job.started) {
      job.started = true;
      int64_t seen = compacted_.load();
      while (seen < job.target && !compacted_.compare_exchange_weak(seen, job.target)) {
      }
    } else if (job.cursor >= job.target) {
      finished = true;
    }
    return finished;
  }

  void compactorLoop() {
    int64_t previous = revision_.load();
    std::unique_lock lock(mu_);
    while (!stopping_) {
      stop_cv_.wait_for(lock, options_.compaction_interval, [&] { return stopping_; });
      if (stopping_) break;
      int64_t current = revision_.load();
      int64_t target = options_.compaction_keep_revisions > 0
                           ? current - options_.compaction_keep_revisions
                           : previous;
      previous = current;
      if (target <= compacted_.load()) continue;
      lock.unlock();
      auto status = compact(target);
      if (!status.isOk()) {
        core::logger("storage")->warn("automatic compaction to {} failed: {}", target,
                                      status.toString());
      } else {
        core::logger("storage")->debug("compacted history up to revision {}", target);
      }
      lock.lock();
    }
  }

  const SqliteOptions options_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<SqliteConnection> writer_conn_;  // used only by whoever set committing_
  std::shared_ptr<SqliteReaderPool> readers_;
  std::unique_ptr<CurrentIndex> index_;
  std::shared_ptr<EventHub> hub_;
  std::atomic<int64_t> revision_;
  std::atomic<int64_t> compacted_;
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> writes_{0};

  std::mutex mu_;  // guards the queues, stopping_ and every pending item's outcome
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::condition_variable stop_cv_;  // wakes the compactor on shutdown
  std::condition_variable idle_cv_;  // committing_ went false (a write group waits for it)
  std::deque<PendingWrite*> queue_;
  std::deque<PendingCompaction*> compactions_;
  // A thread (the writer thread or a caller committing its own write) is using writer_conn_.
  bool committing_ = false;
  bool stopping_ = false;
  std::thread writer_;
  std::thread compactor_;
};

// The guard Storage::groupWrites hands out; owns the thread's GroupState.
class SqliteWriteGroup final : public WriteGroup {
 public:
  explicit SqliteWriteGroup(SqliteStorage* owner)
      : state_(std::make_unique<GroupState>()), thread_(std::this_thread::get_id()) {
    state_->owner = owner;
    tls_group = state_.get();
  }
  ~SqliteWriteGroup() override {
    if (std::this_thread::get_id() != thread_) {
      // Misuse: the group is committed (it must give up the writer), but the creating thread's
      // pointer to its state cannot be cleared from here, so the state stays, inactive.
      core::logger("storage")->error("write group destroyed on another thread than its own");
      (void)commit();
      (void)state_.release();
      return;
    }
    if (committed_) return;  // commit() returned its outcome
    auto status = commit();
    if (!status.isOk()) {
      core::logger("storage")->error("write group not committed: {}", status.toString());
    }
  }

  core::Status commit() override {
    if (committed_) return result_;
    committed_ = true;
    result_ = state_->owner->finishGroup(*state_);
    if (tls_group == state_.get()) tls_group = nullptr;
    return result_;
  }

 private:
  std::unique_ptr<GroupState> state_;
  std::thread::id thread_;
  bool committed_ = false;
  core::Status result_;
};

WriteGroupPtr SqliteStorage::groupWrites() {
  // Nested (or a group on another store open on this thread): the outer group goes on.
  if (tls_group != nullptr && tls_group->active) return Storage::groupWrites();
  return std::make_unique<SqliteWriteGroup>(this);
}

}  // namespace

std::optional<SqliteWriterStats> sqliteWriterStats(Storage& storage) {
  auto* sqlite = dynamic_cast<SqliteStorage*>(&storage);
  if (sqlite == nullptr) return std::nullopt;
  return sqlite->stats();
}

core::Result<StoragePtr> openSqliteStorage(const std::string& path, SqliteOptions options) {
  if (options.max_batch == 0) options.max_batch = 1;
  if (options.compaction_chunk <= 0) options.compaction_chunk = 1;
  auto lock = FileLock::acquire(path + ".lock");
  if (!lock.isOk()) return lock.status();
  auto writer = SqliteConnection::open(path, options.busy_timeout, /*create=*/true,
                                      options.durable_commits);
  if (!writer.isOk()) return writer.status().withContext("opening sqlite storage");
  FLOTILLA_RETURN_IF_ERROR(sqlite_log::createSchema(**writer));
  auto revisions = sqlite_log::readRevisions(**writer);
  if (!revisions.isOk()) return revisions.status();
  auto index = std::make_unique<CurrentIndex>(options.value_cache_bytes);
  FLOTILLA_RETURN_IF_ERROR(sqlite_log::forEachCurrent(
      **writer, [&](std::string key, int64_t create_revision, int64_t mod_revision) {
        index->put(key, create_revision, mod_revision, nullptr);
      }));
  auto readers = std::make_shared<SqliteReaderPool>(path, options.busy_timeout);
  core::logger("storage")->info("sqlite storage {} at revision {} (compacted {}), {} keys", path,
                                revisions->current, revisions->compacted, index->size());
  return StoragePtr(std::make_unique<SqliteStorage>(options, std::move(lock).value(),
                                                    std::move(writer).value(), std::move(readers),
                                                    *revisions, std::move(index)));
}

}  // namespace flotilla::storage
