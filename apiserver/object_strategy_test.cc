#include "apiserver/object_strategy.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "core/clock.h"

namespace flotilla::apiserver {
namespace {

// sameObject's definition: equal once resourceVersion and managedFields times are erased.
bool sameByDefinition(const Json& a, const Json& b) {
  auto strip = [](Json c) {
    if (c.is_object() && c.contains("metadata") && c["metadata"].is_object()) {
      c["metadata"].erase("resourceVersion");
      if (c["metadata"].contains("managedFields") && c["metadata"]["managedFields"].is_array()) {
        for (auto& e : c["metadata"]["managedFields"]) {
          if (e.is_object()) e.erase("time");
        }
      }
    }
    return c;
  };
  return strip(a) == strip(b);
}

TEST(ObjectStrategyTest, SameObjectIgnoresOnlyResourceVersionAndManagedFieldsTimes) {
  struct Row {
    const char* name;
    const char* a;
    const char* b;
    bool same;
  };
  const Row rows[] = {
      {"identical", R"({"metadata":{"name":"a"},"spec":{"x":1}})",
       R"({"metadata":{"name":"a"},"spec":{"x":1}})", true},
      {"resourceVersion differs", R"({"metadata":{"name":"a","resourceVersion":"1"}})",
       R"({"metadata":{"name":"a","resourceVersion":"2"}})", true},
      {"resourceVersion on one side", R"({"metadata":{"name":"a","resourceVersion":"1"}})",
       R"({"metadata":{"name":"a"}})", true},
      {"managedFields time differs",
       R"({"metadata":{"managedFields":[{"manager":"m","time":"t1"}],"name":"a"}})",
       R"({"metadata":{"managedFields":[{"manager":"m","time":"t2"}],"name":"a"}})", true},
      {"managedFields time on one side",
       R"({"metadata":{"managedFields":[{"manager":"m","time":"t1"}]}})",
       R"({"metadata":{"managedFields":[{"manager":"m"}]}})", true},
      {"managedFields manager differs", R"({"metadata":{"managedFields":[{"manager":"m"}]}})",
       R"({"metadata":{"managedFields":[{"manager":"n"}]}})", false},
      {"managedFields length differs", R"({"metadata":{"managedFields":[{"manager":"m"}]}})",
       R"({"metadata":{"managedFields":[{"manager":"m"},{"manager":"n"}]}})", false},
      {"managedFields entry not an object", R"({"metadata":{"managedFields":[1]}})",
       R"({"metadata":{"managedFields":[1]}})", true},
      {"managedFields not an array", R"({"metadata":{"managedFields":{"time":"x"}}})",
       R"({"metadata":{"managedFields":{"time":"y"}}})", false},
      {"managedFields array against object", R"({"metadata":{"managedFields":[]}})",
       R"({"metadata":{"managedFields":{}}})", false},
      {"time outside managedFields counts", R"({"metadata":{"name":"a"},"spec":{"time":"1"}})",
       R"({"metadata":{"name":"a"},"spec":{"time":"2"}})", false},
      {"resourceVersion outside metadata counts", R"({"metadata":{},"spec":{"resourceVersion":1}})",
       R"({"metadata":{},"spec":{"resourceVersion":2}})", false},
      {"spec differs", R"({"metadata":{},"spec":{"x":1}})", R"({"metadata":{},"spec":{"x":2}})",
       false},
      {"extra top-level member", R"({"metadata":{},"spec":{}})",
       R"({"metadata":{},"spec":{},"status":{}})", false},
      {"extra metadata member", R"({"metadata":{"name":"a"}})",
       R"({"metadata":{"name":"a","uid":"u"}})", false},
      {"empty key is compared", R"({"":1,"metadata":{}})", R"({"":2,"metadata":{}})", false},
      {"integer equals float like nlohmann", R"({"metadata":{},"spec":{"x":1}})",
       R"({"metadata":{},"spec":{"x":1.0}})", true},
      {"metadata missing on one side", R"({"metadata":{"resourceVersion":"1"}})", R"({})", false},
      {"metadata missing on both", R"({"spec":1})", R"({"spec":1})", true},
      {"metadata not an object", R"({"metadata":"x"})", R"({"metadata":"x"})", true},
      {"not objects", R"([1,2])", R"([1,2])", true},
  };
  for (const auto& row : rows) {
    const Json a = Json::parse(row.a);
    const Json b = Json::parse(row.b);
    EXPECT_EQ(sameObject(a, b), row.same) << row.name;
    EXPECT_EQ(sameObject(b, a), row.same) << row.name << " (swapped)";
    EXPECT_EQ(sameByDefinition(a, b), row.same) << row.name << " (definition)";
  }
}

TEST(ObjectStrategyTest, GenerationBumpsOnlyWhenTheSpecPartChanges) {
  ServedResource r;
  r.group = "apps";
  r.version = "v1";
  r.plural = "deployments";
  r.generation_tracked = true;
  const Json old = Json::parse(
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":3},)"
      R"("spec":{"replicas":1},"status":{"replicas":1}})");
  struct Row {
    const char* name;
    const char* patch;
    int64_t generation;
  };
  const Row rows[] = {
      {"nothing", "[]", 3},
      {"spec", R"([{"op":"replace","path":"/spec/replicas","value":2}])", 4},
      {"status", R"([{"op":"replace","path":"/status/replicas","value":2}])", 3},
      {"labels", R"([{"op":"add","path":"/metadata/labels","value":{"a":"b"}}])", 3},
      {"apiVersion and kind", R"([{"op":"replace","path":"/kind","value":"X"}])", 3},
      {"new top-level member", R"([{"op":"add","path":"/data","value":{}}])", 4},
      {"spec removed", R"([{"op":"remove","path":"/spec"}])", 4},
  };
  for (const auto& row : rows) {
    Json updated = old.patch(Json::parse(row.patch));
    prepareForUpdate(r, old, updated, "");
    EXPECT_EQ(updated["metadata"]["generation"], row.generation) << row.name;
  }
}

TEST(ObjectStrategyTest, UidsAndGeneratedNamesAreWellFormedAndUnique) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::regex generated("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$");
  struct Row {
    std::string name;
    int threads;
    int per_thread;
  };
  for (const auto& row : std::vector<Row>{{"one_thread", 1, 20'000}, {"eight_threads", 8, 5'000}}) {
    SCOPED_TRACE(row.name);
    std::mutex mu;
    std::set<std::string> seen;
    std::vector<std::thread> threads;
    for (int t = 0; t < row.threads; ++t) {
      threads.emplace_back([&] {
        std::vector<std::string> mine;
        for (int i = 0; i < row.per_thread; ++i) mine.push_back(newUuid());
        std::lock_guard lock(mu);
        seen.insert(mine.begin(), mine.end());
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(seen.size(), static_cast<size_t>(row.threads * row.per_thread));
    for (const auto& id : {*seen.begin(), *seen.rbegin()}) {
      EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    }
  }
  EXPECT_TRUE(std::regex_match(generateNameFrom("web-"), generated));
}

TEST(ObjectStrategyTest, AForkedChildDoesNotRepeatItsParentsUids) {
  (void)newUuid();  // the parent's stream is seeded
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = newUuid();
    ssize_t written = write(fds[1], id.data(), id.size());
    _exit(written == static_cast<ssize_t>(id.size()) ? 0 : 1);
  }
  const std::string parent_next = newUuid();
  char buffer[64] = {};
  ssize_t n = read(fds[0], buffer, sizeof buffer);
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  close(fds[1]);
  ASSERT_EQ(n, 36);
  EXPECT_NE(std::string(buffer, 36), parent_next);
}

TEST(ObjectStrategyTest, TimestampTextIsFormatRfc3339OfTheSecond) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  const std::chrono::system_clock::time_point base(seconds(1'790'000'000));
  struct Row {
    std::string name;
    std::chrono::system_clock::time_point t;
  };
  // In order: each row may hit the previous row's cached second.
  const std::vector<Row> rows = {
      {"a_second", base},
      {"later_in_the_same_second", base + milliseconds(999)},
      {"the_next_second", base + seconds(1)},
      {"back_in_time", base - seconds(86'400)},
      {"the_epoch", std::chrono::system_clock::time_point()},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(timestampText(row.t), core::formatRfc3339(row.t));
  }
}

TEST(ObjectStrategyTest, StatusUpdateTakesAllButStatusAndManagedFieldsFromTheStoredObject) {
  // The definition: a copy of the stored object with the body's status (none: no status) and,
  // when the body has them, the body's managedFields.
  auto byDefinition = [](const Json& old, const Json& body) {
    Json out = old;
    if (body.contains("status")) {
      out["status"] = body["status"];
    } else {
      out.erase("status");
    }
    if (body.contains("metadata") && body["metadata"].contains("managedFields")) {
      out["metadata"]["managedFields"] = body["metadata"]["managedFields"];
    }
    return out;
  };
  const std::string old_text = R"({"apiVersion":"v1","kind":"Work","metadata":{"name":"w",
      "labels":{"a":"b"},"managedFields":[{"manager":"m","fieldsV1":{"f:spec":{}}}]},
      "spec":{"x":1},"status":{"old":true}})";
  struct Row {
    std::string name;
    std::string old;
    std::string body;
  };
  const std::vector<Row> rows = {
      {"body_with_status_and_managed_fields", old_text,
       R"({"metadata":{"name":"w","labels":{"c":"d"},"managedFields":[{"manager":"n"}]},"spec":{"x":2},"status":{"new":1}})"},
      {"body_without_managed_fields", old_text, R"({"metadata":{"name":"w"},"status":{"new":1}})"},
      {"body_without_status", old_text, R"({"metadata":{"name":"w"},"spec":{"x":3}})"},
      {"stored_without_status_or_managed_fields",
       R"({"metadata":{"name":"w"},"spec":{"x":1}})",
       R"({"metadata":{"name":"w","managedFields":[{"manager":"n"}]},"status":{"s":1}})"},
  };
  ServedResource r;
  r.kind = "Work";
  r.has_status = true;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const Json old = Json::parse(row.old);
    const Json body = Json::parse(row.body);
    Json updated = body;
    prepareForUpdate(r, old, updated, "status");
    EXPECT_EQ(updated, byDefinition(old, body));
  }
}

}  // namespace
}  // namespace flotilla::apiserver
