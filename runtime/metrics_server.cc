#include "runtime/metrics_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace flotilla::runtime {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Handlers {
  MetricsRegistryPtr registry;
  MetricsServerOptions options;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Handlers> h)
      : stream_(std::move(socket)), h_(std::move(h)) {}
  void start() { read(); }

 private:
  void read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, req_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return;
                       self->respond();
                     });
  }

  void respond() {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(req_.version());
    res->keep_alive(req_.keep_alive());
    std::string target(req_.target());
    if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
    auto check = [](const std::function<bool()>& f) { return !f || f(); };
    if (req_.method() != http::verb::get && req_.method() != http::verb::head) {
      res->result(http::status::method_not_allowed);
      res->body() = "method not allowed\n";
    } else if (target == "/metrics") {
      res->result(http::status::ok);
      res->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res->body() = h_->registry->render();
    } else if (target == "/healthz" || target == "/livez") {
      const bool ok = check(h_->options.healthy);
      res->result(ok ? http::status::ok : http::status::internal_server_error);
      res->body() = ok ? "ok" : "unhealthy";
    } else if (target == "/readyz") {
      const bool ok = check(h_->options.ready);
      res->result(ok ? http::status::ok : http::status::internal_server_error);
      res->body() = ok ? "ok" : "not ready";
    } else {
      res->result(http::status::not_found);
      res->body() = "not found\n";
    }
    if (res->find(http::field::content_type) == res->end()) {
      res->set(http::field::content_type, "text/plain; charset=utf-8");
    }
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !res->keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::shared_ptr<Handlers> h_;
};

class BeastMetricsServer final : public MetricsServer {
 public:
  BeastMetricsServer(std::shared_ptr<Handlers> h) : h_(std::move(h)), acceptor_(ioc_) {}
  ~BeastMetricsServer() override { stop(); }

  core::Status listen() {
    beast::error_code ec;
    auto addr = asio::ip::make_address(h_->options.host, ec);
    if (ec) return core::invalidArgument("metrics server: bad host " + h_->options.host);
    tcp::endpoint ep(addr, h_->options.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return core::Status(core::Code::Unavailable, "metrics server: listen on " + h_->options.host +
                                                       ":" + std::to_string(h_->options.port) +
                                                       ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
    return core::Status::ok();
  }

  uint16_t port() const override { return port_; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    asio::post(ioc_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(std::move(s), h_)->start();
      accept();
    });
  }

  std::shared_ptr<Handlers> h_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

core::Result<std::unique_ptr<MetricsServer>> MetricsServer::start(MetricsRegistryPtr registry,
                                                                  MetricsServerOptions options) {
  auto h = std::make_shared<Handlers>(Handlers{std::move(registry), std::move(options)});
  auto server = std::make_unique<BeastMetricsServer>(h);
  FLOTILLA_RETURN_IF_ERROR(server->listen());
  return std::unique_ptr<MetricsServer>(std::move(server));
}

}  // namespace flotilla::runtime
