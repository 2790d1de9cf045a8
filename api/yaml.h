// YAML <-> JSON for manifests: kubectl-style YAML input (multi-document, YAML 1.2 core scalar
// resolution so `"1"` stays a string and `1` becomes a number) into nlohmann::json, and a
// block-style YAML emitter that quotes strings which would otherwise read back as another type.
#pragma once

#include <string>
#include <vector>

#include "api/codec.h"
#include "core/status.h"

namespace flotilla::api {

// Parses one document (empty input -> null). Errors are InvalidArgument with line/column.
core::Result<Json> yamlToJson(const std::string& text);
// Parses every document of a stream, skipping empty ones.
core::Result<std::vector<Json>> yamlDocumentsToJson(const std::string& text);
// Emits block-style YAML ending with a newline.
std::string jsonToYaml(const Json& value);

template <class T>
core::Result<T> fromYaml(const std::string& text) {
  auto j = yamlToJson(text);
  if (!j) return j.status();
  return fromJson<T>(*j);
}

}  // namespace flotilla::api
