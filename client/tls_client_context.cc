#include "client/tls_client_context.h"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <exception>

namespace flotilla::client {

namespace asio = boost::asio;

namespace {
// Our slot in the SSL_CTX for the back pointer. Not the "app data" slot: Asio keeps its verify
// callback there and deletes whatever it finds when the context is destroyed.
int exDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
}  // namespace

TlsClientContext::TlsClientContext() : ctx_(asio::ssl::context::tls_client) {}

TlsClientContext::~TlsClientContext() {
  if (session_ != nullptr) SSL_SESSION_free(session_);
}

core::Result<std::unique_ptr<TlsClientContext>> TlsClientContext::create(const RestConfig& cfg,
                                                                         const std::string& host) {
  std::unique_ptr<TlsClientContext> t(new TlsClientContext());
  auto& ctx = t->ctx_;
  const std::string name = cfg.tls_server_name.empty() ? host : cfg.tls_server_name;
  boost::system::error_code addr_ec;
  const bool ip_literal = (asio::ip::make_address(name, addr_ec), !addr_ec);
  if (!ip_literal) t->sni_ = name;
  try {
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    if (cfg.insecure_skip_tls_verify) {
      ctx.set_verify_mode(asio::ssl::verify_none);
    } else {
      ctx.set_verify_mode(asio::ssl::verify_peer);
      if (!cfg.ca_pem.empty()) {
        ctx.add_certificate_authority(asio::buffer(cfg.ca_pem.data(), cfg.ca_pem.size()));
      } else {
        ctx.set_default_verify_paths();
      }
      // OpenSSL checks the name during chain verification, so a mismatch fails the handshake
      // with a verification error that says what was wrong.
      X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx.native_handle());
      const int ok = ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                                : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
      if (ok != 1) return core::invalidArgument("cannot verify TLS peer name " + name);
    }
    if (!cfg.client_cert_pem.empty()) {
      ctx.use_certificate_chain(
          asio::buffer(cfg.client_cert_pem.data(), cfg.client_cert_pem.size()));
      ctx.use_private_key(asio::buffer(cfg.client_key_pem.data(), cfg.client_key_pem.size()),
                          asio::ssl::context::pem);
    }
  } catch (const std::exception& e) {
    return core::invalidArgument(std::string("TLS configuration: ") + e.what());
  }
  // Client-side caching is off by default in OpenSSL; the callback hands us each ticket (TLS 1.3
  // sends them after the handshake) and we keep only the newest, since one transport talks to
  // one server.
  SSL_CTX_set_session_cache_mode(ctx.native_handle(),
                                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_set_ex_data(ctx.native_handle(), exDataIndex(), t.get());
  SSL_CTX_sess_set_new_cb(ctx.native_handle(), &TlsClientContext::onNewSession);
  return t;
}

int TlsClientContext::onNewSession(SSL* ssl, SSL_SESSION* session) {
  auto* self =
      static_cast<TlsClientContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), exDataIndex()));
  if (self == nullptr) return 0;
  std::lock_guard lock(self->mu_);
  if (self->resumption_disabled_) return 0;
  if (self->session_ != nullptr) SSL_SESSION_free(self->session_);
  self->session_ = session;
  return 1;  // we keep the reference OpenSSL handed us
}

bool TlsClientContext::prepare(SSL* ssl) {
  if (!sni_.empty()) SSL_set_tlsext_host_name(ssl, sni_.c_str());
  std::lock_guard lock(mu_);
  if (resumption_disabled_ || session_ == nullptr || SSL_SESSION_is_resumable(session_) != 1) {
    return false;
  }
  return SSL_set_session(ssl, session_) == 1;  // takes its own reference
}

void TlsClientContext::disableResumption() {
  std::lock_guard lock(mu_);
  resumption_disabled_ = true;
  if (session_ != nullptr) SSL_SESSION_free(session_);
  session_ = nullptr;
}

std::string TlsClientContext::handshakeFailure(SSL* ssl, const std::string& message) const {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return "TLS handshake failed: " + message;
  return "TLS handshake failed: server certificate not trusted (" +
         std::string(X509_verify_cert_error_string(result)) + ")";
}

}  // namespace flotilla::client
