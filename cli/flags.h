// A small flag parser for subcommands: --name=value, --name value, boolean --name, repeated
// flags, and positional arguments. Unknown flags are errors that name the flag.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace flotilla::cli {

struct FlagSpec {
  std::string name;         // without dashes
  std::string help;
  std::string default_value;
  bool is_bool = false;
  bool repeated = false;
  std::string short_name;   // optional single letter, e.g. "f" for -f
};

class Flags {
 public:
  Flags(std::string command, std::string usage, std::vector<FlagSpec> specs);
  // Parses args. Returns InvalidArgument naming the bad flag. `--help` sets helpRequested().
  core::Status parse(const std::vector<std::string>& args);
  bool helpRequested() const { return help_; }
  std::string helpText() const;

  std::string get(const std::string& name) const;            // last value or default
  std::vector<std::string> getAll(const std::string& name) const;
  bool getBool(const std::string& name) const;
  bool isSet(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  const FlagSpec* find(const std::string& name) const;
  std::string command_;
  std::string usage_;
  std::vector<FlagSpec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

}  // namespace flotilla::cli
