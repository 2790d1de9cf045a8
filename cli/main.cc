// The composition root: `flotilla <command> [flags]`. Each command registers itself
// (cli/command.h); this file only dispatches.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"

namespace flotilla::cli {

std::map<std::string, Command>& commandRegistry() {
  static std::map<std::string, Command> registry;
  return registry;
}

namespace {
void printUsage() {
  std::printf(
      "flotilla: a multi-cluster federation control plane (Karmada-compatible).\n\n"
      "Usage: flotilla <command> [flags]\n\nCommands:\n");
  for (const auto& [name, cmd] : commandRegistry()) {
    std::printf("  %-20s %s\n", name.c_str(), cmd.summary.c_str());
  }
  std::printf("\nRun 'flotilla <command> --help' for a command's flags.\n");
}
}  // namespace

}  // namespace flotilla::cli

int main(int argc, char** argv) {
  using namespace flotilla::cli;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    printUsage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  auto it = commandRegistry().find(name);
  if (it == commandRegistry().end()) {
    std::fprintf(stderr, "flotilla: unknown command %s\n\n", name.c_str());
    printUsage();
    return 2;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  return it->second.run(args);
}
