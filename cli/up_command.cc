// `flotilla up`: a whole federation on one machine — the host API server, one simulated member
// cluster per entry of the config, the joins, and the controller manager, each its own process
// (so a member can be killed to try failover). Writes DIR/host.kubeconfig and
// DIR/<member>.kubeconfig, applies the config's bootstrap files and any --apply paths, prints what
// to try and a line containing "ready", and stops everything on Ctrl-C/SIGTERM.
//
// For tests and failover experiments every child also gets DIR/pids/<name>.pid and
// DIR/pids/<name>.cmdline (its argv, one argument per line). Once an API server is ready its
// cmdline is rewritten with the port it actually bound (`--listen 127.0.0.1:PORT`), so running
// that command line again on the same data dir brings the same endpoint, certificates and token
// back. A child that dies is reported and the rest keep running; a child restarted by someone
// else from its cmdline (with its pid file updated) is stopped together with the rest.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "cli/command.h"
#include "cli/flags.h"

namespace flotilla::cli {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

struct MemberSpec {
  std::string name, provider, region;
  std::vector<std::string> zones;
  std::vector<std::string> labels;  // k=v
  int nodes = 3;
  std::string node_cpu = "8", node_memory = "32Gi", node_gpus = "0";
};

struct FederationSpec {
  std::string host_storage = "sqlite";
  std::vector<std::string> host_etcd_endpoints;  // with storage etcd: the etcd the host uses
  std::vector<MemberSpec> members;
  std::vector<std::string> bootstrap;  // files applied after the joins (relative to the config)
};

struct Child {
  std::string name;
  pid_t pid = -1;
  std::string log;
  std::vector<std::string> argv;
};

// DIR/pids/<name>.pid and DIR/pids/<name>.cmdline; see the file comment.
void writeChildFiles(const fs::path& dir, const Child& c) {
  std::error_code ec;
  fs::create_directories(dir / "pids", ec);
  std::ofstream(dir / "pids" / (c.name + ".pid")) << c.pid << "\n";
  std::ofstream cmd(dir / "pids" / (c.name + ".cmdline"));
  for (const auto& a : c.argv) cmd << a << "\n";
}

// The port of the `server:` URL in a kubeconfig this process wrote, or 0.
int kubeconfigPort(const fs::path& kubeconfig) {
  std::ifstream in(kubeconfig);
  std::string line;
  while (std::getline(in, line)) {
    const auto at = line.find("server:");
    if (at == std::string::npos) continue;
    std::string url = line.substr(at + 7);
    while (!url.empty() && (url.back() == ' ' || url.back() == '"' || url.back() == '\r')) {
      url.pop_back();
    }
    const auto colon = url.rfind(':');
    if (colon == std::string::npos) return 0;
    return std::atoi(url.c_str() + colon + 1);
  }
  return 0;
}

// Pins `--listen HOST:0` in c.argv to the port the server bound, for restarts.
void pinListenPort(Child& c, const fs::path& kubeconfig) {
  const int port = kubeconfigPort(kubeconfig);
  if (port <= 0) return;
  for (std::size_t i = 0; i + 1 < c.argv.size(); ++i) {
    if (c.argv[i] == "--listen") c.argv[i + 1] = "127.0.0.1:" + std::to_string(port);
  }
}

std::string selfPath() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("flotilla") : p.string();
}

std::string scalar(const YAML::Node& n, const std::string& key, const std::string& fallback) {
  return n[key] && n[key].IsScalar() ? n[key].as<std::string>() : fallback;
}

core::Result<FederationSpec> loadConfig(const std::string& path) {
  FederationSpec spec;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (const YAML::Node host = root["host"]) {
      if (!host.IsMap()) return core::invalidArgument(path + ": host: must be a map");
      spec.host_storage = scalar(host, "storage", "sqlite");
      if (spec.host_storage != "sqlite" && spec.host_storage != "etcd") {
        return core::invalidArgument(path + ": host.storage: must be sqlite or etcd, got \"" +
                                     spec.host_storage + "\"");
      }
      if (const YAML::Node eps = host["etcdEndpoints"]) {
        if (eps.IsScalar()) {
          std::stringstream list(eps.as<std::string>());
          for (std::string e; std::getline(list, e, ',');) {
            if (!e.empty()) spec.host_etcd_endpoints.push_back(e);
          }
        } else if (eps.IsSequence()) {
          for (const auto& e : eps) {
            if (!e.IsScalar()) {
              return core::invalidArgument(path + ": host.etcdEndpoints: must be a list of URLs");
            }
            spec.host_etcd_endpoints.push_back(e.as<std::string>());
          }
        } else {
          return core::invalidArgument(path + ": host.etcdEndpoints: must be a list of URLs");
        }
      }
      if (spec.host_storage == "etcd" && spec.host_etcd_endpoints.empty()) {
        return core::invalidArgument(
            path + ": host.etcdEndpoints: required with storage etcd (e.g. "
                   "[http://127.0.0.1:2379]; flotilla up does not start etcd itself)");
      }
      if (spec.host_storage == "sqlite" && !spec.host_etcd_endpoints.empty()) {
        return core::invalidArgument(path +
                                     ": host.etcdEndpoints: only used with storage etcd");
      }
    }
    if (!root["members"] || !root["members"].IsSequence() || root["members"].size() == 0) {
      return core::invalidArgument(path + ": members: at least one member cluster is required");
    }
    std::size_t i = 0;
    for (const auto& m : root["members"]) {
      const std::string field = path + ": members[" + std::to_string(i++) + "]";
      MemberSpec ms;
      ms.name = scalar(m, "name", "");
      if (ms.name.empty()) return core::invalidArgument(field + ".name: required");
      ms.provider = scalar(m, "provider", "");
      ms.region = scalar(m, "region", "");
      if (m["zones"]) {
        if (!m["zones"].IsSequence()) return core::invalidArgument(field + ".zones: must be a list");
        for (const auto& z : m["zones"]) ms.zones.push_back(z.as<std::string>());
      }
      if (m["labels"]) {
        if (!m["labels"].IsMap()) return core::invalidArgument(field + ".labels: must be a map");
        for (const auto& kv : m["labels"]) {
          ms.labels.push_back(kv.first.as<std::string>() + "=" + kv.second.as<std::string>());
        }
      }
      try {
        ms.nodes = m["nodes"] ? m["nodes"].as<int>() : 3;
      } catch (const YAML::Exception&) {
        return core::invalidArgument(field + ".nodes: must be an integer");
      }
      ms.node_cpu = scalar(m, "nodeCPU", ms.node_cpu);
      ms.node_memory = scalar(m, "nodeMemory", ms.node_memory);
      ms.node_gpus = scalar(m, "nodeGPUs", ms.node_gpus);
      spec.members.push_back(std::move(ms));
    }
    if (root["bootstrap"]) {
      for (const auto& b : root["bootstrap"]) {
        fs::path p = b.as<std::string>();
        if (p.is_relative()) p = fs::path(path).parent_path() / p;
        spec.bootstrap.push_back(p.string());
      }
    }
  } catch (const YAML::Exception& e) {
    return core::invalidArgument(path + ": " + e.what());
  }
  return spec;
}

core::Result<Child> spawn(const std::string& name, const std::vector<std::string>& args,
                          const std::string& log) {
  Child c{name, -1, log, args};
  c.pid = fork();
  if (c.pid < 0) return core::internalError("fork failed for " + name);
  if (c.pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    setpgid(0, 0);  // Ctrl-C reaches `up`, which stops the children in order
    std::vector<char*> argv;
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return c;
}

// Waits until the child's log contains `needle`; fails if the child exits or time runs out.
core::Status waitForLog(const Child& c, const std::string& needle, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && !g_stop) {
    std::ifstream in(c.log);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find(needle) != std::string::npos) return core::Status::ok();
    int st;
    if (waitpid(c.pid, &st, WNOHANG) == c.pid) {
      return core::Status(core::Code::Unavailable,
                          c.name + " exited during start-up; see " + c.log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return core::Status(core::Code::Timeout, c.name + " did not become ready; see " + c.log);
}

int runToCompletion(const std::vector<std::string>& args, const std::string& log) {
  auto c = spawn(args.size() > 1 ? args[1] : args[0], args, log);
  if (!c.isOk()) return -1;
  int st = 0;
  waitpid(c->pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// A process someone restarted from DIR/pids/<name>.cmdline after our child died: the pid in the
// pid file, if that process is still running the same command line.
pid_t restartedPid(const fs::path& dir, const Child& c) {
  pid_t pid = -1;
  std::ifstream(dir / "pids" / (c.name + ".pid")) >> pid;
  if (pid <= 0) return -1;
  std::ifstream proc("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::stringstream actual;
  actual << proc.rdbuf();
  std::ifstream cmd(dir / "pids" / (c.name + ".cmdline"));
  std::string arg, expected;
  while (std::getline(cmd, arg)) expected += arg + '\0';
  return !expected.empty() && actual.str() == expected ? pid : -1;
}

void stopRestarted(const fs::path& dir, const std::vector<Child>& children) {
  std::vector<pid_t> pids;
  for (auto it = children.rbegin(); it != children.rend(); ++it) {
    if (it->pid > 0) continue;
    if (pid_t p = restartedPid(dir, *it); p > 0 && kill(p, SIGTERM) == 0) pids.push_back(p);
  }
  for (pid_t p : pids) {
    for (int i = 0; i < 100 && kill(p, 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (kill(p, 0) == 0) kill(p, SIGKILL);
  }
}

void stopAll(std::vector<Child>& children) {
  for (auto it = children.rbegin(); it != children.rend(); ++it) {
    if (it->pid > 0) kill(it->pid, SIGTERM);
  }
  for (auto it = children.rbegin(); it != children.rend(); ++it) {
    if (it->pid <= 0) continue;
    for (int i = 0; i < 100; ++i) {
      int st;
      if (waitpid(it->pid, &st, WNOHANG) == it->pid) {
        it->pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (it->pid > 0) {
      kill(it->pid, SIGKILL);
      int st;
      waitpid(it->pid, &st, 0);
      it->pid = -1;
    }
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

int runUp(const std::vector<std::string>& args) {
  Flags flags("up", "[--config FILE] [--dir DIR] [--apply PATH]...",
              {{"config", "federation description", "examples/federation.yaml"},
               {"dir", "working directory for data, logs and kubeconfigs", ".flotilla"},
               {"apply", "file or directory applied to the host once ready", "", false, true},
               {"cluster-probe-period", "member probe period of the controller manager", "2s"},
               {"cluster-failure-threshold", "how long probes fail before NotReady", "10s"},
               {"controller-manager-arg", "extra argument for the controller manager", "", false,
                true},
               {"member-arg", "extra argument for every member", "", false, true}});
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  auto spec = loadConfig(flags.get("config"));
  if (!spec.isOk()) {
    std::fprintf(stderr, "up: %s\n", spec.status().message().c_str());
    return 2;
  }
  const fs::path dir = fs::absolute(flags.get("dir"));
  std::error_code ec;
  fs::create_directories(dir / "logs", ec);
  if (ec) {
    std::fprintf(stderr, "up: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 2;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  const std::string self = selfPath();
  std::vector<Child> children;
  auto fail = [&](const core::Status& s) {
    std::fprintf(stderr, "up: %s\n", s.message().c_str());
    stopAll(children);
    return 1;
  };
  fs::remove_all(dir / "pids", ec);

  // Host API server.
  const std::string host_dir = (dir / "host").string();
  std::vector<std::string> host_argv = {self, "apiserver", "--listen", "127.0.0.1:0",
                                        "--data-dir", host_dir, "--storage", spec->host_storage};
  if (!spec->host_etcd_endpoints.empty()) {
    std::string joined;
    for (const auto& e : spec->host_etcd_endpoints) joined += (joined.empty() ? "" : ",") + e;
    host_argv.insert(host_argv.end(), {"--etcd-endpoints", joined});
  }
  auto host = spawn("host", host_argv, (dir / "logs" / "host.log").string());
  if (!host.isOk()) return fail(host.status());
  children.push_back(*host);
  writeChildFiles(dir, children.back());
  if (auto s = waitForLog(*host, "ready", std::chrono::seconds(120)); !s.isOk()) return fail(s);
  const std::string host_kubeconfig = (dir / "host.kubeconfig").string();
  fs::copy_file(fs::path(host_dir) / "admin.kubeconfig", host_kubeconfig,
                fs::copy_options::overwrite_existing, ec);
  pinListenPort(children.back(), host_kubeconfig);
  writeChildFiles(dir, children.back());
  std::printf("host API server ready (kubeconfig %s)\n", host_kubeconfig.c_str());

  // Members.
  for (const auto& m : spec->members) {
    const std::string mdir = (dir / "members" / m.name).string();
    std::vector<std::string> margs = {self, "member", "--name", m.name, "--data-dir", mdir,
                                      "--listen", "127.0.0.1:0", "--nodes",
                                      std::to_string(m.nodes), "--node-cpu", m.node_cpu,
                                      "--node-memory", m.node_memory, "--node-gpus", m.node_gpus};
    if (!m.region.empty()) margs.insert(margs.end(), {"--region", m.region});
    if (!m.zones.empty()) margs.insert(margs.end(), {"--zones", join(m.zones)});
    for (const auto& a : flags.getAll("member-arg")) margs.push_back(a);
    auto child = spawn(m.name, margs, (dir / "logs" / (m.name + ".log")).string());
    if (!child.isOk()) return fail(child.status());
    children.push_back(*child);
    writeChildFiles(dir, children.back());
    if (auto s = waitForLog(*child, "ready", std::chrono::seconds(120)); !s.isOk()) return fail(s);
    fs::copy_file(fs::path(mdir) / "admin.kubeconfig", dir / (m.name + ".kubeconfig"),
                  fs::copy_options::overwrite_existing, ec);
    pinListenPort(children.back(), dir / (m.name + ".kubeconfig"));
    writeChildFiles(dir, children.back());
    std::vector<std::string> jargs = {self, "join", m.name, "--kubeconfig", host_kubeconfig,
                                      "--cluster-kubeconfig",
                                      (dir / (m.name + ".kubeconfig")).string()};
    if (!m.provider.empty()) jargs.insert(jargs.end(), {"--provider", m.provider});
    if (!m.region.empty()) jargs.insert(jargs.end(), {"--region", m.region});
    if (!m.zones.empty()) jargs.insert(jargs.end(), {"--zones", join(m.zones)});
    if (!m.labels.empty()) jargs.insert(jargs.end(), {"--labels", join(m.labels)});
    const std::string jlog = (dir / "logs" / ("join-" + m.name + ".log")).string();
    if (runToCompletion(jargs, jlog) != 0) {
      return fail(core::Status(core::Code::Unavailable, "joining " + m.name + " failed; see " + jlog));
    }
    std::printf("member %s ready and joined (%s/%s, kubeconfig %s)\n", m.name.c_str(),
                m.provider.c_str(), m.region.c_str(),
                (dir / (m.name + ".kubeconfig")).c_str());
  }

  // Controller manager.
  std::vector<std::string> cmargs = {self, "controller-manager", "--kubeconfig", host_kubeconfig,
                                     "--cluster-probe-period", flags.get("cluster-probe-period"),
                                     "--cluster-failure-threshold",
                                     flags.get("cluster-failure-threshold")};
  for (const auto& a : flags.getAll("controller-manager-arg")) cmargs.push_back(a);
  auto cm = spawn("controller-manager", cmargs, (dir / "logs" / "controller-manager.log").string());
  if (!cm.isOk()) return fail(cm.status());
  children.push_back(*cm);
  writeChildFiles(dir, children.back());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  {
    int stc;
    if (waitpid(cm->pid, &stc, WNOHANG) == cm->pid) {
      children.back().pid = -1;
      return fail(core::Status(core::Code::Unavailable,
                               "the controller manager exited; see " + cm->log));
    }
  }

  // Bootstrap objects and the user's workloads, through the real kubectl.
  std::vector<std::string> to_apply = spec->bootstrap;
  for (const auto& a : flags.getAll("apply")) to_apply.push_back(a);
  const bool have_kubectl = fs::exists("/usr/bin/kubectl");
  for (const auto& path : to_apply) {
    if (!have_kubectl) {
      std::printf("kubectl not found: apply %s yourself\n", path.c_str());
      continue;
    }
    setenv("KUBECACHEDIR", (dir / "kube-cache").c_str(), 1);
    const std::string log = (dir / "logs" / "apply.log").string();
    int rc = runToCompletion({"/usr/bin/kubectl", "--kubeconfig", host_kubeconfig, "apply", "-R",
                              "-f", path},
                             log);
    std::printf("applied %s%s\n", path.c_str(), rc == 0 ? "" : " (with errors; see logs/apply.log)");
  }

  std::printf("\nWhat to try:\n"
              "  export KUBECONFIG=%s\n"
              "  kubectl get clusters\n"
              "  kubectl get deployments,propagationpolicies -A\n"
              "  kubectl get resourcebindings -A -o wide\n"
              "  kubectl --kubeconfig %s get pods -A\n"
              "  %s plan -f examples/plan\n"
              "Logs are in %s.\n\n",
              host_kubeconfig.c_str(), (dir / (spec->members.front().name + ".kubeconfig")).c_str(),
              self.c_str(), (dir / "logs").c_str());
  std::printf("flotilla federation ready: host + %zu members (Ctrl-C to stop)\n",
              spec->members.size());
  std::fflush(stdout);
  while (!g_stop) {
    for (auto& c : children) {
      int stc;
      if (c.pid > 0 && waitpid(c.pid, &stc, WNOHANG) == c.pid) {
        std::printf("%s exited (see %s)\n", c.name.c_str(), c.log.c_str());
        std::fflush(stdout);
        c.pid = -1;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("stopping the federation\n");
  stopRestarted(dir, children);
  stopAll(children);
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("up", "Start a whole federation (host, members, controllers) on this machine",
                 runUp);

}  // namespace flotilla::cli
