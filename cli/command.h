// Subcommand registry for the `flotilla` binary. Each subcommand lives in its own
// cli/<name>_command.cc and registers itself with FLOTILLA_COMMAND, so adding a command never
// touches a shared file. Commands return the process exit status.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace flotilla::cli {

struct Command {
  std::string name;
  std::string summary;  // one line for `flotilla --help`
  std::function<int(const std::vector<std::string>& args)> run;  // args exclude the name
};

std::map<std::string, Command>& commandRegistry();

struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { commandRegistry()[c.name] = std::move(c); }
};

}  // namespace flotilla::cli

#define FLOTILLA_COMMAND_CAT2(a, b) a##b
#define FLOTILLA_COMMAND_CAT(a, b) FLOTILLA_COMMAND_CAT2(a, b)
// FLOTILLA_COMMAND("plan", "Show where workloads would go", runPlan);
#define FLOTILLA_COMMAND(name, summary, fn)                                  \
  static ::flotilla::cli::CommandRegistrar FLOTILLA_COMMAND_CAT(kRegistrar, __LINE__)( \
      ::flotilla::cli::Command{name, summary, fn})
