// HTTP/1.1 transport for the etcd backend: single connections with timeouts (including a
// streaming mode for watches) and a keep-alive pool with failover across endpoints. Beast and
// Asio stay inside etcd_http.cc. Internal to the etcd backend.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace flotilla::storage {

struct HttpEndpoint {
  std::string url;  // as configured, for messages
  std::string host;
  std::string port;
};
// Accepts "http://host:port" (a trailing '/' is ignored); InvalidArgument otherwise.
core::Result<HttpEndpoint> parseHttpEndpoint(const std::string& url);

struct HttpReply {
  int status = 0;
  std::string body;
};

// One connection. Used by one thread at a time, except interrupt(), which any thread may call.
class HttpConnection {
 public:
  static core::Result<std::unique_ptr<HttpConnection>> connect(const HttpEndpoint& endpoint,
                                                               std::chrono::milliseconds timeout);
  ~HttpConnection();

  // POSTs a JSON body and reads the whole reply. Transport failures are Unavailable.
  core::Result<HttpReply> post(const std::string& target, const std::string& body,
                               std::chrono::milliseconds timeout);
  // Whether the server allows reusing the connection after the last reply.
  bool reusable() const;

  // Streaming: POSTs and reads the reply header (a non-200 status is returned with its body);
  // then readSome() returns body bytes as they arrive, without a timeout.
  core::Result<HttpReply> startStream(const std::string& target, const std::string& body,
                                      std::chrono::milliseconds timeout);
  // Some body bytes; Unavailable when the stream ends, fails or was interrupted.
  core::Result<std::string> readSome();
  // Makes a blocked or later readSome() fail.
  void interrupt();

 private:
  struct Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct HttpPoolOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  size_t max_idle_per_endpoint = 64;
};

// Keep-alive connections to a set of equivalent endpoints (members of one etcd cluster).
class HttpPool {
 public:
  HttpPool(std::vector<HttpEndpoint> endpoints, HttpPoolOptions options);

  // POSTs to the preferred endpoint, failing over to the others when it is unreachable. A request
  // that may have reached a server is only retried elsewhere when `idempotent`.
  core::Result<HttpReply> post(const std::string& target, const std::string& body, bool idempotent);
  // A fresh connection to the first reachable endpoint (watch streams own their connection).
  core::Result<std::unique_ptr<HttpConnection>> connect();
  const HttpPoolOptions& options() const { return options_; }

 private:
  std::unique_ptr<HttpConnection> takeIdle(size_t endpoint);
  void giveBack(size_t endpoint, std::unique_ptr<HttpConnection> conn);
  void dropIdle(size_t endpoint);

  const std::vector<HttpEndpoint> endpoints_;
  const HttpPoolOptions options_;
  std::atomic<size_t> preferred_{0};
  std::mutex mu_;
  std::vector<std::vector<std::unique_ptr<HttpConnection>>> idle_;
};

}  // namespace flotilla::storage
