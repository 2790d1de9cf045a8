// Integration tests of the client against a real `flotilla apiserver` child process (skipped
// while the binary has no apiserver command) and, for 429 handling, a local HTTP stub.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "client/api_errors.h"
#include "core/logging.h"
#include "client/informer.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "client/rest_mapper.h"
#include "client/testing/apiserver_process.h"
#include "client/testing/stub_http_server.h"

namespace flotilla::client {
namespace {

using namespace std::chrono_literals;
using testing::ApiServerProcess;

// FLOTILLA_TEST_LOG=debug shows the client's logs (watch restarts, relists) while debugging.
const bool kLogging = [] {
  if (const char* level = std::getenv("FLOTILLA_TEST_LOG")) core::setupLogging(level, "text");
  return true;
}();

const GroupVersionResource kCm{"", "v1", "configmaps"};
const GroupVersionResource kNs{"", "v1", "namespaces"};
const GroupVersionResource kDeploy{"apps", "v1", "deployments"};

template <typename F>
bool eventually(F f, std::chrono::milliseconds limit = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return f();
}

#define START_APISERVER(var, ...)                                   \
  auto var##_r = ApiServerProcess::start(__VA_ARGS__);              \
  if (!var##_r && var##_r.status().code() == core::Code::NotFound) { \
    GTEST_SKIP() << var##_r.status().message();                     \
  }                                                                 \
  ASSERT_TRUE(var##_r) << var##_r.status().toString();              \
  auto& var = *var##_r

std::shared_ptr<RestClient> clientFor(const RestConfig& rc) {
  auto c = RestClient::create(rc);
  EXPECT_TRUE(c) << c.status().toString();
  return c ? c.value() : nullptr;
}

nlohmann::json configMap(const std::string& ns, const std::string& name, const std::string& v) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", {{"v", v}}}};
}

core::Status ensureNamespace(Client& c, const std::string& ns) {
  auto r = c.create(kNs, "", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}, {});
  if (!r && r.status().code() != core::Code::AlreadyExists) return r.status();
  return core::Status::ok();
}

std::set<std::string> listState(Client& c, const GroupVersionResource& gvr, const std::string& ns) {
  std::set<std::string> out;
  ListOptions lo;
  lo.limit = 500;
  do {
    auto page = c.list(gvr, ns, lo);
    EXPECT_TRUE(page) << page.status().toString();
    if (!page) break;
    for (const auto& o : page->items) out.insert(o->key() + "@" + o->resourceVersion());
    lo.continue_token = page->continue_token;
  } while (!lo.continue_token.empty());
  return out;
}

std::set<std::string> cacheState(const Indexer& idx) {
  std::set<std::string> out;
  for (const auto& o : idx.list()) out.insert(o->key() + "@" + o->resourceVersion());
  return out;
}

TEST(KubeconfigIntegrationTest, HttpsWithTokenAndCa) {
  START_APISERVER(server);
  const RestConfig& rc = server->config();
  EXPECT_TRUE(rc.isHttps());
  EXPECT_FALSE(rc.ca_pem.empty());
  auto c = clientFor(rc);
  auto list = c->list(kNs, "", {});
  ASSERT_TRUE(list) << list.status().toString();
  EXPECT_FALSE(list->items.empty());

  RestConfig bad_token = rc;
  bad_token.bearer_token = "wrong";
  bad_token.max_retries = 0;
  EXPECT_EQ(clientFor(bad_token)->list(kNs, "", {}).status().code(), core::Code::Unauthenticated);

  RestConfig wrong_ca = rc;
  wrong_ca.ca_pem.clear();  // system trust does not know the test CA
  wrong_ca.max_retries = 0;
  auto untrusted = clientFor(wrong_ca)->list(kNs, "", {});
  EXPECT_FALSE(untrusted);
  EXPECT_EQ(untrusted.status().code(), core::Code::Unavailable) << untrusted.status().toString();

  RestConfig insecure = rc;
  insecure.ca_pem.clear();
  insecure.insecure_skip_tls_verify = true;
  EXPECT_TRUE(clientFor(insecure)->list(kNs, "", {}));

  // The same through KUBECONFIG-style loading of the written file.
  auto kc = loadKubeconfigList("/nonexistent:" + server->kubeconfigPath());
  ASSERT_TRUE(kc) << kc.status().toString();
  auto rc2 = kc->restConfig();
  ASSERT_TRUE(rc2);
  EXPECT_TRUE(clientFor(*rc2)->get(kNs, "", "default", ""));
}

TEST(KubeconfigIntegrationTest, PlainHttp) {
  testing::ApiServerOptions o;
  o.insecure_http = true;
  START_APISERVER(server, o);
  EXPECT_EQ(server->config().server.rfind("http://", 0), 0u) << server->config().server;
  auto c = clientFor(server->config());
  EXPECT_TRUE(c->get(kNs, "", "default", "")) << "http listener";
}

TEST(RestClientIntegrationTest, CrudAndEveryPatchType) {
  START_APISERVER(server);
  auto c = clientFor(server->config());
  ASSERT_TRUE(ensureNamespace(*c, "crud").isOk());

  auto created = c->create(kCm, "crud", configMap("crud", "a", "1"), {"itest", false});
  ASSERT_TRUE(created) << created.status().toString();
  EXPECT_FALSE((*created)->uid().empty());
  auto dup = c->create(kCm, "crud", configMap("crud", "a", "1"), {});
  EXPECT_EQ(dup.status().code(), core::Code::AlreadyExists);
  auto got = c->get(kCm, "crud", "a", "");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->json()["data"]["v"], "1");

  // Update with the current resourceVersion succeeds; with a stale one conflicts.
  nlohmann::json upd = (*got)->json();
  upd["data"]["v"] = "2";
  auto updated = c->update(kCm, "crud", upd, {}, "");
  ASSERT_TRUE(updated) << updated.status().toString();
  EXPECT_NE((*updated)->resourceVersion(), (*got)->resourceVersion());
  EXPECT_EQ(c->update(kCm, "crud", upd, {}, "").status().code(), core::Code::Conflict);

  struct Row {
    std::string name;
    PatchType type;
    std::string body;
    std::string want_v;
  };
  const Row rows[] = {
      {"json", PatchType::Json, R"([{"op":"replace","path":"/data/v","value":"j"}])", "j"},
      {"merge", PatchType::Merge, R"({"data":{"v":"m"}})", "m"},
      {"strategic", PatchType::StrategicMerge, R"({"data":{"v":"s"}})", "s"},
      {"apply", PatchType::Apply,
       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"crud"},"data":{"v":"ap"}})",
       "ap"},
  };
  for (const auto& r : rows) {
    auto p = c->patch(kCm, "crud", "a", r.type, r.body, {"itest", true, false}, "");
    ASSERT_TRUE(p) << r.name << ": " << p.status().toString();
    EXPECT_EQ((*p)->json()["data"]["v"], r.want_v) << r.name;
  }
  // Apply creates a missing object.
  auto applied = c->patch(
      kCm, "crud", "b", PatchType::Apply,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"crud"},"data":{"v":"new"}})",
      {"itest", false, false}, "");
  ASSERT_TRUE(applied) << applied.status().toString();
  // A failing json-patch test op is Invalid.
  auto failed = c->patch(kCm, "crud", "a", PatchType::Json,
                         R"([{"op":"test","path":"/data/v","value":"nope"}])", {}, "");
  EXPECT_EQ(failed.status().code(), core::Code::Invalid) << failed.status().toString();

  // Deployment: strategic merge on containers, scale and status subresources.
  nlohmann::json dep = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}, {"namespace", "crud"}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"app", "web"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec",
           {{"containers",
             {{{"name", "a"}, {"image", "nginx:1"}}, {{"name", "b"}, {"image", "busybox"}}}}}}}}}}};
  ASSERT_TRUE(c->create(kDeploy, "crud", dep, {}));
  auto smp = c->patch(kDeploy, "crud", "web", PatchType::StrategicMerge,
                      R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"nginx:2"}]}}}})",
                      {}, "");
  ASSERT_TRUE(smp) << smp.status().toString();
  const auto& containers = (*smp)->json()["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u) << "strategic merge keeps the other container";
  auto scaled = c->patch(kDeploy, "crud", "web", PatchType::Merge, R"({"spec":{"replicas":3}})",
                         {}, "scale");
  ASSERT_TRUE(scaled) << scaled.status().toString();
  auto scale = c->get(kDeploy, "crud", "web", "scale");
  ASSERT_TRUE(scale);
  EXPECT_EQ((*scale)->kind(), "Scale");
  EXPECT_EQ((*scale)->json()["spec"]["replicas"], 3);
  auto cur = c->get(kDeploy, "crud", "web", "");
  nlohmann::json with_status = (*cur)->json();
  with_status["status"] = {{"observedGeneration", 2}, {"replicas", 3}};
  auto st = c->update(kDeploy, "crud", with_status, {}, "status");
  ASSERT_TRUE(st) << st.status().toString();
  EXPECT_EQ((*st)->json()["status"]["replicas"], 3);

  // Delete with preconditions and propagation.
  DeleteOptions wrong;
  wrong.precondition_uid = "not-the-uid";
  EXPECT_EQ(c->remove(kCm, "crud", "a", wrong).code(), core::Code::Conflict);
  DeleteOptions right;
  right.precondition_uid = (*c->get(kCm, "crud", "a", ""))->uid();
  right.propagation_policy = "Background";
  EXPECT_TRUE(c->remove(kCm, "crud", "a", right).isOk());
  EXPECT_EQ(c->get(kCm, "crud", "a", "").status().code(), core::Code::NotFound);
  EXPECT_EQ(c->remove(kCm, "crud", "a", {}).code(), core::Code::NotFound);

  // Discovery + REST mapper.
  RestMapper mapper(c);
  auto m = mapper.mappingForKind({"apps", "v1", "Deployment"});
  ASSERT_TRUE(m) << m.status().toString();
  EXPECT_EQ(m->gvr, kDeploy);
  EXPECT_TRUE(m->namespaced);
  auto ns_map = mapper.mappingForResource("ns");
  ASSERT_TRUE(ns_map);
  EXPECT_FALSE(ns_map->namespaced);
}

TEST(RestClientIntegrationTest, Pagination) {
  START_APISERVER(server);
  auto c = clientFor(server->config());
  ASSERT_TRUE(ensureNamespace(*c, "pages").isOk());
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(c->create(kCm, "pages", configMap("pages", "cm-" + std::to_string(100 + i), "x"), {}));
  }
  ListOptions lo;
  lo.limit = 10;
  std::vector<std::string> names;
  int pages = 0;
  do {
    auto page = c->list(kCm, "pages", lo);
    ASSERT_TRUE(page) << page.status().toString();
    ++pages;
    EXPECT_LE(page->items.size(), 10u);
    for (const auto& o : page->items) names.push_back(o->name());
    lo.continue_token = page->continue_token;
  } while (!lo.continue_token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 25u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  ListOptions sel;
  sel.field_selector = "metadata.name=cm-105";
  auto one = c->list(kCm, "pages", sel);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->items.size(), 1u);
}

TEST(InformerIntegrationTest, ConvergesUnderBurstOfWrites) {
  START_APISERVER(server);
  RestConfig rc = server->config();
  rc.qps = 0;  // unthrottled writers
  auto c = clientFor(rc);
  ASSERT_TRUE(ensureNamespace(*c, "burst").isOk());
  InformerOptions io;
  io.gvr = kCm;
  io.namespace_name = "burst";
  Informer inf(c, io);
  std::atomic<int> notifications{0};
  inf.addEventHandler({[&](const ObjectPtr&) { ++notifications; },
                       [&](const ObjectPtr&, const ObjectPtr&) { ++notifications; },
                       [&](const ObjectPtr&) { ++notifications; }});
  inf.start();
  ASSERT_TRUE(inf.waitForSync(30s));
  constexpr int kWriters = 4;
  constexpr int kWrites = 5000;
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w);
      for (int i = w; i < kWrites; i += kWriters) {
        const std::string name = "o-" + std::to_string(rng() % 400);
        core::Status st;
        switch (rng() % 3) {
          case 0: st = c->create(kCm, "burst", configMap("burst", name, std::to_string(i)), {}).status(); break;
          case 1:
            st = c->patch(kCm, "burst", name, PatchType::Merge,
                          R"({"data":{"v":")" + std::to_string(i) + "\"}}", {}, "").status();
            break;
          default: st = c->remove(kCm, "burst", name, {}); break;
        }
        // NotFound/AlreadyExists are expected in a random mix; anything else is a failure.
        EXPECT_TRUE(st.isOk() || st.code() == core::Code::NotFound ||
                    st.code() == core::Code::AlreadyExists) << st.toString();
        ++done;
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(done.load(), kWrites);
  const auto want = listState(*c, kCm, "burst");
  ASSERT_TRUE(eventually([&] { return cacheState(inf.indexer()) == listState(*c, kCm, "burst"); }))
      << "cache " << inf.indexer().size() << " vs list " << want.size();
  std::printf("burst: %d writes, %d notifications, %zu objects, %d lists, %d watches\n", kWrites,
              notifications.load(), want.size(), inf.stats().lists, inf.stats().watches);
  inf.stop();
}

TEST(InformerIntegrationTest, ResumesAfterServerRestart) {
  START_APISERVER(server);
  auto c = clientFor(server->config());
  ASSERT_TRUE(ensureNamespace(*c, "restart").isOk());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(c->create(kCm, "restart", configMap("restart", "before-" + std::to_string(i), "1"), {}));
  }
  InformerOptions io;
  io.gvr = kCm;
  io.namespace_name = "restart";
  io.min_backoff = 50ms;
  io.max_backoff = 500ms;
  Informer inf(c, io);
  std::mutex mu;
  std::multiset<std::string> deletes;
  inf.addEventHandler({nullptr, nullptr, [&](const ObjectPtr& o) {
                         std::lock_guard l(mu);
                         deletes.insert(o->name());
                       }});
  inf.start();
  ASSERT_TRUE(inf.waitForSync(30s));
  server->kill();
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(server->restart().isOk());
  ASSERT_TRUE(c->remove(kCm, "restart", "before-3", {}).isOk());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c->create(kCm, "restart", configMap("restart", "after-" + std::to_string(i), "2"), {}));
  }
  ASSERT_TRUE(eventually([&] {
    return cacheState(inf.indexer()) == listState(*c, kCm, "restart");
  })) << "informer did not converge after the restart";
  {
    std::lock_guard l(mu);
    EXPECT_EQ(deletes.count("before-3"), 1u);
  }
  std::printf("restart: lists=%d watches=%d relists_after_gone=%d\n", inf.stats().lists,
              inf.stats().watches, inf.stats().relists_after_gone);
  inf.stop();
}

// Wraps a client so a test can hold watches down (as a network partition would) while writes
// continue through the same server.
class PartitionableClient final : public Client {
 public:
  explicit PartitionableClient(ClientPtr inner) : inner_(std::move(inner)) {}
  std::atomic<bool> partitioned{false};
  core::Result<ObjectPtr> get(const GroupVersionResource& g, const std::string& n,
                              const std::string& name, const std::string& s) override {
    return inner_->get(g, n, name, s);
  }
  core::Result<ObjectList> list(const GroupVersionResource& g, const std::string& n,
                                const ListOptions& o) override {
    return inner_->list(g, n, o);
  }
  core::Result<ObjectPtr> create(const GroupVersionResource& g, const std::string& n,
                                 const nlohmann::json& o, const WriteOptions& w) override {
    return inner_->create(g, n, o, w);
  }
  core::Result<ObjectPtr> update(const GroupVersionResource& g, const std::string& n,
                                 const nlohmann::json& o, const WriteOptions& w,
                                 const std::string& s) override {
    return inner_->update(g, n, o, w, s);
  }
  core::Result<ObjectPtr> patch(const GroupVersionResource& g, const std::string& n,
                                const std::string& name, PatchType t, const std::string& b,
                                const PatchOptions& o, const std::string& s) override {
    return inner_->patch(g, n, name, t, b, o, s);
  }
  core::Status remove(const GroupVersionResource& g, const std::string& n, const std::string& name,
                      const DeleteOptions& o) override {
    return inner_->remove(g, n, name, o);
  }
  core::Status watch(const GroupVersionResource& g, const std::string& n, const ListOptions& o,
                     const WatchHandler& h, Cancellation* c) override {
    if (partitioned) return core::Status(core::Code::Unavailable, "partitioned");
    return inner_->watch(g, n, o, [&](WatchEvent&& ev) { return !partitioned && h(std::move(ev)); },
                         c);
  }
  core::Result<nlohmann::json> getPath(const std::string& p) override { return inner_->getPath(p); }

 private:
  ClientPtr inner_;
};

uint16_t freePort() {
  testing::StubHttpServer probe([](const testing::StubRequest&) { return testing::StubResponse{}; });
  return probe.port();  // closed again when probe goes out of scope
}

// etcd for the API server, so a test can compact history on demand (the SQLite backend only
// compacts on its 5-minute timer).
struct Etcd {
  std::unique_ptr<testing::ChildProcess> proc;
  std::string url;
  std::string dir;
  ~Etcd() {
    if (proc) proc->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::unique_ptr<Etcd> startEtcd() {
  if (!std::filesystem::exists("/usr/bin/etcd")) return nullptr;
  auto e = std::make_unique<Etcd>();
  std::string tmpl = (std::filesystem::temp_directory_path() / "flotilla-etcd-XXXXXX").string();
  e->dir = ::mkdtemp(tmpl.data());
  const uint16_t client_port = freePort();
  const uint16_t peer_port = freePort();
  e->url = "http://127.0.0.1:" + std::to_string(client_port);
  const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port);
  auto p = testing::ChildProcess::start(
      {"/usr/bin/etcd", "--data-dir", e->dir + "/data", "--listen-client-urls", e->url,
       "--advertise-client-urls", e->url, "--listen-peer-urls", peer,
       "--initial-advertise-peer-urls", peer, "--initial-cluster", "default=" + peer});
  if (!p) return nullptr;
  e->proc = std::move(p).value();
  if (e->proc->waitForLine("ready to serve client requests", 30s) < 0) return nullptr;
  return e;
}

TEST(InformerIntegrationTest, RelistAfterExpiredDeliversDeletes) {
  auto etcd = startEtcd();
  if (!etcd) GTEST_SKIP() << "needs /usr/bin/etcd to compact history on demand";
  testing::ApiServerOptions ao;
  ao.extra_args = {"--storage", "etcd", "--etcd-endpoints", etcd->url};
  START_APISERVER(server, ao);
  RestConfig rc = server->config();
  rc.qps = 0;
  auto c = clientFor(rc);
  ASSERT_TRUE(ensureNamespace(*c, "expire").isOk());
  for (auto n : {"keep", "change", "vanish"}) {
    ASSERT_TRUE(c->create(kCm, "expire", configMap("expire", n, "1"), {}));
  }
  auto part = std::make_shared<PartitionableClient>(c);
  InformerOptions io;
  io.gvr = kCm;
  io.namespace_name = "expire";
  io.min_backoff = 50ms;
  io.max_backoff = 200ms;
  Informer inf(part, io);
  std::mutex mu;
  std::vector<std::string> events;
  inf.addEventHandler({[&](const ObjectPtr& o) { std::lock_guard l(mu); events.push_back("add:" + o->name()); },
                       [&](const ObjectPtr&, const ObjectPtr& o) { std::lock_guard l(mu); events.push_back("update:" + o->name()); },
                       [&](const ObjectPtr& o) { std::lock_guard l(mu); events.push_back("delete:" + o->name()); }});
  inf.start();
  ASSERT_TRUE(inf.waitForSync(30s));
  const std::string old_rv = inf.lastResourceVersion();
  part->partitioned = true;
  std::this_thread::sleep_for(200ms);
  {
    std::lock_guard l(mu);
    events.clear();
  }
  ASSERT_TRUE(c->remove(kCm, "expire", "vanish", {}).isOk());
  ASSERT_TRUE(c->patch(kCm, "expire", "change", PatchType::Merge, R"({"data":{"v":"2"}})", {}, ""));
  ASSERT_TRUE(c->create(kCm, "expire", configMap("expire", "born", "1"), {}));
  auto now = c->list(kCm, "expire", {});
  ASSERT_TRUE(now);
  // Compact etcd up to the current revision: the informer's resourceVersion is now too old.
  RestConfig erc;
  erc.server = etcd->url;
  auto etcd_http = makeHttpTransport(erc);
  ASSERT_TRUE(etcd_http);
  auto compacted = (*etcd_http)->send({"POST", "/v3/kv/compaction",
                                       {{"Content-Type", "application/json"}},
                                       R"({"revision":")" + now->resource_version + R"(","physical":true})", {}});
  ASSERT_TRUE(compacted) << compacted.status().toString();
  ASSERT_EQ(compacted->status, 200) << compacted->body;
  ListOptions wo;
  wo.resource_version = old_rv;
  wo.timeout_seconds = 2;
  auto probe = c->watch(kCm, "expire", wo, [](WatchEvent&&) { return false; }, nullptr);
  ASSERT_EQ(probe.code(), core::Code::Gone) << "server did not expire RV " << old_rv << ": "
                                            << probe.toString();
  part->partitioned = false;
  ASSERT_TRUE(eventually([&] { return inf.stats().relists_after_gone >= 1; }));
  ASSERT_TRUE(eventually([&] { return cacheState(inf.indexer()) == listState(*c, kCm, "expire"); }));
  std::lock_guard l(mu);
  std::multiset<std::string> got(events.begin(), events.end());
  EXPECT_EQ(got, (std::multiset<std::string>{"delete:vanish", "update:change", "add:born"}));
  inf.stop();
}

TEST(RateLimitIntegrationTest, RetryAfterAndClientThrottle) {
  std::atomic<int> hits{0};
  testing::StubHttpServer stub([&](const testing::StubRequest&) {
    if (hits++ == 0) {
      return testing::StubResponse{
          429,
          {{"Retry-After", "1"}},
          R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"TooManyRequests","code":429,"message":"slow down"})"};
    }
    return testing::StubResponse{200, {}, R"({"kind":"ConfigMap","metadata":{"name":"x"}})"};
  });
  RestConfig rc;
  rc.server = stub.url();
  rc.qps = 0;
  auto c = clientFor(rc);
  const auto t0 = std::chrono::steady_clock::now();
  auto got = c->get(kCm, "a", "x", "");
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(got) << got.status().toString();
  EXPECT_GE(waited, 1s) << "Retry-After: 1 must be honoured";
  EXPECT_EQ(hits.load(), 2);

  // 429 without recovery: bounded retries, then TooManyRequests with the server's reason.
  testing::StubHttpServer always([&](const testing::StubRequest&) {
    return testing::StubResponse{429, {{"Retry-After", "0"}}, R"({"kind":"Status","reason":"TooManyRequests","code":429,"message":"busy"})"};
  });
  RestConfig rc2;
  rc2.server = always.url();
  rc2.max_retries = 2;
  auto st = clientFor(rc2)->get(kCm, "a", "x", "");
  EXPECT_EQ(st.status().code(), core::Code::TooManyRequests);
  EXPECT_EQ(always.requests().size(), 3u);

  // Client-side token bucket: 5 qps, burst 1 → 6 requests need at least one second.
  RestConfig rc3;
  rc3.server = stub.url();
  rc3.qps = 5;
  rc3.burst = 1;
  auto throttled = clientFor(rc3);
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(throttled->get(kCm, "a", "x", ""));
  EXPECT_GE(std::chrono::steady_clock::now() - t1, 950ms);
}

}  // namespace
}  // namespace flotilla::client
