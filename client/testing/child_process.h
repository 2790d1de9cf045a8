// ChildProcess: runs a program for integration tests with its stdout and stderr captured line by
// line, so a test can wait for a line ("ready", "leading") and send signals (SIGTERM, SIGKILL,
// SIGSTOP). The destructor kills and reaps the child, so a failing test never leaks processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace flotilla::client::testing {

class ChildProcess {
 public:
  static core::Result<std::unique_ptr<ChildProcess>> start(const std::vector<std::string>& argv);
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Waits (real time) for an output line containing `needle` at index >= from_line; returns the
  // line index or -1 on timeout / exit.
  int waitForLine(const std::string& needle, std::chrono::milliseconds timeout, int from_line = 0);
  std::vector<std::string> lines() const;
  int lineCount() const;
  void signal(int sig);
  // Sends SIGTERM (or kills) and reaps; returns the exit status as waitpid reports it.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  void kill();
  bool running();

 private:
  ChildProcess() = default;
  void readLoop(int fd);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
};

// The flotilla binary under test: $FLOTILLA_BIN, else <binary dir>/bin/flotilla, else the lead's
// <source dir>/build/bin/flotilla. Empty when none exists.
std::string flotillaBinary();
// Whether `flotilla --help` lists the command.
bool flotillaHasCommand(const std::string& command);

}  // namespace flotilla::client::testing
