// HttpServer: the API server's HTTP/1.1 transport (Boost.Beast), plain or TLS, one thread per
// connection. A thread per connection keeps handlers simple and blocking (storage calls block on
// fsync or on etcd), and watches are naturally long-lived connections. Keep-alive is supported;
// request bodies above the configured limit get 413 without being read into memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "apiserver/http_types.h"
#include "core/status.h"

namespace flotilla::apiserver {

struct TlsConfig {
  std::string cert_pem;       // serving certificate chain
  std::string key_pem;        // serving key
  std::string client_ca_pem;  // when set, client certificates are requested and verified
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = pick a free port
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  std::size_t max_connections = 4096;
  bool tls = false;
  TlsConfig tls_config;
};

class HttpServer {
 public:
  // The authenticator runs before the handler; returning a non-OK Status answers 401 with it.
  // For TLS connections `peer_cert_subject` holds the verified client certificate subject's
  // CN and O values (cn first), empty otherwise.
  using Authenticator = std::function<core::Status(HttpRequest&,
                                                   const std::vector<std::string>& peer_cn_and_os)>;

  static core::Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options,
                                                         Handler handler,
                                                         Authenticator authenticator);
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;
  // Stops accepting, closes every connection and joins all threads.
  virtual void stop() = 0;
};

}  // namespace flotilla::apiserver
