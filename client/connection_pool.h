// ConnectionPool: the idle keep-alive connections of one transport, so that a request reuses a
// warm connection instead of paying a TCP and TLS handshake. Bounded (a burst of concurrent
// requests opens as many connections as it needs, but only max_idle stay open afterwards), LIFO
// (the most recently used connection is the least likely to have been closed by the server), and
// connections idle longer than max_idle_time are dropped before the server's own idle timeout
// can race a request.
//
// Internal to client/.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "client/http_connection.h"

namespace flotilla::client {

class ConnectionPool {
 public:
  using Clock = HttpConnection::Clock;

  ConnectionPool(std::size_t max_idle, Clock::duration max_idle_time)
      : max_idle_(max_idle), max_idle_time_(max_idle_time) {}

  // The most recently used idle connection the server has not closed, or null.
  std::unique_ptr<HttpConnection> take();
  // Returns a connection after a complete keep-alive exchange; closes it when the pool is full.
  void put(std::unique_ptr<HttpConnection> connection);
  std::size_t idleCount() const;

 private:
  const std::size_t max_idle_;
  const Clock::duration max_idle_time_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<HttpConnection>> idle_;  // back() = most recently returned
};

}  // namespace flotilla::client
