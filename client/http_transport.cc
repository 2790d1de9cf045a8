// The production HttpTransport. Ordinary requests go through cpprestsdk (connection pooling,
// TLS via the Asio SSL context callback); watch bodies are streamed with a blocking Boost.Beast
// connection per watch so that every received byte reaches the decoder immediately and a
// cancellation can unblock the read by shutting the socket down.
//
// fmt/spdlog are not used in this file; cpprest headers come last and _TURN_OFF_PLATFORM_STRING
// (set globally) keeps its U macro away.
#include "client/http_transport.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <atomic>
#include <optional>
#include <thread>

#include <cpprest/http_client.h>

namespace flotilla::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

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

// Loads trust and client credentials into an Asio SSL context; shared by both transports.
void configureSsl(asio::ssl::context& ctx, const RestConfig& cfg) {
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
  }
  if (!cfg.client_cert_pem.empty()) {
    ctx.use_certificate_chain(asio::buffer(cfg.client_cert_pem.data(), cfg.client_cert_pem.size()));
    ctx.use_private_key(asio::buffer(cfg.client_key_pem.data(), cfg.client_key_pem.size()),
                        asio::ssl::context::pem);
  }
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class DefaultTransport final : public HttpTransport {
 public:
  DefaultTransport(RestConfig cfg, ServerAddress addr)
      : cfg_(std::move(cfg)), addr_(std::move(addr)) {
    web::http::client::http_client_config cc;
    cc.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(cfg_.timeout).count() > 0
                       ? cfg_.timeout
                       : std::chrono::milliseconds(30000));
    cc.set_validate_certificates(!cfg_.insecure_skip_tls_verify);
    RestConfig copy = cfg_;
    cc.set_ssl_context_callback([copy](asio::ssl::context& ctx) { configureSsl(ctx, copy); });
    client_ = std::make_unique<web::http::client::http_client>(cfg_.server, cc);
    if (addr_.tls) {
      ssl_ctx_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      configureSsl(*ssl_ctx_, cfg_);
    }
  }

  core::Result<HttpResponse> send(const HttpRequest& request) override {
    try {
      web::http::http_request req{web::http::method(request.method)};
      req.set_request_uri(web::uri(request.target));
      std::string content_type;
      for (const auto& [k, v] : request.headers) {
        if (lower(k) == "content-type") {
          content_type = v;
          continue;
        }
        req.headers().add(k, v);
      }
      if (!request.body.empty() || !content_type.empty()) {
        req.set_body(std::string(request.body),
                     content_type.empty() ? std::string("application/json") : content_type);
      }
      web::http::http_response resp = client_->request(req).get();
      HttpResponse out;
      out.status = resp.status_code();
      for (const auto& [k, v] : resp.headers()) out.headers[lower(k)] = v;
      out.body = resp.extract_utf8string(true).get();
      return out;
    } catch (const web::http::http_exception& e) {
      const bool timed_out = e.error_code() == std::errc::timed_out;
      return core::Status(timed_out ? core::Code::Timeout : core::Code::Unavailable,
                          request.method + " " + cfg_.server + request.target + ": " + e.what());
    } catch (const std::exception& e) {
      return core::Status(core::Code::Unavailable,
                          request.method + " " + cfg_.server + request.target + ": " + e.what());
    }
  }

  core::Result<HttpResponse> stream(const HttpRequest& request,
                                    const std::function<bool(std::string_view)>& on_data,
                                    Cancellation* cancel) override {
    try {
      asio::io_context ioc;
      tcp::resolver resolver(ioc);
      auto endpoints = resolver.resolve(addr_.host, addr_.port);
      if (addr_.tls) {
        beast::ssl_stream<beast::tcp_stream> s(ioc, *ssl_ctx_);
        if (!cfg_.insecure_skip_tls_verify) {
          const std::string name = cfg_.tls_server_name.empty() ? addr_.host : cfg_.tls_server_name;
          s.set_verify_callback(asio::ssl::host_name_verification(name));
          if (!SSL_set_tlsext_host_name(s.native_handle(), name.c_str())) {
            // SNI is best effort (IP literals are not valid SNI names).
          }
        }
        beast::get_lowest_layer(s).connect(endpoints);
        s.handshake(asio::ssl::stream_base::client);
        return run(s, beast::get_lowest_layer(s).socket(), request, on_data, cancel);
      }
      beast::tcp_stream s(ioc);
      s.connect(endpoints);
      return run(s, s.socket(), request, on_data, cancel);
    } catch (const std::exception& e) {
      if (cancel && cancel->cancelled()) return HttpResponse{200, {}, {}};
      return core::Status(core::Code::Unavailable,
                          "watch " + cfg_.server + request.target + ": " + e.what());
    }
  }

 private:
  template <typename Stream>
  core::Result<HttpResponse> run(Stream& s, tcp::socket& sock, const HttpRequest& request,
                                 const std::function<bool(std::string_view)>& on_data,
                                 Cancellation* cancel) {
    const int fd = sock.native_handle();
    int cb_id = -1;
    if (cancel) cb_id = cancel->onCancel([fd] { ::shutdown(fd, SHUT_RDWR); });
    struct Unregister {
      Cancellation* c;
      int id;
      ~Unregister() {
        if (c && id >= 0) c->removeCallback(id);
      }
    } unregister{cancel, cb_id};
    // A stream that outlives its deadline (a frozen server never closes it) is cut by a
    // watchdog; the caller then resumes with a fresh watch.
    Cancellation finished;
    std::atomic<bool> expired{false};
    std::thread watchdog;
    if (request.timeout.count() > 0) {
      watchdog = std::thread([&finished, &expired, fd, limit = request.timeout] {
        if (finished.sleepFor(limit)) {
          expired = true;
          ::shutdown(fd, SHUT_RDWR);
        }
      });
    }
    struct StopWatchdog {
      Cancellation& f;
      std::thread& t;
      ~StopWatchdog() {
        f.cancel();
        if (t.joinable()) t.join();
      }
    } stop_watchdog{finished, watchdog};

    http::request<http::string_body> req{http::string_to_verb(request.method), request.target,
                                         11};
    req.set(http::field::host, addr_.host + ":" + addr_.port);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    if (!request.body.empty()) {
      req.body() = request.body;
      req.prepare_payload();
    }
    beast::error_code ec;
    http::write(s, req, ec);
    if (ec) return transportError(request, ec, cancel);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    http::read_header(s, buffer, parser, ec);
    if (ec) return transportError(request, ec, cancel);
    HttpResponse out;
    out.status = static_cast<int>(parser.get().result_int());
    for (const auto& f : parser.get()) {
      out.headers[lower(std::string(f.name_string()))] = std::string(f.value());
    }
    const bool success = out.status >= 200 && out.status < 300;
    std::vector<char> chunk(64 * 1024);
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      // read_some returns as soon as some body arrived; read() would wait for a full buffer.
      http::read_some(s, buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      const std::size_t n = chunk.size() - parser.get().body().size;
      if (n > 0) {
        if (success) {
          if (!on_data(std::string_view(chunk.data(), n))) break;
        } else {
          out.body.append(chunk.data(), n);
        }
      }
      if (ec) {
        if (cancel && cancel->cancelled()) break;
        if (expired) {
          return core::Status(core::Code::Timeout,
                              "watch " + request.target + ": stream exceeded its deadline");
        }
        if (ec == http::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::ssl::error::stream_truncated) {
          return core::Status(core::Code::Unavailable,
                              "watch " + request.target + ": connection closed mid-stream");
        }
        return transportError(request, ec, cancel);
      }
    }
    beast::error_code ignored;
    sock.shutdown(tcp::socket::shutdown_both, ignored);
    return out;
  }

  core::Result<HttpResponse> transportError(const HttpRequest& request, const beast::error_code& ec,
                                            Cancellation* cancel) {
    if (cancel && cancel->cancelled()) return HttpResponse{200, {}, {}};
    return core::Status(core::Code::Unavailable,
                        "watch " + cfg_.server + request.target + ": " + ec.message());
  }

  RestConfig cfg_;
  ServerAddress addr_;
  std::unique_ptr<web::http::client::http_client> client_;
  std::unique_ptr<asio::ssl::context> ssl_ctx_;
};

}  // namespace

core::Result<HttpTransportPtr> makeHttpTransport(const RestConfig& config) {
  auto addr = parseServer(config.server);
  if (!addr) return addr.status();
  try {
    return HttpTransportPtr(std::make_shared<DefaultTransport>(config, std::move(addr).value()));
  } catch (const std::exception& e) {
    return core::invalidArgument("TLS configuration for " + config.server + ": " + e.what());
  }
}

}  // namespace flotilla::client
