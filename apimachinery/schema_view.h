// SchemaNode: a read-only view of an object's schema, shared by the generic algorithms that need
// to know the shape of an object without knowing where the schema came from: strategic merge
// patch, server-side apply field sets, unknown-field detection and pruning.
//
// Two implementations exist: built-in Kubernetes types (generated tables from the k8s 1.32 schema,
// see builtin_schema.h) and CustomResourceDefinition structural schemas (crd_schema.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flotilla::apimachinery {

enum class NodeKind {
  Object,   // fixed set of named fields (field() answers)
  Map,      // string keys, every value described by items()
  Array,    // items() describes the elements
  Scalar,   // string, number, bool, quantity, time, int-or-string...
  Any,      // anything goes (x-kubernetes-preserve-unknown-fields, RawExtension, JSON)
};

enum class ListType { Atomic, Set, Map };

// Which JSON values a Scalar node accepts (null is always accepted: it leaves the zero value).
enum class ScalarType {
  Unknown,      // anything scalar
  String,       // JSON string (also bytes as base64, time, duration)
  Integer,      // JSON integer (no fraction)
  Number,       // any JSON number
  Boolean,      // true/false
  IntOrString,  // integer or string
  Quantity,     // string or number
};

class SchemaNode {
 public:
  virtual ~SchemaNode() = default;
  virtual NodeKind kind() const = 0;
  // Object: the named child, or nullptr when the field is unknown to the schema.
  virtual const SchemaNode* field(std::string_view name) const = 0;
  // Map values / Array items; nullptr for other kinds.
  virtual const SchemaNode* items() const = 0;
  // For Object nodes that also keep unknown fields (preserve-unknown-fields on an object with
  // properties): unknown fields are neither errors nor pruned.
  virtual bool preservesUnknownFields() const { return kind() == NodeKind::Any; }

  // List semantics (Array nodes). listType/listMapKeys come from +listType/+listMapKey markers or
  // x-kubernetes-list-type; patchStrategy/patchMergeKey from the strategic-merge tags.
  virtual ListType listType() const { return ListType::Atomic; }
  virtual const std::vector<std::string>& listMapKeys() const {
    static const std::vector<std::string> kNone;
    return kNone;
  }
  // "" (replace), "merge", "retainKeys" or "merge,retainKeys".
  virtual std::string_view patchStrategy() const { return {}; }
  virtual std::string_view patchMergeKey() const { return {}; }
  // Object nodes: x-kubernetes-map-type: atomic (structType atomic) replaces wholesale.
  virtual bool atomicStruct() const { return false; }

  // Scalar nodes: accepted JSON types, for type validation (validateTypes in unknown_fields.h).
  virtual ScalarType scalarType() const { return ScalarType::Unknown; }
  // A Go-like type name for error messages ("int32", "v1.DeploymentSpec", "[]v1.Container"); ""
  // when unknown (CRD schemas), in which case messages use the JSON type instead.
  virtual std::string_view typeName() const { return {}; }
};

}  // namespace flotilla::apimachinery
