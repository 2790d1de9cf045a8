// Manager: runs a controller process. It owns the shared informer factory of one cluster, the
// metrics registry (served with /healthz and /readyz), and the controllers. run() starts the
// metrics server and the informers, waits for every cache to sync (readyz turns green), then —
// directly, or only while this process holds the leader-election lease — runs the controllers,
// and on SIGTERM/SIGINT (installSignalHandlers) or cancel() shuts everything down in order:
// controllers drain their in-flight reconciles, informers stop, the lease is released.
//
// With leader election, controllers keep running on followers too but their gate refuses to act
// unless LeaderElector::leading() — checked against the renew deadline before every reconcile —
// so a leader that was paused past its deadline does not act after it resumes.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/cancellation.h"
#include "client/informer.h"
#include "core/clock.h"
#include "runtime/controller.h"
#include "runtime/leader_election.h"
#include "runtime/metrics_registry.h"
#include "runtime/metrics_server.h"

namespace flotilla::runtime {

struct ManagerOptions {
  std::string name = "manager";
  core::ClockPtr clock;
  std::optional<LeaderElectionConfig> leader_election;
  // Metrics server: nullopt disables it; port 0 picks one (see metricsPort()).
  std::optional<uint16_t> metrics_port = 0;
  std::string metrics_host = "127.0.0.1";
  std::chrono::milliseconds cache_sync_timeout{120000};
  client::InformerOptions informer_defaults;
};

class Manager {
 public:
  Manager(client::ClientPtr client, ManagerOptions options,
          MetricsRegistryPtr metrics = std::make_shared<MetricsRegistry>());
  ~Manager();

  client::SharedInformerFactory& informers() { return *informers_; }
  client::ClientPtr client() const { return client_; }
  MetricsRegistry& metrics() { return *metrics_; }
  MetricsRegistryPtr metricsPtr() const { return metrics_; }

  // Controllers get the manager's clock, metrics and leadership gate.
  Controller& addController(ControllerOptions options, ReconcilerPtr reconciler);

  // Blocks until cancel() or a handled signal. Fails if the metrics server cannot listen or the
  // caches do not sync in time.
  core::Status run();
  void cancel() { stop_.cancel(); }
  // SIGTERM and SIGINT call cancel(). Safe to call once per process.
  void installSignalHandlers();

  // True when this process may act now (always true without leader election).
  bool leading() const;
  bool ready() const { return ready_.load(); }
  uint16_t metricsPort() const;

 private:
  client::ClientPtr client_;
  ManagerOptions options_;
  MetricsRegistryPtr metrics_;
  std::unique_ptr<client::SharedInformerFactory> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::unique_ptr<LeaderElector> elector_;
  std::unique_ptr<MetricsServer> server_;
  client::Cancellation stop_;
  std::atomic<bool> ready_{false};
  std::thread signal_thread_;
};

}  // namespace flotilla::runtime
