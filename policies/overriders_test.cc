#include "policies/overriders.h"

#include <gtest/gtest.h>

#include "policies/json_patch_ops.h"

namespace flotilla::policies {
namespace {

using api::Json;

Json deployment() {
  return Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
    "spec": {"replicas": 2, "template": {"spec": {
      "initContainers": [{"name": "init", "image": "busybox"}],
      "containers": [
        {"name": "nginx", "image": "docker.io/nginx:1.25", "args": ["-a", "-b", "-a"]},
        {"name": "sidecar", "image": "envoy:v1"}]}}}
  })");
}

template <class T>
T decode(const char* text) {
  return api::fromJson<T>(Json::parse(text)).value();
}

TEST(ImageOverrider, Table) {
  struct Row {
    const char* name;
    Json object;
    const char* overrider;
    bool ok;
    std::vector<std::pair<std::string, std::string>> want;  // pointer -> image
  };
  Json cronjob = {
      {"kind", "CronJob"},
      {"spec",
       {{"jobTemplate",
         {{"spec",
           {{"template",
             {{"spec", {{"containers", {{{"name", "c"}, {"image", "app:1"}}}}}}}}}}}}}}};
  Json pod = {{"kind", "Pod"}, {"spec", {{"containers", {{{"name", "c"}, {"image", "app:1"}}}}}}};
  const Row rows[] = {
      {"all_containers_not_init",
       deployment(),
       R"({"component":"Registry","operator":"replace","value":"mirror.io"})",
       true,
       {{"/spec/template/spec/containers/0/image", "mirror.io/nginx:1.25"},
        {"/spec/template/spec/containers/1/image", "mirror.io/envoy:v1"},
        {"/spec/template/spec/initContainers/0/image", "busybox"}}},
      {"pod_path",
       pod,
       R"({"component":"Tag","operator":"replace","value":"2"})",
       true,
       {{"/spec/containers/0/image", "app:2"}}},
      {"cronjob_not_auto_detected",
       cronjob,
       R"({"component":"Tag","operator":"replace","value":"2"})",
       true,
       {{"/spec/jobTemplate/spec/template/spec/containers/0/image", "app:1"}}},
      {"predicate_path",
       cronjob,
       R"({"predicate":{"path":"/spec/jobTemplate/spec/template/spec/containers/0/image"},
           "component":"Tag","operator":"replace","value":"2"})",
       true,
       {{"/spec/jobTemplate/spec/template/spec/containers/0/image", "app:2"}}},
      {"predicate_missing_path_errors",
       deployment(),
       R"({"predicate":{"path":"/spec/nope"},"component":"Tag","operator":"remove"})",
       false,
       {}},
      {"predicate_not_string_errors",
       deployment(),
       R"({"predicate":{"path":"/spec/replicas"},"component":"Tag","operator":"remove"})",
       false,
       {}},
  };
  for (const auto& r : rows) {
    Json obj = r.object;
    auto st = applyImageOverrider(obj, decode<api::ImageOverrider>(r.overrider));
    EXPECT_EQ(st.isOk(), r.ok) << r.name << ": " << st.toString();
    for (const auto& [path, image] : r.want) {
      const Json* got = findPointer(obj, path);
      ASSERT_NE(got, nullptr) << r.name << " " << path;
      EXPECT_EQ(*got, image) << r.name << " " << path;
    }
  }
}

TEST(CommandArgsOverrider, Table) {
  struct Row {
    const char* name;
    const char* field;
    const char* overrider;
    bool ok;
    Json want_nginx;  // the field on container 0 afterwards (null = absent)
  };
  const Row rows[] = {
      {"args_add_appends",
       "args",
       R"({"containerName":"nginx","operator":"add","value":["-c"]})",
       true,
       {"-a", "-b", "-a", "-c"}},
      {"args_remove_all_occurrences",
       "args",
       R"({"containerName":"nginx","operator":"remove","value":["-a"]})",
       true,
       {"-b"}},
      {"args_remove_empty_value_unchanged",
       "args",
       R"({"containerName":"nginx","operator":"remove"})",
       true,
       {"-a", "-b", "-a"}},
      {"command_absent_add",
       "command",
       R"({"containerName":"nginx","operator":"add","value":["nginx","-g"]})",
       true,
       {"nginx", "-g"}},
      {"command_absent_remove_adds_empty_quirk", "command",
       R"({"containerName":"nginx","operator":"remove","value":["x"]})", true, Json::array()},
      {"other_container_untouched", "command",
       R"({"containerName":"nope","operator":"add","value":["x"]})", true, nullptr},
      {"replace_not_supported",
       "args",
       R"({"containerName":"nginx","operator":"replace","value":["x"]})",
       false,
       {"-a", "-b", "-a"}},
  };
  for (const auto& r : rows) {
    Json obj = deployment();
    auto st =
        applyCommandArgsOverrider(obj, decode<api::CommandArgsOverrider>(r.overrider), r.field);
    EXPECT_EQ(st.isOk(), r.ok) << r.name;
    const Json& c = obj["spec"]["template"]["spec"]["containers"][0];
    if (r.want_nginx.is_null()) {
      EXPECT_FALSE(c.contains(r.field)) << r.name;
    } else {
      EXPECT_EQ(c[r.field], r.want_nginx) << r.name;
    }
  }
}

TEST(LabelAnnotationOverrider, Table) {
  struct Row {
    const char* name;
    const char* field;
    const char* overrider;
    Json want;
  };
  const Row rows[] = {
      {"labels_add_overwrites",
       "labels",
       R"({"operator":"add","value":{"app":"x","tier":"web"}})",
       {{"app", "x"}, {"tier", "web"}}},
      {"labels_replace_only_existing",
       "labels",
       R"({"operator":"replace","value":{"app":"y","new":"z"}})",
       {{"app", "y"}}},
      {"labels_remove_only_existing", "labels",
       R"({"operator":"remove","value":{"app":"ignored","none":""}})", Json::object()},
      {"annotations_add_creates_map",
       "annotations",
       R"({"operator":"add","value":{"example.com/a":"1"}})",
       {{"example.com/a", "1"}}},
      {"annotations_replace_missing_map_noop", "annotations",
       R"({"operator":"replace","value":{"a":"1"}})", nullptr},
  };
  for (const auto& r : rows) {
    Json obj = deployment();
    auto st = applyLabelAnnotationOverrider(obj, decode<api::LabelAnnotationOverrider>(r.overrider),
                                            r.field);
    ASSERT_TRUE(st.isOk()) << r.name << ": " << st.toString();
    if (r.want.is_null()) {
      EXPECT_FALSE(obj["metadata"].contains(r.field)) << r.name;
    } else {
      EXPECT_EQ(obj["metadata"][r.field], r.want) << r.name;
    }
  }
}

TEST(FieldOverrider, Table) {
  Json cm = {{"kind", "ConfigMap"},
             {"data",
              {{"db.yaml", "database:\n  host: a\n  port: 5432\n"},
               {"cfg.json", R"({"z":1,"a":{"b":2}})"},
               {"num", 3}}}};
  struct Row {
    const char* name;
    const char* overrider;
    bool ok;
    const char* path;
    std::string want;
  };
  const Row rows[] = {
      {"yaml_replace", R"({"fieldPath":"/data/db.yaml","yaml":[
           {"subPath":"/database/host","operator":"replace","value":"b"}]})",
       true, "/data/db.yaml", "database:\n  host: b\n  port: 5432\n"},
      {"yaml_add_list", R"({"fieldPath":"/data/db.yaml","yaml":[
           {"subPath":"/database/replicas","operator":"add","value":["r1","r2"]}]})",
       true, "/data/db.yaml", "database:\n  host: a\n  port: 5432\n  replicas:\n  - r1\n  - r2\n"},
      {"json_keeps_key_order", R"({"fieldPath":"/data/cfg.json","json":[
           {"subPath":"/a/b","operator":"replace","value":3},
           {"subPath":"/y","operator":"add","value":"s"}]})",
       true, "/data/cfg.json", R"({"z":1,"a":{"b":3},"y":"s"})"},
      {"json_remove", R"({"fieldPath":"/data/cfg.json","json":[
           {"subPath":"/z","operator":"remove"}]})",
       true, "/data/cfg.json", R"({"a":{"b":2}})"},
      {"not_a_string", R"({"fieldPath":"/data/num","json":[
           {"subPath":"/z","operator":"remove"}]})",
       false, "", ""},
      {"missing_field", R"({"fieldPath":"/data/nope","json":[
           {"subPath":"/z","operator":"remove"}]})",
       false, "", ""},
      {"value_required_for_add", R"({"fieldPath":"/data/cfg.json","json":[
           {"subPath":"/q","operator":"add"}]})",
       false, "", ""},
      {"sub_path_missing_for_replace", R"({"fieldPath":"/data/cfg.json","json":[
           {"subPath":"/q","operator":"replace","value":1}]})",
       false, "", ""},
  };
  for (const auto& r : rows) {
    Json obj = cm;
    auto st = applyFieldOverrider(obj, decode<api::FieldOverrider>(r.overrider));
    EXPECT_EQ(st.isOk(), r.ok) << r.name << ": " << st.toString();
    if (!r.ok) {
      EXPECT_EQ(obj, cm) << r.name;
      continue;
    }
    EXPECT_EQ(*findPointer(obj, r.path), r.want) << r.name;
  }
}

TEST(PlaintextOverrider, Table) {
  struct Row {
    const char* name;
    const char* list;
    bool ok;
    Json want_replicas;
  };
  const Row rows[] = {
      {"replace", R"([{"path":"/spec/replicas","operator":"replace","value":5}])", true, 5},
      {"add_overwrites", R"([{"path":"/spec/replicas","operator":"add","value":7}])", true, 7},
      {"remove", R"([{"path":"/spec/replicas","operator":"remove"}])", true, nullptr},
      {"remove_missing_errors", R"([{"path":"/spec/nope","operator":"remove"}])", false, 2},
      {"replace_missing_errors", R"([{"path":"/spec/nope","operator":"replace","value":1}])", false,
       2},
      {"add_no_missing_parents", R"([{"path":"/spec/a/b","operator":"add","value":1}])", false, 2},
      {"atomic_whole_list", R"([{"path":"/spec/replicas","operator":"replace","value":9},
                                {"path":"/x/y","operator":"remove"}])",
       false, 2},
      {"remove_with_value_rejected", R"([{"path":"/spec/replicas","operator":"remove","value":1}])",
       false, 2},
      {"unknown_operator", R"([{"path":"/spec/replicas","operator":"move"}])", false, 2},
  };
  for (const auto& r : rows) {
    Json obj = deployment();
    auto list = api::fromJson<std::vector<api::PlaintextOverrider>>(Json::parse(r.list)).value();
    auto st = applyPlaintextOverriders(obj, list);
    EXPECT_EQ(st.isOk(), r.ok) << r.name;
    if (r.want_replicas.is_null()) {
      EXPECT_FALSE(obj["spec"].contains("replicas")) << r.name;
    } else {
      EXPECT_EQ(obj["spec"]["replicas"], r.want_replicas) << r.name;
    }
  }
}

TEST(JsonPatch, ArrayIndices) {
  Json doc = {{"a", {1, 2, 3}}};
  ASSERT_TRUE(applyPatch(doc, {{"add", "/a/-", 4}}).isOk());
  ASSERT_TRUE(applyPatch(doc, {{"replace", "/a/-1", 9}}).isOk());
  ASSERT_TRUE(applyPatch(doc, {{"add", "/a/0", 0}}).isOk());
  EXPECT_EQ(doc["a"], Json({0, 1, 2, 3, 9}));
  EXPECT_FALSE(applyPatch(doc, {{"remove", "/a/5", nullptr}}).isOk());
  ASSERT_TRUE(applyPatch(doc, {{"add", "/k~1x", 1}}).isOk());
  EXPECT_EQ(doc["k/x"], 1);
}

TEST(Overriders, FixedOrderImageThenPlaintext) {
  // Plaintext runs last, so it sees (and can override) the image overrider's result.
  auto o = decode<api::Overriders>(R"({
    "plaintext": [{"path":"/spec/template/spec/containers/0/image","operator":"replace",
                   "value":"final:1"}],
    "imageOverrider": [{"component":"Tag","operator":"replace","value":"2"}],
    "labelsOverrider": [{"operator":"add","value":{"a":"1"}}],
    "annotationsOverrider": [{"operator":"add","value":{"b":"2"}}]
  })");
  Json obj = deployment();
  ASSERT_TRUE(applyOverriders(obj, o).isOk());
  EXPECT_EQ(obj["spec"]["template"]["spec"]["containers"][0]["image"], "final:1");
  EXPECT_EQ(obj["spec"]["template"]["spec"]["containers"][1]["image"], "envoy:2");
  EXPECT_EQ(obj["metadata"]["labels"]["a"], "1");
  EXPECT_EQ(obj["metadata"]["annotations"]["b"], "2");
}

TEST(GoYaml, Marshal) {
  Json v = Json::parse(R"({"b":[{"x":1,"y":"true"},"s"],"a":{"k":""},"c":[]})");
  EXPECT_EQ(goYamlMarshal(v), "a:\n  k: ''\nb:\n- x: 1\n  'y': 'true'\n- s\nc: []\n");
}

}  // namespace
}  // namespace flotilla::policies
