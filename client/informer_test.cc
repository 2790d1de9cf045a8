#include "client/informer.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>

#include "client/fake_client.h"

namespace flotilla::client {
namespace {

using namespace std::chrono_literals;

const GroupVersionResource kCm{"", "v1", "configmaps"};

template <typename F>
bool eventually(F f, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return f();
}

nlohmann::json cm(const std::string& ns, const std::string& name,
                  std::map<std::string, std::string> labels = {}, const std::string& v = "1") {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
          {"data", {{"v", v}}}};
}

// Records notifications as "add:key", "update:key", "delete:key".
struct Recorder {
  std::mutex mu;
  std::vector<std::string> events;
  EventHandler handler() {
    return {[this](const ObjectPtr& o) { push("add:" + o->key()); },
            [this](const ObjectPtr&, const ObjectPtr& n) { push("update:" + n->key()); },
            [this](const ObjectPtr& o) { push("delete:" + o->key()); }};
  }
  void push(std::string s) {
    std::lock_guard l(mu);
    events.push_back(std::move(s));
  }
  std::multiset<std::string> set() {
    std::lock_guard l(mu);
    return {events.begin(), events.end()};
  }
  std::size_t size() {
    std::lock_guard l(mu);
    return events.size();
  }
  void clear() {
    std::lock_guard l(mu);
    events.clear();
  }
};

InformerOptions opts() {
  InformerOptions o;
  o.gvr = kCm;
  o.page_size = 2;
  o.min_backoff = 5ms;
  o.max_backoff = 20ms;
  return o;
}

std::set<std::string> cacheState(const Indexer& idx) {
  std::set<std::string> out;
  for (const auto& o : idx.list()) out.insert(o->key() + "@" + o->resourceVersion());
  return out;
}

std::set<std::string> serverState(FakeClient& c) {
  std::set<std::string> out;
  auto l = c.list(kCm, "", {});
  for (const auto& o : l->items) out.insert(o->key() + "@" + o->resourceVersion());
  return out;
}

TEST(InformerTest, ListsInPagesThenWatches) {
  auto fake = std::make_shared<FakeClient>();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fake->create(kCm, "a", cm("a", "c" + std::to_string(i)), {}));
  Informer inf(fake, opts());
  Recorder rec;
  inf.addEventHandler(rec.handler());
  inf.start();
  ASSERT_TRUE(inf.waitForSync(10s));
  EXPECT_EQ(fake->calls("list"), 3) << "5 objects in pages of 2";
  EXPECT_EQ(rec.size(), 5u);
  ASSERT_TRUE(eventually([&] { return fake->openWatches() == 1; }));

  ASSERT_TRUE(fake->create(kCm, "b", cm("b", "new"), {}));
  auto cur = fake->get(kCm, "a", "c0", "");
  auto changed = (*cur)->json();
  changed["data"]["v"] = "2";
  ASSERT_TRUE(fake->update(kCm, "a", changed, {}, ""));
  ASSERT_TRUE(fake->remove(kCm, "a", "c1", {}).isOk());
  ASSERT_TRUE(eventually([&] { return rec.size() == 8; }));
  auto s = rec.set();
  EXPECT_TRUE(s.count("add:b/new"));
  EXPECT_TRUE(s.count("update:a/c0"));
  EXPECT_TRUE(s.count("delete:a/c1"));
  EXPECT_EQ(cacheState(inf.indexer()), serverState(*fake));
  EXPECT_EQ(inf.lastResourceVersion(), std::to_string(fake->resourceVersion()));
  inf.stop();
}

TEST(InformerTest, ResumesFromLastResourceVersionAfterDisconnect) {
  auto fake = std::make_shared<FakeClient>();
  ASSERT_TRUE(fake->create(kCm, "a", cm("a", "x"), {}));
  Informer inf(fake, opts());
  Recorder rec;
  inf.addEventHandler(rec.handler());
  inf.start();
  ASSERT_TRUE(inf.waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return fake->openWatches() == 1; }));
  fake->setWatchAvailable(false);
  ASSERT_TRUE(fake->create(kCm, "a", cm("a", "y"), {}));
  ASSERT_TRUE(fake->remove(kCm, "a", "x", {}).isOk());
  std::this_thread::sleep_for(30ms);
  fake->setWatchAvailable(true);
  ASSERT_TRUE(eventually([&] { return rec.size() == 3; }));
  EXPECT_EQ(rec.set(), (std::multiset<std::string>{"add:a/x", "add:a/y", "delete:a/x"}));
  EXPECT_EQ(inf.stats().lists, 1) << "a resumable watch must not relist";
  EXPECT_EQ(cacheState(inf.indexer()), serverState(*fake));
  inf.stop();
}

TEST(InformerTest, RelistsAfterGoneAndDeliversDifferences) {
  auto fake = std::make_shared<FakeClient>();
  for (auto n : {"keep", "change", "vanish"}) ASSERT_TRUE(fake->create(kCm, "a", cm("a", n), {}));
  Informer inf(fake, opts());
  Recorder rec;
  inf.addEventHandler(rec.handler());
  inf.start();
  ASSERT_TRUE(inf.waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return fake->openWatches() == 1; }));
  rec.clear();
  fake->setWatchAvailable(false);
  ASSERT_TRUE(fake->remove(kCm, "a", "vanish", {}).isOk());
  auto changed = cm("a", "change", {}, "2");
  ASSERT_TRUE(fake->update(kCm, "a", changed, {}, ""));
  ASSERT_TRUE(fake->create(kCm, "a", cm("a", "born"), {}));
  fake->compact();  // the informer's resourceVersion is now too old
  fake->setWatchAvailable(true);
  ASSERT_TRUE(eventually([&] { return inf.stats().relists_after_gone == 1 && rec.size() == 3; }));
  EXPECT_EQ(rec.set(),
            (std::multiset<std::string>{"delete:a/vanish", "update:a/change", "add:a/born"}));
  EXPECT_EQ(cacheState(inf.indexer()), serverState(*fake));
  inf.stop();
}

TEST(InformerTest, LateHandlerGetsReplayAndResync) {
  auto fake = std::make_shared<FakeClient>();
  ASSERT_TRUE(fake->create(kCm, "a", cm("a", "x"), {}));
  auto o = opts();
  o.resync_period = 20ms;
  Informer inf(fake, o);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(10s));
  Recorder rec;
  inf.addEventHandler(rec.handler());
  EXPECT_EQ(rec.set().count("add:a/x"), 1u);
  ASSERT_TRUE(eventually([&] { return rec.set().count("update:a/x") >= 2; }));
  inf.stop();
}

TEST(IndexerTest, Indexes) {
  Indexer idx;
  idx.addIndex("app", labelIndexFunc("app"));
  idx.addIndex("first-letter", [](const Object& o) {
    return std::vector<std::string>{o.name().substr(0, 1)};
  });
  auto put = [&](const std::string& ns, const std::string& name, const std::string& app) {
    idx.upsert(Object::fromJson(cm(ns, name, {{"app", app}})));
  };
  put("a", "apple", "web");
  put("a", "banana", "db");
  put("b", "avocado", "web");
  EXPECT_EQ(idx.byNamespace("a").size(), 2u);
  EXPECT_EQ(idx.byIndex("app", "web").size(), 2u);
  EXPECT_EQ(idx.byIndex("first-letter", "a").size(), 2u);
  EXPECT_EQ(idx.byLabels({{"app", "db"}}).size(), 1u);
  put("a", "apple", "db");  // relabel moves it between index values
  EXPECT_EQ(idx.byIndex("app", "web").size(), 1u);
  EXPECT_EQ(idx.byIndex("app", "db").size(), 2u);
  put("a", "banana", "db");  // an update that keeps its index values stays indexed
  EXPECT_EQ(idx.byIndex("app", "db").size(), 2u);
  EXPECT_EQ(idx.byNamespace("a").size(), 2u);
  EXPECT_EQ(idx.byIndex("first-letter", "b").size(), 1u);
  idx.erase("a/apple");
  EXPECT_EQ(idx.byIndex("app", "db").size(), 1u);
  EXPECT_EQ(idx.byIndex("first-letter", "a").size(), 1u);
  EXPECT_EQ(idx.get("b", "avocado")->name(), "avocado");
  EXPECT_EQ(idx.get("a/apple"), nullptr);
}

TEST(SharedInformerFactoryTest, SharesOneInformerPerResource) {
  auto fake = std::make_shared<FakeClient>();
  SharedInformerFactory f(fake);
  auto a = f.informerFor(kCm);
  auto b = f.informerFor(kCm);
  auto c = f.informerFor(kCm, "ns1");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  f.start();
  EXPECT_TRUE(f.waitForCacheSync(10s));
  f.shutdown();
}

}  // namespace
}  // namespace flotilla::client

namespace flotilla::client {
namespace {

// 5,000 concurrent writes while watches are dropped and history is compacted under the
// informer's feet: it must end up equal to a fresh list.
TEST(InformerTest, ConvergesUnderBurstWithDisconnectsAndCompaction) {
  auto fake = std::make_shared<FakeClient>();
  auto o = opts();
  o.page_size = 100;
  Informer inf(fake, o);
  std::atomic<int> notifications{0};
  inf.addEventHandler({[&](const ObjectPtr&) { ++notifications; },
                       [&](const ObjectPtr&, const ObjectPtr&) { ++notifications; },
                       [&](const ObjectPtr&) { ++notifications; }});
  inf.start();
  ASSERT_TRUE(inf.waitForSync(10s));
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w);
      for (int i = w; i < 5000; i += 4) {
        const std::string name = "o" + std::to_string(rng() % 300);
        switch (rng() % 3) {
          case 0: (void)fake->create(kCm, "a", cm("a", name, {}, std::to_string(i)), {}); break;
          case 1:
            (void)fake->patch(kCm, "a", name, PatchType::Merge,
                              R"({"data":{"v":")" + std::to_string(i) + "\"}}", {}, "");
            break;
          default: (void)fake->remove(kCm, "a", name, {}); break;
        }
        if (w == 0 && i % 500 == 0) fake->dropWatches();
        if (w == 0 && i == 2500) fake->compact();
      }
    });
  }
  for (auto& t : writers) t.join();
  const bool converged =
      eventually([&] { return cacheState(inf.indexer()) == serverState(*fake); });
  if (!converged) {
    auto a = cacheState(inf.indexer());
    auto b = serverState(*fake);
    for (const auto& x : a) {
      if (!b.count(x)) ADD_FAILURE() << "only in cache: " << x;
    }
    for (const auto& x : b) {
      if (!a.count(x)) ADD_FAILURE() << "only on server: " << x;
    }
    ADD_FAILURE() << "lists=" << inf.stats().lists << " watches=" << inf.stats().watches
                  << " relists=" << inf.stats().relists_after_gone
                  << " rv=" << inf.lastResourceVersion() << " server rv=" << fake->resourceVersion();
  }
  EXPECT_GE(inf.stats().watches, 2);
  inf.stop();
}

}  // namespace
}  // namespace flotilla::client
