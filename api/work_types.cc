#include "api/work_types.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace flotilla::api {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
std::string dotted(std::string s) {
  std::replace(s.begin(), s.end(), ':', '.');
  return s;
}
}  // namespace

std::string bindingName(const std::string& kind, const std::string& name) {
  return lower(dotted(name) + "-" + kind);
}

std::string executionNamespace(const std::string& cluster) { return "karmada-es-" + cluster; }

std::string workName(const std::string& namespace_, const std::string& name,
                     const std::string& kind) {
  std::string key = namespace_.empty() ? name + "-" + kind : namespace_ + "-" + name + "-" + kind;
  key = lower(key);
  uint32_t hash = 2166136261u;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 16777619u;
  }
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits = std::to_string(hash);
  std::string encoded;
  for (unsigned char c : digits) encoded += kAlphabet[c % 27];
  return lower(dotted(name)) + "-" + encoded;
}

}  // namespace flotilla::api
