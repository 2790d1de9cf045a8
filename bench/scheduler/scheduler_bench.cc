// scheduler_bench: how fast Flotilla decides. Part 1 measures scheduling decisions per second on
// one core for 100, 1,000 and 5,000 clusters (Divided with dynamic weight and a cluster spread
// constraint; Duplicated), through the full filter/score/estimate/select/assign pipeline with the
// general estimator and a PriceBook. Part 2 generates a repository of 10,000 workloads, 200
// policies and 100 clusters in a temporary directory and times `flotilla plan` on it, reporting
// wall time and peak RSS of the child process. Targets: >= 20,000 decisions/s at 100 clusters;
// plan < 5 s and < 500 MiB.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/scheduler/repo_generator.h"
#include "estimator/general_estimator.h"
#include "scheduler/scheduler.h"

namespace {

using namespace flotilla;
using Clock = std::chrono::steady_clock;

constexpr int64_t kCore = 1000;
constexpr int64_t kGi = 1024LL * 1024 * 1024 * 1000;

std::vector<scheduler::Cluster> makeClusters(int n) {
  std::vector<scheduler::Cluster> clusters;
  const char* regions[] = {"us-east-1", "us-west-2", "europe-west1", "asia-east1"};
  for (int i = 0; i < n; ++i) {
    scheduler::Cluster c;
    c.name = "member-" + std::to_string(i);
    c.provider = i % 2 ? "gcp" : "aws";
    c.region = regions[i % 4];
    c.zones = {c.region + "a"};
    c.labels = {{"cloud", c.provider}, {"tier", std::to_string(i % 3)}};
    c.api_enablements = {"apps/v1/Deployment"};
    if (i % 17 == 0) c.taints = {{"cluster.karmada.io/not-ready", "", "NoSchedule"}};
    estimator::ResourceSummary s;
    s.allocatable = {{"cpu", (64 + (i % 7) * 16) * kCore}, {"memory", 256 * kGi},
                     {"pods", 2000 * 1000}};
    s.allocated = {{"cpu", (i % 13) * kCore}, {"memory", 8 * kGi}, {"pods", 50 * 1000}};
    c.resources.summary = std::move(s);
    clusters.push_back(std::move(c));
  }
  return clusters;
}

scheduler::Binding makeBinding(bool duplicated, int i) {
  scheduler::Binding b;
  b.api_version = "apps/v1";
  b.kind = "Deployment";
  b.namespace_ = "default";
  b.name = "app-" + std::to_string(i);
  b.uid = "uid-" + std::to_string(i);
  b.replicas = 10 + i % 20;
  b.requirements = estimator::ReplicaRequirements{{{"cpu", 500}, {"memory", 1 * kGi}}};
  scheduler::ReplicaScheduling rs;
  if (duplicated) {
    rs.type = scheduler::ReplicaType::Duplicated;
  } else {
    rs.type = scheduler::ReplicaType::Divided;
    rs.has_weight_preference = true;
    rs.dynamic_weight = true;
    b.placement.spread_constraints = {{scheduler::SpreadField::Cluster, 2, 5}};
  }
  b.placement.replica_scheduling = rs;
  return b;
}

double decisionsPerSecond(int clusters_n, bool duplicated, long* checksum) {
  const auto clusters = makeClusters(clusters_n);
  estimator::GeneralEstimator general;
  scheduler::PriceBook book{"list", "USD", scheduler::Billing::Requests, {}};
  scheduler::ClusterAffinity aws;
  aws.label_selector = {{"cloud", scheduler::SelectorOp::In, {"aws"}}};
  scheduler::ClusterAffinity gcp;
  gcp.label_selector = {{"cloud", scheduler::SelectorOp::In, {"gcp"}}};
  book.rules = {{aws, {{"cpu", 40'000}, {"memory", 5'000}}},
                {gcp, {{"cpu", 31'000}, {"memory", 4'200}}}};
  const scheduler::CostModel cost({book});
  const scheduler::Scheduler s({}, {&general}, &cost);
  std::vector<scheduler::Binding> bindings;
  for (int i = 0; i < 64; ++i) bindings.push_back(makeBinding(duplicated, i));
  long decisions = 0;
  const auto start = Clock::now();
  const auto budget = std::chrono::milliseconds(clusters_n >= 5000 ? 3000 : 1500);
  while (Clock::now() - start < budget) {
    for (const auto& b : bindings) {
      auto r = s.schedule(b, clusters);
      *checksum += static_cast<long>(r.clusters.size());
      ++decisions;
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  return decisions / secs;
}

int runPlan(const std::string& dir) {
  const std::string binary = std::string(FLOTILLA_BINARY_DIR) + "/bin/flotilla";
  const auto start = Clock::now();
  std::fflush(stdout);  // or the child would print our buffered lines again
  pid_t pid = fork();
  if (pid == 0) {
    FILE* devnull = std::freopen("/dev/null", "w", stdout);
    (void)devnull;
    execl(binary.c_str(), binary.c_str(), "plan", "-f", dir.c_str(), "-o", "json",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::printf("flotilla plan (10,000 workloads, 200 policies, 100 clusters, -o json): "
              "%.2f s wall, peak RSS %.1f MiB, exit %d\n",
              secs, usage.ru_maxrss / 1024.0, code);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  bool skip_plan = false;
  for (int i = 1; i < argc; ++i) skip_plan = skip_plan || std::strcmp(argv[i], "--skip-plan") == 0;
  long checksum = 0;
  for (int n : {100, 1000, 5000}) {
    std::printf("%5d clusters: Divided/dynamic+spread %10.0f decisions/s, Duplicated %10.0f "
                "decisions/s\n",
                n, decisionsPerSecond(n, false, &checksum), decisionsPerSecond(n, true, &checksum));
    std::fflush(stdout);
  }
  std::printf("(checksum %ld)\n", checksum);
  if (skip_plan) return 0;
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("flotilla-plan-bench-" + std::to_string(getpid())))
          .string();
  if (auto err = flotilla::bench::generateRepository(dir, 10000, 200, 100); !err.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  const int code = runPlan(dir);
  std::filesystem::remove_all(dir);
  return code == 0 ? 0 : 1;
}
