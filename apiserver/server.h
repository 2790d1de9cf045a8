// ApiServer: the composition root of `flotilla apiserver` — opens storage, builds the registry,
// object store, handler and in-process controllers, bootstraps default namespaces and the bundled
// CRDs (charts/flotilla/crds, embedded at build time), sets up PKI and tokens, starts the HTTP(S)
// listener and writes admin.kubeconfig.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace flotilla::apiserver {

class ObjectStore;
class ResourceRegistry;

// A controller that runs inside the API server process with direct access to its object store
// (the member-cluster simulator uses this for simulated nodes and workload controllers). It is
// started after bootstrap and stopped before the store closes.
class EmbeddedController {
 public:
  virtual ~EmbeddedController() = default;
  virtual void stop() = 0;
};
using EmbeddedControllerFactory = std::function<core::Result<std::unique_ptr<EmbeddedController>>(
    ObjectStore& store, ResourceRegistry& registry, core::ClockPtr clock)>;

struct ApiServerOptions {
  std::string listen = "127.0.0.1:0";
  std::string data_dir;
  std::string storage = "sqlite";
  std::vector<std::string> etcd_endpoints;
  bool insecure_http = false;
  // sqlite only: fsync every commit (see storage::SqliteOptions::durable_commits).
  bool durable_commits = true;
  // sqlite only: how often old revisions are compacted away (0 = never).
  std::chrono::milliseconds compaction_interval{std::chrono::minutes(5)};
  bool install_crds = true;
  std::vector<EmbeddedControllerFactory> embedded_controllers;
};

class ApiServer {
 public:
  static core::Result<std::unique_ptr<ApiServer>> start(const ApiServerOptions& options);
  virtual ~ApiServer() = default;
  virtual uint16_t port() const = 0;
  virtual std::string url() const = 0;
  virtual std::string kubeconfigPath() const = 0;
  virtual void stop() = 0;
};

}  // namespace flotilla::apiserver
