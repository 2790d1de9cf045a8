// BuiltinSchema: the registry of Kubernetes 1.32 built-in API types, loaded once from the generated
// tables (generated/builtin_schema_data.cc, produced by gen/gen_builtin_schema.py from the shared
// k8s-1.32 schema data). It answers "what does a Deployment look like" for every consumer that
// needs the shape of a built-in object: the protobuf decoder (field numbers, wire types, Go
// presence rules), strategic merge patch and server-side apply (patch strategies, merge keys, list
// types, via SchemaNode), unknown-field detection, OpenAPI publishing and discovery (the resources
// list).
//
// The registry is immutable after construction and safe to share between threads.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "apimachinery/schema_view.h"

namespace flotilla::apimachinery {

// The JSON-level type of a field, list item or map value. The special types follow the
// `specialTypes` section of the schema data.
enum class FieldType {
  String,
  Bytes,  // base64 string in JSON
  Int32,
  Int64,
  Bool,
  Double,
  Ref,  // a struct type (TypeInfo)
  Array,
  Map,  // string keys
  Quantity,
  Time,
  MicroTime,
  Duration,
  IntOrString,
  RawExtension,
  FieldsV1,
  Any,
};

enum class WireType { None, Varint, Fixed64, Bytes, Fixed32 };

struct TypeInfo;

// The type of a value: a field's own type, or (through element) the items of a list or the values
// of a map.
struct ValueType {
  FieldType type = FieldType::Any;
  const TypeInfo* ref = nullptr;  // Ref: the resolved struct type
  std::string enum_name;          // +enum type name, "" if none
  // Non-zero when, in protobuf, the list is wrapped in a message whose field `proto_wrapper`
  // repeats the items (meta/v1 Verbs, ExtraValue).
  int proto_wrapper = 0;
  std::shared_ptr<const ValueType> element;  // Array items / Map values
};

struct FieldInfo {
  std::string json_name;
  ValueType value;
  bool pointer = false;  // Go pointer: absent when unset, present (even if zero) when set
  bool omitempty = false;
  bool optional = false;
  bool required = false;

  // Protobuf layout; proto_number == 0 when the field has no protobuf form (TypeMeta fields).
  int proto_number = 0;
  WireType wire = WireType::None;
  bool proto_repeated = false;
  std::string proto_scalar;  // "string", "int32", "int64", "bool", "bytes", ... ("" = message)
  std::vector<int> via;      // enclosing embedded message field numbers (flattened inline structs)

  std::string patch_strategy;  // "", "merge", "retainKeys", "merge,retainKeys"
  std::string patch_merge_key;
  std::string list_type;  // "", "atomic", "set", "map"
  std::vector<std::string> list_map_keys;
  std::string map_type;      // "", "atomic", "granular"
  std::string default_json;  // +default as JSON text, "" when none

  // The schema of this field's value (with this field's list semantics for arrays).
  const SchemaNode* node = nullptr;
};

// How a protobuf message maps onto a type's fields: slot[n] says what field number n holds,
// either a field of the type or an embedded message (an inlined Go struct) with its own layout.
struct ProtoLayout {
  struct Slot {
    const FieldInfo* field = nullptr;
    std::unique_ptr<ProtoLayout> embedded;
  };
  std::vector<Slot> slots;  // indexed by field number; slot 0 unused
  const Slot* find(uint64_t number) const {
    return number < slots.size() ? &slots[number] : nullptr;
  }
};

struct TypeInfo {
  std::string name;     // OpenAPI definition name, e.g. io.k8s.api.apps.v1.Deployment
  std::string go_name;  // package-qualified Go name for messages, e.g. v1.Deployment
  std::string kind;     // "" when the type is not a registered kind
  std::string group;    // "" for core
  std::string version;
  std::string proto;              // protobuf message name, "" when the type has no protobuf form
  bool atomic_struct = false;     // +structType=atomic
  std::string kind_scope;         // meta/v1 only: "everyGroupVersion" or "unversioned"
  std::vector<FieldInfo> fields;  // JSON view in Go declaration order
  ProtoLayout proto_layout;
  const SchemaNode* node = nullptr;  // Object node for this type

  const FieldInfo* field(std::string_view json_name) const;

 private:
  friend class BuiltinSchema;
  std::unordered_map<std::string_view, const FieldInfo*> by_json_;
};

struct SubresourceInfo {
  std::string name;  // "status", "scale", "log", ...
  // Kind of the subresource's body, if recorded ("" for e.g. pods/log).
  std::string group, version, kind;
};

struct ResourceInfo {
  std::string group, version, kind;
  std::string resource;  // plural, e.g. deployments
  std::string singular_name;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<SubresourceInfo> subresources;
  bool removed = false;  // listed in k8s.io/api but no longer served by a 1.32 server
};

class BuiltinSchema {
 public:
  // The process-wide registry, parsed from the generated tables on first use.
  static const BuiltinSchema& instance();

  BuiltinSchema(const BuiltinSchema&) = delete;
  BuiltinSchema& operator=(const BuiltinSchema&) = delete;
  ~BuiltinSchema();

  // By OpenAPI definition name; nullptr when unknown.
  const TypeInfo* findType(std::string_view definition_name) const;
  // By group/version/kind. Also resolves the meta/v1 kinds every group-version accepts under its
  // own apiVersion (DeleteOptions, ListOptions, WatchEvent, ...) and the unversioned ones (Status
  // with apiVersion v1).
  const TypeInfo* findKind(std::string_view group, std::string_view version,
                           std::string_view kind) const;
  // The same, with "group/version" (or "v1" for core) as objects carry it in apiVersion.
  const TypeInfo* findKindForApiVersion(std::string_view api_version, std::string_view kind) const;
  // Object schema node for a type; nullptr when unknown.
  const SchemaNode* node(std::string_view definition_name) const;
  const SchemaNode* nodeForKind(std::string_view group, std::string_view version,
                                std::string_view kind) const;

  const std::vector<ResourceInfo>& resources() const { return resources_; }
  // By group, version and plural resource name; nullptr when unknown.
  const ResourceInfo* findResource(std::string_view group, std::string_view version,
                                   std::string_view resource) const;
  // Sorted values of a +enum type; nullptr when unknown.
  const std::vector<std::string>* enumValues(std::string_view enum_name) const;
  // The specialTypes section: {"quantity": {"openapi": name, "openapiSchema": {...},
  // "oneOf": [...]}, ...}.
  const nlohmann::json& specialTypes() const { return *special_types_; }
  // All types, in definition-name order.
  const std::vector<const TypeInfo*>& types() const { return ordered_types_; }

 private:
  BuiltinSchema();
  void load();

  std::unordered_map<std::string, std::unique_ptr<TypeInfo>> types_;
  std::vector<const TypeInfo*> ordered_types_;
  std::unordered_map<std::string, const TypeInfo*> by_gvk_;      // "group/version/kind"
  std::unordered_map<std::string, const TypeInfo*> meta_kinds_;  // kind -> everyGroupVersion type
  std::vector<ResourceInfo> resources_;
  std::unordered_map<std::string, std::vector<std::string>> enums_;
  std::unique_ptr<nlohmann::json> special_types_;
  std::vector<std::unique_ptr<SchemaNode>> nodes_;  // owns every node handed out
};

// Parses a schema type name ("int32", "ref", "quantity", ...) as used in the data.
FieldType fieldTypeFromName(std::string_view name);

}  // namespace flotilla::apimachinery
