#include "runtime/metrics_registry.h"

#include <gtest/gtest.h>

namespace flotilla::runtime {
namespace {

TEST(MetricsRegistryTest, RendersPrometheusText) {
  MetricsRegistry r;
  auto* c = r.counter("requests_total", "Requests.", {"code", "method"});
  c->inc({"200", "GET"});
  c->inc({"200", "GET"}, 2);
  c->inc({"404", "GET"});
  r.gauge("up", "Up.", {})->set({}, 1);
  auto* h = r.histogram("latency_seconds", "Latency.", {"op"}, {0.1, 1});
  h->observe({"x"}, 0.05);
  h->observe({"x"}, 0.5);
  h->observe({"x"}, 5);
  const std::string expected =
      "# HELP latency_seconds Latency.\n# TYPE latency_seconds histogram\n"
      "latency_seconds_bucket{op=\"x\",le=\"0.1\"} 1\n"
      "latency_seconds_bucket{op=\"x\",le=\"1\"} 2\n"
      "latency_seconds_bucket{op=\"x\",le=\"+Inf\"} 3\n"
      "latency_seconds_sum{op=\"x\"} 5.55\n"
      "latency_seconds_count{op=\"x\"} 3\n"
      "# HELP requests_total Requests.\n# TYPE requests_total counter\n"
      "requests_total{code=\"200\",method=\"GET\"} 3\n"
      "requests_total{code=\"404\",method=\"GET\"} 1\n"
      "# HELP up Up.\n# TYPE up gauge\nup 1\n";
  EXPECT_EQ(r.render(), expected);
}

TEST(MetricsRegistryTest, SameNameReturnsSameFamilyAndEscapes) {
  MetricsRegistry r;
  auto* a = r.counter("x_total", "X.", {"l"});
  auto* b = r.counter("x_total", "ignored", {"l"});
  EXPECT_EQ(a, b);
  a->inc({"a\"b\\c"});
  EXPECT_NE(r.render().find("x_total{l=\"a\\\"b\\\\c\"} 1"), std::string::npos) << r.render();
}

}  // namespace
}  // namespace flotilla::runtime
