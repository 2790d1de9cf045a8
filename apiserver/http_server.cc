#include "apiserver/http_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <chrono>
#include <list>
#include <mutex>
#include <string_view>
#include <thread>

#include <openssl/x509.h>

#include "apiserver/api_status.h"
#include "core/logging.h"
#include "spdlog/spdlog.h"

namespace flotilla::apiserver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hexValue(in[i + 1]);
      int lo = hexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void splitTarget(HttpRequest& req) {
  std::string_view t = req.target;
  auto q = t.find('?');
  req.path = percentDecode(t.substr(0, q), false);
  if (q == std::string_view::npos) return;
  std::string_view rest = t.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string key = percentDecode(part.substr(0, eq), true);
      std::string value =
          eq == std::string_view::npos ? std::string() : percentDecode(part.substr(eq + 1), true);
      req.query.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

// Waits until the client sends something (or hangs up); false after `timeout` of silence.
// Socket options cannot bound this: on SO_RCVTIMEO's EAGAIN, Asio's blocking read polls again
// without a limit, so idle keep-alive connections and clients that connect but never speak would
// hold their thread forever.
bool waitReadable(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // let the read report the error
  }
}

// How long a client may stay silent: before the TLS handshake and before each request on a
// keep-alive connection (clients pool idle connections for less than this).
constexpr std::chrono::seconds kHandshakeTimeout{30};
constexpr std::chrono::minutes kIdleTimeout{5};

// True when the peer closed or sent anything while we only write (a watch stream).
bool peerGone(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  int rc = ::poll(&p, 1, 0);
  if (rc <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLIN)) != 0;
}

std::vector<std::string> certIdentity(X509* cert) {
  std::vector<std::string> out;
  if (cert == nullptr) return out;
  X509_NAME* name = X509_get_subject_name(cert);
  auto collect = [&](int nid) {
    std::vector<std::string> values;
    int idx = -1;
    while ((idx = X509_NAME_get_index_by_NID(name, nid, idx)) >= 0) {
      X509_NAME_ENTRY* e = X509_NAME_get_entry(name, idx);
      ASN1_STRING* s = X509_NAME_ENTRY_get_data(e);
      unsigned char* utf8 = nullptr;
      int len = ASN1_STRING_to_UTF8(&utf8, s);
      if (len >= 0) {
        values.emplace_back(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
        OPENSSL_free(utf8);
      }
    }
    return values;
  };
  auto cns = collect(NID_commonName);
  out.push_back(cns.empty() ? std::string() : cns.front());
  for (auto& o : collect(NID_organizationName)) out.push_back(std::move(o));
  return out;
}

template <class Stream>
class StreamChunkWriter final : public ChunkWriter {
 public:
  StreamChunkWriter(Stream& stream, int fd) : stream_(stream), fd_(fd) {}
  bool write(std::string_view chunk) override {
    if (failed_) return false;
    beast::error_code ec;
    net::write(stream_, http::make_chunk(net::buffer(chunk.data(), chunk.size())), ec);
    if (ec) failed_ = true;
    return !failed_;
  }
  bool connectionClosed() override {
    if (!failed_ && peerGone(fd_)) failed_ = true;
    return failed_;
  }
  bool failed() const { return failed_; }

 private:
  Stream& stream_;
  int fd_;
  bool failed_ = false;
};

class BeastServer;

struct Connection {
  std::thread thread;
  std::atomic<bool> done{false};
  std::shared_ptr<tcp::socket> socket;  // for shutdown on stop
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(HttpServerOptions options, Handler handler, Authenticator auth)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        auth_(std::move(auth)),
        acceptor_(ioc_),
        ssl_ctx_(ssl::context::tls_server),
        log_(core::logger("http")) {}

  ~BeastServer() override { stop(); }

  core::Status init() {
    try {
      if (options_.tls) {
        ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
        ssl_ctx_.use_certificate_chain(net::buffer(options_.tls_config.cert_pem));
        ssl_ctx_.use_private_key(net::buffer(options_.tls_config.key_pem), ssl::context::pem);
        // A client that resumes a TLS session skips the certificate exchange. OpenSSL refuses
        // (a fatal handshake error, not a fallback) to resume on a server that verifies peers
        // unless the sessions are tagged with a context id.
        static constexpr std::string_view kSessionContext = "flotilla-apiserver";
        SSL_CTX_set_session_id_context(
            ssl_ctx_.native_handle(),
            reinterpret_cast<const unsigned char*>(kSessionContext.data()),
            static_cast<unsigned int>(kSessionContext.size()));
        // One TLS 1.3 ticket per handshake is all a client resumes with (the default is two).
        SSL_CTX_set_num_tickets(ssl_ctx_.native_handle(), 1);
        if (!options_.tls_config.client_ca_pem.empty()) {
          ssl_ctx_.add_certificate_authority(net::buffer(options_.tls_config.client_ca_pem));
          // Request but do not require a client certificate: token clients must still connect.
          ssl_ctx_.set_verify_mode(ssl::verify_peer);
          ssl_ctx_.set_verify_callback([](bool preverified, ssl::verify_context&) {
            return true || preverified;  // verification result is checked after the handshake
          });
        }
      }
      auto addr = net::ip::make_address(options_.host);
      tcp::endpoint ep(addr, options_.port);
      acceptor_.open(ep.protocol());
      acceptor_.set_option(net::socket_base::reuse_address(true));
      acceptor_.bind(ep);
      acceptor_.listen(net::socket_base::max_listen_connections);
      port_ = acceptor_.local_endpoint().port();
    } catch (const std::exception& e) {
      return core::Status(core::Code::Unavailable,
                          "cannot listen on " + options_.host + ":" +
                              std::to_string(options_.port) + ": " + e.what());
    }
    accept_thread_ = std::thread([this] { acceptLoop(); });
    return core::Status::ok();
  }

  uint16_t port() const override { return port_; }

  void stop() override {
    bool expected = false;
    if (!stopping_.compare_exchange_strong(expected, true)) return;
    beast::error_code ec;
    acceptor_.cancel(ec);
    acceptor_.close(ec);
    // Unblock accept() by connecting to ourselves, in case close() did not interrupt it.
    try {
      tcp::socket poke(ioc_);
      poke.connect(tcp::endpoint(net::ip::make_address(options_.host), port_), ec);
    } catch (...) {
    }
    if (accept_thread_.joinable()) accept_thread_.join();
    std::list<std::unique_ptr<Connection>> conns;
    {
      std::lock_guard lock(mu_);
      for (auto& c : connections_) {
        beast::error_code e2;
        c->socket->shutdown(tcp::socket::shutdown_both, e2);
      }
      conns.swap(connections_);
    }
    for (auto& c : conns) {
      if (c->thread.joinable()) c->thread.join();
    }
  }

 private:
  void reapFinished() {
    std::list<std::unique_ptr<Connection>> finished;
    {
      std::lock_guard lock(mu_);
      for (auto it = connections_.begin(); it != connections_.end();) {
        if ((*it)->done) {
          finished.push_back(std::move(*it));
          it = connections_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& c : finished) c->thread.join();
  }

  void acceptLoop() {
    while (!stopping_) {
      auto socket = std::make_shared<tcp::socket>(ioc_);
      beast::error_code ec;
      acceptor_.accept(*socket, ec);
      if (stopping_) break;
      if (ec) continue;
      reapFinished();
      std::lock_guard lock(mu_);
      if (connections_.size() >= options_.max_connections) {
        socket->close(ec);
        continue;
      }
      auto conn = std::make_unique<Connection>();
      conn->socket = socket;
      Connection* raw = conn.get();
      conn->thread = std::thread([this, raw] {
        try {
          serve(raw);
        } catch (const std::exception& e) {
          log_->debug("connection ended: {}", e.what());
        }
        raw->done = true;
      });
      connections_.push_back(std::move(conn));
    }
  }

  void serve(Connection* conn) {
    tcp::socket& sock = *conn->socket;
    int fd = sock.native_handle();
    beast::error_code ec;
    const std::string remote = sock.remote_endpoint(ec).address().to_string();
    sock.set_option(tcp::no_delay(true), ec);
    if (!options_.tls) {
      serveStream(sock, fd, remote, {});
      return;
    }
    // beast::ssl_stream coalesces a response's header and body into one TLS record (Asio's
    // stream writes only the first buffer of a sequence per record).
    beast::ssl_stream<tcp::socket&> stream(sock, ssl_ctx_);
    if (!waitReadable(fd, kHandshakeTimeout)) return;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) {
      // Usually the client's trust: it does not accept our CA (a kubeconfig without the
      // certificate-authority data) or offered a certificate we do not trust.
      log_->debug("[{}] TLS handshake failed: {}", remote, ec.message());
      return;
    }
    std::vector<std::string> identity;
    X509* cert = SSL_get_peer_certificate(stream.native_handle());
    if (cert != nullptr) {
      if (SSL_get_verify_result(stream.native_handle()) == X509_V_OK) identity = certIdentity(cert);
      X509_free(cert);
    }
    serveStream(stream, fd, remote, identity);
    stream.shutdown(ec);
  }

  // Bytes already received but not yet parsed: the next request may be there already. Not the
  // whole truth for TLS: Asio's engine keeps an input buffer of its own that neither this nor
  // poll() sees. That is why the first request is never polled for; later ones are safe because
  // HTTP/1.1 clients send the next request only after reading the response (a pipelining client
  // would wait for the idle timeout).
  static bool buffered(tcp::socket&, const beast::flat_buffer& buffer) {
    return buffer.size() > 0;
  }
  template <class Stream>
  static bool buffered(Stream& stream, const beast::flat_buffer& buffer) {
    return buffer.size() > 0 || SSL_pending(stream.native_handle()) > 0;
  }

  template <class Stream>
  void serveStream(Stream& stream, int fd, const std::string& remote,
                   const std::vector<std::string>& identity) {
    beast::flat_buffer buffer;
    // The first request is not waited for on the socket: a TLS client sends it right behind its
    // handshake Finished, and the TLS engine may already have read those bytes into its own
    // buffer (not visible to SSL_pending or poll), so polling the socket would wait forever.
    bool first = true;
    while (!stopping_) {
      if (!first && !buffered(stream, buffer) && !waitReadable(fd, kIdleTimeout)) return;
      first = false;
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(options_.max_body_bytes);
      beast::error_code ec;
      http::read_header(stream, buffer, parser, ec);
      if (ec == http::error::body_limit) {
        // Beast checks Content-Length against the body limit while parsing the header.
        writeSimple(stream, 413, tooLargeBody(), false);
        return;
      }
      if (ec == http::error::end_of_stream || ec) {
        if (ec && ec != http::error::end_of_stream && ec != net::error::eof &&
            ec != net::ssl::error::stream_truncated && ec != net::error::connection_reset &&
            ec != net::error::timed_out && ec != net::error::would_block) {
          writeSimple(stream, 400, statusJson(core::invalidArgument("malformed HTTP request")),
                      false);
        }
        return;
      }
      const auto& hdr = parser.get();
      if (hdr.has_content_length() && parser.content_length() &&
          *parser.content_length() > options_.max_body_bytes) {
        writeSimple(stream, 413, tooLargeBody(), false);
        return;
      }
      http::read(stream, buffer, parser, ec);
      if (ec == http::error::body_limit) {
        writeSimple(stream, 413, tooLargeBody(), false);
        return;
      }
      if (ec) return;
      auto msg = parser.release();
      HttpRequest req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      for (const auto& field : msg) {
        std::string name(field.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        req.headers[name] = std::string(field.value());
      }
      req.body = std::move(msg.body());
      req.remote = remote;
      splitTarget(req);
      const bool keep_alive = msg.keep_alive();

      core::Status auth = auth_ ? auth_(req, identity) : core::Status::ok();
      if (!auth.isOk()) {
        if (!writeSimple(stream, 401, statusJson(auth), keep_alive)) return;
        if (!keep_alive) return;
        continue;
      }
      HandlerResult result;
      try {
        result = handler_(req);
      } catch (const std::exception& e) {
        log_->error("handler threw on {} {}: {}", req.method, req.target, e.what());
        result.response = statusResponse(core::internalError(e.what()));
      }
      if (result.stream) {
        http::response<http::empty_body> res{http::status::ok, 11};
        res.set(http::field::content_type, result.response.content_type);
        for (const auto& [k, v] : result.response.headers) res.set(k, v);
        res.chunked(true);
        res.keep_alive(false);
        http::response_serializer<http::empty_body> sr{res};
        http::write_header(stream, sr, ec);
        if (ec) return;
        StreamChunkWriter<Stream> writer(stream, fd);
        result.stream(writer);
        if (!writer.failed()) net::write(stream, http::make_chunk_last(), ec);
        return;  // a watch connection is not reused
      }
      if (!writeResponse(stream, result.response, keep_alive)) return;
      if (!keep_alive) return;
    }
  }

  static std::string tooLargeBody() {
    return statusJson(core::Status(core::Code::TooLarge, "the request body is too large: limit is 3 MiB"));
  }

  template <class Stream>
  bool writeSimple(Stream& stream, int code, const std::string& body, bool keep_alive) {
    HttpResponse r;
    r.status = code;
    r.body = body;
    return writeResponse(stream, r, keep_alive);
  }

  template <class Stream>
  // Takes the body out of `r` (a response can be megabytes; it is sent once).
  bool writeResponse(Stream& stream, HttpResponse& r, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    for (const auto& w : r.warnings) res.insert(http::field::warning, "299 - \"" + w + "\"");
    res.keep_alive(keep_alive);
    res.body() = std::move(r.body);
    res.prepare_payload();
    beast::error_code ec;
    http::write(stream, res, ec);
    return !ec;
  }

  HttpServerOptions options_;
  Handler handler_;
  Authenticator auth_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  ssl::context ssl_ctx_;
  std::shared_ptr<spdlog::logger> log_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> connections_;
};

}  // namespace

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options,
                                                            Handler handler,
                                                            Authenticator authenticator) {
  auto server =
      std::make_unique<BeastServer>(std::move(options), std::move(handler), std::move(authenticator));
  FLOTILLA_RETURN_IF_ERROR(server->init());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace flotilla::apiserver
