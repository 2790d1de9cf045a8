#include "apimachinery/builtin_schema.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "apimachinery/generated/builtin_schema_data.h"

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

class ScalarNode final : public SchemaNode {
 public:
  ScalarNode(ScalarType type, std::string name) : type_(type), name_(std::move(name)) {}
  NodeKind kind() const override { return NodeKind::Scalar; }
  const SchemaNode* field(std::string_view) const override { return nullptr; }
  const SchemaNode* items() const override { return nullptr; }
  ScalarType scalarType() const override { return type_; }
  std::string_view typeName() const override { return name_; }

 private:
  ScalarType type_;
  std::string name_;
};

class AnyNode final : public SchemaNode {
 public:
  explicit AnyNode(std::string name) : name_(std::move(name)) {}
  NodeKind kind() const override { return NodeKind::Any; }
  const SchemaNode* field(std::string_view) const override { return nullptr; }
  const SchemaNode* items() const override { return nullptr; }
  std::string_view typeName() const override { return name_; }

 private:
  std::string name_;
};

class ObjectNode final : public SchemaNode {
 public:
  explicit ObjectNode(const TypeInfo* type) : type_(type) {}
  NodeKind kind() const override { return NodeKind::Object; }
  const SchemaNode* field(std::string_view name) const override {
    const FieldInfo* f = type_->field(name);
    return f ? f->node : nullptr;
  }
  const SchemaNode* items() const override { return nullptr; }
  bool atomicStruct() const override { return type_->atomic_struct; }
  std::string_view typeName() const override { return type_->go_name; }

 private:
  const TypeInfo* type_;
};

class ArrayNode final : public SchemaNode {
 public:
  ArrayNode(const SchemaNode* items, ListType list_type, std::vector<std::string> keys,
            std::string strategy, std::string merge_key, std::string name)
      : items_(items),
        list_type_(list_type),
        keys_(std::move(keys)),
        strategy_(std::move(strategy)),
        merge_key_(std::move(merge_key)),
        name_(std::move(name)) {}
  NodeKind kind() const override { return NodeKind::Array; }
  const SchemaNode* field(std::string_view) const override { return nullptr; }
  const SchemaNode* items() const override { return items_; }
  ListType listType() const override { return list_type_; }
  const std::vector<std::string>& listMapKeys() const override { return keys_; }
  std::string_view patchStrategy() const override { return strategy_; }
  std::string_view patchMergeKey() const override { return merge_key_; }
  std::string_view typeName() const override { return name_; }

 private:
  const SchemaNode* items_;
  ListType list_type_;
  std::vector<std::string> keys_;
  std::string strategy_;
  std::string merge_key_;
  std::string name_;
};

class MapNode final : public SchemaNode {
 public:
  MapNode(const SchemaNode* items, bool atomic, std::string strategy, std::string name)
      : items_(items), atomic_(atomic), strategy_(std::move(strategy)), name_(std::move(name)) {}
  NodeKind kind() const override { return NodeKind::Map; }
  const SchemaNode* field(std::string_view) const override { return nullptr; }
  const SchemaNode* items() const override { return items_; }
  // +mapType=atomic maps replace wholesale, like atomic structs.
  bool atomicStruct() const override { return atomic_; }
  std::string_view patchStrategy() const override { return strategy_; }
  std::string_view typeName() const override { return name_; }

 private:
  const SchemaNode* items_;
  bool atomic_;
  std::string strategy_;
  std::string name_;
};

std::string goName(std::string_view definition) {
  size_t last = definition.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::string(definition);
  size_t prev = definition.rfind('.', last - 1);
  return std::string(prev == std::string_view::npos ? definition : definition.substr(prev + 1));
}

std::string goTypeName(const ValueType& v) {
  switch (v.type) {
    case FieldType::String:
      return "string";
    case FieldType::Bytes:
      return "[]uint8";
    case FieldType::Int32:
      return "int32";
    case FieldType::Int64:
      return "int64";
    case FieldType::Bool:
      return "bool";
    case FieldType::Double:
      return "float64";
    case FieldType::Ref:
      return v.ref ? v.ref->go_name : "struct";
    case FieldType::Array:
      return "[]" + (v.element ? goTypeName(*v.element) : std::string("any"));
    case FieldType::Map:
      return "map[string]" + (v.element ? goTypeName(*v.element) : std::string("any"));
    case FieldType::Quantity:
      return "resource.Quantity";
    case FieldType::Time:
      return "v1.Time";
    case FieldType::MicroTime:
      return "v1.MicroTime";
    case FieldType::Duration:
      return "v1.Duration";
    case FieldType::IntOrString:
      return "intstr.IntOrString";
    case FieldType::RawExtension:
      return "runtime.RawExtension";
    case FieldType::FieldsV1:
      return "v1.FieldsV1";
    case FieldType::Any:
      return "interface {}";
  }
  return "";
}

WireType wireFromName(std::string_view w) {
  if (w == "v") return WireType::Varint;
  if (w == "b") return WireType::Bytes;
  if (w == "f") return WireType::Fixed64;
  if (w == "x") return WireType::Fixed32;
  return WireType::None;
}

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && !it->is_null() && it->get<int>() != 0;
}

std::vector<std::string> strings(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return {};
  return it->get<std::vector<std::string>>();
}

// Reads a value type (field, items or values) in the compact form; refs are resolved later.
ValueType readValueType(const json& j, std::vector<std::pair<ValueType*, std::string>>* refs) {
  ValueType v;
  v.type = fieldTypeFromName(str(j, "t"));
  v.enum_name = str(j, "e");
  if (auto it = j.find("pw"); it != j.end()) v.proto_wrapper = it->get<int>();
  const json* elem = nullptr;
  if (auto it = j.find("i"); it != j.end()) elem = &*it;
  if (auto it = j.find("vals"); it != j.end()) elem = &*it;
  if (elem) {
    auto e = std::make_shared<ValueType>(readValueType(*elem, refs));
    // The shared element is immutable once resolved; keep a mutable pointer for ref resolution.
    if (e->type == FieldType::Ref) refs->emplace_back(e.get(), str(*elem, "r"));
    v.element = std::move(e);
  }
  return v;
}

}  // namespace

FieldType fieldTypeFromName(std::string_view n) {
  static const std::unordered_map<std::string_view, FieldType> kNames = {
      {"string", FieldType::String},
      {"bytes", FieldType::Bytes},
      {"int32", FieldType::Int32},
      {"int64", FieldType::Int64},
      {"bool", FieldType::Bool},
      {"double", FieldType::Double},
      {"ref", FieldType::Ref},
      {"array", FieldType::Array},
      {"map", FieldType::Map},
      {"quantity", FieldType::Quantity},
      {"time", FieldType::Time},
      {"microtime", FieldType::MicroTime},
      {"duration", FieldType::Duration},
      {"intOrString", FieldType::IntOrString},
      {"rawExtension", FieldType::RawExtension},
      {"fieldsV1", FieldType::FieldsV1},
      {"any", FieldType::Any},
  };
  auto it = kNames.find(n);
  return it == kNames.end() ? FieldType::Any : it->second;
}

const FieldInfo* TypeInfo::field(std::string_view json_name) const {
  auto it = by_json_.find(json_name);
  return it == by_json_.end() ? nullptr : it->second;
}

const BuiltinSchema& BuiltinSchema::instance() {
  static const BuiltinSchema* const kInstance = new BuiltinSchema();  // never destroyed
  return *kInstance;
}

BuiltinSchema::BuiltinSchema() : special_types_(std::make_unique<json>(json::object())) {
  try {
    load();
  } catch (const std::exception& e) {
    // The tables are generated and compiled in; failing to read them is a build defect.
    fprintf(stderr, "flotilla: corrupt built-in schema tables: %s\n", e.what());
    std::abort();
  }
}

BuiltinSchema::~BuiltinSchema() = default;

void BuiltinSchema::load() {
  const json doc = json::parse(generated::builtinSchemaJson());
  std::vector<std::pair<ValueType*, std::string>> refs;

  for (const auto& [name, t] : doc.at("types").items()) {
    auto info = std::make_unique<TypeInfo>();
    info->name = name;
    info->go_name = goName(name);
    info->kind = str(t, "k");
    info->group = str(t, "g");
    info->version = str(t, "v");
    info->proto = str(t, "p");
    info->atomic_struct = str(t, "st") == "atomic";
    info->kind_scope = str(t, "ks");
    const json& fields = t.at("f");
    info->fields.reserve(fields.size());
    for (const json& f : fields) {
      FieldInfo fi;
      fi.json_name = str(f, "j");
      fi.pointer = flag(f, "p");
      fi.omitempty = flag(f, "o");
      fi.optional = flag(f, "opt");
      fi.required = flag(f, "req");
      if (auto it = f.find("n"); it != f.end()) fi.proto_number = it->get<int>();
      fi.wire = wireFromName(str(f, "w"));
      fi.proto_repeated = flag(f, "rp");
      fi.proto_scalar = str(f, "pt");
      if (auto it = f.find("via"); it != f.end()) fi.via = it->get<std::vector<int>>();
      fi.patch_strategy = str(f, "ps");
      fi.patch_merge_key = str(f, "pk");
      fi.list_type = str(f, "lt");
      fi.list_map_keys = strings(f, "lk");
      fi.map_type = str(f, "mt");
      if (auto it = f.find("d"); it != f.end()) fi.default_json = it->dump();
      info->fields.push_back(std::move(fi));
    }
    // Second pass: value types (after the vector stopped moving, so ref fixups stay valid).
    for (size_t i = 0; i < fields.size(); ++i) {
      info->fields[i].value = readValueType(fields[i], &refs);
      if (info->fields[i].value.type == FieldType::Ref) {
        refs.emplace_back(&info->fields[i].value, str(fields[i], "r"));
      }
    }
    for (const FieldInfo& fi : info->fields) info->by_json_.emplace(fi.json_name, &fi);
    types_.emplace(name, std::move(info));
  }

  for (auto& [vt, target] : refs) {
    auto it = types_.find(target);
    if (it == types_.end()) {
      vt->type = FieldType::Any;  // unresolvable: accept anything rather than fail
    } else {
      vt->ref = it->second.get();
    }
  }

  for (auto& [name, info] : types_) {
    ordered_types_.push_back(info.get());
    nodes_.push_back(std::make_unique<ObjectNode>(info.get()));
    info->node = nodes_.back().get();
    if (!info->kind.empty()) {
      by_gvk_.emplace(info->group + "/" + info->version + "/" + info->kind, info.get());
      if (!info->kind_scope.empty()) meta_kinds_.emplace(info->kind, info.get());
    }
  }
  std::sort(ordered_types_.begin(), ordered_types_.end(),
            [](const TypeInfo* a, const TypeInfo* b) { return a->name < b->name; });

  // Scalar and Any nodes are shared by type.
  std::unordered_map<int, const SchemaNode*> leaf_nodes;
  auto leaf = [&](FieldType type) -> const SchemaNode* {
    auto it = leaf_nodes.find(static_cast<int>(type));
    if (it != leaf_nodes.end()) return it->second;
    ValueType v;
    v.type = type;
    std::string name = goTypeName(v);
    std::unique_ptr<SchemaNode> node;
    switch (type) {
      case FieldType::String:
      case FieldType::Bytes:
      case FieldType::Time:
      case FieldType::MicroTime:
      case FieldType::Duration:
        node = std::make_unique<ScalarNode>(ScalarType::String, name);
        break;
      case FieldType::Int32:
      case FieldType::Int64:
        node = std::make_unique<ScalarNode>(ScalarType::Integer, name);
        break;
      case FieldType::Bool:
        node = std::make_unique<ScalarNode>(ScalarType::Boolean, name);
        break;
      case FieldType::Double:
        node = std::make_unique<ScalarNode>(ScalarType::Number, name);
        break;
      case FieldType::Quantity:
        node = std::make_unique<ScalarNode>(ScalarType::Quantity, name);
        break;
      case FieldType::IntOrString:
        node = std::make_unique<ScalarNode>(ScalarType::IntOrString, name);
        break;
      default:
        node = std::make_unique<AnyNode>(name);
        break;
    }
    nodes_.push_back(std::move(node));
    leaf_nodes.emplace(static_cast<int>(type), nodes_.back().get());
    return nodes_.back().get();
  };

  // Builds the node for a value; `owner` supplies list/map semantics for the outermost level.
  std::function<const SchemaNode*(const ValueType&, const FieldInfo*)> build =
      [&](const ValueType& v, const FieldInfo* owner) -> const SchemaNode* {
    if (v.type == FieldType::Ref) return v.ref ? v.ref->node : leaf(FieldType::Any);
    if (v.type == FieldType::Array || v.type == FieldType::Map) {
      const SchemaNode* items = v.element ? build(*v.element, nullptr) : leaf(FieldType::Any);
      std::string strategy = owner ? owner->patch_strategy : "";
      if (v.type == FieldType::Map) {
        bool atomic = owner && owner->map_type == "atomic";
        nodes_.push_back(std::make_unique<MapNode>(items, atomic, strategy, goTypeName(v)));
        return nodes_.back().get();
      }
      // Explicit +listType wins; otherwise derive it from the patch strategy the way the
      // structured-merge-diff schema conversion does: merge+key is a map list, merge alone a set.
      ListType lt = ListType::Atomic;
      std::vector<std::string> keys;
      std::string merge_key = owner ? owner->patch_merge_key : "";
      std::string list_type = owner ? owner->list_type : "";
      if (list_type == "map") {
        lt = ListType::Map;
        keys = owner->list_map_keys;
        if (keys.empty() && !merge_key.empty()) keys.push_back(merge_key);
      } else if (list_type == "set") {
        lt = ListType::Set;
      } else if (list_type.empty() && strategy.find("merge") != std::string::npos) {
        if (!merge_key.empty()) {
          lt = ListType::Map;
          keys.push_back(merge_key);
        } else {
          lt = ListType::Set;
        }
      }
      nodes_.push_back(std::make_unique<ArrayNode>(items, lt, std::move(keys), strategy, merge_key,
                                                   goTypeName(v)));
      return nodes_.back().get();
    }
    return leaf(v.type);
  };

  for (auto& [name, info] : types_) {
    for (FieldInfo& fi : info->fields) fi.node = build(fi.value, &fi);
  }

  // Protobuf layouts: each field lands in the slot of its number, under its `via` path.
  for (auto& [name, info] : types_) {
    for (const FieldInfo& fi : info->fields) {
      if (fi.proto_number <= 0) continue;
      ProtoLayout* layout = &info->proto_layout;
      for (int hop : fi.via) {
        if (layout->slots.size() <= static_cast<size_t>(hop)) layout->slots.resize(hop + 1);
        auto& slot = layout->slots[hop];
        if (!slot.embedded) slot.embedded = std::make_unique<ProtoLayout>();
        layout = slot.embedded.get();
      }
      if (layout->slots.size() <= static_cast<size_t>(fi.proto_number)) {
        layout->slots.resize(fi.proto_number + 1);
      }
      layout->slots[fi.proto_number].field = &fi;
    }
  }

  for (const json& r : doc.at("resources")) {
    ResourceInfo ri;
    ri.group = str(r, "group");
    ri.version = str(r, "version");
    ri.kind = str(r, "kind");
    ri.resource = str(r, "resource");
    ri.singular_name = str(r, "singularName");
    ri.namespaced = r.value("namespaced", true);
    ri.verbs = strings(r, "verbs");
    ri.short_names = strings(r, "shortNames");
    ri.categories = strings(r, "categories");
    ri.removed = r.value("removed", false);
    const json& kinds = r.contains("subresourceKinds") ? r.at("subresourceKinds") : json::object();
    for (const std::string& sub : strings(r, "subresources")) {
      SubresourceInfo si;
      si.name = sub;
      if (auto it = kinds.find(sub); it != kinds.end() && it->is_object()) {
        si.group = str(*it, "group");
        si.version = str(*it, "version");
        si.kind = str(*it, "kind");
      }
      ri.subresources.push_back(std::move(si));
    }
    resources_.push_back(std::move(ri));
  }

  for (const auto& [name, values] : doc.at("enums").items()) {
    enums_.emplace(name, values.get<std::vector<std::string>>());
  }
  *special_types_ = doc.at("specialTypes");
}

const TypeInfo* BuiltinSchema::findType(std::string_view definition_name) const {
  auto it = types_.find(std::string(definition_name));
  return it == types_.end() ? nullptr : it->second.get();
}

const TypeInfo* BuiltinSchema::findKind(std::string_view group, std::string_view version,
                                        std::string_view kind) const {
  std::string key;
  key.reserve(group.size() + version.size() + kind.size() + 2);
  key.append(group).append("/").append(version).append("/").append(kind);
  if (auto it = by_gvk_.find(key); it != by_gvk_.end()) return it->second;
  auto meta = meta_kinds_.find(std::string(kind));
  if (meta == meta_kinds_.end()) return nullptr;
  const TypeInfo* t = meta->second;
  if (t->kind_scope == "everyGroupVersion") return t;
  // Unversioned kinds (Status, APIGroup, ...) are written with apiVersion v1.
  if (t->kind_scope == "unversioned" && group.empty() && version == "v1") return t;
  return nullptr;
}

const TypeInfo* BuiltinSchema::findKindForApiVersion(std::string_view api_version,
                                                     std::string_view kind) const {
  const size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return findKind("", api_version, kind);
  return findKind(api_version.substr(0, slash), api_version.substr(slash + 1), kind);
}

const SchemaNode* BuiltinSchema::node(std::string_view definition_name) const {
  const TypeInfo* t = findType(definition_name);
  return t ? t->node : nullptr;
}

const SchemaNode* BuiltinSchema::nodeForKind(std::string_view group, std::string_view version,
                                             std::string_view kind) const {
  const TypeInfo* t = findKind(group, version, kind);
  return t ? t->node : nullptr;
}

const ResourceInfo* BuiltinSchema::findResource(std::string_view group, std::string_view version,
                                                std::string_view resource) const {
  for (const ResourceInfo& r : resources_) {
    if (r.group == group && r.version == version && r.resource == resource) return &r;
  }
  return nullptr;
}

const std::vector<std::string>* BuiltinSchema::enumValues(std::string_view enum_name) const {
  auto it = enums_.find(std::string(enum_name));
  return it == enums_.end() ? nullptr : &it->second;
}

}  // namespace flotilla::apimachinery
