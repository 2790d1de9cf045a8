// ApiServerProcess: starts `flotilla apiserver` in a fresh temporary directory for integration
// tests, waits for its "ready" line, and loads the admin.kubeconfig it writes (real port, CA and
// bearer token). It can be killed and restarted on the same port with the same data, which is how
// the watch-resume tests simulate an API server crash.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/rest_config.h"
#include "client/testing/child_process.h"

namespace flotilla::client::testing {

struct ApiServerOptions {
  bool insecure_http = false;
  std::vector<std::string> extra_args;
};

class ApiServerProcess {
 public:
  // NotFound when the flotilla binary lacks the apiserver command (tests then GTEST_SKIP).
  static core::Result<std::unique_ptr<ApiServerProcess>> start(ApiServerOptions options = {});
  ~ApiServerProcess();

  const RestConfig& config() const { return config_; }
  const std::string& dataDir() const { return dir_; }
  std::string kubeconfigPath() const { return dir_ + "/admin.kubeconfig"; }
  uint16_t port() const { return port_; }

  void kill();                  // SIGKILL
  core::Status stop();          // SIGTERM
  core::Status restart();       // same data dir and port
  ChildProcess* process() { return proc_.get(); }

 private:
  core::Status launch(const std::string& listen);

  ApiServerOptions options_;
  std::string dir_;
  uint16_t port_ = 0;
  RestConfig config_;
  std::unique_ptr<ChildProcess> proc_;
};

}  // namespace flotilla::client::testing
