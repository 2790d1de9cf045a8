// A watch on the etcd backend: one streaming POST /v3/watch on its own connection, read by a
// dedicated thread that decodes newline-delimited JSON messages into a bounded queue. A compacted
// start revision (etcd cancels the watch with compact_revision) becomes Gone, as does a consumer
// that lets the queue exceed its limit; a broken stream becomes Unavailable. Internal to the etcd
// backend.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/etcd_http.h"
#include "storage/event_hub.h"
#include "storage/storage.h"

namespace flotilla::storage {

class EtcdWatch final : public Watch {
 public:
  // Opens the stream for events under `prefix` after `after_revision`.
  static core::Result<WatchPtr> start(HttpPool& pool, const std::string& prefix,
                                      int64_t after_revision, size_t backlog_limit,
                                      size_t backlog_bytes);
  ~EtcdWatch() override;

  core::Result<std::vector<Event>> next(std::chrono::milliseconds timeout) override;
  void cancel() override;

 private:
  EtcdWatch(std::unique_ptr<HttpConnection> conn, size_t backlog_limit, size_t backlog_bytes)
      : conn_(std::move(conn)), backlog_limit_(backlog_limit), backlog_bytes_(backlog_bytes) {}
  void readLoop(std::string pending);
  // Handles one message; false when it ends the watch.
  bool handleLine(const std::string& line);
  void end(core::Status status);

  std::unique_ptr<HttpConnection> conn_;
  const size_t backlog_limit_;
  const size_t backlog_bytes_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> queue_;
  size_t queued_bytes_ = 0;
  core::Status ended_;
};

}  // namespace flotilla::storage
