// What the benchmarks that start a whole federation share: starting `flotilla up` as a child
// and waiting for its ready line, clients from the kubeconfigs it writes, reading its processes'
// CPU and memory from /proc (DIR/pids/NAME.pid), and the small statistics every report prints.
// Benchmarks only: no error is fatal here, callers print what they could not measure.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "client/client.h"
#include "core/status.h"

namespace flotilla::bench {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0);
// "0.52 1.10 1.31" from /proc/loadavg.
std::string loadAvg();
// Sleeps until item `i` of a loop paced at `rate` per second from `start` is due.
void pace(Clock::time_point start, long i, double rate);
// The p-quantile (0..1) of `v` by nearest rank; 0 for an empty vector.
double percentile(std::vector<double> v, double p);

// A field of /proc/<pid>/status in KiB (VmRSS, VmHWM, Threads); -1 when unreadable.
long procStatusKiB(pid_t pid, const std::string& field);
// User + system CPU seconds of a process; -1 when it is gone.
double procCpuSeconds(pid_t pid);
// DIR/pids/NAME.pid as written by `flotilla up`; -1 when absent.
pid_t pidOf(const std::filesystem::path& dir, const std::string& name);
// Every process `flotilla up` started in `dir`, by name (host, controller-manager, m0, ...).
std::map<std::string, pid_t> federationProcesses(const std::filesystem::path& dir);
// CPU seconds summed by role: "controller-manager", "host" and "members".
std::map<std::string, double> cpuByRole(const std::map<std::string, pid_t>& processes);
// "controller-manager 1.3 s (2.15 ms/Work), host ..." for the CPU spent between two readings,
// per `unit` (e.g. Works) when `units` > 0.
std::string cpuReport(const std::map<std::string, double>& before,
                      const std::map<std::string, double>& after, long units,
                      const std::string& unit);

// `flotilla up --config DIR/federation.yaml --dir DIR [extra_args...]` as a child process,
// its output in DIR/up.log; the config is written first.
pid_t startFlotillaUp(const std::string& flotilla, const std::filesystem::path& dir,
                      const std::string& federation_yaml,
                      const std::vector<std::string>& extra_args = {});
// Waits for `flotilla up`'s "federation ready" line; false when it exited or timed out.
bool waitForReadyLine(pid_t up, const std::filesystem::path& log, std::chrono::seconds timeout);

// A REST client from a kubeconfig `flotilla up` wrote; qps 0 = unlimited.
core::Result<client::ClientPtr> clientFrom(const std::filesystem::path& kubeconfig, double qps);
// Whether a Cluster's Ready condition is True.
bool clusterReady(const client::ObjectPtr& cluster);

}  // namespace flotilla::bench
