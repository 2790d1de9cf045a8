#include "storage/testing/etcd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace flotilla::storage::testing {
namespace {

using std::chrono::milliseconds;

// Asks the kernel for a free port on 127.0.0.1. Another process could take it before etcd binds
// it; start() retries with fresh ports when etcd fails to come up.
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// GET /health over a plain socket; true when etcd answers healthy.
bool healthy(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::string response;
      char buf[1024];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<size_t>(n));
      ok = response.find("\"health\":\"true\"") != std::string::npos;
    }
  }
  ::close(fd);
  return ok;
}

std::string tail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

}  // namespace

bool EtcdProcess::available(const std::string& binary) {
  return ::access(binary.c_str(), X_OK) == 0;
}

core::Result<std::unique_ptr<EtcdProcess>> EtcdProcess::start(EtcdProcessOptions options) {
  if (!available(options.binary)) {
    return core::Status(core::Code::Unavailable, options.binary + " is not installed");
  }
  auto base = std::filesystem::temp_directory_path() / "flotilla-etcd-XXXXXX";
  std::string pattern = base.string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return core::Status(core::Code::Internal, std::string("mkdtemp: ") + std::strerror(errno));
  }
  std::unique_ptr<EtcdProcess> process(new EtcdProcess(std::move(options), pattern));
  core::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    process->client_port_ = freePort();
    process->peer_port_ = freePort();
    status = process->launch();
    if (status.isOk()) return process;
  }
  return status;
}

EtcdProcess::EtcdProcess(EtcdProcessOptions options, std::string work_dir)
    : options_(std::move(options)), work_dir_(std::move(work_dir)) {
  data_dir_ = work_dir_ + "/data";
}

EtcdProcess::~EtcdProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(work_dir_, ec);
}

core::Status EtcdProcess::launch() {
  if (client_port_ == 0 || peer_port_ == 0 || client_port_ == peer_port_) {
    return core::Status(core::Code::Unavailable, "no free port");
  }
  endpoint_ = "http://127.0.0.1:" + std::to_string(client_port_);
  const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
  const std::string log_path = work_dir_ + "/etcd.log";
  std::vector<std::string> args = {options_.binary,
                                   "--name=flotilla",
                                   "--data-dir=" + data_dir_,
                                   "--listen-client-urls=" + endpoint_,
                                   "--advertise-client-urls=" + endpoint_,
                                   "--listen-peer-urls=" + peer,
                                   "--initial-advertise-peer-urls=" + peer,
                                   "--initial-cluster=flotilla=" + peer,
                                   "--initial-cluster-state=new"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0)
    return core::Status(core::Code::Internal, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return core::Status(core::Code::Unavailable,
                          "etcd exited during startup; log tail:\n" + tail(log_path, 2000));
    }
    if (healthy(client_port_)) return core::Status::ok();
    std::this_thread::sleep_for(milliseconds(50));
  }
  terminate(SIGKILL, milliseconds(0));
  return core::Status(core::Code::Unavailable,
                      "etcd did not become healthy; log tail:\n" + tail(log_path, 2000));
}

void EtcdProcess::terminate(int signal, milliseconds grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (true) {
    int wstatus = 0;
    pid_t done = ::waitpid(pid_, &wstatus, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  pid_ = -1;
}

void EtcdProcess::stop() { terminate(SIGTERM, milliseconds(10'000)); }

void EtcdProcess::kill() { terminate(SIGKILL, milliseconds(0)); }

core::Status EtcdProcess::restart() {
  stop();
  return launch();
}

}  // namespace flotilla::storage::testing
