#include "client/testing/stub_http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flotilla::client::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct StubHttpServer::Impl {
  Handler handler;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread accept_thread;
  std::mutex mu;
  std::vector<StubRequest> requests;
  std::vector<std::thread> conns;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::atomic<bool> stopping{false};

  void serve(std::shared_ptr<tcp::socket> sock) {
    beast::flat_buffer buf;
    while (true) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(*sock, buf, req, ec);
      if (ec) return;
      StubRequest r{std::string(req.method_string()), std::string(req.target()), req.body()};
      {
        std::lock_guard lock(mu);
        requests.push_back(r);
      }
      StubResponse out = handler(r);
      http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
      for (const auto& [k, v] : out.headers) res.set(k, v);
      if (res.find(http::field::content_type) == res.end()) {
        res.set(http::field::content_type, "application/json");
      }
      res.body() = out.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(*sock, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }
};

StubHttpServer::StubHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([impl = impl_.get()] {
    while (!impl->stopping) {
      auto sock = std::make_shared<tcp::socket>(impl->ioc);
      beast::error_code ec;
      impl->acceptor.accept(*sock, ec);
      if (ec || impl->stopping) return;
      std::lock_guard lock(impl->mu);
      impl->sockets.push_back(sock);
      impl->conns.emplace_back([impl, sock] { impl->serve(sock); });
    }
  });
}

StubHttpServer::~StubHttpServer() {
  impl_->stopping = true;
  beast::error_code ec;
  // Unblock accept() by connecting to ourselves, then close every connection.
  {
    tcp::socket poke(impl_->ioc);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  }
  impl_->accept_thread.join();
  {
    std::lock_guard lock(impl_->mu);
    for (auto& s : impl_->sockets) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  for (auto& t : impl_->conns) t.join();
}

std::vector<StubRequest> StubHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

}  // namespace flotilla::client::testing
