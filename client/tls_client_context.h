// TlsClientContext: the TLS half of one HTTP transport, built once from a RestConfig and shared by
// every connection the transport opens: trust (the configured CA, or the system bundle only when
// none is given), the client certificate, peer verification with the host name or IP the config
// names, and the last resumable session so that a new connection to the same server resumes
// instead of repeating the certificate exchange. Building an SSL context is expensive (parsing
// the system CA bundle alone costs milliseconds), which is why it must not happen per connection.
//
// Internal to client/: it exposes Asio types and is included only by the transport's .cc files.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "client/rest_config.h"
#include "core/status.h"

namespace flotilla::client {

class TlsClientContext {
 public:
  // `host` is the server's host from the URL; config.tls_server_name overrides it for SNI and
  // verification. InvalidArgument when the PEM material does not load.
  static core::Result<std::unique_ptr<TlsClientContext>> create(const RestConfig& config,
                                                                const std::string& host);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  boost::asio::ssl::context& context() { return ctx_; }
  // Call on each new SSL object before its handshake: sets SNI and offers the cached session.
  // True when a session was offered.
  bool prepare(SSL* ssl);
  // After a server failed a handshake because of the offered session: offer none from now on.
  void disableResumption();
  // A human reason for a failed handshake on `ssl`, e.g. the certificate verification error.
  std::string handshakeFailure(SSL* ssl, const std::string& transport_message) const;

 private:
  TlsClientContext();
  static int onNewSession(SSL* ssl, SSL_SESSION* session);

  boost::asio::ssl::context ctx_;
  std::string sni_;  // empty for IP literals, which are not valid SNI names
  std::mutex mu_;
  SSL_SESSION* session_ = nullptr;  // owned; the newest ticket the server issued
  bool resumption_disabled_ = false;
};

}  // namespace flotilla::client
