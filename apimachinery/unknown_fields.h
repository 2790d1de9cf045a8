// Field validation against a schema, as kube-apiserver's decoders do it: unknown fields (for
// fieldValidation=Strict errors, Warn warnings, and pruning under Ignore and for CRDs), and values
// of the wrong JSON type (which the real server rejects with 400 because Go cannot decode them).
//
// Works over any SchemaNode, so built-in kinds (BuiltinSchema) and CRD structural schemas behave
// the same. Top-level apiVersion/kind/metadata need no special casing: the schemas describe them.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "apimachinery/schema_view.h"
#include "core/status.h"

namespace flotilla::apimachinery {

// Paths of fields the schema does not know, in document order, formatted the way kube-apiserver
// prints them: "foo", "spec.foo", "spec.template.spec.containers[0].bogus", map values as
// "metadata.labels.key" style segments. Objects that preserve unknown fields (and Any nodes) are
// not descended into.
std::vector<std::string> findUnknownFields(const nlohmann::json& obj, const SchemaNode& root);

// Removes every field findUnknownFields would report.
void pruneUnknownFields(nlohmann::json& obj, const SchemaNode& root);

// The strict-decoding error text for one unknown field: `unknown field "spec.foo"`.
std::string unknownFieldMessage(const std::string& path);

// Values whose JSON type the schema cannot hold (a string where an int32 goes, an object where a
// list goes, a fraction or out-of-range number for an integer). One cause per bad value, type
// FieldValueInvalid, field = path; the message imitates Go's encoding/json:
// `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
// null is accepted everywhere (Go leaves the zero value).
std::vector<core::Cause> validateTypes(const nlohmann::json& obj, const SchemaNode& root);

// Rewrites every quantity (Scalar nodes of ScalarType::Quantity; strings or bare numbers) in its
// canonical form, as kube-apiserver's decode/encode round trip does ("1000m" -> "1", "1024Mi" ->
// "1Gi", 0.5 -> "500m"). Values that are not quantities are left for validateTypes to report.
void canonicalizeQuantities(nlohmann::json& obj, const SchemaNode& root);

}  // namespace flotilla::apimachinery
