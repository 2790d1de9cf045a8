#include "client/connection_pool.h"

namespace flotilla::client {

std::unique_ptr<HttpConnection> ConnectionPool::take() {
  // Closed connections are destroyed after the lock is released.
  std::vector<std::unique_ptr<HttpConnection>> dead;
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  while (!idle_.empty()) {
    std::unique_ptr<HttpConnection> c = std::move(idle_.back());
    idle_.pop_back();
    if (now - c->idle_since <= max_idle_time_ && c->idleAndOpen()) return c;
    dead.push_back(std::move(c));
  }
  return nullptr;
}

void ConnectionPool::put(std::unique_ptr<HttpConnection> connection) {
  std::vector<std::unique_ptr<HttpConnection>> dead;
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  connection->idle_since = now;
  // The oldest sit at the front; drop the expired ones so an idle transport lets go of them.
  std::size_t expired = 0;
  while (expired < idle_.size() && now - idle_[expired]->idle_since > max_idle_time_) ++expired;
  for (std::size_t i = 0; i < expired; ++i) dead.push_back(std::move(idle_[i]));
  idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(expired));
  if (idle_.size() >= max_idle_) {
    dead.push_back(std::move(connection));
    return;
  }
  idle_.push_back(std::move(connection));
}

std::size_t ConnectionPool::idleCount() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace flotilla::client
