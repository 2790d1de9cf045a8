#include "client/rest_client.h"

#include <gtest/gtest.h>

#include "client/api_errors.h"
#include "client/fake_http_transport.h"
#include "client/rest_mapper.h"

namespace flotilla::client {
namespace {

using namespace std::chrono_literals;

const GroupVersionResource kDeployments{"apps", "v1", "deployments"};
const GroupVersionResource kConfigMaps{"", "v1", "configmaps"};

struct Harness {
  std::shared_ptr<FakeHttpTransport> transport = std::make_shared<FakeHttpTransport>();
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  std::vector<std::chrono::nanoseconds> sleeps;
  runtime::MetricsRegistry metrics;
  std::shared_ptr<RestClient> client;

  explicit Harness(RestConfig cfg = {}) {
    if (cfg.server.empty()) cfg.server = "https://127.0.0.1:6443";
    if (cfg.bearer_token.empty()) cfg.bearer_token = "tok";
    RestClientDeps deps;
    deps.clock = clock;
    deps.sleep = [this](std::chrono::nanoseconds d) {
      sleeps.push_back(d);
      clock->advance(d);
    };
    deps.metrics = &metrics;
    client = std::make_shared<RestClient>(cfg, transport, deps);
  }
};

std::string statusBody(int code, const std::string& reason, const std::string& message,
                       const std::string& details = "") {
  return R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" +
         std::to_string(code) + R"(,"reason":")" + reason + R"(","message":")" + message + "\"" +
         (details.empty() ? "" : ",\"details\":" + details) + "}";
}

TEST(ResourcePathTest, Layouts) {
  struct Row {
    GroupVersionResource gvr;
    std::string ns, name, sub, want;
  };
  const Row rows[] = {
      {kConfigMaps, "", "", "", "/api/v1/configmaps"},
      {kConfigMaps, "a", "b", "", "/api/v1/namespaces/a/configmaps/b"},
      {kDeployments, "a", "web", "scale", "/apis/apps/v1/namespaces/a/deployments/web/scale"},
      {{"", "v1", "namespaces"}, "", "x", "status", "/api/v1/namespaces/x/status"},
  };
  for (const auto& r : rows) EXPECT_EQ(resourcePath(r.gvr, r.ns, r.name, r.sub), r.want);
}

TEST(RestClientTest, RequestsCarryVerbPathQueryAndHeaders) {
  Harness h;
  const std::string obj = R"({"kind":"Deployment","metadata":{"name":"web","namespace":"a"}})";
  for (int i = 0; i < 5; ++i) h.transport->enqueue(200, obj);
  h.transport->enqueue(200, R"({"kind":"DeploymentList","items":[]})");
  h.transport->enqueue(200, R"({"kind":"Status","status":"Success"})");

  ASSERT_TRUE(h.client->get(kDeployments, "a", "web", ""));
  ASSERT_TRUE(h.client->create(kDeployments, "a", nlohmann::json::parse(obj), {"mgr", false}));
  ASSERT_TRUE(h.client->update(kDeployments, "a", nlohmann::json::parse(obj), {}, "status"));
  ASSERT_TRUE(h.client->patch(kDeployments, "a", "web", PatchType::Apply, obj, {"me", true, false},
                              ""));
  ASSERT_TRUE(h.client->patch(kDeployments, "a", "web", PatchType::Json, "[]", {}, "scale"));
  ListOptions lo;
  lo.label_selector = "app in (a,b)";
  lo.limit = 2;
  lo.continue_token = "c1";
  ASSERT_TRUE(h.client->list(kDeployments, "", lo));
  DeleteOptions d;
  d.propagation_policy = "Foreground";
  d.precondition_resource_version = "7";
  ASSERT_TRUE(h.client->remove(kDeployments, "a", "web", d).isOk());

  auto reqs = h.transport->requests();
  ASSERT_EQ(reqs.size(), 7u);
  struct Want {
    std::string method, target, content_type;
  };
  const Want want[] = {
      {"GET", "/apis/apps/v1/namespaces/a/deployments/web", ""},
      {"POST", "/apis/apps/v1/namespaces/a/deployments?fieldManager=mgr", "application/json"},
      {"PUT", "/apis/apps/v1/namespaces/a/deployments/web/status", "application/json"},
      {"PATCH", "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=me&force=true",
       "application/apply-patch+yaml"},
      {"PATCH", "/apis/apps/v1/namespaces/a/deployments/web/scale",
       "application/json-patch+json"},
      {"GET", "/apis/apps/v1/deployments?labelSelector=app%20in%20%28a%2Cb%29&limit=2&continue=c1",
       ""},
      {"DELETE", "/apis/apps/v1/namespaces/a/deployments/web", "application/json"},
  };
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(reqs[i].method, want[i].method) << i;
    EXPECT_EQ(reqs[i].target, want[i].target) << i;
    std::string ct, auth;
    for (const auto& [k, v] : reqs[i].headers) {
      if (k == "Content-Type") ct = v;
      if (k == "Authorization") auth = v;
    }
    EXPECT_EQ(ct, want[i].content_type) << i;
    EXPECT_EQ(auth, "Bearer tok") << i;
  }
  auto body = nlohmann::json::parse(reqs[6].body);
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["resourceVersion"], "7");
  EXPECT_FALSE(h.client->patch(kDeployments, "a", "web", PatchType::Apply, obj, {}, ""))
      << "apply needs a field manager";
}

TEST(RestClientTest, ErrorsCarryKubernetesReason) {
  struct Row {
    int http;
    std::string body;
    core::Code code;
    std::string fragment;
  };
  const Row rows[] = {
      {404, statusBody(404, "NotFound", "configmaps \\\"x\\\" not found"), core::Code::NotFound,
       "NotFound: configmaps \"x\" not found"},
      {409, statusBody(409, "AlreadyExists", "exists"), core::Code::AlreadyExists, "AlreadyExists"},
      {409, statusBody(409, "Conflict", "modified"), core::Code::Conflict, "Conflict"},
      {422,
       statusBody(422, "Invalid", "bad",
                  R"({"causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.x"}]})"),
       core::Code::Invalid, "Invalid: bad"},
      {403, statusBody(403, "Forbidden", "no"), core::Code::PermissionDenied, "Forbidden"},
      {401, statusBody(401, "Unauthorized", "Unauthorized"), core::Code::Unauthenticated,
       "Unauthorized"},
      {410, statusBody(410, "Expired", "too old resource version: 5 (101)"), core::Code::Gone,
       "Expired: too old"},
      {400, "plain text", core::Code::InvalidArgument, "HTTP 400: plain text"},
      {415, statusBody(415, "UnsupportedMediaType", "x"), core::Code::UnsupportedMediaType, ""},
  };
  for (const auto& r : rows) {
    Harness h;
    h.transport->enqueue(r.http, r.body);
    auto res = h.client->create(kConfigMaps, "a", {{"metadata", {{"name", "x"}}}}, {});
    ASSERT_FALSE(res) << r.http;
    EXPECT_EQ(res.status().code(), r.code) << r.body;
    EXPECT_NE(res.status().message().find(r.fragment), std::string::npos)
        << res.status().message();
    if (r.code == core::Code::Invalid) {
      ASSERT_EQ(res.status().causes().size(), 1u);
      EXPECT_EQ(res.status().causes()[0].field, "spec.x");
      EXPECT_EQ(res.status().causes()[0].type, "FieldValueRequired");
    }
  }
}

TEST(RestClientTest, RetriesHonourRetryAfterAndIdempotency) {
  Harness h;
  h.transport->enqueue(429, statusBody(429, "TooManyRequests", "slow down"), {{"retry-after", "3"}});
  h.transport->enqueue(503, "");
  h.transport->enqueue(core::Status(core::Code::Unavailable, "connection refused"));
  h.transport->enqueue(200, R"({"metadata":{"name":"x"}})");
  auto got = h.client->get(kConfigMaps, "a", "x", "");
  ASSERT_TRUE(got) << got.status().toString();
  ASSERT_EQ(h.sleeps.size(), 3u);
  EXPECT_EQ(h.sleeps[0], 3s) << "Retry-After wins";
  EXPECT_GE(h.sleeps[1], 200ms);  // 100ms * 2^1 plus jitter
  EXPECT_LE(h.sleeps[1], 300ms);
  EXPECT_EQ(h.transport->requests().size(), 4u);

  // POST: 429 is retried (the server did nothing), 503 and connection errors are not.
  Harness p;
  p.transport->enqueue(429, "", {{"retry-after", "1"}});
  p.transport->enqueue(503, "");
  auto created = p.client->create(kConfigMaps, "a", {{"metadata", {{"name", "x"}}}}, {});
  EXPECT_EQ(created.status().code(), core::Code::Unavailable);
  EXPECT_EQ(p.transport->requests().size(), 2u);
  Harness c;
  c.transport->enqueue(core::Status(core::Code::Unavailable, "reset"));
  EXPECT_FALSE(c.client->patch(kConfigMaps, "a", "x", PatchType::Merge, "{}", {}, ""));
  EXPECT_EQ(c.transport->requests().size(), 1u);
}

TEST(RestClientTest, RetriesAreBounded) {
  RestConfig cfg;
  cfg.max_retries = 2;
  Harness h(cfg);
  h.transport->setHandler([](const HttpRequest&) {
    return core::Result<HttpResponse>(HttpResponse{500, {}, ""});
  });
  auto got = h.client->get(kConfigMaps, "a", "x", "");
  EXPECT_EQ(got.status().code(), core::Code::Internal);
  EXPECT_EQ(h.transport->requests().size(), 3u);
}

TEST(RestClientTest, ProbeIsOneAttemptWithItsOwnTimeoutAndNoThrottle) {
  RestConfig cfg;
  cfg.timeout = 10s;
  cfg.qps = 1;
  cfg.burst = 1;
  Harness h(cfg);
  h.transport->enqueue(503, statusBody(503, "ServiceUnavailable", "not ready"));
  auto failed = h.client->probePath("/readyz", 2s);
  EXPECT_EQ(failed.status().code(), core::Code::Unavailable) << failed.status().toString();
  h.transport->enqueue(core::Status(core::Code::Timeout, "timed out"));
  EXPECT_EQ(h.client->probePath("/readyz", 2s).status().code(), core::Code::Timeout);
  h.transport->enqueue(200, "ok");
  EXPECT_EQ(h.client->probePath("/readyz", 30s).status().code(), core::Code::InvalidArgument)
      << "a 2xx that is not JSON, like getPath";
  h.transport->enqueue(200, R"({"gitVersion":"v1.32.0"})");
  auto version = h.client->probePath("/version", 2s);
  ASSERT_TRUE(version) << version.status().toString();
  EXPECT_EQ(version->value("gitVersion", ""), "v1.32.0");
  const auto& sent = h.transport->requests();
  ASSERT_EQ(sent.size(), 4u) << "no retries";
  EXPECT_EQ(sent[0].timeout, 2s);
  EXPECT_EQ(sent[2].timeout, 10s) << "capped by the client's request timeout";
  EXPECT_TRUE(h.sleeps.empty()) << "probes neither back off nor wait for the throttle";
}

TEST(RestClientTest, ClientSideThrottle) {
  RestConfig cfg;
  cfg.qps = 10;
  cfg.burst = 2;
  Harness h(cfg);
  h.transport->setHandler([](const HttpRequest&) {
    return core::Result<HttpResponse>(HttpResponse{200, {}, R"({"metadata":{"name":"x"}})"});
  });
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.client->get(kConfigMaps, "a", "x", ""));
  // Two free, then 100 ms apart (the fake sleep advances the fake clock).
  ASSERT_EQ(h.sleeps.size(), 3u);
  for (auto s : h.sleeps) EXPECT_EQ(s, 100ms);
}

TEST(RestClientTest, MetricsCountRequests) {
  Harness h;
  h.transport->enqueue(404, statusBody(404, "NotFound", "x"));
  h.transport->enqueue(200, R"({"metadata":{"name":"x"}})");
  (void)h.client->get(kConfigMaps, "a", "x", "");
  (void)h.client->get(kConfigMaps, "a", "x", "");
  auto* c = h.metrics.counter("rest_client_requests_total", "", {});
  EXPECT_EQ(c->value({"404", "GET", "127.0.0.1:6443"}), 1);
  EXPECT_EQ(c->value({"200", "GET", "127.0.0.1:6443"}), 1);
}

TEST(RestClientTest, WatchDecodesStreamAndMapsExpired) {
  Harness h;
  h.transport->enqueueStream(
      200, {"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\"",
            "}}}\n{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"6\"}}}\n{"
            "\"type\":\"ERROR\",\"object\":",
            statusBody(410, "Expired", "too old resource version: 6 (10)") + "}\n"});
  std::vector<std::string> seen;
  ListOptions lo;
  lo.resource_version = "4";
  lo.allow_watch_bookmarks = true;
  lo.timeout_seconds = 30;
  auto st = h.client->watch(kConfigMaps, "ns", lo,
                            [&](WatchEvent&& ev) {
                              seen.push_back(watchEventTypeName(ev.type));
                              return true;
                            },
                            nullptr);
  EXPECT_EQ(st.code(), core::Code::Gone) << st.toString();
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED", "BOOKMARK"}));
  EXPECT_EQ(h.transport->requests()[0].target,
            "/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=4&allowWatchBookmarks="
            "true&timeoutSeconds=30");
  h.transport->enqueueStream(410, {statusBody(410, "Gone", "gone")});
  EXPECT_EQ(h.client->watch(kConfigMaps, "", {}, [](WatchEvent&&) { return true; }, nullptr)
                .code(),
            core::Code::Gone);
}

TEST(RestMapperTest, RefreshesOnMiss) {
  auto transport = std::make_shared<FakeHttpTransport>();
  bool crd_installed = false;
  transport->setHandler([&](const HttpRequest& r) -> core::Result<HttpResponse> {
    if (r.target == "/api") return HttpResponse{200, {}, R"({"versions":["v1"]})"};
    if (r.target == "/api/v1") {
      return HttpResponse{200, {}, R"({"resources":[
        {"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","shortNames":["cm"]},
        {"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","shortNames":["ns"]},
        {"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace"}]})"};
    }
    if (r.target == "/apis") {
      std::string groups = R"({"groups":[{"name":"apps","versions":[{"version":"v1"}],"preferredVersion":{"version":"v1"}})";
      if (crd_installed) {
        groups += R"(,{"name":"example.com","versions":[{"version":"v1"}],"preferredVersion":{"version":"v1"}})";
      }
      return HttpResponse{200, {}, groups + "]}"};
    }
    if (r.target == "/apis/apps/v1") {
      return HttpResponse{200, {}, R"({"resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","shortNames":["deploy"]},{"name":"deployments/scale","namespaced":true,"kind":"Scale"}]})"};
    }
    if (r.target == "/apis/example.com/v1") {
      return HttpResponse{200, {}, R"({"resources":[{"name":"widgets","singularName":"widget","namespaced":false,"kind":"Widget"}]})"};
    }
    return HttpResponse{404, {}, ""};
  });
  auto clock = std::make_shared<core::FakeClock>();
  RestConfig cfg;
  cfg.server = "http://x";
  auto client = std::make_shared<RestClient>(cfg, transport, RestClientDeps{clock, [](auto) {}, nullptr});
  RestMapper mapper(client, clock, 1s);
  auto cm = mapper.mappingForResource("cm");
  ASSERT_TRUE(cm) << cm.status().toString();
  EXPECT_EQ(cm->gvr, kConfigMaps);
  EXPECT_TRUE(cm->namespaced);
  auto ns = mapper.mappingForKind({"", "v1", "Namespace"});
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->namespaced);
  auto dep = mapper.mappingForResource("deployments.apps");
  ASSERT_TRUE(dep);
  EXPECT_EQ(dep->gvk.kind, "Deployment");
  clock->advance(2s);
  EXPECT_FALSE(mapper.mappingForKind({"example.com", "v1", "Widget"}));
  crd_installed = true;
  EXPECT_FALSE(mapper.mappingForKind({"example.com", "v1", "Widget"}))
      << "refreshes are spaced by the minimum interval";
  clock->advance(2s);
  auto widget = mapper.mappingForKind({"example.com", "v1", "Widget"});
  ASSERT_TRUE(widget) << widget.status().toString();
  EXPECT_EQ(widget->gvr.resource, "widgets");
}

}  // namespace
}  // namespace flotilla::client
