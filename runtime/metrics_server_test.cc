#include "runtime/metrics_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flotilla::runtime {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

std::pair<int, std::string> httpGet(uint16_t port, const std::string& target) {
  boost::asio::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {res.result_int(), res.body()};
}

TEST(MetricsServerTest, ServesMetricsAndProbes) {
  auto registry = std::make_shared<MetricsRegistry>();
  registry->counter("workqueue_adds_total", "Adds.", {"name"})->inc({"q"}, 3);
  bool ready = false;
  MetricsServerOptions o;
  o.ready = [&] { return ready; };
  auto server = MetricsServer::start(registry, o);
  ASSERT_TRUE(server) << server.status().toString();
  const uint16_t port = (*server)->port();
  ASSERT_NE(port, 0);
  auto [code, body] = httpGet(port, "/metrics");
  EXPECT_EQ(code, 200);
  EXPECT_NE(body.find("workqueue_adds_total{name=\"q\"} 3"), std::string::npos) << body;
  EXPECT_EQ(httpGet(port, "/healthz").first, 200);
  EXPECT_EQ(httpGet(port, "/readyz").first, 500);
  ready = true;
  EXPECT_EQ(httpGet(port, "/readyz").first, 200);
  EXPECT_EQ(httpGet(port, "/nope").first, 404);
  (*server)->stop();
}

}  // namespace
}  // namespace flotilla::runtime
