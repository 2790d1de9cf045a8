#include "client/testing/apiserver_process.h"

#include <unistd.h>

#include <filesystem>

#include "client/kubeconfig.h"

namespace flotilla::client::testing {

namespace fs = std::filesystem;

core::Result<std::unique_ptr<ApiServerProcess>> ApiServerProcess::start(ApiServerOptions options) {
  if (!flotillaHasCommand("apiserver")) {
    return core::notFound("the flotilla binary (" + flotillaBinary() +
                          ") has no apiserver command yet");
  }
  std::unique_ptr<ApiServerProcess> p(new ApiServerProcess());
  p->options_ = std::move(options);
  std::string tmpl = (fs::temp_directory_path() / "flotilla-apiserver-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return core::internalError("mkdtemp failed");
  p->dir_ = tmpl;
  FLOTILLA_RETURN_IF_ERROR(p->launch("127.0.0.1:0"));
  return p;
}

core::Status ApiServerProcess::launch(const std::string& listen) {
  std::vector<std::string> argv = {flotillaBinary(), "apiserver", "--listen", listen,
                                   "--data-dir", dir_};
  if (options_.insecure_http) argv.push_back("--insecure-http");
  for (const auto& a : options_.extra_args) argv.push_back(a);
  auto proc = ChildProcess::start(argv);
  if (!proc) return proc.status();
  proc_ = std::move(proc).value();
  if (proc_->waitForLine("ready", std::chrono::seconds(60)) < 0) {
    std::string out;
    for (const auto& l : proc_->lines()) out += l + "\n";
    proc_->kill();
    return core::Status(core::Code::Unavailable, "apiserver did not become ready:\n" + out);
  }
  auto kc = loadKubeconfigFile(kubeconfigPath());
  if (!kc) return kc.status();
  auto rc = kc->restConfig();
  if (!rc) return rc.status();
  config_ = rc.value();
  const auto colon = config_.server.rfind(':');
  port_ = static_cast<uint16_t>(std::stoi(config_.server.substr(colon + 1)));
  return core::Status::ok();
}

ApiServerProcess::~ApiServerProcess() {
  if (proc_) proc_->stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void ApiServerProcess::kill() {
  if (proc_) proc_->kill();
}

core::Status ApiServerProcess::stop() {
  if (proc_) proc_->stop();
  return core::Status::ok();
}

core::Status ApiServerProcess::restart() {
  if (proc_) proc_->kill();
  // The port may linger briefly after a kill; retry a few times.
  core::Status st;
  for (int i = 0; i < 20; ++i) {
    st = launch("127.0.0.1:" + std::to_string(port_));
    if (st.isOk()) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return st;
}

}  // namespace flotilla::client::testing
