// The production transport's connection handling against a scripted local HTTP server: keep-alive
// reuse, the one transparent retry on a pooled connection the server closed (and no retry when a
// non-idempotent request may have been applied), Connection: close, the request deadline,
// concurrent callers, and a watch stream ended by cancellation or by its deadline.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <fstream>
#include <list>
#include <sstream>
#include <mutex>
#include <thread>

#include "client/http_transport.h"
#include "client/testing/apiserver_process.h"

namespace flotilla::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

// What the server does with the second and later requests on one connection.
enum class Later {
  Answer,          // keep-alive, as a healthy server
  CloseSilently,   // read the request, close without a byte (an idle-timeout race)
  ClosePartially,  // send half a response, then close
};

struct ServerScript {
  Later later = Later::Answer;
  bool close_each = false;      // answer with Connection: close
  bool never_answer = false;    // read requests, answer nothing
  bool stream_forever = false;  // ?watch=true: one chunk, then silence until the client leaves
};

class ScriptedServer {
 public:
  explicit ScriptedServer(ServerScript script) : script_(script), acceptor_(ioc_) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_ = std::thread([this] { acceptLoop(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    beast::error_code ec;
    {
      tcp::socket poke(ioc_);
      poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    accept_.join();
    std::lock_guard lock(mu_);
    for (auto& s : sockets_) s->shutdown(tcp::socket::shutdown_both, ec);
    for (auto& t : threads_) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }  // including unanswered ones
  int answered() const { return answered_.load(); }

 private:
  void acceptLoop() {
    for (;;) {
      auto sock = std::make_shared<tcp::socket>(ioc_);
      beast::error_code ec;
      acceptor_.accept(*sock, ec);
      if (stopping_) return;
      if (ec) continue;
      ++connections_;
      std::lock_guard lock(mu_);
      sockets_.push_back(sock);
      threads_.emplace_back([this, sock] { serve(*sock); });
    }
  }

  void serve(tcp::socket& sock) {
    serveRequests(sock);
    // The socket outlives this thread (the destructor shuts everything down); the client must
    // see the hang-up now.
    beast::error_code ec;
    sock.shutdown(tcp::socket::shutdown_both, ec);
  }

  void serveRequests(tcp::socket& sock) {
    beast::flat_buffer buf;
    for (int n = 0;; ++n) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(sock, buf, req, ec);
      if (ec) return;
      ++requests_;
      if (script_.never_answer) continue;
      if (n > 0 && script_.later == Later::CloseSilently) return;
      if (n > 0 && script_.later == Later::ClosePartially) {
        const std::string half = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"kind\":";
        asio::write(sock, asio::buffer(half), ec);
        return;
      }
      if (std::string(req.target()).find("watch=true") != std::string::npos) {
        http::response<http::empty_body> res{http::status::ok, 11};
        res.chunked(true);
        http::response_serializer<http::empty_body> sr{res};
        http::write_header(sock, sr, ec);
        const std::string event = "{\"type\":\"ADDED\"}\n";
        asio::write(sock, http::make_chunk(asio::buffer(event)), ec);
        if (script_.stream_forever) {
          char c;
          sock.read_some(asio::buffer(&c, 1), ec);  // until the client shuts down
          return;
        }
        asio::write(sock, http::make_chunk_last(), ec);
        return;
      }
      ++answered_;
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = req.method_string().to_string() + " " + std::string(req.target()) + " " +
                   req.body();
      res.keep_alive(!script_.close_each && req.keep_alive());
      res.prepare_payload();
      http::write(sock, res, ec);
      if (ec || !res.keep_alive()) return;
    }
  }

  ServerScript script_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0}, requests_{0}, answered_{0};
  std::thread accept_;
  std::mutex mu_;
  std::list<std::shared_ptr<tcp::socket>> sockets_;
  std::list<std::thread> threads_;
};

HttpTransportPtr transportFor(const std::string& url, milliseconds timeout = milliseconds(5000)) {
  RestConfig rc;
  rc.server = url;
  rc.timeout = timeout;
  auto t = makeHttpTransport(rc);
  EXPECT_TRUE(t) << t.status().toString();
  return *t;
}

// TCP sockets of this machine connected (or closing) to 127.0.0.1:port, from /proc/net/tcp: with
// keep-alive, one per connection the client ever opened, lingering in TIME_WAIT after a close.
int socketsTo(uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote;
    fields >> slot >> local >> remote;
    const auto colon = remote.find(':');
    if (colon != std::string::npos && std::stoi(remote.substr(colon + 1), nullptr, 16) == port) ++n;
  }
  return n;
}

HttpRequest request(std::string method, std::string target, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

TEST(HttpTransportTest, SequentialRequestsShareOneKeepAliveConnection) {
  ScriptedServer server({});
  auto t = transportFor(server.url());
  for (int i = 0; i < 20; ++i) {
    auto r = t->send(request(i % 2 ? "POST" : "GET", "/x/" + std::to_string(i), i % 2 ? "b" : ""));
    ASSERT_TRUE(r) << r.status().toString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, (i % 2 ? "POST /x/" : "GET /x/") + std::to_string(i) + (i % 2 ? " b" : " "));
    EXPECT_EQ(r->header("content-type"), "application/json");
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpTransportTest, StaleConnectionIsRetriedOnceOnAFreshOne) {
  // Every connection answers once, then the server hangs up on the next request without a byte:
  // safe to resend whatever the method, because nothing was answered.
  ScriptedServer server({Later::CloseSilently});
  auto t = transportFor(server.url());
  for (const char* method : {"GET", "POST", "PATCH", "DELETE", "POST"}) {
    auto r = t->send(request(method, "/y", "{}"));
    ASSERT_TRUE(r) << method << ": " << r.status().toString();
    EXPECT_EQ(r->status, 200) << method;
  }
  EXPECT_EQ(server.answered(), 5);
  EXPECT_EQ(server.connections(), 5);
}

TEST(HttpTransportTest, NonIdempotentRequestIsNotResentAfterAPartialResponse) {
  ScriptedServer server({Later::ClosePartially});
  auto t = transportFor(server.url());
  ASSERT_TRUE(t->send(request("GET", "/warm")));
  auto post = t->send(request("POST", "/z", "{}"));
  ASSERT_FALSE(post);
  EXPECT_EQ(post.status().code(), core::Code::Unavailable);
  EXPECT_NE(post.status().message().find("POST http://127.0.0.1:"), std::string::npos)
      << post.status().message();
  EXPECT_EQ(server.requests(), 2);  // the POST went out exactly once

  ASSERT_TRUE(t->send(request("GET", "/warm")));
  auto get = t->send(request("GET", "/again"));  // the same failure, but a GET may be resent
  ASSERT_TRUE(get) << get.status().toString();
  EXPECT_EQ(get->body, "GET /again ");
}

TEST(HttpTransportTest, ConnectionCloseResponsesAreNotPooled) {
  ScriptedServer server({Later::Answer, /*close_each=*/true});
  auto t = transportFor(server.url());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t->send(request("GET", "/c")));
  EXPECT_EQ(server.connections(), 3);
}

TEST(HttpTransportTest, RequestDeadlineIsATimeout) {
  ServerScript script;
  script.never_answer = true;
  ScriptedServer server(script);
  auto t = transportFor(server.url(), milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = t->send(request("GET", "/slow"));
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), core::Code::Timeout) << r.status().toString();
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(3000));
}

// A request's own timeout, shorter than the transport's, bounds that exchange (health probes).
TEST(HttpTransportTest, ShorterRequestTimeoutWins) {
  ServerScript script;
  script.never_answer = true;
  ScriptedServer server(script);
  auto t = transportFor(server.url(), milliseconds(60000));
  HttpRequest probe = request("GET", "/readyz");
  probe.timeout = milliseconds(300);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = t->send(probe);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), core::Code::Timeout) << r.status().toString();
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(30000)) << "the transport's 60 s timeout applied";
}

TEST(HttpTransportTest, RefusedConnectionIsUnavailable) {
  uint16_t port;
  {
    ScriptedServer server({});
    port = static_cast<uint16_t>(std::stoi(server.url().substr(server.url().rfind(':') + 1)));
  }
  auto t = transportFor("http://127.0.0.1:" + std::to_string(port));
  auto r = t->send(request("GET", "/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), core::Code::Unavailable) << r.status().toString();
}

TEST(HttpTransportTest, ConcurrentCallersEachGetAConnection) {
  ScriptedServer server({});
  auto t = transportFor(server.url());
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 8; ++c) {
    callers.emplace_back([&, c] {
      for (int i = 0; i < 25; ++i) {
        const std::string target = "/p/" + std::to_string(c) + "/" + std::to_string(i);
        auto r = t->send(request("GET", target));
        if (r && r->body == "GET " + target + " ") ++ok;
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_LE(server.connections(), 8);
}

TEST(HttpTransportTest, StreamEndsOnCancellationAndOnItsDeadline) {
  ServerScript script;
  script.stream_forever = true;
  ScriptedServer server(script);
  auto t = transportFor(server.url());
  {
    Cancellation cancel;
    std::atomic<int> chunks{0};
    std::thread canceller([&] {
      while (chunks.load() == 0) std::this_thread::sleep_for(milliseconds(5));
      cancel.cancel();
    });
    HttpRequest r = request("GET", "/w?watch=true");
    r.timeout = milliseconds(0);  // no limit: only the cancellation ends it
    auto resp = t->stream(r, [&](std::string_view) { return ++chunks, true; }, &cancel);
    canceller.join();
    ASSERT_TRUE(resp) << resp.status().toString();
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(chunks.load(), 1);
  }
  {
    HttpRequest r = request("GET", "/w?watch=true");
    r.timeout = milliseconds(300);
    auto resp = t->stream(r, [](std::string_view) { return true; }, nullptr);
    ASSERT_FALSE(resp);
    EXPECT_EQ(resp.status().code(), core::Code::Timeout) << resp.status().toString();
  }
}

TEST(HttpTransportTest, TlsAgainstTheApiServerReusesConnectionsAndNamesTrustFailures) {
  auto server = testing::ApiServerProcess::start();
  if (!server && server.status().code() == core::Code::NotFound) {
    GTEST_SKIP() << server.status().toString();
  }
  ASSERT_TRUE(server) << server.status().toString();
  RestConfig rc = (*server)->config();
  auto t = makeHttpTransport(rc);
  ASSERT_TRUE(t);
  HttpRequest get = request("GET", "/api/v1/namespaces/default");
  get.headers.emplace_back("Authorization", "Bearer " + rc.bearer_token);
  for (int i = 0; i < 20; ++i) {
    auto r = (*t)->send(get);
    ASSERT_TRUE(r) << r.status().toString();
    EXPECT_EQ(r->status, 200) << r->body;
  }
  // The server kept the connection open: all twenty went over one.
  EXPECT_EQ(socketsTo((*server)->port()), 1);
  // Without the cluster's CA (a member client built before its credentials Secret was known)
  // every request fails in the handshake; the error must say why.
  rc.ca_pem.clear();
  auto untrusted = makeHttpTransport(rc);
  ASSERT_TRUE(untrusted);
  auto r = (*untrusted)->send(get);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), core::Code::Unavailable);
  EXPECT_NE(r.status().message().find("server certificate not trusted"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace flotilla::client
