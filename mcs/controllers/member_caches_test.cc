// MemberCaches against in-memory API servers (FakeClient): a cache follows its member's client.
#include "mcs/controllers/member_caches.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>
#include <thread>

#include "client/fake_client.h"

namespace flotilla::mcs {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

Json serviceExport(const std::string& name) {
  return {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
          {"kind", "ServiceExport"},
          {"metadata", {{"name", name}, {"namespace", "shop"}}}};
}

// The start-up race behind issue 6's flaky e2e: the cache was started with the client built
// before the credentials Secret was seen. Once the member client changes, ensure must rebuild
// the cache on the new client, and the rebuilt cache reports what it finds.
TEST(MemberCachesTest, EnsureRebuildsTheCacheWhenTheMemberClientChanges) {
  auto clients = std::make_shared<controllers::StaticMemberClients>();
  std::shared_ptr<client::Client> stale = std::make_shared<client::FakeClient>();
  std::shared_ptr<client::Client> fresh = std::make_shared<client::FakeClient>();
  ASSERT_TRUE(fresh->create(kServiceExportsGvr, "shop", serviceExport("web")));
  clients->set("m1", stale);
  std::mutex mu;
  std::set<std::string> seen;
  MemberCaches caches(clients, [&](const std::string& key) {
    std::lock_guard lock(mu);
    seen.insert(key);
  });

  ASSERT_TRUE(caches.ensure("m1").isOk());
  auto first = caches.get("m1");
  ASSERT_TRUE(first);
  ASSERT_TRUE(eventually([&] { return first->synced(); }));
  EXPECT_EQ(first->exports->indexer().get("shop", "web"), nullptr);

  // Same client: the running cache is kept.
  ASSERT_TRUE(caches.ensure("m1").isOk());
  EXPECT_EQ(caches.get("m1"), first);

  clients->set("m1", fresh);
  ASSERT_TRUE(caches.ensure("m1").isOk());
  auto second = caches.get("m1");
  ASSERT_TRUE(second);
  EXPECT_NE(second, first);
  EXPECT_EQ(second->client, fresh);
  ASSERT_TRUE(eventually([&] { return second->exports->indexer().get("shop", "web") != nullptr; }));
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return seen.count("shop/web") == 1;
  }));
  caches.shutdown();
}

TEST(MemberCachesTest, EnsureFailsWithoutAClientAndRemoveForgetsTheCluster) {
  auto clients = std::make_shared<controllers::StaticMemberClients>();
  MemberCaches caches(clients, [](const std::string&) {});
  EXPECT_FALSE(caches.ensure("nope").isOk());
  EXPECT_EQ(caches.get("nope"), nullptr);
  clients->set("m1", std::make_shared<client::FakeClient>());
  ASSERT_TRUE(caches.ensure("m1").isOk());
  EXPECT_EQ(caches.clusters(), std::vector<std::string>{"m1"});
  caches.remove("m1");
  EXPECT_EQ(caches.get("m1"), nullptr);
  EXPECT_TRUE(caches.clusters().empty());
}

// The echo of the sync's own write is not reported; anybody else's write is.
TEST(MemberCachesTest, OwnWritesEchoesAreNotReported) {
  auto clients = std::make_shared<controllers::StaticMemberClients>();
  auto fake = std::make_shared<client::FakeClient>();
  std::shared_ptr<client::Client> member = fake;
  clients->set("m1", member);
  std::mutex mu;
  std::vector<std::string> seen;
  MemberCaches caches(clients, [&](const std::string& key) {
    std::lock_guard lock(mu);
    seen.push_back(key);
  });
  ASSERT_TRUE(caches.ensure("m1").isOk());
  auto cache = caches.get("m1");
  ASSERT_TRUE(eventually([&] { return cache->synced(); }));

  // The sync records a write once its response arrives, and the watch may deliver the echo
  // before that (one harmless extra reconcile, see own_writes.h). To test the drop itself, the
  // version is recorded before the write: the fake's resourceVersions are one global counter.
  const std::string next_version = std::to_string(fake->resourceVersion() + 1);
  caches.ownWrites().record("m1", kServiceExportsGvr.resource, "shop", "mine", next_version);
  auto own = member->create(kServiceExportsGvr, "shop", serviceExport("mine"));
  ASSERT_TRUE(own);
  ASSERT_EQ((*own)->resourceVersion(), next_version);
  ASSERT_TRUE(member->create(kServiceExportsGvr, "shop", serviceExport("theirs")));
  ASSERT_TRUE(eventually([&] { return cache->exports->indexer().get("shop", "theirs") != nullptr; }));
  ASSERT_TRUE(eventually([&] { return cache->exports->indexer().get("shop", "mine") != nullptr; }));
  std::this_thread::sleep_for(50ms);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(seen, std::vector<std::string>{"shop/theirs"});
  }
  // A later change of the same object by someone else is reported.
  Json changed = (*own)->json();
  changed["metadata"]["labels"] = {{"x", "y"}};
  ASSERT_TRUE(member->update(kServiceExportsGvr, "shop", changed, {}, ""));
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return seen.size() == 2 && seen.back() == "shop/mine";
  }));
  caches.shutdown();
}

}  // namespace
}  // namespace flotilla::mcs
