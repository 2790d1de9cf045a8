// A watch on the SQLite backend. Recent events come from the EventHub's ring; when the requested
// start is older than the ring, the watch first replays (after, replay_to] from the log table in
// bounded pages, checking in the same snapshot that compaction has not removed them, and then
// hands out what the hub queued meanwhile. Internal to the SQLite backend.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "storage/event_hub.h"
#include "storage/sqlite_db.h"
#include "storage/storage.h"

namespace flotilla::storage {

class SqliteWatch final : public Watch {
 public:
  SqliteWatch(std::shared_ptr<SqliteReaderPool> readers, std::string prefix, int64_t after,
              int64_t replay_to, SubscriptionPtr subscription)
      : readers_(std::move(readers)),
        prefix_(std::move(prefix)),
        replay_from_(after),
        replay_to_(replay_to),
        subscription_(std::move(subscription)) {}
  ~SqliteWatch() override { cancel(); }

  core::Result<std::vector<Event>> next(std::chrono::milliseconds timeout) override;
  void cancel() override;

 private:
  static constexpr int64_t kReplayPage = 1000;

  std::shared_ptr<SqliteReaderPool> readers_;
  const std::string prefix_;
  int64_t replay_from_;  // replay state, touched only by next()
  const int64_t replay_to_;
  SubscriptionPtr subscription_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace flotilla::storage
