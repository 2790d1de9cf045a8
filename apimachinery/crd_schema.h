// CRD structural schemas: a CustomResourceDefinition version's openAPIV3Schema turned into a
// SchemaNode tree, with the three things kube-apiserver does with it on every write — pruning of
// undeclared fields, defaulting, and validation (type, enum, required, bounds, patterns, sizes) —
// and the structurality check applied when the CRD itself is written.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apimachinery/schema_view.h"
#include "core/status.h"

namespace flotilla::apimachinery {

class CrdSchemaNode;

class CrdSchema {
 public:
  // `schema` is the openAPIV3Schema object (null: everything is preserved).
  explicit CrdSchema(const nlohmann::json& schema);
  ~CrdSchema();
  const SchemaNode& root() const;

  // Drops fields the schema does not declare; returns their paths ("spec.foo"). apiVersion, kind
  // and metadata at the top level are always kept.
  std::vector<std::string> prune(nlohmann::json& obj) const;
  void applyDefaults(nlohmann::json& obj) const;
  std::vector<core::Cause> validate(const nlohmann::json& obj) const;

 private:
  std::unique_ptr<CrdSchemaNode> root_;
};

// Structural-schema violations of a CRD version schema, with paths under `path`
// (e.g. spec.versions[0].schema.openAPIV3Schema).
std::vector<core::Cause> checkStructural(const nlohmann::json& schema, const std::string& path);

}  // namespace flotilla::apimachinery
