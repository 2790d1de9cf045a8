// The production HttpTransport: Boost.Beast HTTP/1.1 over plain TCP or TLS (http_connection.h).
// One TLS context per transport, built once from the RestConfig (tls_client_context.h), and a
// pool of keep-alive connections (connection_pool.h): an ordinary request takes a warm
// connection, or opens one when none is idle, and returns it afterwards. A watch gets a
// connection of its own, streams the body to the decoder as it arrives, and closes it at the end.
#include "client/http_transport.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>

#include "client/connection_pool.h"
#include "client/http_connection.h"
#include "client/tls_client_context.h"

namespace flotilla::client {

namespace {

using Clock = HttpConnection::Clock;

// Enough for the controllers' worker counts against one server; more concurrent requests still
// get connections, the surplus is closed when they finish.
constexpr std::size_t kMaxIdleConnections = 32;
// Below the API server's keep-alive idle limit, so the server never closes a connection we are
// about to reuse because it sat idle too long.
constexpr auto kMaxIdleTime = std::chrono::seconds(90);

struct ServerAddress {
  bool tls = false;
  std::string host;
  std::string port;
};

core::Result<ServerAddress> parseServer(const std::string& server) {
  ServerAddress a;
  std::string rest;
  if (server.rfind("https://", 0) == 0) {
    a.tls = true;
    rest = server.substr(8);
  } else if (server.rfind("http://", 0) == 0) {
    rest = server.substr(7);
  } else {
    return core::invalidArgument("server URL must start with http:// or https://: " + server);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) return core::invalidArgument("bad IPv6 host in " + server);
    a.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') a.port = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    a.host = rest.substr(0, colon);
    a.port = rest.substr(colon + 1);
  } else {
    a.host = rest;
  }
  if (a.port.empty()) a.port = a.tls ? "443" : "80";
  if (a.host.empty()) return core::invalidArgument("no host in server URL " + server);
  return a;
}

bool isIdempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

class DefaultTransport final : public HttpTransport {
 public:
  DefaultTransport(RestConfig cfg, ServerAddress addr, std::unique_ptr<TlsClientContext> tls)
      : cfg_(std::move(cfg)),
        addr_(std::move(addr)),
        tls_(std::move(tls)),
        pool_(kMaxIdleConnections, kMaxIdleTime) {}

  core::Result<HttpResponse> send(const HttpRequest& request) override {
    auto timeout = cfg_.timeout.count() > 0 ? cfg_.timeout : std::chrono::milliseconds(30000);
    if (request.timeout.count() > 0) timeout = std::min(timeout, request.timeout);
    const auto deadline = Clock::now() + timeout;
    const std::string what = request.method + " " + cfg_.server + request.target;
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<HttpConnection> conn = attempt == 0 ? pool_.take() : nullptr;
      const bool reused = conn != nullptr;
      if (!conn) {
        auto opened = open(deadline);
        if (!opened) return opened.status().withContext(what);
        conn = std::move(opened).value();
      }
      HttpConnection::Exchange ex = conn->roundTrip(request, deadline);
      if (ex.response) {
        if (ex.reusable) pool_.put(std::move(conn));
        return std::move(ex.response);
      }
      // A pooled connection may have been closed by the server after our last request without
      // us having seen it yet. Once, retry on a fresh connection when that cannot apply the
      // request twice: it is idempotent, or the server hung up before answering anything.
      const bool stale = reused && attempt == 0 &&
                         ex.response.status().code() != core::Code::Timeout &&
                         (isIdempotent(request.method) || (ex.peer_closed && !ex.response_started));
      if (!stale) return ex.response.status().withContext(what);
    }
  }

  core::Result<HttpResponse> stream(const HttpRequest& request,
                                    const std::function<bool(std::string_view)>& on_data,
                                    Cancellation* cancel) override {
    const std::string what = "watch " + cfg_.server + request.target;
    const auto connect_timeout =
        cfg_.timeout.count() > 0 ? cfg_.timeout : std::chrono::milliseconds(30000);
    auto conn = open(Clock::now() + connect_timeout);
    if (!conn) {
      if (cancel != nullptr && cancel->cancelled()) return HttpResponse{200, {}, {}};
      return conn.status().withContext(what);
    }
    // A stream that outlives its limit (a frozen server never ends it) fails with Timeout; the
    // caller then resumes with a fresh watch.
    const auto deadline =
        request.timeout.count() > 0 ? Clock::now() + request.timeout : Clock::time_point::max();
    auto resp = (*conn)->stream(request, on_data, cancel, deadline);
    if (!resp) return resp.status().withContext(what);
    return resp;
  }

 private:
  core::Result<std::unique_ptr<HttpConnection>> open(Clock::time_point deadline) {
    return HttpConnection::open(ioc_, addr_.host, addr_.port, tls_.get(), deadline);
  }

  RestConfig cfg_;
  ServerAddress addr_;
  std::unique_ptr<TlsClientContext> tls_;
  // Never run: sockets only need its descriptor bookkeeping. Declared before the pool so that
  // pooled connections close before it goes away.
  boost::asio::io_context ioc_{1};
  ConnectionPool pool_;
};

}  // namespace

core::Result<HttpTransportPtr> makeHttpTransport(const RestConfig& config) {
  auto addr = parseServer(config.server);
  if (!addr) return addr.status();
  std::unique_ptr<TlsClientContext> tls;
  if (addr->tls) {
    auto made = TlsClientContext::create(config, addr->host);
    if (!made) return made.status().withContext("TLS configuration for " + config.server);
    tls = std::move(made).value();
  }
  return HttpTransportPtr(
      std::make_shared<DefaultTransport>(config, std::move(addr).value(), std::move(tls)));
}

}  // namespace flotilla::client
