// CRD structural schemas: a CustomResourceDefinition version's openAPIV3Schema turned into a
// SchemaNode tree, with the three things kube-apiserver does with it on every write — pruning of
// undeclared fields, defaulting, and validation (type, enum, required, bounds, patterns, sizes) —
// and the checks applied when the CRD itself is written: structurality of each schema and the
// CRD-level rules (name = plural.group, scope, exactly one storage version, names).
//
// Messages follow apiextensions-apiserver, e.g. for a custom resource
//   spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"
// and for a CRD
//   spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be
//   empty for specified object fields
// Every function is total: malformed schemas never throw, and nesting deeper than kMaxSchemaDepth
// is neither descended into nor reported twice.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apimachinery/schema_view.h"
#include "core/status.h"

namespace flotilla::apimachinery {

inline constexpr int kMaxSchemaDepth = 64;

class CrdSchemaNode;

class CrdSchema {
 public:
  // `schema` is the openAPIV3Schema object (null or not an object: everything is preserved).
  explicit CrdSchema(const nlohmann::json& schema);
  ~CrdSchema();
  CrdSchema(const CrdSchema&) = delete;
  CrdSchema& operator=(const CrdSchema&) = delete;

  const SchemaNode& root() const;

  // Drops fields the schema does not declare; returns their paths ("spec.foo", "spec.list[0].x")
  // so that fieldValidation=Strict can reject them. apiVersion, kind and metadata at the top level
  // (and in x-kubernetes-embedded-resource objects) are always kept.
  std::vector<std::string> prune(nlohmann::json& obj) const;
  // Fills `default:` values into missing (or null, when not nullable) fields; nested defaults
  // apply only where the parent object exists.
  void applyDefaults(nlohmann::json& obj) const;
  // Every violation of the schema, as causes with field paths (apiVersion/kind/metadata skipped).
  std::vector<core::Cause> validate(const nlohmann::json& obj) const;

 private:
  std::unique_ptr<CrdSchemaNode> root_;
};

// Structural-schema violations of a CRD version schema, with paths under `path`
// (e.g. spec.versions[0].schema.openAPIV3Schema).
std::vector<core::Cause> checkStructural(const nlohmann::json& schema, const std::string& path);

// Validates an apiextensions.k8s.io/v1 CustomResourceDefinition and fills in the defaults the
// server applies (names.singular = lower-case kind, names.listKind = kind + "List"). Includes the
// structural check of every version's schema.
std::vector<core::Cause> validateCustomResourceDefinition(nlohmann::json& crd);

}  // namespace flotilla::apimachinery
