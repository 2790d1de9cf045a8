#include "runtime/own_writes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flotilla::runtime {
namespace {

client::ObjectPtr objectAt(const std::string& name, const std::string& version) {
  auto o = client::Object::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" +
                                 name + R"(","namespace":"ns","resourceVersion":")" + version +
                                 R"("}})");
  return o ? *o : nullptr;
}

TEST(OwnWritesTest, Table) {
  // Each step either records a write of key "k" (base -> written) or asks for the freshest
  // object given the cached version ("" = not cached) and expects a version ("" = null).
  struct Step {
    bool write;
    std::string base;     // write: precondition version; read: cached version
    std::string version;  // write: the written version; read: the expected version
    std::size_t size_after;
  };
  struct Row {
    const char* name;
    std::vector<Step> steps;
  };
  const std::vector<Row> rows = {
      {"nothing written: the cached object", {{false, "5", "5", 0}}},
      {"cache still at the replaced version: the written object",
       {{true, "5", "6", 1}, {false, "5", "6", 1}, {false, "5", "6", 1}}},
      {"cache caught up: cached, key forgotten",
       {{true, "5", "6", 1}, {false, "6", "6", 0}, {false, "5", "5", 0}}},
      {"cache past our write: cached, key forgotten",
       {{true, "5", "6", 1}, {false, "9", "9", 0}}},
      {"spec then status write: both earlier versions are stale",
       {{true, "5", "6", 1}, {true, "6", "7", 1}, {false, "5", "7", 1}, {false, "6", "7", 1},
        {false, "7", "7", 0}}},
      {"a write on someone else's version starts a new chain",
       {{true, "5", "6", 1}, {true, "8", "9", 1}, {false, "5", "5", 0}}},
      {"gone from the cache: null, key forgotten", {{true, "5", "6", 1}, {false, "", "", 0}}},
      {"a write that returned the same version records nothing", {{true, "5", "5", 0}}},
      {"a write without a base version records nothing", {{true, "", "6", 0}}},
  };
  for (const auto& row : rows) {
    OwnWrites own;
    for (std::size_t i = 0; i < row.steps.size(); ++i) {
      const Step& s = row.steps[i];
      if (s.write) {
        own.record("ns/k", s.base, objectAt("k", s.version));
      } else {
        const auto got = own.freshest("ns/k", s.base.empty() ? nullptr : objectAt("k", s.base));
        EXPECT_EQ(got ? got->resourceVersion() : "", s.version) << row.name << " step " << i;
      }
      EXPECT_EQ(own.size(), s.size_after) << row.name << " step " << i;
    }
  }
}

TEST(OwnWritesTest, KeysAreSeparateAndCapacityForgetsAll) {
  OwnWrites own(2);
  own.record("a", "1", objectAt("a", "2"));
  own.record("b", "1", objectAt("b", "3"));
  EXPECT_EQ(own.freshest("a", objectAt("a", "1"))->resourceVersion(), "2");
  EXPECT_EQ(own.freshest("b", objectAt("b", "1"))->resourceVersion(), "3");
  own.record("c", "1", objectAt("c", "4"));  // over capacity: a and b forgotten
  EXPECT_EQ(own.size(), 1u);
  EXPECT_EQ(own.freshest("a", objectAt("a", "1"))->resourceVersion(), "1");
  EXPECT_EQ(own.freshest("c", objectAt("c", "1"))->resourceVersion(), "4");
}

TEST(OwnWritesTest, LongChainsKeepTheLatestVersions) {
  OwnWrites own;
  for (int v = 1; v <= 40; ++v) {
    own.record("k", std::to_string(v), objectAt("k", std::to_string(v + 1)));
  }
  EXPECT_EQ(own.freshest("k", objectAt("k", "40"))->resourceVersion(), "41");
  EXPECT_EQ(own.freshest("k", objectAt("k", "30"))->resourceVersion(), "41");
  EXPECT_EQ(own.freshest("k", objectAt("k", "2"))->resourceVersion(), "2");  // too far behind
}

}  // namespace
}  // namespace flotilla::runtime
