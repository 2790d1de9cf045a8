// Test-only helpers shared by the codec tests: where the upstream k8s 1.32 fixtures and the
// captured kubectl bodies live, and reading them.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "apimachinery/builtin_schema.h"

namespace flotilla::apimachinery::testing {

// ../shared/data/k8s-1.32/fixtures: absent when the project is built without /work/shared.
inline std::filesystem::path upstreamFixtures() {
  return std::filesystem::path(FLOTILLA_SOURCE_DIR) / ".." / "shared" / "data" / "k8s-1.32" /
         "fixtures";
}

// Bodies captured from kubectl 1.32, committed with the project.
inline std::filesystem::path kubectlBodies() {
  return std::filesystem::path(FLOTILLA_SOURCE_DIR) / "apimachinery" / "testdata" /
         "kubectl_protobuf";
}

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The type of a fixture named "<group>.<version>.<Kind>" (group may contain dots; "core" is "").
inline const TypeInfo* typeForFixtureStem(const std::string& stem) {
  const size_t k = stem.rfind('.');
  const size_t v = stem.rfind('.', k - 1);
  std::string group = stem.substr(0, v);
  if (group == "core") group.clear();
  return BuiltinSchema::instance().findKind(group, stem.substr(v + 1, k - v - 1),
                                            stem.substr(k + 1));
}

}  // namespace flotilla::apimachinery::testing
