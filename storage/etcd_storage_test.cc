// etcd-only behaviour: surviving an etcd restart with pooled connections, failover across
// endpoints, two clients (two API servers) sharing one etcd, watches ending when etcd goes away.
#include "storage/etcd_storage.h"

#include <gtest/gtest.h>

#include <thread>

#include "storage/storage_test_backends.h"
#include "storage/testing/etcd_process.h"

namespace flotilla::storage {
namespace {

using core::Code;

class EtcdStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::EtcdProcess::available()) GTEST_SKIP() << "/usr/bin/etcd is not installed";
    auto etcd = testing::EtcdProcess::start();
    ASSERT_TRUE(etcd.isOk()) << etcd.status().toString();
    etcd_ = std::move(etcd).value();
  }
  StoragePtr open(std::vector<std::string> endpoints = {}) {
    if (endpoints.empty()) endpoints = {etcd_->endpoint()};
    EtcdOptions options;
    options.connect_timeout = std::chrono::milliseconds(2'000);
    auto store = openEtcdStorage(endpoints, options);
    EXPECT_TRUE(store.isOk()) << store.status().toString();
    return store.isOk() ? std::move(store).value() : nullptr;
  }

  std::unique_ptr<testing::EtcdProcess> etcd_;
};

TEST_F(EtcdStorageTest, ClientSurvivesEtcdRestart) {
  auto store = open();
  // Several pooled keep-alive connections that the restart will break.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back(
        [&, t] { EXPECT_TRUE(store->create("/rs/" + std::to_string(t), "v").isOk()); });
  }
  for (auto& thread : threads) thread.join();
  int64_t before = store->currentRevision().valueOr(0);

  etcd_->stop();
  EXPECT_EQ(store->get("/rs/0").status().code(), Code::Unavailable);
  EXPECT_EQ(store->create("/rs/down", "v").status().code(), Code::Unavailable);
  ASSERT_TRUE(etcd_->restart().isOk());

  auto got = store->get("/rs/0");
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  auto created = store->create("/rs/after", "v");
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_GT(*created, before);
}

TEST_F(EtcdStorageTest, FailsOverToAReachableEndpoint) {
  // The first endpoint refuses connections (port 1 on loopback).
  auto store = open({"http://127.0.0.1:1", etcd_->endpoint()});
  auto created = store->create("/fo/a", "v");
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(store->get("/fo/a")->value, "v");
  auto watch = store->watch("/fo/", *created - 1);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  EXPECT_EQ(collectEvents(**watch, 1).events.size(), 1u);
}

TEST_F(EtcdStorageTest, TwoClientsShareOneEtcd) {
  auto a = open();
  auto b = open();
  int64_t created = a->create("/two/x", "0").valueOr(0);
  ASSERT_GT(created, 0);
  auto watch = b->watch("/two/", created);
  ASSERT_TRUE(watch.isOk());
  // Both race to update from the same revision: exactly one wins.
  auto from_a = a->update("/two/x", "a", created);
  auto from_b = b->update("/two/x", "b", created);
  EXPECT_NE(from_a.isOk(), from_b.isOk());
  EXPECT_EQ((from_a.isOk() ? from_b : from_a).status().code(), Code::Conflict);
  EXPECT_EQ(b->get("/two/x")->value, from_a.isOk() ? "a" : "b");
  EXPECT_EQ(b->create("/two/x", "again").status().code(), Code::AlreadyExists);
  EXPECT_EQ(collectEvents(**watch, 1).events.size(), 1u);
}

TEST_F(EtcdStorageTest, WatchEndsWhenEtcdGoesAway) {
  auto store = open();
  auto watch = store->watch("/gone/", store->currentRevision().valueOr(0));
  ASSERT_TRUE(watch.isOk());
  etcd_->kill();
  auto collected = collectEvents(**watch, 1, 60'000);
  EXPECT_TRUE(collected.events.empty());
  EXPECT_EQ(collected.end.code(), Code::Unavailable) << collected.end.toString();
}

TEST_F(EtcdStorageTest, SlowWatcherGetsGone) {
  EtcdOptions options;
  options.watch_backlog_limit = 5;
  auto opened = openEtcdStorage({etcd_->endpoint()}, options);
  ASSERT_TRUE(opened.isOk());
  auto& store = **opened;
  int64_t start = store.currentRevision().valueOr(0);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store.create("/slow/" + std::to_string(i), "v").isOk());
  auto watch = store.watch("/slow/", start);
  ASSERT_TRUE(watch.isOk());
  // The replay of 20 events arrives at once and overflows the limit of 5.
  auto collected = collectEvents(**watch, 20, 30'000);
  EXPECT_EQ(collected.end.code(), Code::Gone) << collected.events.size();
}

}  // namespace
}  // namespace flotilla::storage
