#include "bench/common/federation_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace flotilla::bench {

namespace fs = std::filesystem;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string loadAvg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

void pace(Clock::time_point start, long i, double rate) {
  const auto at = start + std::chrono::microseconds(static_cast<long>(
                              static_cast<double>(i) * 1e6 / rate));
  std::this_thread::sleep_until(at);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

long procStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

double procCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 > text.size()) return -1;
  std::istringstream rest(text.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

pid_t pidOf(const fs::path& dir, const std::string& name) {
  std::ifstream in(dir / "pids" / (name + ".pid"));
  long pid = -1;
  in >> pid;
  return static_cast<pid_t>(pid);
}

std::map<std::string, pid_t> federationProcesses(const fs::path& dir) {
  std::map<std::string, pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "pids", ec)) {
    if (entry.path().extension() != ".pid") continue;
    long pid = 0;
    std::ifstream(entry.path()) >> pid;
    if (pid > 0) out[entry.path().stem().string()] = static_cast<pid_t>(pid);
  }
  return out;
}

std::map<std::string, double> cpuByRole(const std::map<std::string, pid_t>& processes) {
  std::map<std::string, double> out;
  for (const auto& [name, pid] : processes) {
    const std::string role =
        name == "controller-manager" || name == "host" ? name : std::string("members");
    const double s = procCpuSeconds(pid);
    if (s >= 0) out[role] += s;
  }
  return out;
}

std::string cpuReport(const std::map<std::string, double>& before,
                      const std::map<std::string, double>& after, long units,
                      const std::string& unit) {
  std::string line;
  double total = 0;
  auto part = [&](const std::string& what, double seconds) {
    char buf[160];
    if (units > 0) {
      std::snprintf(buf, sizeof(buf), "%s%s %.1f s (%.2f ms/%s)", line.empty() ? "" : ", ",
                    what.c_str(), seconds, 1000 * seconds / static_cast<double>(units),
                    unit.c_str());
    } else {
      std::snprintf(buf, sizeof(buf), "%s%s %.1f s", line.empty() ? "" : ", ", what.c_str(),
                    seconds);
    }
    line += buf;
  };
  for (const auto& [role, seconds] : after) {
    auto b = before.find(role);
    const double d = seconds - (b == before.end() ? 0 : b->second);
    total += d;
    part(role, d);
  }
  part("total", total);
  return line;
}

pid_t startFlotillaUp(const std::string& flotilla, const fs::path& dir,
                      const std::string& federation_yaml,
                      const std::vector<std::string>& extra_args) {
  const fs::path config = dir / "federation.yaml";
  std::ofstream(config) << federation_yaml;
  // Everything the child needs is built before fork: it only execs.
  std::vector<std::string> args = {flotilla, "up", "--config", config.string(), "--dir",
                                   dir.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = (dir / "up.log").string();
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

bool waitForReadyLine(pid_t up, const fs::path& log, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("federation ready") != std::string::npos) return true;
    int st;
    if (waitpid(up, &st, WNOHANG) == up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

core::Result<client::ClientPtr> clientFrom(const fs::path& kubeconfig, double qps) {
  auto kc = client::loadKubeconfigFile(kubeconfig.string());
  if (!kc) return kc.status();
  auto rc = kc->restConfig();
  if (!rc) return rc.status();
  rc->qps = qps;
  rc->burst = static_cast<int>(qps);
  auto rest = client::RestClient::create(*rc);
  if (!rest) return rest.status();
  return client::ClientPtr(*rest);
}

bool clusterReady(const client::ObjectPtr& c) {
  const auto& j = c->json();
  auto st = j.find("status");
  if (st == j.end() || !st->is_object()) return false;
  auto conds = st->find("conditions");
  if (conds == st->end() || !conds->is_array()) return false;
  for (const auto& cond : *conds) {
    if (cond.value("type", "") == "Ready") return cond.value("status", "") == "True";
  }
  return false;
}

}  // namespace flotilla::bench
