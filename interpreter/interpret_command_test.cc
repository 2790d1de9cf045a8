// Drives `flotilla interpret` through the command registry (cli/interpret_command.cc is compiled
// into this test), checking outputs and the exit-2 contract for bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "api/yaml.h"
#include "cli/command.h"

namespace flotilla::cli {
std::map<std::string, Command>& commandRegistry() {
  static std::map<std::string, Command> registry;
  return registry;
}
}  // namespace flotilla::cli

namespace flotilla::interpreter {
namespace {

using api::Json;

std::string writeTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/interpret_" + name;
  std::ofstream(path) << text;
  return path;
}

struct Run {
  int code;
  std::string out, err;
};

Run run(std::vector<std::string> args) {
  auto& cmd = cli::commandRegistry().at("interpret");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = cmd.run(args);
  Run r{code, ::testing::internal::GetCapturedStdout(), ::testing::internal::GetCapturedStderr()};
  return r;
}

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  generation: 2
spec:
  replicas: 3
  template:
    spec:
      serviceAccountName: web-sa
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 200m, memory: 128Mi}
        envFrom:
        - configMapRef: {name: web-config}
)";

TEST(InterpretCommand, Operations) {
  const auto desired = writeTemp("desired.yaml", kDeployment);
  const auto observed = writeTemp("observed.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  generation: 4
  resourceVersion: "99"
  annotations: {resourcetemplate.karmada.io/generation: "2"}
spec: {replicas: 3}
status: {replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3, observedGeneration: 4}
)");
  const auto status = writeTemp("status.yaml", R"(
- clusterName: m1
  applied: true
  status: {replicas: 2, readyReplicas: 2, observedGeneration: 4, generation: 4, resourceTemplateGeneration: 2}
- clusterName: m2
  applied: true
  status: {replicas: 1, readyReplicas: 1, observedGeneration: 1, generation: 1, resourceTemplateGeneration: 2}
)");
  struct Row {
    const char* name;
    std::vector<std::string> args;
    Json want;
  };
  const Row rows[] = {
      {"interpret_replica",
       {"--operation", "interpretReplica", "--desired-file", desired, "-o", "json"},
       Json::parse(R"({"replicas":3,"requirements":{"namespace":"shop",
                      "resourceRequest":{"cpu":"200m","memory":"128Mi"}}})")},
      {"revise_replica",
       {"--operation=reviseReplica", "-f", desired, "--desired-replica", "5"},
       nullptr},
      {"interpret_status",
       {"--operation", "interpretStatus", "--observed-file", observed},
       Json::parse(R"({"replicas":3,"updatedReplicas":3,"availableReplicas":3,"readyReplicas":3,
                      "observedGeneration":4,"generation":4,"resourceTemplateGeneration":2})")},
      {"interpret_health",
       {"--operation", "interpretHealth", "--observed-file", observed},
       Json::parse(R"({"health":"Healthy"})")},
      {"interpret_dependency",
       {"--operation", "interpretDependency", "--desired-file", desired},
       Json::parse(
           R"([{"apiVersion":"v1","kind":"ConfigMap","namespace":"shop","name":"web-config"},
                       {"apiVersion":"v1","kind":"ServiceAccount","namespace":"shop","name":"web-sa"}])")},
  };
  for (const auto& r : rows) {
    auto res = run(r.args);
    ASSERT_EQ(res.code, 0) << r.name << ": " << res.err;
    auto got = api::yamlToJson(res.out);
    ASSERT_TRUE(got.isOk()) << r.name << ": " << res.out;
    if (!r.want.is_null()) {
      EXPECT_EQ(*got, r.want) << r.name << "\n" << res.out;
    }
  }
  auto revised = api::yamlToJson(
      run({"--operation=reviseReplica", "-f", desired, "--desired-replica", "5"}).out);
  EXPECT_EQ((*revised)["spec"]["replicas"], 5);

  auto retained = run({"--operation", "retain", "--desired-file", desired, "--observed-file",
                       observed, "-o", "json"});
  ASSERT_EQ(retained.code, 0) << retained.err;
  EXPECT_EQ(Json::parse(retained.out)["metadata"]["resourceVersion"], "99");

  auto aggregated = run({"--operation", "aggregateStatus", "--desired-file", desired,
                         "--status-file", status, "-o", "json"});
  ASSERT_EQ(aggregated.code, 0) << aggregated.err;
  const Json agg = Json::parse(aggregated.out);
  EXPECT_EQ(agg["status"]["replicas"], 3);
  EXPECT_EQ(agg["status"]["observedGeneration"], 2);
}

TEST(InterpretCommand, BadInputExitsTwoNamingFileAndField) {
  const auto desired = writeTemp("desired2.yaml", kDeployment);
  const auto no_kind = writeTemp("nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n");
  const auto bad_status = writeTemp("badstatus.yaml", "- clusterName: m1\n  applied: maybe\n");
  const auto bad_yaml = writeTemp("bad.yaml", "kind: [\n");
  const auto bad_quantity = writeTemp("badq.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: c
        resources: {requests: {cpu: lots}}
)");
  struct Row {
    const char* name;
    std::vector<std::string> args;
    std::vector<std::string> message_parts;
  };
  const Row rows[] = {
      {"missing_kind",
       {"--operation", "interpretReplica", "--desired-file", no_kind},
       {no_kind, "kind"}},
      {"status_field_type",
       {"--operation", "aggregateStatus", "--desired-file", desired, "--status-file", bad_status},
       {bad_status, "[0].applied"}},
      {"invalid_yaml", {"--operation", "interpretReplica", "--desired-file", bad_yaml}, {bad_yaml}},
      {"bad_quantity",
       {"--operation", "interpretReplica", "--desired-file", bad_quantity},
       {bad_quantity, "containers[0].resources.requests.cpu"}},
      {"missing_file",
       {"--operation", "interpretHealth", "--observed-file", "/nonexistent.yaml"},
       {"/nonexistent.yaml"}},
      {"missing_flag", {"--operation", "retain", "--desired-file", desired}, {"--observed-file"}},
      {"bad_replica",
       {"--operation", "reviseReplica", "--desired-file", desired, "--desired-replica", "-1"},
       {"--desired-replica"}},
      {"unknown_operation", {"--operation", "explode"}, {"explode"}},
      {"bad_output", {"--operation", "interpretHealth", "-o", "xml"}, {"xml"}},
  };
  for (const auto& r : rows) {
    auto res = run(r.args);
    EXPECT_EQ(res.code, 2) << r.name;
    for (const auto& part : r.message_parts) {
      EXPECT_NE(res.err.find(part), std::string::npos) << r.name << ": " << res.err;
    }
  }
}

}  // namespace
}  // namespace flotilla::interpreter
