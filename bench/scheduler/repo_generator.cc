#include "bench/scheduler/repo_generator.h"

#include <filesystem>
#include <fstream>

namespace flotilla::bench {

namespace fs = std::filesystem;

namespace {

const char* kRegions[] = {"us-east-1", "us-west-2", "europe-west1", "asia-east1"};

std::string cluster(int i) {
  const std::string name = "member-" + std::to_string(i);
  const std::string provider = i % 2 == 0 ? "aws" : "gcp";
  const std::string region = kRegions[i % 4];
  return "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: " + name +
         "\n  labels: {cloud: " + provider + ", tier: \"" + std::to_string(i % 3) +
         "\"}\nspec:\n  syncMode: Push\n  provider: " + provider + "\n  region: " + region +
         "\n  zones: [" + region + "a]\nstatus:\n  apiEnablements:\n    - groupVersion: apps/v1\n"
         "      resources: [{name: deployments, kind: Deployment}]\n  resourceSummary:\n"
         "    allocatable: {cpu: \"" + std::to_string(64 + (i % 7) * 16) +
         "\", memory: 256Gi, pods: \"2000\"}\n    allocated: {cpu: \"" +
         std::to_string(i % 13) + "\", memory: 8Gi, pods: \"50\"}\n";
}

std::string placement(int p) {
  switch (p % 4) {
    case 0:
      return "    spreadConstraints:\n      - {spreadByField: cluster, minGroups: 2, maxGroups: 5}\n"
             "    replicaScheduling:\n      replicaSchedulingType: Divided\n"
             "      weightPreference: {dynamicWeight: AvailableReplicas}\n";
    case 1:
      return "    clusterAffinity:\n      fieldSelector:\n        matchExpressions:\n"
             "          - {key: provider, operator: In, values: [gcp]}\n"
             "    replicaScheduling:\n      replicaSchedulingType: Divided\n"
             "      replicaDivisionPreference: Aggregated\n";
    case 2:
      return "    clusterAffinity:\n      labelSelector: {matchLabels: {tier: \"1\"}}\n"
             "    replicaScheduling:\n      replicaSchedulingType: Divided\n"
             "      weightPreference:\n        staticWeightList:\n"
             "          - {targetCluster: {labelSelector: {matchLabels: {cloud: aws}}}, weight: 2}\n"
             "          - {targetCluster: {labelSelector: {matchLabels: {cloud: gcp}}}, weight: 1}\n";
    default:
      return "    clusterAffinity:\n      clusterNames: [member-1, member-2, member-3]\n"
             "    replicaScheduling: {replicaSchedulingType: Duplicated}\n";
  }
}

}  // namespace

std::string generateRepository(const std::string& dir, int workloads, int policies,
                               int clusters) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "workloads", ec);
  if (ec) return "cannot create " + dir + ": " + ec.message();
  {
    std::ofstream out(fs::path(dir) / "clusters.yaml");
    for (int i = 0; i < clusters; ++i) out << (i ? "---\n" : "") << cluster(i);
  }
  {
    std::ofstream out(fs::path(dir) / "pricebook.yaml");
    out << "apiVersion: estimator.flotilla.io/v1alpha1\nkind: PriceBook\nmetadata: {name: list}\n"
           "spec:\n  currency: USD\n  rules:\n"
           "    - targetCluster: {labelSelector: {matchLabels: {cloud: aws}}}\n"
           "      prices: {cpu: \"0.04\", memory: \"0.005\"}\n"
           "    - targetCluster: {labelSelector: {matchLabels: {cloud: gcp}}}\n"
           "      prices: {cpu: \"0.031\", memory: \"0.0042\"}\n";
  }
  const int namespaces = 20;
  {
    std::ofstream out(fs::path(dir) / "policies.yaml");
    for (int p = 0; p < policies; ++p) {
      out << (p ? "---\n" : "")
          << "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata:\n"
             "  name: policy-" << p << "\n  namespace: ns-" << p % namespaces
          << "\nspec:\n  resourceSelectors:\n    - apiVersion: apps/v1\n      kind: Deployment\n"
             "      labelSelector: {matchLabels: {policy: policy-" << p << "}}\n  placement:\n"
          << placement(p);
    }
  }
  const int per_file = 500;
  for (int f = 0; f * per_file < workloads; ++f) {
    std::ofstream out(fs::path(dir) / "workloads" / ("deployments-" + std::to_string(f) + ".yaml"));
    for (int w = f * per_file; w < std::min(workloads, (f + 1) * per_file); ++w) {
      const int p = w % policies;
      out << (w % per_file ? "---\n" : "") << "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
          << "  name: app-" << w << "\n  namespace: ns-" << p % namespaces
          << "\n  labels: {policy: policy-" << p << "}\nspec:\n  replicas: " << 1 + w % 12
          << "\n  selector: {matchLabels: {app: app-" << w << "}}\n  template:\n    metadata:\n"
          << "      labels: {app: app-" << w << "}\n    spec:\n      containers:\n"
          << "        - name: app\n          image: registry.example.com/app:" << w % 5
          << "\n          resources: {requests: {cpu: " << 100 + (w % 8) * 100
          << "m, memory: " << 128 * (1 + w % 4) << "Mi}}\n";
    }
  }
  return "";
}

}  // namespace flotilla::bench
