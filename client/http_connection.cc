#include "client/http_connection.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <climits>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "client/tls_client_context.h"

namespace flotilla::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = HttpConnection::Clock;
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

beast::error_code errnoCode(int e) {
  return beast::error_code(e, boost::system::system_category());
}

// Waits in poll() until fd is ready for `events` (or hung up) or the deadline passes.
beast::error_code waitReady(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    int timeout_ms = -1;
    if (deadline != kNoDeadline) {
      const auto left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) return beast::error::timeout;
      timeout_ms = static_cast<int>(
          std::min<long long>(std::chrono::ceil<std::chrono::milliseconds>(left).count(), INT_MAX));
    }
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, timeout_ms);
    if (rc > 0) return {};
    if (rc < 0 && errno != EINTR) return errnoCode(errno);
    // rc == 0 or EINTR: the loop re-checks the deadline.
  }
}

// A non-blocking TCP socket that looks blocking to Beast and to Asio's SSL stream: read_some and
// write_some wait in poll() for the time left before the deadline, then fail with
// beast::error::timeout. Asio's own sync operations cannot do this (a socket timeout makes them
// poll again without limit).
class DeadlineSocket {
 public:
  using executor_type = tcp::socket::executor_type;
  using lowest_layer_type = tcp::socket::lowest_layer_type;

  explicit DeadlineSocket(asio::io_context& ioc) : sock_(ioc) {}
  executor_type get_executor() noexcept { return sock_.get_executor(); }
  lowest_layer_type& lowest_layer() { return sock_.lowest_layer(); }
  const lowest_layer_type& lowest_layer() const { return sock_.lowest_layer(); }
  tcp::socket& socket() { return sock_; }
  void setDeadline(Clock::time_point deadline) { deadline_ = deadline; }

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, beast::error_code& ec) {
    for (;;) {
      const std::size_t n = sock_.read_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) return n;
      if ((ec = waitReady(sock_.native_handle(), POLLIN, deadline_))) return 0;
    }
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& buffers, beast::error_code& ec) {
    for (;;) {
      const std::size_t n = sock_.write_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) return n;
      if ((ec = waitReady(sock_.native_handle(), POLLOUT, deadline_))) return 0;
    }
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& buffers) {
    beast::error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  tcp::socket sock_;
  Clock::time_point deadline_ = kNoDeadline;
};

bool peerClosed(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == asio::error::connection_reset ||
         ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

core::Status ioFailure(const beast::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) return core::Status(core::Code::Timeout, what + ": timed out");
  return core::Status(core::Code::Unavailable, what + ": " + ec.message());
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

http::request<http::string_body> buildRequest(const HttpRequest& request,
                                              const std::string& host_header) {
  http::request<http::string_body> req;
  req.version(11);
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(request.target);
  req.set(http::field::host, host_header);
  bool has_type = false;
  for (const auto& [k, v] : request.headers) {
    if (lower(k) == "content-type") has_type = true;
    req.insert(k, v);
  }
  if (!request.body.empty() && !has_type) req.set(http::field::content_type, "application/json");
  req.body() = request.body;
  req.prepare_payload();  // Content-Length (0 for an empty POST), none for a bodiless GET
  return req;
}

template <class Fields>
void copyHeaders(const Fields& fields, HttpResponse& out) {
  for (const auto& f : fields) {
    const auto name = f.name_string();
    std::string& slot = out.headers[lower(std::string_view(name.data(), name.size()))];
    // Repeated fields (Warning) are joined as one comma-separated value.
    if (!slot.empty()) slot += ", ";
    slot.append(f.value().data(), f.value().size());
  }
}

// The descriptor a Cancellation may shut down, withdrawn before the socket closes so that a late
// cancel() can never hit a descriptor number the process has reused.
struct CancelTarget {
  std::mutex mu;
  int fd = -1;
};

}  // namespace

struct HttpConnection::Impl {
  std::string host_header;
  std::optional<DeadlineSocket> plain;
  // Beast's wrapper, not Asio's stream: it coalesces a request's header and body into one TLS
  // record instead of one record (and one packet) per buffer.
  std::optional<beast::ssl_stream<DeadlineSocket>> tls;
  beast::flat_buffer buffer;

  DeadlineSocket& socket() { return tls ? tls->next_layer() : *plain; }
  int fd() { return socket().socket().native_handle(); }
  template <class F>
  void visit(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }
};

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpConnection::~HttpConnection() = default;

namespace {

// Connects sock to the first endpoint of host:port that accepts before deadline.
beast::error_code connectSocket(asio::io_context& ioc, tcp::socket& sock, const std::string& host,
                                const std::string& port, Clock::time_point deadline) {
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return ec;
  beast::error_code last = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    if (sock.is_open()) sock.close(ec);
    sock.open(entry.endpoint().protocol(), ec);
    if (!ec) sock.non_blocking(true, ec);
    if (ec) {
      last = ec;
      continue;
    }
    // Asio's connect() waits without a limit even on a non-blocking socket; connect by hand.
    if (::connect(sock.native_handle(), entry.endpoint().data(), entry.endpoint().size()) != 0) {
      if (errno != EINPROGRESS) {
        last = errnoCode(errno);
        continue;
      }
      if ((last = waitReady(sock.native_handle(), POLLOUT, deadline))) {
        if (last == beast::error::timeout) return last;
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(sock.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last = errnoCode(err);
        continue;
      }
    }
    sock.set_option(tcp::no_delay(true), ec);  // a request is one write; never wait for an ACK
    return {};
  }
  return last;
}

}  // namespace

core::Result<std::unique_ptr<HttpConnection>> HttpConnection::open(asio::io_context& ioc,
                                                                   const std::string& host,
                                                                   const std::string& port,
                                                                   TlsClientContext* tls,
                                                                   Clock::time_point deadline) {
  for (int attempt = 0;; ++attempt) {
    auto impl = std::make_unique<Impl>();
    impl->host_header =
        (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    if (tls != nullptr) {
      impl->tls.emplace(ioc, tls->context());
    } else {
      impl->plain.emplace(ioc);
    }
    DeadlineSocket& ds = impl->socket();
    ds.setDeadline(deadline);
    if (auto ec = connectSocket(ioc, ds.socket(), host, port, deadline)) {
      return ioFailure(ec, "connect");
    }
    if (tls != nullptr) {
      SSL* ssl = impl->tls->native_handle();
      const bool resuming = tls->prepare(ssl);
      beast::error_code ec;
      impl->tls->handshake(asio::ssl::stream_base::client, ec);
      if (ec) {
        // Some servers abort instead of falling back to a full handshake when they cannot
        // resume (OpenSSL servers that verify client certificates without a session id
        // context, such as older Flotilla API servers): stop offering sessions to this one.
        if (resuming && attempt == 0 && ec != beast::error::timeout &&
            SSL_get_verify_result(ssl) == X509_V_OK) {
          tls->disableResumption();
          continue;
        }
        const core::Code code =
            ec == beast::error::timeout ? core::Code::Timeout : core::Code::Unavailable;
        return core::Status(code, tls->handshakeFailure(ssl, ec.message()));
      }
    }
    return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(impl)));
  }
}

HttpConnection::Exchange HttpConnection::roundTrip(const HttpRequest& request,
                                                   Clock::time_point deadline) {
  Exchange out;
  impl_->socket().setDeadline(deadline);
  const auto req = buildRequest(request, impl_->host_header);
  beast::error_code ec;
  impl_->visit([&](auto& s) { http::write(s, req, ec); });
  if (ec) {
    out.peer_closed = peerClosed(ec);
    out.response = ioFailure(ec, "sending request");
    return out;
  }
  http::response_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  // Lists are as large as the server makes them. (Not boost::none: Boost 1.74 compares a
  // Content-Length against it as an optional, and every length is greater than none.)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (request.method == "HEAD") parser.skip(true);
  impl_->visit([&](auto& s) { http::read(s, impl_->buffer, parser, ec); });
  out.response_started = parser.got_some();
  if (ec) {
    out.peer_closed = peerClosed(ec);
    out.response = ioFailure(ec, "reading response");
    return out;
  }
  out.reusable = parser.keep_alive() && impl_->buffer.size() == 0;
  auto msg = parser.release();
  HttpResponse r;
  r.status = static_cast<int>(msg.result_int());
  copyHeaders(msg, r);
  r.body = std::move(msg.body());
  out.response = std::move(r);
  return out;
}

core::Result<HttpResponse> HttpConnection::stream(
    const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
    Cancellation* cancel, Clock::time_point deadline) {
  auto target = std::make_shared<CancelTarget>();
  target->fd = impl_->fd();
  int cb_id = -1;
  if (cancel != nullptr) {
    // Shutting the socket down wakes the poll() the reading thread is blocked in.
    cb_id = cancel->onCancel([target] {
      std::lock_guard lock(target->mu);
      if (target->fd >= 0) ::shutdown(target->fd, SHUT_RDWR);
    });
  }
  struct Withdraw {
    Cancellation* cancel;
    int id;
    std::shared_ptr<CancelTarget> target;
    ~Withdraw() {
      if (cancel != nullptr && id >= 0) cancel->removeCallback(id);
      std::lock_guard lock(target->mu);
      target->fd = -1;
    }
  } withdraw{cancel, cb_id, target};
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->cancelled(); };

  impl_->socket().setDeadline(deadline);
  const auto req = buildRequest(request, impl_->host_header);
  beast::error_code ec;
  impl_->visit([&](auto& s) { http::write(s, req, ec); });
  if (ec) {
    if (cancelled()) return HttpResponse{200, {}, {}};
    return ioFailure(ec, "sending request");
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  impl_->visit([&](auto& s) { http::read_header(s, impl_->buffer, parser, ec); });
  if (ec) {
    if (cancelled()) return HttpResponse{200, {}, {}};
    return ioFailure(ec, "reading response header");
  }
  HttpResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  copyHeaders(parser.get(), out);
  const bool success = out.status >= 200 && out.status < 300;
  std::vector<char> chunk(64 * 1024);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    // read_some returns as soon as some body arrived; read() would wait for a full buffer.
    impl_->visit([&](auto& s) { http::read_some(s, impl_->buffer, parser, ec); });
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
      if (cancelled()) break;
      if (ec == beast::error::timeout) {
        return core::Status(core::Code::Timeout, "stream exceeded its deadline");
      }
      if (peerClosed(ec)) {
        return core::Status(core::Code::Unavailable, "connection closed mid-stream");
      }
      return ioFailure(ec, "reading stream");
    }
  }
  beast::error_code ignored;
  impl_->socket().socket().shutdown(tcp::socket::shutdown_both, ignored);
  return out;
}

bool HttpConnection::idleAndOpen() const {
  if (impl_->tls && SSL_pending(impl_->tls->native_handle()) > 0) return false;
  pollfd p{impl_->fd(), POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace flotilla::client
