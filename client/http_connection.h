// HttpConnection: one HTTP/1.1 connection (plain TCP or TLS) to an API server that carries
// request after request while both sides keep it alive. Every operation is bounded by a
// deadline: the socket is non-blocking and each read or write waits in poll() for the time left,
// which also lets another thread end a watch by shutting the socket down (Cancellation) without
// a watchdog thread. Blocking calls on the caller's thread keep the transport simple (no I/O
// thread, no hand-off per request); the pool (connection_pool.h) is what makes them cheap.
//
// Internal to client/; Beast and Asio stay inside http_connection.cc.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "client/cancellation.h"
#include "client/http_transport.h"
#include "core/status.h"

namespace boost::asio {
class io_context;
}

namespace flotilla::client {

class TlsClientContext;

class HttpConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Resolves host, connects and (when tls is set) handshakes, all before deadline. Sockets are
  // created on ioc, which is never run (only its descriptor bookkeeping is used) and must
  // outlive the connection.
  static core::Result<std::unique_ptr<HttpConnection>> open(boost::asio::io_context& ioc,
                                                            const std::string& host,
                                                            const std::string& port,
                                                            TlsClientContext* tls,
                                                            Clock::time_point deadline);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // The outcome of one request: the response (or why there is none) and what the failure says
  // about the connection, which the transport needs to decide whether a retry is safe.
  struct Exchange {
    core::Result<HttpResponse> response = core::Status(core::Code::Internal, "no exchange");
    bool reusable = false;          // keep-alive, fully read: may serve the next request
    bool response_started = false;  // at least one byte of the response arrived
    bool peer_closed = false;       // failed on EOF/reset/broken pipe: the server hung up
  };
  // Writes the request and reads the whole response before deadline.
  Exchange roundTrip(const HttpRequest& request, Clock::time_point deadline);

  // Writes the request and reads the response header, then hands 2xx body bytes to on_data as
  // they arrive (other statuses are collected into the body). Ends when the body ends, on_data
  // returns false, cancel fires (an OK response) or the deadline passes (Timeout; time_point::max
  // for none). The connection is not reusable afterwards.
  core::Result<HttpResponse> stream(const HttpRequest& request,
                                    const std::function<bool(std::string_view)>& on_data,
                                    Cancellation* cancel, Clock::time_point deadline);

  // False once the server closed the idle connection (or sent bytes nobody asked for).
  bool idleAndOpen() const;

  Clock::time_point idle_since{};

 private:
  struct Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flotilla::client
