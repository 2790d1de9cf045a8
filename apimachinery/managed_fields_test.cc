#include "apimachinery/managed_fields.h"

#include <gtest/gtest.h>

#include "apimachinery/builtin_schema.h"
#include "apimachinery/crd_schema.h"

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

// A deployment-like schema: containers keyed by name, finalizers a set, args atomic.
const CrdSchema& schema() {
  static const CrdSchema kSchema(Json::parse(R"({"type":"object","properties":{
    "metadata":{"type":"object","properties":{
      "labels":{"type":"object","additionalProperties":{"type":"string"}},
      "finalizers":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"set"}}},
    "data":{"type":"object","additionalProperties":{"type":"string"}},
    "spec":{"type":"object","properties":{
      "replicas":{"type":"integer"},
      "containers":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
        "items":{"type":"object","properties":{"name":{"type":"string"},"image":{"type":"string"},
          "args":{"type":"array","items":{"type":"string"}}}}}}}}})"));
  return kSchema;
}

ApplyRequest request(const std::string& manager, bool force = false,
                     const std::string& time = "2026-01-01T00:00:00Z") {
  ApplyRequest r;
  r.manager = manager;
  r.api_version = "v1";
  r.time = time;
  r.force = force;
  return r;
}

Json fields(const Json& obj, const std::string& manager) {
  for (const auto& e : obj["metadata"]["managedFields"]) {
    if (e["manager"] == manager) return e["fieldsV1"];
  }
  return nullptr;
}

TEST(ManagedFieldsTest, FieldSetEncoding) {
  const Json obj =
      Json::parse(R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","labels":{"app":"x"},
    "finalizers":["f1"]},"spec":{"replicas":2,"containers":[{"name":"nginx","image":"n","args":["a"]}]}})");
  const FieldSet set = fieldSetOf(obj, &schema().root());
  const Json v1 = fieldSetToFieldsV1(set);
  EXPECT_EQ(v1, Json::parse(R"({
    "f:apiVersion":{},"f:kind":{},
    "f:metadata":{"f:name":{},"f:labels":{"f:app":{}},"f:finalizers":{"v:\"f1\"":{}}},
    "f:spec":{"f:replicas":{},"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:name":{},"f:image":{},"f:args":{}}}}})"));
  EXPECT_EQ(fieldsV1ToFieldSet(v1), set);
  EXPECT_EQ(renderFieldPath({"f:spec", "f:containers", "k:{\"name\":\"nginx\"}", "f:image"}),
            ".spec.containers[name=\"nginx\"].image");
  EXPECT_EQ(renderFieldPath({"f:metadata", "f:finalizers", "v:\"f1\""}),
            ".metadata.finalizers[=\"f1\"]");
  // Without a schema lists are atomic.
  EXPECT_EQ(fieldSetToFieldsV1(fieldSetOf(obj["spec"], nullptr)),
            Json::parse(R"({"f:replicas":{},"f:containers":{}})"));
}

TEST(ManagedFieldsTest, ApplyCreatesWithApplyEntry) {
  const Json applied = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v"}})");
  auto out = serverSideApply(nullptr, applied, &schema().root(), request("alice"));
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  const Json& mf = (*out)["metadata"]["managedFields"];
  ASSERT_EQ(mf.size(), 1u);
  EXPECT_EQ(mf[0]["manager"], "alice");
  EXPECT_EQ(mf[0]["operation"], "Apply");
  EXPECT_EQ(mf[0]["apiVersion"], "v1");
  EXPECT_EQ(mf[0]["time"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(mf[0]["fieldsType"], "FieldsV1");
  EXPECT_EQ(mf[0]["fieldsV1"],
            Json::parse(R"({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}}})"));
}

TEST(ManagedFieldsTest, ReapplyRemovesDroppedFields) {
  const Json first = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1","b":"2"}},"data":{"k":"v","old":"x"}})");
  auto created = serverSideApply(nullptr, first, &schema().root(), request("kubectl"));
  ASSERT_TRUE(created.isOk());
  const Json second = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v2"}})");
  auto out = serverSideApply(&*created, second, &schema().root(), request("kubectl"));
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ((*out)["metadata"]["labels"], Json::parse(R"({"a":"1"})"));
  EXPECT_EQ((*out)["data"], Json::parse(R"({"k":"v2"})"));
  EXPECT_EQ(fields(*out, "kubectl"),
            Json::parse(R"({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}}})"));
}

TEST(ManagedFieldsTest, RemovingTheLastLabelDropsTheEmptyMap) {
  const Json first = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v"}})");
  auto created = serverSideApply(nullptr, first, &schema().root(), request("kubectl"));
  ASSERT_TRUE(created.isOk());
  const Json second = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}})");
  auto out = serverSideApply(&*created, second, &schema().root(), request("kubectl"));
  ASSERT_TRUE(out.isOk());
  EXPECT_FALSE((*out)["metadata"].contains("labels")) << out->dump();
  // An empty map the applier sets explicitly stays.
  const Json third = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{}},"data":{"k":"v"}})");
  auto kept = serverSideApply(&*out, third, &schema().root(), request("kubectl"));
  ASSERT_TRUE(kept.isOk());
  EXPECT_EQ((*kept)["metadata"]["labels"], Json::object());
}

TEST(ManagedFieldsTest, ConflictsUnlessForced) {
  const Json a = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"key":"alice"}})");
  auto live = serverSideApply(nullptr, a, &schema().root(), request("alice"));
  ASSERT_TRUE(live.isOk());
  const Json b = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"key":"bob"}})");
  auto conflict = serverSideApply(&*live, b, &schema().root(), request("bob"));
  ASSERT_FALSE(conflict.isOk());
  EXPECT_EQ(conflict.status().code(), core::Code::Conflict);
  EXPECT_EQ(conflict.status().message(),
            "Apply failed with 1 conflict: conflict with \"alice\": .data.key");
  ASSERT_EQ(conflict.status().causes().size(), 1u);
  EXPECT_EQ(conflict.status().causes()[0],
            (core::Cause{"FieldManagerConflict", "conflict with \"alice\"", ".data.key"}));

  // The same value is shared, not a conflict.
  auto shared = serverSideApply(&*live, a, &schema().root(), request("bob"));
  ASSERT_TRUE(shared.isOk());
  EXPECT_EQ(fields(*shared, "alice"), fields(*shared, "bob"));

  auto forced = serverSideApply(&*live, b, &schema().root(), request("bob", true));
  ASSERT_TRUE(forced.isOk()) << forced.status().toString();
  EXPECT_EQ((*forced)["data"]["key"], "bob");
  EXPECT_EQ(fields(*forced, "bob"), Json::parse(R"({"f:data":{"f:key":{}}})"));
  EXPECT_TRUE(fields(*forced, "alice").is_null()) << "alice lost her only field";

  // alice reapplies without the field: it stays, bob owns it.
  const Json a2 = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  auto after = serverSideApply(&*forced, a2, &schema().root(), request("alice"));
  ASSERT_TRUE(after.isOk());
  EXPECT_EQ((*after)["data"]["key"], "bob");
}

TEST(ManagedFieldsTest, ConflictWithUpdaterNamesApiVersion) {
  Json created = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":"1","y":"1"}})");
  recordUpdateOwnership(nullptr, created, &schema().root(), request("kubectl-create"));
  EXPECT_EQ(fields(created, "kubectl-create"), Json::parse(R"({"f:data":{"f:x":{},"f:y":{}}})"));
  EXPECT_EQ(created["metadata"]["managedFields"][0]["operation"], "Update");
  const Json applied = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":"2","y":"2"}})");
  auto out = serverSideApply(&created, applied, &schema().root(), request("kubectl"));
  ASSERT_FALSE(out.isOk());
  EXPECT_EQ(out.status().message(),
            "Apply failed with 2 conflicts: conflicts with \"kubectl-create\" using v1:\n"
            "- .data.x\n- .data.y");
}

TEST(ManagedFieldsTest, AssociativeListsMergeByKey) {
  Json live = Json::parse(
      R"({"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}})");
  recordUpdateOwnership(nullptr, live, &schema().root(), request("creator"));
  const Json applied = Json::parse(R"({"spec":{"containers":[{"name":"c","image":"c:1"}]}})");
  auto out = serverSideApply(&live, applied, &schema().root(), request("adder"));
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ((*out)["spec"]["containers"].size(), 3u);
  // Dropping the item again removes it: only the applier owned it.
  const Json empty = Json::parse(R"({"spec":{}})");
  auto removed = serverSideApply(&*out, empty, &schema().root(), request("adder"));
  ASSERT_TRUE(removed.isOk());
  EXPECT_EQ((*removed)["spec"]["containers"].size(), 2u);
}

TEST(ManagedFieldsTest, NoOpApplyReturnsLiveUnchanged) {
  const Json cfg = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}})");
  auto live =
      serverSideApply(nullptr, cfg, &schema().root(), request("m", false, "2026-01-01T00:00:00Z"));
  ASSERT_TRUE(live.isOk());
  auto again =
      serverSideApply(&*live, cfg, &schema().root(), request("m", false, "2026-02-02T00:00:00Z"));
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(*again, *live);
}

TEST(ManagedFieldsTest, UpdateMovesOwnership) {
  const Json cfg = Json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"1"}})");
  auto live = serverSideApply(nullptr, cfg, &schema().root(), request("applier"));
  ASSERT_TRUE(live.isOk());
  Json updated = *live;
  updated["data"]["a"] = "2";
  updated["data"].erase("b");
  ApplyRequest req = request("kubectl-edit");
  req.subresource = "";
  recordUpdateOwnership(&*live, updated, &schema().root(), req);
  EXPECT_EQ(fields(updated, "kubectl-edit"), Json::parse(R"({"f:data":{"f:a":{}}})"));
  EXPECT_TRUE(fields(updated, "applier").is_null());

  // Status writes are recorded with their subresource.
  Json with_status = updated;
  with_status["status"] = {{"phase", "x"}};
  ApplyRequest sreq = request("controller");
  sreq.subresource = "status";
  recordUpdateOwnership(&updated, with_status, nullptr, sreq);
  bool found = false;
  for (const auto& e : with_status["metadata"]["managedFields"]) {
    if (e["manager"] == "controller") {
      found = true;
      EXPECT_EQ(e["subresource"], "status");
    }
  }
  EXPECT_TRUE(found);

  // A no-op update keeps managedFields as they were.
  Json same = with_status;
  recordUpdateOwnership(&with_status, same, nullptr,
                        request("other", false, "2030-01-01T00:00:00Z"));
  EXPECT_EQ(same, with_status);

  // "[{}]" resets managedFields.
  Json reset = with_status;
  reset["metadata"]["managedFields"] = Json::parse("[{}]");
  recordUpdateOwnership(&with_status, reset, nullptr, request("x"));
  EXPECT_FALSE(reset["metadata"].contains("managedFields"));
}

TEST(ManagedFieldsTest, GarbageManagedFieldsAreTolerated) {
  Json live = Json::parse(
      R"({"metadata":{"name":"c","managedFields":[1,{"manager":5,"fieldsV1":"x"},{"manager":"m","operation":"Apply","fieldsV1":{"f:data":{"k:{bad":{}}}}]},"data":{"k":"v"}})");
  const Json cfg = Json::parse(R"({"metadata":{"name":"c"},"data":{"k":"w"}})");
  auto out = serverSideApply(&live, cfg, &schema().root(), request("m"));
  EXPECT_TRUE(out.isOk()) << out.status().toString();
  Json upd = live;
  upd["data"]["k"] = "z";
  EXPECT_NO_THROW(recordUpdateOwnership(&live, upd, nullptr, request("u")));
  Json odd_meta = Json::parse(R"({"metadata":"x"})");
  EXPECT_NO_THROW((void)serverSideApply(&odd_meta, cfg, nullptr, request("m")));
}

}  // namespace
}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

TEST(ManagedFieldsTest, InvalidUtf8NeverThrows) {
  const std::string bad = "x\xff";
  nlohmann::json obj = {{"metadata", {{"finalizers", nlohmann::json::array({bad})}}},
                        {"spec", {{"containers", nlohmann::json::array({{{"name", bad}}})}}}};
  EXPECT_NO_THROW((void)serverSideApply(nullptr, obj, &schema().root(), request("m")));
  nlohmann::json copy = obj;
  EXPECT_NO_THROW(recordUpdateOwnership(nullptr, copy, &schema().root(), request("m")));
}

}  // namespace
}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

TEST(ManagedFieldsTest, BuiltinDeploymentSchema) {
  const SchemaNode* deploy = BuiltinSchema::instance().nodeForKind("apps", "v1", "Deployment");
  ASSERT_NE(deploy, nullptr);
  const Json applied = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},
        "spec":{"containers":[{"name":"nginx","image":"nginx:1","ports":[{"containerPort":80}]}]}}}})");
  auto created = serverSideApply(nullptr, applied, deploy, request("kubectl"));
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  const Json f = fields(*created, "kubectl");
  const Json& containers = f["f:spec"]["f:template"]["f:spec"]["f:containers"];
  ASSERT_TRUE(containers.contains("k:{\"name\":\"nginx\"}")) << f.dump();
  const Json& c = containers["k:{\"name\":\"nginx\"}"];
  EXPECT_TRUE(c.contains("."));
  EXPECT_TRUE(c.contains("f:image"));
  EXPECT_TRUE(c["f:ports"].contains("k:{\"containerPort\":80,\"protocol\":\"TCP\"}") ||
              c["f:ports"].contains("k:{\"containerPort\":80}"))
      << c.dump();

  // kubectl scale (an Update by "kubectl") takes replicas; a later apply of a different
  // replicas count conflicts and names the updater with its apiVersion.
  Json scaled = *created;
  scaled["spec"]["replicas"] = 5;
  ApplyRequest scale = request("kubectl");
  scale.api_version = "apps/v1";
  recordUpdateOwnership(&*created, scaled, deploy, scale);
  Json reapplied = applied;
  reapplied["spec"]["replicas"] = 3;
  auto conflict = serverSideApply(&scaled, reapplied, deploy, request("kubectl"));
  ASSERT_FALSE(conflict.isOk());
  EXPECT_EQ(
      conflict.status().message(),
      "Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas");

  // A second container added by another applier merges by name.
  Json sidecar =
      Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}})");
  auto merged = serverSideApply(&scaled, sidecar, deploy, request("other"));
  ASSERT_TRUE(merged.isOk()) << merged.status().toString();
  EXPECT_EQ((*merged)["spec"]["template"]["spec"]["containers"].size(), 2u);
}

}  // namespace
}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

// recordUpdateOwnership builds field sets per top-level (and metadata) member and skips members
// that did not change; these rows pin what the whole-object definition gives.
TEST(ManagedFieldsTest, UpdateOwnershipPerChangedField) {
  const Json live = Json::parse(R"({"metadata":{"name":"d","resourceVersion":"3",
    "labels":{"app":"a"},"finalizers":["f"],
    "managedFields":[{"manager":"creator","operation":"Update","apiVersion":"v1","time":"t0",
      "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":{"v:\"f\"":{}},
        "f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},
        "f:image":{},"f:name":{}}},"f:replicas":{}}}}]},
    "spec":{"replicas":1,"containers":[{"name":"c","image":"i1"}]},"status":{"phase":"P"}})");
  const Json creator_all = fields(live, "creator");
  struct Row {
    const char* name;
    const char* patch;    // JSON patch from live to the update
    const char* writer;   // the writer's fieldsV1, or "null" when it owns nothing
    const char* creator;  // the creator's fieldsV1 afterwards, or "" for unchanged
  };
  const Row rows[] = {
      {"status only", R"([{"op":"replace","path":"/status/phase","value":"Q"}])",
       R"({"f:status":{"f:phase":{}}})", ""},
      {"new label; resourceVersion is not a field",
       R"([{"op":"add","path":"/metadata/labels/env","value":"e"},
           {"op":"replace","path":"/metadata/resourceVersion","value":"4"}])",
       R"({"f:metadata":{"f:labels":{"f:env":{}}}})", ""},
      {"removed label: nobody owns it, the emptied map is the writer's",
       R"([{"op":"remove","path":"/metadata/labels/app"}])", R"({"f:metadata":{"f:labels":{}}})",
       R"({"f:metadata":{"f:finalizers":{"v:\"f\"":{}}},"f:spec":{"f:containers":{
           "k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}})"},
      {"keyed list item changes",
       R"([{"op":"replace","path":"/spec/containers/0/image","value":"i2"}])",
       R"({"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{}}}}})",
       R"({"f:metadata":{"f:finalizers":{"v:\"f\"":{}},"f:labels":{"f:app":{}}},"f:spec":{
           "f:containers":{"k:{\"name\":\"c\"}":{"f:name":{}}},"f:replicas":{}}})"},
      {"a duplicate key locates the first item, which did not change",
       R"([{"op":"add","path":"/spec/containers/-","value":{"name":"c","image":"dup"}}])", "null",
       ""},
      {"1.0 equals 1", R"([{"op":"replace","path":"/spec/replicas","value":1.0}])", "null", ""},
      {"server-owned metadata", R"([{"op":"add","path":"/metadata/generation","value":7}])",
       "null", ""},
      {"removed spec", R"([{"op":"remove","path":"/spec"}])", "null",
       R"({"f:metadata":{"f:finalizers":{"v:\"f\"":{}},"f:labels":{"f:app":{}}}})"},
  };
  for (const auto& row : rows) {
    Json updated = live.patch(Json::parse(row.patch));
    ApplyRequest req = request("writer", false, "t1");
    recordUpdateOwnership(&live, updated, &schema().root(), req);
    EXPECT_EQ(fields(updated, "writer"), Json::parse(row.writer)) << row.name;
    const Json creator = std::string(row.creator).empty() ? creator_all : Json::parse(row.creator);
    EXPECT_EQ(fields(updated, "creator"), creator) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

// A create builds its one entry's fieldsV1 straight from the object; each row pins it to the
// definition (the field set of the object without system fields, as a fieldsV1 tree).
TEST(ManagedFieldsTest, CreateOwnsTheWholeObjectAsTheDefinitionSays) {
  const SchemaNode* deploy = BuiltinSchema::instance().nodeForKind("apps", "v1", "Deployment");
  ASSERT_NE(deploy, nullptr);
  Json deep = "leaf";
  for (int i = 0; i < 70; ++i) deep = Json{{"d", deep}};
  struct Row {
    const char* name;
    Json object;
    const SchemaNode* schema;
  };
  const Row rows[] = {
      {"keyed and set lists, atomic args, empty map",
       Json::parse(R"({"apiVersion":"v1","kind":"K","metadata":{"name":"n","namespace":"ns",
         "uid":"u","resourceVersion":"1","generation":1,"creationTimestamp":"t",
         "labels":{"a":"b"},"annotations":{},"finalizers":["x","y","x"]},
         "data":{"k":"v"},"spec":{"replicas":1,"containers":[{"name":"c","image":"i",
         "args":["a","b"]},{"name":"d"},{"name":"c","image":"dup"},"scalar",{}]}})"),
       &schema().root()},
      {"no metadata", Json::parse(R"({"spec":{"replicas":2},"status":{}})"), &schema().root()},
      {"only system metadata", Json::parse(R"({"metadata":{"name":"n"},"kind":"K"})"),
       &schema().root()},
      {"empty object", Json::object(), &schema().root()},
      {"no schema", Json::parse(R"({"metadata":{"labels":{"x":"y"}},"spec":{"l":[1,2],
         "m":{"a":{"b":null}}}})"),
       nullptr},
      {"deeper than the depth limit", Json{{"spec", deep}, {"metadata", {{"name", "n"}}}},
       &schema().root()},
      {"deployment",
       Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",
         "namespace":"default","labels":{"app":"web"},"annotations":{"a":"1"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web",
         "image":"i","ports":[{"containerPort":80,"protocol":"TCP"}],"env":[{"name":"A",
         "value":"1"}],"resources":{"requests":{"cpu":"10m"}}}],"tolerations":[{"key":"k"}]}}}})"),
       deploy},
  };
  for (const auto& row : rows) {
    for (const char* managed : {"absent", "reset", "empty"}) {
      Json created = row.object;
      if (std::string(managed) == "reset") {
        created["metadata"]["managedFields"] = Json::parse("[{}]");
      }
      if (std::string(managed) == "empty") created["metadata"]["managedFields"] = Json::array();
      recordUpdateOwnership(nullptr, created, row.schema, request("creator"));
      Json plain = row.object;
      if (plain.contains("metadata")) plain["metadata"].erase("managedFields");
      FieldSet set = fieldSetOf(plain, row.schema);
      for (auto it = set.begin(); it != set.end();) {
        const auto& p = *it;
        bool system = p.empty() || p[0] == "f:apiVersion" || p[0] == "f:kind" ||
                      (p[0] == "f:metadata" &&
                       (p.size() == 1 || p[1] == "f:name" || p[1] == "f:namespace" ||
                        p[1] == "f:uid" || p[1] == "f:resourceVersion" ||
                        p[1] == "f:generation" || p[1] == "f:creationTimestamp"));
        it = system ? set.erase(it) : std::next(it);
      }
      const Json* entries = created.contains("metadata") && created["metadata"].is_object() &&
                                    created["metadata"].contains("managedFields")
                                ? &created["metadata"]["managedFields"]
                                : nullptr;
      if (set.empty()) {
        EXPECT_EQ(entries, nullptr) << row.name << " / " << managed;
        continue;
      }
      ASSERT_NE(entries, nullptr) << row.name << " / " << managed;
      const Json expected = Json::array({{{"manager", "creator"},
                                          {"operation", "Update"},
                                          {"apiVersion", "v1"},
                                          {"time", "2026-01-01T00:00:00Z"},
                                          {"fieldsType", "FieldsV1"},
                                          {"fieldsV1", fieldSetToFieldsV1(set)}}});
      EXPECT_EQ(*entries, expected) << row.name << " / " << managed;
    }
  }
  // A create that brings managedFields of its own keeps them.
  Json brought = Json::parse(R"({"metadata":{"managedFields":[{"manager":"m","operation":"Apply",
    "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]},"spec":{"replicas":1}})");
  const Json before = brought["metadata"]["managedFields"];
  recordUpdateOwnership(nullptr, brought, &schema().root(), request("creator"));
  EXPECT_EQ(brought["metadata"]["managedFields"], before);
}

}  // namespace
}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

// An entry the write does not touch is written back as stored when its fieldsV1 is in the form
// fieldSetToFieldsV1 writes, and rebuilt from its field set (what it always was) otherwise.
TEST(ManagedFieldsTest, UntouchedEntriesKeepOrNormaliseTheirFields) {
  Json too_deep = Json::object();
  for (int i = 0; i < 70; ++i) too_deep = Json{{"f:d", too_deep}};
  struct Row {
    const char* name;
    Json stored;    // the other manager's fieldsV1
    Json expected;  // its fieldsV1 after a status write by "writer"
  };
  const Row rows[] = {
      {"canonical", Json::parse(R"({"f:spec":{"f:replicas":{}},"f:metadata":{"f:labels":{
         "f:app":{}}}})"),
       Json::parse(R"({"f:spec":{"f:replicas":{}},"f:metadata":{"f:labels":{"f:app":{}}}})")},
      {"a leaf that is not an object is dropped",
       Json::parse(R"({"f:spec":{"f:replicas":{},"f:x":1}})"),
       Json::parse(R"({"f:spec":{"f:replicas":{}}})")},
      {"a path the object lacks goes, and the emptied entry with it",
       Json::parse(R"({"f:spec":{"f:replicas":{".":{}}}})"), nullptr},
      {"deeper than the depth limit",
       Json{{"f:spec", {{"f:replicas", Json::object()}, {"f:deep", too_deep}}}},
       Json::parse(R"({"f:spec":{"f:replicas":{}}})")},
  };
  for (const auto& row : rows) {
    Json live = Json::parse(R"({"metadata":{"name":"d","labels":{"app":"a"}},
      "spec":{"replicas":1},"status":{"phase":"P"}})");
    live["metadata"]["managedFields"] =
        Json::array({{{"manager", "other"}, {"operation", "Update"}, {"apiVersion", "v1"},
                      {"time", "t0"}, {"fieldsType", "FieldsV1"}, {"fieldsV1", row.stored}}});
    Json updated = live;
    updated["status"]["phase"] = "Q";
    ApplyRequest req = request("writer", false, "t1");
    req.subresource = "status";
    recordUpdateOwnership(&live, updated, &schema().root(), req);
    EXPECT_EQ(fields(updated, "other"), row.expected) << row.name;
    EXPECT_EQ(fields(updated, "writer"), Json::parse(R"({"f:status":{"f:phase":{}}})")) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
