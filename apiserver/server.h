// ApiServer: the composition root of `flotilla apiserver` — opens storage, builds the registry,
// object store, handler and in-process controllers, bootstraps default namespaces and the bundled
// CRDs (charts/flotilla/crds, embedded at build time), sets up PKI and tokens, starts the HTTP(S)
// listener and writes admin.kubeconfig.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace flotilla::apiserver {

struct ApiServerOptions {
  std::string listen = "127.0.0.1:0";
  std::string data_dir;
  std::string storage = "sqlite";
  std::vector<std::string> etcd_endpoints;
  bool insecure_http = false;
  bool install_crds = true;
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
