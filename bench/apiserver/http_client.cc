#include "bench/apiserver/http_client.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flotilla::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  std::string host;
  int port;
  beast::flat_buffer buffer;
  bool connected = false;

  void connect() {
    if (connected) return;
    socket = tcp::socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address(host), static_cast<unsigned short>(port)));
    socket.set_option(tcp::no_delay(true));
    connected = true;
  }
};

HttpClient::HttpClient(std::string host, int port) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const std::string& content_type,
                              const std::string& accept) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      impl_->connect();
      http::request<http::string_body> req{http::string_to_verb(method), target, 11};
      req.set(http::field::host, impl_->host);
      req.set(http::field::accept, accept);
      if (!body.empty()) req.set(http::field::content_type, content_type);
      req.keep_alive(true);
      req.body() = body;
      req.prepare_payload();
      http::write(impl_->socket, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(1ull << 31);
      http::read(impl_->socket, impl_->buffer, parser);
      auto res = parser.release();
      if (!res.keep_alive()) impl_->connected = false;
      return {static_cast<int>(res.result_int()), std::move(res.body())};
    } catch (const std::exception&) {
      impl_->connected = false;
    }
  }
  return {0, ""};
}

void HttpClient::stream(const std::string& target,
                        const std::function<bool(const std::string&)>& on_line) {
  Impl conn;
  conn.host = impl_->host;
  conn.port = impl_->port;
  conn.connect();
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, conn.host);
  req.set(http::field::accept, "application/json");
  http::write(conn.socket, req);
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  beast::error_code ec;
  http::read_header(conn.socket, conn.buffer, parser, ec);
  if (ec) return;
  std::string pending;
  char buf[65536];
  while (!parser.is_done()) {
    parser.get().body().data = buf;
    parser.get().body().size = sizeof buf;
    http::read(conn.socket, conn.buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return;
    pending.append(buf, sizeof buf - parser.get().body().size);
    std::size_t pos;
    while ((pos = pending.find('\n')) != std::string::npos) {
      if (!on_line(pending.substr(0, pos))) {
        beast::error_code ignore;
        conn.socket.shutdown(tcp::socket::shutdown_both, ignore);
        return;
      }
      pending.erase(0, pos + 1);
    }
  }
}

}  // namespace flotilla::bench
