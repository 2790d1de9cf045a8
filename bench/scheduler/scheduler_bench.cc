// scheduler_bench: how fast Flotilla decides. Part 1 measures scheduling decisions per second on
// one core for 100, 1,000 and 5,000 clusters (Divided with dynamic weight and a cluster spread
// constraint; Duplicated), through the full filter/score/estimate/select/assign pipeline with the
// general estimator and a PriceBook. Part 2 generates a repository of 10,000 workloads, 200
// policies and 100 clusters in a temporary directory and times `flotilla plan` on it, reporting
// wall time, CPU time and peak RSS of the child process. Targets: >= 20,000 decisions/s at 100
// clusters; plan < 5 s and < 500 MiB.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
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
  // The planner and the scheduler controller both hand the scheduler clusters sorted by name.
  std::sort(clusters.begin(), clusters.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
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

double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Rate {
  double per_wall_second = 0;
  double per_cpu_second = 0;
};

// Decisions per second of wall time and per second of this thread's CPU time (the figure that
// survives a loaded machine).
Rate decisionsPerSecond(int clusters_n, bool duplicated, long* checksum) {
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
  const double cpu_start = cpuSeconds();
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
  const double cpu = cpuSeconds() - cpu_start;
  return Rate{decisions / secs, decisions / cpu};
}

int runPlan(const std::string& dir, std::string binary) {
  if (binary.empty()) binary = std::string(FLOTILLA_BINARY_DIR) + "/bin/flotilla";
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
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("flotilla plan (10,000 workloads, 200 policies, 100 clusters, -o json): "
              "%.2f s wall, %.2f s CPU, peak RSS %.1f MiB, exit %d (%s)\n",
              secs, cpu, usage.ru_maxrss / 1024.0, code, binary.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  bool skip_plan = false;
  bool skip_scheduler = false;
  std::string keep_repo;  // --plan-repo=DIR: generate there and keep it
  std::string binary;     // --flotilla=PATH: the binary to time (default: this build's)
  for (int i = 1; i < argc; ++i) {
    skip_plan = skip_plan || std::strcmp(argv[i], "--skip-plan") == 0;
    skip_scheduler = skip_scheduler || std::strcmp(argv[i], "--skip-scheduler") == 0;
    if (std::strncmp(argv[i], "--plan-repo=", 12) == 0) keep_repo = argv[i] + 12;
    if (std::strncmp(argv[i], "--flotilla=", 11) == 0) binary = argv[i] + 11;
  }
  long checksum = 0;
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--clusters=", 11) == 0) sizes.push_back(std::atoi(argv[i] + 11));
  }
  if (sizes.empty()) sizes = {100, 1000, 5000};
  if (skip_scheduler) sizes.clear();
  for (int n : sizes) {
    const Rate divided = decisionsPerSecond(n, false, &checksum);
    const Rate duplicated = decisionsPerSecond(n, true, &checksum);
    std::printf("%5d clusters: Divided/dynamic+spread %8.0f decisions/s (%8.0f per CPU-s), "
                "Duplicated %8.0f decisions/s (%8.0f per CPU-s)\n",
                n, divided.per_wall_second, divided.per_cpu_second, duplicated.per_wall_second,
                duplicated.per_cpu_second);
    std::fflush(stdout);
  }
  std::printf("(checksum %ld)\n", checksum);
  if (skip_plan) return 0;
  const std::string dir =
      !keep_repo.empty()
          ? keep_repo
          : (std::filesystem::temp_directory_path() /
             ("flotilla-plan-bench-" + std::to_string(getpid())))
                .string();
  if (keep_repo.empty() || !std::filesystem::exists(dir)) {
    if (auto err = flotilla::bench::generateRepository(dir, 10000, 200, 100); !err.empty()) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 1;
    }
  }
  const int code = runPlan(dir, binary);
  if (keep_repo.empty()) std::filesystem::remove_all(dir);
  return code == 0 ? 0 : 1;
}
