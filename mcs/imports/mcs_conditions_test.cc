#include "mcs/imports/mcs_conditions.h"

#include <gtest/gtest.h>

namespace flotilla::mcs {
namespace {

TEST(MultiClusterServiceConditions, Table) {
  struct Row {
    const char* name;
    McsPassOutcome outcome;
    std::string applied_status, applied_reason, applied_message_has;
    std::string dispatched_status, dispatched_reason, dispatched_message_has;
  } rows[] = {
      {"all written", {true, {"m1", "m2"}, {"m2"}, {}, {}},
       "True", "ServiceAppliedSucceed", "propagated",
       "True", "EndpointSliceDispatchedSucceed", "dispatched"},
      {"no host service", {false, {"m1", "m2"}, {"m2"}, {}, {}},
       "False", "ServiceAppliedFailed", "does not exist on the host",
       "True", "EndpointSliceDispatchedSucceed", "dispatched"},
      {"a consumer failed", {true, {"m1", "m2", "m3"}, {"m2", "m3"}, {}, {{"m3", "timeout"}}},
       "False", "ServiceAppliedFailed", "m3: timeout",
       "False", "EndpointSliceDispatchedFailed", "m3: timeout"},
      {"a provider failed: slices still dispatched",
       {true, {"m1", "m2"}, {"m2"}, {}, {{"m1", "forbidden"}}},
       "False", "ServiceAppliedFailed", "m1: forbidden",
       "True", "EndpointSliceDispatchedSucceed", "dispatched"},
      {"failures outside the service are ignored",
       {true, {"m1", "m2"}, {"m2"}, {}, {{"m9", "boom"}}},
       "True", "ServiceAppliedSucceed", "propagated",
       "True", "EndpointSliceDispatchedSucceed", "dispatched"},
      {"unreachable consumer is named", {true, {"m1", "m2"}, {"m2"}, {"m2"}, {}},
       "True", "ServiceAppliedSucceed", "Not reachable, updated when Ready again: m2.",
       "True", "EndpointSliceDispatchedSucceed", "Not reachable, updated when Ready again: m2."},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const auto c = multiClusterServiceConditions(r.outcome);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].type, kServiceAppliedCondition);
    EXPECT_EQ(c[0].status, r.applied_status);
    EXPECT_EQ(c[0].reason, r.applied_reason);
    EXPECT_NE(c[0].message.find(r.applied_message_has), std::string::npos) << c[0].message;
    EXPECT_EQ(c[1].type, kEndpointSliceDispatchedCondition);
    EXPECT_EQ(c[1].status, r.dispatched_status);
    EXPECT_EQ(c[1].reason, r.dispatched_reason);
    EXPECT_NE(c[1].message.find(r.dispatched_message_has), std::string::npos) << c[1].message;
  }
}

}  // namespace
}  // namespace flotilla::mcs
