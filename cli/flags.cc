#include "cli/flags.h"

namespace flotilla::cli {

Flags::Flags(std::string command, std::string usage, std::vector<FlagSpec> specs)
    : command_(std::move(command)), usage_(std::move(usage)), specs_(std::move(specs)) {}

const FlagSpec* Flags::find(const std::string& name) const {
  for (const auto& s : specs_) {
    if (s.name == name || (!s.short_name.empty() && s.short_name == name)) return &s;
  }
  return nullptr;
}

core::Status Flags::parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      help_ = true;
      continue;
    }
    if (a == "--") {
      positional_.insert(positional_.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      positional_.push_back(a);
      continue;
    }
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
      has_value = true;
    }
    const FlagSpec* spec = find(body);
    if (spec == nullptr) {
      return core::invalidArgument(command_ + ": unknown flag " + a + " (see --help)");
    }
    if (spec->is_bool) {
      if (!has_value) value = "true";
      if (value != "true" && value != "false") {
        return core::invalidArgument(command_ + ": flag --" + spec->name +
                                     " takes true or false, got " + value);
      }
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return core::invalidArgument(command_ + ": flag --" + spec->name + " needs a value");
      }
      value = args[++i];
    }
    auto& slot = values_[spec->name];
    if (!spec->repeated) slot.clear();
    slot.push_back(value);
  }
  return core::Status::ok();
}

std::string Flags::helpText() const {
  std::string out = "Usage: flotilla " + command_ + " " + usage_ + "\n\nFlags:\n";
  for (const auto& s : specs_) {
    std::string left = "  ";
    if (!s.short_name.empty()) left += "-" + s.short_name + ", ";
    left += "--" + s.name;
    if (!s.is_bool) left += " VALUE";
    if (left.size() < 32) left.resize(32, ' ');
    out += left + " " + s.help;
    if (!s.default_value.empty()) out += " (default " + s.default_value + ")";
    if (s.repeated) out += " (repeatable)";
    out += "\n";
  }
  return out;
}

std::string Flags::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end() && !it->second.empty()) return it->second.back();
  const FlagSpec* spec = find(name);
  return spec ? spec->default_value : std::string();
}

std::vector<std::string> Flags::getAll(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

bool Flags::getBool(const std::string& name) const { return get(name) == "true"; }

bool Flags::isSet(const std::string& name) const { return values_.count(name) > 0; }

}  // namespace flotilla::cli
