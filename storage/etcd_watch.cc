#include "storage/etcd_watch.h"

#include "storage/etcd_codec.h"

namespace flotilla::storage {

core::Result<WatchPtr> EtcdWatch::start(HttpPool& pool, const std::string& prefix,
                                        int64_t after_revision, size_t backlog_limit,
                                        size_t backlog_bytes) {
  auto conn = pool.connect();
  if (!conn.isOk()) return conn.status();
  const std::string key = prefix.empty() ? std::string(1, '\0') : prefix;
  auto reply = (*conn)->startStream(
      "/v3/watch",
      etcd_codec::encodeWatchCreate(key, etcd_codec::rangeEndFor(prefix), after_revision + 1),
      pool.options().request_timeout);
  if (!reply.isOk()) return reply.status();
  if (reply->status != 200) return etcd_codec::decodeError(reply->status, reply->body);
  std::unique_ptr<EtcdWatch> watch(
      new EtcdWatch(std::move(conn).value(), backlog_limit, backlog_bytes));
  watch->reader_ = std::thread([raw = watch.get()] { raw->readLoop({}); });
  return WatchPtr(std::move(watch));
}

EtcdWatch::~EtcdWatch() {
  cancel();
  if (reader_.joinable()) reader_.join();
}

core::Result<std::vector<Event>> EtcdWatch::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || !ended_.isOk(); });
  if (!queue_.empty()) {
    std::vector<Event> out;
    out.swap(queue_);
    queued_bytes_ = 0;
    return out;
  }
  if (!ended_.isOk()) return ended_;
  return std::vector<Event>{};
}

void EtcdWatch::cancel() {
  end(core::Status(core::Code::Unavailable, "watch cancelled"));
  {
    std::lock_guard lock(mu_);
    queue_.clear();
  }
  conn_->interrupt();
}

void EtcdWatch::end(core::Status status) {
  std::lock_guard lock(mu_);
  if (!ended_.isOk()) return;
  ended_ = std::move(status);
  // Events before a cancel or a broken stream are still valid; after Gone they are not needed.
  if (ended_.code() != core::Code::Unavailable) queue_.clear();
  cv_.notify_all();
}

void EtcdWatch::readLoop(std::string pending) {
  while (true) {
    auto bytes = conn_->readSome();
    if (!bytes.isOk()) {
      end(bytes.status().withContext("etcd watch stream"));
      return;
    }
    pending += *bytes;
    size_t start = 0;
    for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos;
         start = newline + 1) {
      if (newline > start && !handleLine(pending.substr(start, newline - start))) {
        conn_->interrupt();
        return;
      }
    }
    pending.erase(0, start);
  }
}

bool EtcdWatch::handleLine(const std::string& line) {
  auto message = etcd_codec::decodeWatch(line);
  if (!message.isOk()) {
    end(message.status());
    return false;
  }
  if (message->canceled) {
    if (message->compact_revision > 0) {
      end(core::Status(core::Code::Gone, "etcd: required revision has been compacted (at " +
                                             std::to_string(message->compact_revision) + ")"));
    } else {
      end(core::Status(core::Code::Unavailable,
                       "etcd cancelled the watch: " + message->cancel_reason));
    }
    return false;
  }
  if (message->events.empty()) return true;
  std::lock_guard lock(mu_);
  if (!ended_.isOk()) return false;
  size_t bytes = 0;
  for (const auto& event : message->events) bytes += eventBytes(event);
  // The byte limit lets an empty queue take any message, so one huge value cannot end every
  // watch.
  if (queue_.size() + message->events.size() > backlog_limit_ ||
      (!queue_.empty() && queued_bytes_ + bytes > backlog_bytes_)) {
    queue_.clear();
    queued_bytes_ = 0;
    ended_ = core::Status(core::Code::Gone, "watcher fell too far behind; events were dropped");
    cv_.notify_all();
    return false;
  }
  for (auto& event : message->events) queue_.push_back(std::move(event));
  queued_bytes_ += bytes;
  cv_.notify_all();
  return true;
}

}  // namespace flotilla::storage
