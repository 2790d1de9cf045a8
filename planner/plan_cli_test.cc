// Runs the real `flotilla plan` binary on examples/plan and on invalid inputs, checking exit
// codes and the JSON document.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun flotilla(const std::string& args) {
  const std::string cmd =
      std::string(FLOTILLA_BINARY_DIR) + "/bin/flotilla " + args + " 2>/dev/null";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kExample = std::string(FLOTILLA_SOURCE_DIR) + "/examples/plan";

const json* placement(const json& plan, const std::string& name) {
  for (const auto& p : plan["placements"]) {
    if (p["resource"]["name"] == name) return &p;
  }
  return nullptr;
}

TEST(PlanCli, ExampleRepositoryJson) {
  CliRun r = flotilla("plan -f " + kExample + " -o json --explain");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json plan = json::parse(r.out);
  EXPECT_EQ(plan["kind"], "Plan");
  EXPECT_TRUE(plan["errors"].empty()) << plan["errors"].dump();
  EXPECT_EQ(plan["placements"].size(), 6u);

  const json* batch = placement(plan, "batch");
  ASSERT_NE(batch, nullptr);
  EXPECT_TRUE((*batch)["policy"].is_null());
  EXPECT_FALSE((*batch)["scheduled"]);

  const json* web = placement(plan, "web");
  ASSERT_NE(web, nullptr);
  EXPECT_TRUE((*web)["scheduled"]);
  EXPECT_EQ((*web)["policy"]["name"], "web");
  int sum = 0;
  for (const auto& c : (*web)["clusters"]) sum += c["replicas"].get<int>();
  EXPECT_EQ(sum, 6);
  // The two spread slots go to the cheaper GCP clusters.
  EXPECT_EQ((*web)["clusters"][0]["name"], "gcp-euw1");
  EXPECT_EQ((*web)["clusters"][1]["name"], "gcp-usc1");
  EXPECT_EQ((*web)["cost"]["currency"], "USD");
  EXPECT_EQ((*web)["manifests"]["gcp-usc1"]["spec"]["template"]["spec"]["containers"][0]["image"],
            "mirror.gcp.example.com/shop/web:1.4.2");
  EXPECT_EQ((*web)["explain"]["clusters"].size(), 5u);

  const json* api = placement(plan, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ((*api)["clusters"].size(), 1u);
  EXPECT_EQ((*api)["clusters"][0]["name"], "gcp-usc1");  // cheapest that holds all 4

  const json* settings = placement(plan, "settings");
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ((*settings)["policy"]["kind"], "ClusterPropagationPolicy");
  EXPECT_FALSE((*settings)["clusters"][0].contains("replicas"));

  const json* huge = placement(plan, "huge");
  ASSERT_NE(huge, nullptr);
  EXPECT_FALSE((*huge)["scheduled"]);
  EXPECT_EQ((*huge)["reason"], "Unschedulable");
  EXPECT_NE((*huge)["message"].get<std::string>().find("insufficient capacity"),
            std::string::npos);
}

TEST(PlanCli, DeterministicOutput) {
  CliRun a = flotilla("plan -f " + kExample + " -o json --explain");
  CliRun b = flotilla("plan -f " + kExample + " -o json --explain");
  EXPECT_EQ(a.out, b.out);
}

TEST(PlanCli, TableAndYaml) {
  CliRun t = flotilla("plan -f " + kExample);
  EXPECT_EQ(t.exit_code, 0);
  EXPECT_NE(t.out.find("WORKLOAD"), std::string::npos);
  EXPECT_NE(t.out.find("✗ Unschedulable"), std::string::npos);
  EXPECT_NE(t.out.find("USD "), std::string::npos);
  CliRun y = flotilla("plan -f " + kExample + " -o yaml");
  EXPECT_EQ(y.exit_code, 0);
  EXPECT_NE(y.out.find("kind: Plan"), std::string::npos);
}

struct InvalidCase {
  std::string name;
  std::string file_name;
  std::string content;
  std::string want_field;  // expected in errors[0].field ("" = no field)
};

class PlanCliInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(PlanCliInvalid, ExitsTwoAndNamesTheProblem) {
  const fs::path dir = fs::temp_directory_path() / ("plan-cli-" + GetParam().name);
  fs::create_directories(dir);
  std::ofstream(dir / GetParam().file_name) << GetParam().content;
  CliRun r = flotilla("plan -f " + dir.string() + " -f " + kExample + " -o json");
  fs::remove_all(dir);
  EXPECT_EQ(r.exit_code, 2);
  const json plan = json::parse(r.out);
  ASSERT_FALSE(plan["errors"].empty());
  const json& e = plan["errors"][0];
  EXPECT_NE(e["file"].get<std::string>().find(GetParam().file_name), std::string::npos);
  EXPECT_EQ(e.value("field", ""), GetParam().want_field);
  EXPECT_EQ(plan["placements"].size(), 6u);  // the valid inputs are still planned
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, PlanCliInvalid,
    ::testing::Values(
        InvalidCase{"BadYaml", "broken.yaml", "kind: [unclosed\n", ""},
        InvalidCase{"BadJson", "broken.json", "{\"kind\": ", ""},
        InvalidCase{"MissingName", "noname.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
                    "metadata.name"},
        InvalidCase{"BadPolicyField", "policy.yaml",
                    "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: "
                    "{name: p, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: v1, "
                    "kind: Secret}]\n  placement:\n    spreadConstraints: [{spreadByField: "
                    "planet, maxGroups: 1}]\n",
                    "spec.placement.spreadConstraints[0].spreadByField"},
        InvalidCase{"BadPrice", "prices.yaml",
                    "apiVersion: estimator.flotilla.io/v1alpha1\nkind: PriceBook\nmetadata: "
                    "{name: z}\nspec:\n  currency: USD\n  rules:\n    - targetCluster: {}\n"
                    "      prices: {cpu: free}\n",
                    "spec.rules[0].prices.cpu"}),
    [](const auto& info) { return info.param.name; });

TEST(PlanCli, UsageErrors) {
  EXPECT_EQ(flotilla("plan").exit_code, 2);
  EXPECT_EQ(flotilla("plan -f /nonexistent/path -o json").exit_code, 2);
  EXPECT_EQ(flotilla("plan -f " + kExample + " -o xml").exit_code, 2);
  EXPECT_EQ(flotilla("plan -f " + kExample + " --live-kubeconfig /tmp/kc").exit_code, 2);
}

}  // namespace
