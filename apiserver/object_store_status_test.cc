// ObjectStore::updateStatus must store exactly what update() stores for the same status write
// (bytes, revision, events) and answer the same way; each row runs the write both ways on two
// stores holding the same object and compares. (One known difference: ownership paths under the
// spec that update() would prune as not naming a field of it, like kubectl's "." markers, stay
// as recorded; the managedFields this server writes never hold such paths.)
#include <gtest/gtest.h>

#include <filesystem>

#include "apimachinery/json_parse.h"
#include "apiserver/field_managers.h"
#include "apiserver/json_splice.h"
#include "apiserver/object_store.h"
#include "apiserver/object_strategy.h"
#include "storage/sqlite_storage.h"

namespace flotilla::apiserver {
namespace {

ServedResource workResource() {
  ServedResource r;
  r.group = "work.karmada.io";
  r.version = "v1alpha1";
  r.kind = "Work";
  r.plural = "works";
  r.namespaced = true;
  r.has_status = true;
  r.is_custom = true;
  return r;
}

const char* kStored = R"({
  "aaa": {"before": "metadata"},
  "apiVersion": "work.karmada.io/v1alpha1", "kind": "Work",
  "metadata": {"name": "w", "namespace": "ns", "uid": "u-1", "generation": 1,
    "creationTimestamp": "2026-01-01T00:00:00Z", "finalizers": ["karmada.io/execution-controller"],
    "labels": {"app": "web"},
    "managedFields": [
      {"manager": "creator", "operation": "Update", "apiVersion": "work.karmada.io/v1alpha1",
       "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1",
       "fieldsV1": {"f:metadata": {"f:labels": {"f:app": {}}},
                    "f:spec": {"f:workload": {"f:manifests": {}}}}}]},
  "spec": {"workload": {"manifests": [{"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"}, "spec": {"replicas": 1, "template": {"spec": {
      "containers": [{"name": "c", "image": "i:1", "resources": {"requests": {"cpu": "10m"}}}]}}}}]}},
  "status": {"conditions": [{"type": "Applied", "status": "False"}]},
  "zzz": [1, "after status"]
})";

struct Outcome {
  core::Status status;
  std::string stored_value;  // what the storage holds afterwards
  int64_t revision = 0;
  std::string response;  // the answer the handler would send (stored bytes with the rv)
};

class StatusWriteTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  struct Store {
    std::unique_ptr<storage::Storage> storage;
    std::unique_ptr<ObjectStore> objects;
  };

  Store open(const std::string& dir, const std::string& stored_text) {
    std::filesystem::create_directories(dir);
    storage::SqliteOptions options;
    options.compaction_interval = std::chrono::milliseconds(0);
    auto opened = storage::openSqliteStorage(dir + "/flotilla.db", options);
    EXPECT_TRUE(opened.isOk());
    Store s{std::move(opened).value(), nullptr};
    s.objects = std::make_unique<ObjectStore>(*s.storage, nullptr);
    // Stored as the server stores: encode() of the parsed object.
    Json obj = Json::parse(stored_text);
    EXPECT_TRUE(s.storage->create(key_, ObjectStore::encode(obj)).isOk());
    return s;
  }

  Outcome outcomeOf(Store& s, const core::Result<Json>& result, const std::string& stored) {
    Outcome out;
    out.status = result.status();
    auto kv = s.storage->get(key_);
    if (kv.isOk()) {
      out.stored_value = kv->value;
      out.revision = kv->mod_revision;
    }
    if (result.isOk()) {
      const std::string rv = (*result)["metadata"].value("resourceVersion", "");
      if (!stored.empty()) {
        out.response = spliceResourceVersion(stored, std::stoll(rv)).value_or("unsplicable");
      } else {
        out.response = result->dump();
      }
    }
    return out;
  }

  std::string dir_ = ::testing::TempDir() + "/status-write-" +
                     std::to_string(reinterpret_cast<uintptr_t>(this));
  std::string key_ = "/registry/work.karmada.io/works/ns/w";
};

TEST_F(StatusWriteTest, StoresWhatTheWholeObjectUpdateStores) {
  struct Row {
    std::string name;
    std::string stored;
    std::string body_status;  // the status the client sends
    std::string body_rv;      // "" = no precondition
    std::string manager;
    bool same_as_stored = false;  // a no-op: no new revision
  };
  const std::vector<Row> rows = {
      {"status_changes", kStored,
       R"({"conditions":[{"type":"Applied","status":"True"}],"manifestStatuses":[{"health":"Healthy"}]})",
       "", "execution-controller"},
      {"same_status_is_a_no_op", kStored, R"({"conditions":[{"type":"Applied","status":"False"}]})",
       "", "creator", true},
      {"precondition_holds", kStored, R"({"observed":1})", "1", "m"},
      {"stale_precondition_conflicts", kStored, R"({"observed":1})", "99", "m"},
      {"status_removed", kStored, "null", "", "m"},
      {"no_status_before", R"({"apiVersion":"v1","kind":"Work","metadata":{"name":"w"},"spec":{"a":1}})",
       R"({"x":"y"})", "", "m"},
      {"ending_deletion_removes",
       R"({"metadata":{"name":"w","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"a":1}})",
       R"({"x":"y"})", "", "m"},
  };
  const ServedResource r = workResource();
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    Store whole = open(dir_ + "/" + row.name + "-whole", row.stored);
    Store split = open(dir_ + "/" + row.name + "-split", row.stored);
    // What handleUpdate does for /status.
    auto mutation = [&](const Json& current, const std::vector<std::string>& left_out) {
      Json next = current;
      next["status"] = Json::parse(row.body_status);
      prepareForUpdate(r, current, next, "status");
      next["metadata"]["resourceVersion"] = row.body_rv;
      recordManagedUpdate(r, &current, next, row.manager, "status", now, left_out);
      return core::Result<Json>(std::move(next));
    };
    std::string stored_whole;
    auto by_update = whole.objects->update(
        r, "ns", "w", [&](const Json& current) { return mutation(current, {}); }, false,
        &stored_whole);
    std::string stored_split;
    auto by_status = split.objects->updateStatus(r, "ns", "w", mutation, &stored_split);
    const Outcome a = outcomeOf(whole, by_update, stored_whole);
    const Outcome b = outcomeOf(split, by_status, stored_split);
    EXPECT_EQ(a.status.code(), b.status.code());
    EXPECT_EQ(a.status.message(), b.status.message());
    EXPECT_EQ(a.stored_value, b.stored_value);
    EXPECT_EQ(a.revision, b.revision);
    EXPECT_EQ(a.response, b.response);
    if (row.same_as_stored) {
      EXPECT_EQ(b.revision, 1);
    }
    if (row.name == "status_changes") {
      // The spec's owner keeps it: a status write's object never held the spec.
      EXPECT_NE(b.stored_value.find(R"("f:spec")"), std::string::npos);
      EXPECT_NE(b.stored_value.find(R"("zzz":[1,"after status"])"), std::string::npos);
    }
  }
}

TEST(TopLevelMembersTest, SplitsAnObjectIntoMemberTexts) {
  struct Row {
    std::string name;
    std::string text;
    std::optional<std::vector<std::pair<std::string, std::string>>> members;
  };
  const std::vector<Row> rows = {
      {"compact", R"({"a":1,"b":{"c":[1,"}"]},"d":"x\"y"})",
       {{{"a", "1"}, {"b", R"({"c":[1,"}"]})"}, {"d", R"("x\"y")"}}}},
      {"spaced", " { \"a\" : true , \"b\" : null } ", {{{"a", "true"}, {"b", "null"}}}},
      {"empty", "{}", {{}}},
      {"escaped_key_is_refused", R"({"a\"b":1})", std::nullopt},
      {"not_an_object", "[1]", std::nullopt},
      {"truncated", R"({"a":{"b":1})", std::nullopt},
      {"trailing_garbage", R"({"a":1}x)", std::nullopt},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    auto got = topLevelMembers(row.text);
    ASSERT_EQ(got.has_value(), row.members.has_value());
    if (!got) continue;
    std::vector<std::pair<std::string, std::string>> flat;
    for (const auto& m : *got) flat.emplace_back(std::string(m.key), std::string(m.value));
    EXPECT_EQ(flat, *row.members);
  }
}

TEST(ObjectStoreCodecTest, EncodeWithMergesExtraMembersInKeyOrder) {
  Json obj = Json::parse(R"({"b":1,"metadata":{"name":"n","resourceVersion":"5"},"s":true})");
  const std::string extra_a = R"({"x":[1,2]})";
  const std::string extra_r = R"("text")";
  const std::string extra_z = "null";
  Json whole = obj;
  whole["a"] = Json::parse(extra_a);
  whole["r"] = Json::parse(extra_r);
  whole["z"] = Json::parse(extra_z);
  EXPECT_EQ(ObjectStore::encodeWith(obj, {{"a", extra_a}, {"r", extra_r}, {"z", extra_z}}),
            ObjectStore::encode(whole));
}

}  // namespace
}  // namespace flotilla::apiserver
