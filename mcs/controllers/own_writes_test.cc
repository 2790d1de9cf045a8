#include "mcs/controllers/own_writes.h"

#include <gtest/gtest.h>

namespace flotilla::mcs {
namespace {

TEST(OwnWrites, Table) {
  struct Step {
    const char* what;
    bool record;  // else consume
    const char *cluster, *resource, *name, *rv;
    bool consumed;  // expected result of a consume
  };
  struct Row {
    const char* name;
    std::vector<Step> steps;
  } rows[] = {
      {"own echo dropped once",
       {{"write", true, "m1", "endpointslices", "s", "7", false},
        {"echo", false, "m1", "endpointslices", "s", "7", true},
        {"same again is someone else's", false, "m1", "endpointslices", "s", "7", false}}},
      {"other version passes",
       {{"write", true, "m1", "endpointslices", "s", "7", false},
        {"newer", false, "m1", "endpointslices", "s", "8", false}}},
      {"other cluster passes",
       {{"write", true, "m1", "endpointslices", "s", "7", false},
        {"m2", false, "m2", "endpointslices", "s", "7", false}}},
      {"other resource passes",
       {{"write", true, "m1", "services", "s", "7", false},
        {"slice", false, "m1", "endpointslices", "s", "7", false}}},
      {"two writes of one object, both echoes dropped",
       {{"spec", true, "m1", "services", "d", "7", false},
        {"status", true, "m1", "services", "d", "8", false},
        {"echo 7", false, "m1", "services", "d", "7", true},
        {"echo 8", false, "m1", "services", "d", "8", true}}},
      {"empty version never matches",
       {{"write", true, "m1", "services", "d", "", false},
        {"echo", false, "m1", "services", "d", "", false}}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    OwnWrites w;
    for (const auto& s : r.steps) {
      SCOPED_TRACE(s.what);
      if (s.record) {
        w.record(s.cluster, s.resource, "ns", s.name, s.rv);
      } else {
        EXPECT_EQ(w.consume(s.cluster, s.resource, "ns", s.name, s.rv), s.consumed);
      }
    }
  }
}

TEST(OwnWrites, BoundedOldestForgotten) {
  OwnWrites w(3);
  for (int i = 0; i < 5; ++i) w.record("m", "r", "ns", "o", std::to_string(i));
  EXPECT_EQ(w.size(), 3u);
  EXPECT_FALSE(w.consume("m", "r", "ns", "o", "0"));
  EXPECT_FALSE(w.consume("m", "r", "ns", "o", "1"));
  EXPECT_TRUE(w.consume("m", "r", "ns", "o", "4"));
}

}  // namespace
}  // namespace flotilla::mcs
