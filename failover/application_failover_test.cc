#include "failover/application_failover.h"

#include <gtest/gtest.h>

namespace flotilla::failover {
namespace {

using std::chrono::seconds;

api::ApplicationFailoverBehavior policy(std::optional<int32_t> toleration,
                                        const std::string& purge = "",
                                        std::optional<int32_t> grace = std::nullopt) {
  api::ApplicationFailoverBehavior p;
  p.decision_conditions.toleration_seconds = toleration;
  p.purge_mode = purge;
  p.grace_period_seconds = grace;
  return p;
}

TEST(ApplicationFailover, Table) {
  const TimePoint now = TimePoint(seconds(1'000'000));
  struct Row {
    const char* name;
    api::ApplicationFailoverBehavior policy;
    ApplicationHealthView view;
    std::map<std::string, TimePoint> since;
    std::vector<std::string> evicted;
    std::map<std::string, TimePoint> kept;
    std::optional<seconds> recheck;
  } rows[] = {
      {"first unhealthy sighting starts the timer",
       policy(60), {{"a", "b"}, {{"a", "Unhealthy"}, {"b", "Healthy"}}, {}}, {},
       {}, {{"a", now}}, seconds(60)},
      {"still within the toleration",
       policy(60), {{"a"}, {{"a", "Unhealthy"}}, {}}, {{"a", now - seconds(45)}},
       {}, {{"a", now - seconds(45)}}, seconds(15)},
      {"toleration ran out: evicted",
       policy(60), {{"a", "b"}, {{"a", "Unhealthy"}, {"b", "Healthy"}}, {}},
       {{"a", now - seconds(60)}}, {"a"}, {}, std::nullopt},
      {"zero toleration evicts at once",
       policy(0), {{"a"}, {{"a", "Unhealthy"}}, {}}, {}, {"a"}, {}, std::nullopt},
      {"default toleration is 300 s",
       policy(std::nullopt), {{"a"}, {{"a", "Unhealthy"}}, {}}, {{"a", now - seconds(299)}},
       {}, {{"a", now - seconds(299)}}, seconds(1)},
      {"healthy again clears the timer",
       policy(60), {{"a"}, {{"a", "Healthy"}}, {}}, {{"a", now - seconds(59)}}, {}, {},
       std::nullopt},
      {"unknown clears the timer",
       policy(60), {{"a"}, {{"a", "Unknown"}}, {}}, {{"a", now - seconds(59)}}, {}, {},
       std::nullopt},
      {"no status yet: nothing", policy(0), {{"a"}, {}, {}}, {}, {}, {}, std::nullopt},
      {"already being evicted: not tracked",
       policy(0), {{"a"}, {{"a", "Unhealthy"}}, {"a"}}, {{"a", now - seconds(600)}}, {}, {},
       std::nullopt},
      {"cluster left the placement: timer dropped",
       policy(60), {{"b"}, {{"a", "Unhealthy"}, {"b", "Healthy"}}, {}},
       {{"a", now - seconds(10)}}, {}, {}, std::nullopt},
      {"earliest recheck wins",
       policy(60), {{"a", "b"}, {{"a", "Unhealthy"}, {"b", "Unhealthy"}}, {}},
       {{"a", now - seconds(10)}, {"b", now - seconds(50)}}, {},
       {{"a", now - seconds(10)}, {"b", now - seconds(50)}}, seconds(10)},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto d = decideApplicationFailover(r.policy, r.view, r.since, now,
                                       kProducerRbApplicationFailover);
    std::vector<std::string> evicted;
    for (const auto& e : d.evict) evicted.push_back(e.cluster);
    EXPECT_EQ(evicted, r.evicted);
    EXPECT_EQ(d.unhealthy_since, r.kept);
    EXPECT_EQ(d.recheck_after, r.recheck);
  }
}

TEST(ApplicationFailover, EvictionCarriesThePolicysPurgeMode) {
  const TimePoint now = TimePoint(seconds(1'000'000));
  const ApplicationHealthView view{{"a"}, {{"a", "Unhealthy"}}, {}};
  struct Row {
    api::ApplicationFailoverBehavior policy;
    std::string purge;
    std::optional<int32_t> grace;
  } rows[] = {
      {policy(0), kPurgeGracefully, kDefaultApplicationGracePeriodSeconds},
      {policy(0, "Gracefully", 120), kPurgeGracefully, 120},
      {policy(0, "Graciously"), kPurgeGracefully, kDefaultApplicationGracePeriodSeconds},
      {policy(0, "Directly"), kPurgeDirectly, std::nullopt},
      {policy(0, "Immediately"), kPurgeDirectly, std::nullopt},
      {policy(0, "Never"), kPurgeNever, std::nullopt},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.policy.purge_mode);
    auto d = decideApplicationFailover(r.policy, view, {}, now, kProducerCrbApplicationFailover);
    ASSERT_EQ(d.evict.size(), 1u);
    const auto& e = d.evict.front();
    EXPECT_EQ(e.purge_mode, r.purge);
    EXPECT_EQ(e.grace_period_seconds, r.grace);
    EXPECT_EQ(e.reason, api::kEvictionReasonApplicationFailure);
    EXPECT_EQ(e.producer, kProducerCrbApplicationFailover);
    EXPECT_NE(e.message.find("unhealthy in cluster a"), std::string::npos) << e.message;
  }
}

// The request feeds evictCluster like a taint eviction: Never keeps the old copy until a person
// acts (suppressDeletion), Gracefully carries the grace period.
TEST(ApplicationFailover, RequestsBecomeGracefulEvictionTasks) {
  const TimePoint now = TimePoint(seconds(1'000'000));
  auto d = decideApplicationFailover(policy(0, "Never"), {{"a", "b"}, {{"a", "Unhealthy"}}, {}},
                                     {}, now, kProducerRbApplicationFailover);
  ASSERT_EQ(d.evict.size(), 1u);
  std::vector<api::TargetCluster> clusters(2);
  clusters[0].name = "a";
  clusters[0].replicas = 2;
  clusters[1].name = "b";
  clusters[1].replicas = 3;
  std::vector<api::GracefulEvictionTask> tasks;
  ASSERT_TRUE(evictCluster(clusters, tasks, d.evict.front()));
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].name, "b");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].from_cluster, "a");
  EXPECT_EQ(tasks[0].reason, api::kEvictionReasonApplicationFailure);
  EXPECT_EQ(tasks[0].suppress_deletion, true);
  EXPECT_EQ(tasks[0].replicas, 2);
}

}  // namespace
}  // namespace flotilla::failover
