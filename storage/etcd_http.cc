#include "storage/etcd_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace flotilla::storage {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr uint64_t kMaxReplyBytes = 512ull * 1024 * 1024;

core::Status transportError(const HttpEndpoint& endpoint, const char* what,
                            const beast::error_code& ec) {
  return core::Status(core::Code::Unavailable,
                      std::string(what) + " " + endpoint.url + ": " + ec.message());
}

}  // namespace

core::Result<HttpEndpoint> parseHttpEndpoint(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    return core::invalidArgument("etcd endpoint " + url + " must start with http://");
  }
  std::string rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find('/') != std::string::npos) {
    return core::invalidArgument("etcd endpoint " + url + " must look like http://host:port");
  }
  HttpEndpoint out{url, rest.substr(0, colon), rest.substr(colon + 1)};
  for (char c : out.port) {
    if (c < '0' || c > '9') return core::invalidArgument("bad port in etcd endpoint " + url);
  }
  return out;
}

// Every operation runs asynchronously on the connection's own io_context, driven to completion
// by the calling thread, so that tcp_stream's timeouts apply and interrupt() can be posted.
struct HttpConnection::Impl {
  explicit Impl(HttpEndpoint e) : endpoint(std::move(e)) {}

  // Runs the io_context until the pending operation completes.
  void drive() {
    ioc.restart();
    ioc.run();
  }

  http::request<http::string_body> makeRequest(const std::string& target,
                                               const std::string& body) const {
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, endpoint.host + ":" + endpoint.port);
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    return request;
  }

  beast::error_code write(const http::request<http::string_body>& request,
                          std::chrono::milliseconds timeout) {
    beast::error_code result;
    stream.expires_after(timeout);
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) { result = ec; });
    drive();
    return result;
  }

  HttpEndpoint endpoint;
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool reusable = true;
  std::atomic<bool> interrupted{false};
  std::optional<http::response_parser<http::buffer_body>> stream_parser;
};

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpConnection::~HttpConnection() {
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream.socket().close(ec);
}

core::Result<std::unique_ptr<HttpConnection>> HttpConnection::connect(
    const HttpEndpoint& endpoint, std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>(endpoint);
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
  if (ec) return transportError(endpoint, "resolving", ec);
  beast::error_code result;
  impl->stream.expires_after(timeout);
  impl->stream.async_connect(results,
                             [&](beast::error_code e, const tcp::endpoint&) { result = e; });
  impl->drive();
  if (result) return transportError(endpoint, "connecting to", result);
  impl->stream.socket().set_option(tcp::no_delay(true), ec);
  return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(impl)));
}

core::Result<HttpReply> HttpConnection::post(const std::string& target, const std::string& body,
                                             std::chrono::milliseconds timeout) {
  auto& impl = *impl_;
  impl.reusable = false;
  if (auto ec = impl.write(impl.makeRequest(target, body), timeout)) {
    return transportError(impl.endpoint, "sending to", ec);
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  beast::error_code result;
  impl.stream.expires_after(timeout);
  http::async_read(impl.stream, impl.buffer, parser,
                   [&](beast::error_code ec, std::size_t) { result = ec; });
  impl.drive();
  if (result) return transportError(impl.endpoint, "reading from", result);
  auto response = parser.release();
  impl.reusable = response.keep_alive();
  return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
}

bool HttpConnection::reusable() const { return impl_->reusable; }

core::Result<HttpReply> HttpConnection::startStream(const std::string& target,
                                                    const std::string& body,
                                                    std::chrono::milliseconds timeout) {
  auto& impl = *impl_;
  impl.reusable = false;
  if (auto ec = impl.write(impl.makeRequest(target, body), timeout)) {
    return transportError(impl.endpoint, "sending to", ec);
  }
  impl.stream_parser.emplace();
  impl.stream_parser->body_limit(boost::none);  // a watch stream has no end
  beast::error_code result;
  impl.stream.expires_after(timeout);
  http::async_read_header(impl.stream, impl.buffer, *impl.stream_parser,
                          [&](beast::error_code ec, std::size_t) { result = ec; });
  impl.drive();
  if (result) return transportError(impl.endpoint, "reading from", result);
  impl.stream.expires_never();
  HttpReply reply{static_cast<int>(impl.stream_parser->get().result_int()), {}};
  if (reply.status != 200) {
    // Error replies are short; collect them for the caller's message.
    while (!impl.stream_parser->is_done()) {
      auto bytes = readSome();
      if (!bytes.isOk()) break;
      reply.body += *bytes;
    }
  }
  return reply;
}

core::Result<std::string> HttpConnection::readSome() {
  auto& impl = *impl_;
  if (!impl.stream_parser) return core::internalError("readSome without startStream");
  auto& parser = *impl.stream_parser;
  char chunk[16 * 1024];
  while (true) {
    if (impl.interrupted) return core::Status(core::Code::Unavailable, "stream interrupted");
    if (parser.is_done()) return core::Status(core::Code::Unavailable, "stream ended");
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    beast::error_code result;
    http::async_read_some(impl.stream, impl.buffer, parser,
                          [&](beast::error_code ec, std::size_t) { result = ec; });
    impl.drive();
    if (result && result != http::error::need_buffer) {
      if (impl.interrupted) return core::Status(core::Code::Unavailable, "stream interrupted");
      return transportError(impl.endpoint, "streaming from", result);
    }
    size_t got = sizeof chunk - parser.get().body().size;
    if (got > 0) return std::string(chunk, got);
  }
}

void HttpConnection::interrupt() {
  impl_->interrupted = true;
  // Runs on the reading thread inside drive(): closing the socket aborts the pending read.
  asio::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    impl->stream.socket().close(ec);
  });
}

HttpPool::HttpPool(std::vector<HttpEndpoint> endpoints, HttpPoolOptions options)
    : endpoints_(std::move(endpoints)), options_(options), idle_(endpoints_.size()) {}

core::Result<HttpReply> HttpPool::post(const std::string& target, const std::string& body,
                                       bool idempotent) {
  core::Status last(core::Code::Unavailable, "no etcd endpoints");
  const size_t start = preferred_.load();
  for (size_t attempt = 0; attempt < endpoints_.size(); ++attempt) {
    const size_t index = (start + attempt) % endpoints_.size();
    if (auto pooled = takeIdle(index)) {
      auto reply = pooled->post(target, body, options_.request_timeout);
      if (reply.isOk()) {
        if (pooled->reusable()) giveBack(index, std::move(pooled));
        return reply;
      }
      // A kept-alive connection the server has since closed (e.g. it restarted): its siblings
      // are likely stale too. Retry once on a fresh connection.
      dropIdle(index);
    }
    auto conn = HttpConnection::connect(endpoints_[index], options_.connect_timeout);
    if (!conn.isOk()) {
      last = conn.status();
      continue;  // nothing was sent; the next endpoint is safe to try
    }
    auto reply = (*conn)->post(target, body, options_.request_timeout);
    if (reply.isOk()) {
      preferred_.store(index);
      if ((*conn)->reusable()) giveBack(index, std::move(conn).value());
      return reply;
    }
    last = reply.status();
    if (!idempotent) break;
  }
  preferred_.store((start + 1) % endpoints_.size());
  return last;
}

core::Result<std::unique_ptr<HttpConnection>> HttpPool::connect() {
  core::Status last(core::Code::Unavailable, "no etcd endpoints");
  const size_t start = preferred_.load();
  for (size_t attempt = 0; attempt < endpoints_.size(); ++attempt) {
    const size_t index = (start + attempt) % endpoints_.size();
    auto conn = HttpConnection::connect(endpoints_[index], options_.connect_timeout);
    if (conn.isOk()) return conn;
    last = conn.status();
  }
  return last;
}

std::unique_ptr<HttpConnection> HttpPool::takeIdle(size_t endpoint) {
  std::lock_guard lock(mu_);
  auto& idle = idle_[endpoint];
  if (idle.empty()) return nullptr;
  auto conn = std::move(idle.back());
  idle.pop_back();
  return conn;
}

void HttpPool::giveBack(size_t endpoint, std::unique_ptr<HttpConnection> conn) {
  std::lock_guard lock(mu_);
  if (idle_[endpoint].size() < options_.max_idle_per_endpoint) {
    idle_[endpoint].push_back(std::move(conn));
  }
}

void HttpPool::dropIdle(size_t endpoint) {
  std::vector<std::unique_ptr<HttpConnection>> stale;
  std::lock_guard lock(mu_);
  stale.swap(idle_[endpoint]);
}

}  // namespace flotilla::storage
