#include "client/testing/child_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace flotilla::client::testing {

core::Result<std::unique_ptr<ChildProcess>> ChildProcess::start(
    const std::vector<std::string>& argv) {
  if (argv.empty()) return core::invalidArgument("empty argv");
  int fds[2];
  if (::pipe(fds) != 0) return core::internalError("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) return core::internalError("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "exec %s failed\n", args[0]);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::unique_ptr<ChildProcess> p(new ChildProcess());
  p->pid_ = pid;
  p->reader_ = std::thread([raw = p.get(), fd = fds[0]] { raw->readLoop(fd); });
  return p;
}

ChildProcess::~ChildProcess() {
  kill();
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::readLoop(int fd) {
  std::string partial;
  std::array<char, 4096> buf;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    partial.append(buf.data(), static_cast<std::size_t>(n));
    std::size_t pos;
    while ((pos = partial.find('\n')) != std::string::npos) {
      std::lock_guard lock(mu_);
      lines_.push_back(partial.substr(0, pos));
      partial.erase(0, pos + 1);
      cv_.notify_all();
    }
  }
  ::close(fd);
  std::lock_guard lock(mu_);
  if (!partial.empty()) lines_.push_back(partial);
  eof_ = true;
  cv_.notify_all();
}

int ChildProcess::waitForLine(const std::string& needle, std::chrono::milliseconds timeout,
                              int from_line) {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t i = static_cast<std::size_t>(std::max(0, from_line));
  while (true) {
    for (; i < lines_.size(); ++i) {
      if (lines_[i].find(needle) != std::string::npos) return static_cast<int>(i);
    }
    if (eof_) return -1;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; i < lines_.size(); ++i) {
        if (lines_[i].find(needle) != std::string::npos) return static_cast<int>(i);
      }
      return -1;
    }
  }
}

std::vector<std::string> ChildProcess::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

int ChildProcess::lineCount() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(lines_.size());
}

void ChildProcess::signal(int sig) {
  if (!reaped_ && pid_ > 0) ::kill(pid_, sig);
}

bool ChildProcess::running() {
  if (reaped_) return false;
  const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return !reaped_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (reaped_) return status_;
  ::kill(pid_, SIGCONT);
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
  return status_;
}

void ChildProcess::kill() {
  if (reaped_ || pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
  reaped_ = true;
}

std::string flotillaBinary() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("FLOTILLA_BIN"); env && fs::exists(env)) return env;
#ifdef FLOTILLA_BINARY_DIR
  if (fs::exists(FLOTILLA_BINARY_DIR "/bin/flotilla")) return FLOTILLA_BINARY_DIR "/bin/flotilla";
#endif
#ifdef FLOTILLA_SOURCE_DIR
  if (fs::exists(FLOTILLA_SOURCE_DIR "/build/bin/flotilla")) {
    return FLOTILLA_SOURCE_DIR "/build/bin/flotilla";
  }
#endif
  return "";
}

bool flotillaHasCommand(const std::string& command) {
  const std::string bin = flotillaBinary();
  if (bin.empty()) return false;
  auto p = ChildProcess::start({bin, "--help"});
  if (!p) return false;
  (*p)->waitForLine("\xff", std::chrono::seconds(10));  // until EOF
  for (const auto& l : (*p)->lines()) {
    // Command lines look like "  apiserver            summary".
    if (l.rfind("  " + command + " ", 0) == 0) return true;
  }
  return false;
}

}  // namespace flotilla::client::testing
