// EtcdProcess: runs a real single-member etcd for tests and benchmarks. It listens on 127.0.0.1
// only, on client and peer ports picked at run time so parallel tests never collide, keeps its
// data in a fresh temporary directory (removed afterwards), waits until /health reports healthy,
// and is stopped when the object is destroyed (or killed with the test process, via
// PR_SET_PDEATHSIG). Tests should GTEST_SKIP when available() is false.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"

namespace flotilla::storage::testing {

struct EtcdProcessOptions {
  std::string binary = "/usr/bin/etcd";
  std::chrono::milliseconds start_timeout{30'000};
};

class EtcdProcess {
 public:
  static bool available(const std::string& binary = "/usr/bin/etcd");
  static core::Result<std::unique_ptr<EtcdProcess>> start(EtcdProcessOptions options = {});
  ~EtcdProcess();
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  // The client URL, e.g. "http://127.0.0.1:40123".
  const std::string& endpoint() const { return endpoint_; }
  const std::string& dataDir() const { return data_dir_; }
  bool running() const { return pid_ > 0; }

  // Graceful stop (SIGTERM, then SIGKILL after a grace period).
  void stop();
  // SIGKILL, as a crash would.
  void kill();
  // Starts again on the same data and ports, waiting for health.
  core::Status restart();

 private:
  EtcdProcess(EtcdProcessOptions options, std::string work_dir);
  core::Status launch();
  void terminate(int signal, std::chrono::milliseconds grace);

  const EtcdProcessOptions options_;
  const std::string work_dir_;  // owned temp dir: data/ and etcd.log
  std::string data_dir_;
  int client_port_ = 0;
  int peer_port_ = 0;
  std::string endpoint_;
  pid_t pid_ = -1;
};

}  // namespace flotilla::storage::testing
