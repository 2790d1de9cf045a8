#include "apimachinery/strategic_merge_patch.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "apimachinery/builtin_schema.h"

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

struct PatchCase {
  std::string name;
  std::string kind;  // "group/version/Kind"; "" for no schema
  std::string original;
  std::string patch;
  std::string want;  // "" when an error is expected
};

const SchemaNode* schemaFor(const std::string& gvk) {
  if (gvk.empty()) return nullptr;
  size_t a = gvk.find('/');
  size_t b = gvk.rfind('/');
  return BuiltinSchema::instance().nodeForKind(gvk.substr(0, a), gvk.substr(a + 1, b - a - 1),
                                               gvk.substr(b + 1));
}

const char* kDeploy = R"({"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"d","labels":{"app":"a","tier":"web"},"finalizers":["x","y"]},
  "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
    "template":{"spec":{
      "containers":[
        {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
         "ports":[{"containerPort":80,"name":"http"}],
         "volumeMounts":[{"name":"v","mountPath":"/data"}]},
        {"name":"side","image":"side:1"}],
      "tolerations":[{"key":"k1","operator":"Exists"}]}}},
  "status":{"conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True"}]}})";

TEST(StrategicMergePatchTest, Table) {
  const std::vector<PatchCase> cases = {
      {"container image by merge key", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"side","image":"side:2"}]}}}})",
       R"({"/spec/template/spec/containers/1/image":"side:2","/spec/template/spec/containers/0/image":"app:1"})"},
      {"new container appended", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"new","image":"n:1"}]}}}})",
       R"({"/spec/template/spec/containers/2/name":"new","/spec/template/spec/containers/0/name":"app"})"},
      {"delete container directive", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":"delete"}]}}}})",
       R"({"/spec/template/spec/containers/0/name":"side","/spec/template/spec/containers/1":null})"},
      {"env merges by name", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}}})",
       R"({"/spec/template/spec/containers/0/env":[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]})"},
      {"ports merge by containerPort", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":443,"name":"https"}]}]}}}})",
       R"({"/spec/template/spec/containers/0/ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]})"},
      {"volumeMounts merge by mountPath", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}}})",
       R"({"/spec/template/spec/containers/0/volumeMounts":[{"name":"v","mountPath":"/data","readOnly":true}]})"},
      {"tolerations are replaced", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}})",
       R"({"/spec/template/spec/tolerations":[{"key":"k2","operator":"Exists"}]})"},
      {"conditions merge by type", "apps/v1/Deployment", kDeploy,
       R"({"status":{"conditions":[{"type":"Available","status":"False"}]}})",
       R"({"/status/conditions":[{"type":"Available","status":"False"},{"type":"Progressing","status":"True"}]})"},
      {"finalizers union", "apps/v1/Deployment", kDeploy,
       R"({"metadata":{"finalizers":["y","z"]}})", R"({"/metadata/finalizers":["x","y","z"]})"},
      {"deleteFromPrimitiveList", "apps/v1/Deployment", kDeploy,
       R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["x"],"finalizers":["w"]}})",
       R"({"/metadata/finalizers":["y","w"]})"},
      {"null deletes label", "apps/v1/Deployment", kDeploy,
       R"({"metadata":{"labels":{"tier":null,"new":"v"}}})",
       R"({"/metadata/labels":{"app":"a","new":"v"}})"},
      {"replace directive on map", "apps/v1/Deployment", kDeploy,
       R"({"metadata":{"labels":{"$patch":"replace","only":"me"}}})",
       R"({"/metadata/labels":{"only":"me"}})"},
      {"delete directive on map", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"strategy":{"$patch":"delete"}}})", R"({"/spec/strategy":{}})"},
      {"replace directive in list", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o"}]}}}})",
       R"({"/spec/template/spec/containers":[{"name":"only","image":"o"}]})"},
      {"retainKeys drops other strategy fields", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
       R"({"/spec/strategy":{"type":"Recreate"}})"},
      {"setElementOrder reorders", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"app"}],"containers":[{"name":"side","image":"side:3"}]}}}})",
       R"({"/spec/template/spec/containers/0/image":"side:3","/spec/template/spec/containers/1/name":"app"})"},
      {"unknown directive stripped", "apps/v1/Deployment", kDeploy,
       R"({"$foo":1,"spec":{"$bar":{"x":1},"replicas":3}})",
       R"({"/$foo":null,"/spec/$bar":null,"/spec/replicas":3})"},
      {"service ports by port", "/v1/Service",
       R"({"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}]}})",
       R"({"spec":{"ports":[{"port":443,"targetPort":9443}]}})",
       R"({"/spec/ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":9443}]})"},
      {"kubectl edit patch (captured shape)", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{
           "$setElementOrder/containers":[{"name":"app"},{"name":"side"}],
           "containers":[{"$setElementOrder/ports":[{"containerPort":8080}],"name":"app",
             "ports":[{"containerPort":8080},{"$patch":"delete","containerPort":80}]},
             {"image":"side:2","name":"side"}]}}}})",
       R"({"/spec/template/spec/containers/0/ports":[{"containerPort":8080}],
           "/spec/template/spec/containers/0/env/0/name":"A",
           "/spec/template/spec/containers/1/image":"side:2"})"},
      {"no schema replaces lists", "", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"name":"x"}]}}}})",
       R"({"/spec/template/spec/containers":[{"name":"x"}]})"},
      {"new field with nested directive", "apps/v1/Deployment", R"({"metadata":{"name":"d"}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"delete"},{"name":"b"}]}}}})",
       R"({"/spec/template/spec/containers":[{"name":"b"}]})"},
      {"patch must be object", "apps/v1/Deployment", kDeploy, R"([1])", ""},
      {"unknown patch type", "apps/v1/Deployment", kDeploy, R"({"spec":{"$patch":"frob"}})", ""},
      {"missing merge key", "apps/v1/Deployment", kDeploy,
       R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})", ""},
  };
  for (const PatchCase& c : cases) {
    auto got =
        applyStrategicMergePatch(json::parse(c.original), json::parse(c.patch), schemaFor(c.kind));
    if (c.want.empty()) {
      EXPECT_FALSE(got.isOk()) << c.name;
      if (!got.isOk()) {
        EXPECT_EQ(got.status().code(), core::Code::InvalidArgument) << c.name;
      }
      continue;
    }
    ASSERT_TRUE(got.isOk()) << c.name << ": " << got.status().toString();
    // `want` maps JSON pointers to expected values; null means "absent".
    const json want = json::parse(c.want);
    for (const auto& [pointer, value] : want.items()) {
      json::json_pointer ptr(pointer);
      if (value.is_null()) {
        EXPECT_FALSE(got->contains(ptr)) << c.name << " " << pointer << " in " << got->dump();
      } else {
        ASSERT_TRUE(got->contains(ptr)) << c.name << " " << pointer << " in " << got->dump();
        EXPECT_EQ(got->at(ptr), value) << c.name << " " << pointer;
      }
    }
  }
}

// A three-way patch exactly as `kubectl apply` 1.32 sent it (captured), with $retainKeys,
// $setElementOrder and $patch: delete in nested lists; fields the server added survive.
TEST(StrategicMergePatchTest, KubectlApplyPatch) {
  const json live = json::parse(R"({
       "apiVersion":"apps/v1",
       "kind":"Deployment",
       "metadata":{
        "name":"d",
        "namespace":"default",
        "uid":"u1",
        "resourceVersion":"5"
       },
       "spec":{
        "replicas":2,
        "selector":{
         "matchLabels":{
          "a":"b"
         }
        },
        "strategy":{
         "type":"RollingUpdate",
         "rollingUpdate":{
          "maxSurge":1
         }
        },
        "template":{
         "metadata":{
          "labels":{
           "a":"b"
          }
         },
         "spec":{
          "containers":[
           {
            "name":"c",
            "image":"nginx",
            "env":[
             {
              "name":"A",
              "value":"1"
             },
             {
              "name":"B",
              "value":"2"
             }
            ],
            "ports":[
             {
              "containerPort":80
             }
            ],
            "imagePullPolicy":"Always"
           },
           {
            "name":"side",
            "image":"busybox"
           }
          ]
         }
        }
       }
      })");
  const json patch = json::parse(R"({
       "spec":{
        "replicas":3,
        "strategy":{
         "$retainKeys":[
          "type"
         ],
         "rollingUpdate":null,
         "type":"Recreate"
        },
        "template":{
         "spec":{
          "$setElementOrder/containers":[
           {
            "name":"new"
           },
           {
            "name":"c"
           }
          ],
          "containers":[
           {
            "image":"redis",
            "name":"new"
           },
           {
            "$setElementOrder/env":[
             {
              "name":"B"
             }
            ],
            "$setElementOrder/ports":[
             {
              "containerPort":80
             },
             {
              "containerPort":443
             }
            ],
            "env":[
             {
              "name":"B",
              "value":"3"
             },
             {
              "$patch":"delete",
              "name":"A"
             }
            ],
            "image":"nginx:2",
            "name":"c",
            "ports":[
             {
              "containerPort":443
             }
            ]
           },
           {
            "$patch":"delete",
            "name":"side"
           }
          ]
         }
        }
       }
      })");
  const json want = json::parse(R"({
       "apiVersion":"apps/v1",
       "kind":"Deployment",
       "metadata":{
        "name":"d",
        "namespace":"default",
        "resourceVersion":"5",
        "uid":"u1"
       },
       "spec":{
        "replicas":3,
        "selector":{
         "matchLabels":{
          "a":"b"
         }
        },
        "strategy":{
         "type":"Recreate"
        },
        "template":{
         "metadata":{
          "labels":{
           "a":"b"
          }
         },
         "spec":{
          "containers":[
           {
            "image":"redis",
            "name":"new"
           },
           {
            "env":[
             {
              "name":"B",
              "value":"3"
             }
            ],
            "image":"nginx:2",
            "imagePullPolicy":"Always",
            "name":"c",
            "ports":[
             {
              "containerPort":80
             },
             {
              "containerPort":443
             }
            ]
           }
          ]
         }
        }
       }
      })");
  auto got = applyStrategicMergePatch(
      live, patch, BuiltinSchema::instance().nodeForKind("apps", "v1", "Deployment"));
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(*got, want) << got->dump();
}

}  // namespace
}  // namespace flotilla::apimachinery
