#include "apimachinery/unknown_fields.h"

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "apimachinery/go_format.h"
#include "apimachinery/quantity.h"

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Walks obj along the schema; `visit` is called for each unknown key of an object and returns true
// when the key should be erased.
template <typename Json, typename Visit>
void walk(Json& value, const SchemaNode& node, const std::string& path, int depth, Visit&& visit) {
  if (depth > 512) return;  // far deeper than any schema; stops hostile nesting
  switch (node.kind()) {
    case NodeKind::Object: {
      if (!value.is_object()) return;
      const bool keep_unknown = node.preservesUnknownFields();
      for (auto it = value.begin(); it != value.end();) {
        const SchemaNode* child = node.field(it.key());
        std::string child_path = join(path, it.key());
        if (!child) {
          if (!keep_unknown && visit(child_path)) {
            if constexpr (!std::is_const_v<Json>) {
              it = value.erase(it);
              continue;
            }
          }
        } else {
          walk(*it, *child, child_path, depth + 1, visit);
        }
        ++it;
      }
      return;
    }
    case NodeKind::Map: {
      const SchemaNode* items = node.items();
      if (!value.is_object() || !items) return;
      for (auto it = value.begin(); it != value.end(); ++it) {
        walk(*it, *items, join(path, it.key()), depth + 1, visit);
      }
      return;
    }
    case NodeKind::Array: {
      const SchemaNode* items = node.items();
      if (!value.is_array() || !items) return;
      for (size_t i = 0; i < value.size(); ++i) {
        walk(value[i], *items, indexed(path, i), depth + 1, visit);
      }
      return;
    }
    default:
      return;
  }
}

const char* goJsonType(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "number";
    default:
      return "null";
  }
}

class TypeChecker {
 public:
  std::vector<core::Cause> causes;

  void check(const json& v, const SchemaNode& node, const std::string& path,
             std::string_view parent, int depth) {
    if (v.is_null() || depth > 512) return;
    switch (node.kind()) {
      case NodeKind::Object:
        if (!v.is_object()) return fail(goJsonType(v), node, path, parent);
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (const SchemaNode* child = node.field(it.key())) {
            go_fields_.push_back(it.key());  // Go's error path names struct fields only
            check(*it, *child, join(path, it.key()), structName(node), depth + 1);
            go_fields_.pop_back();
          }
        }
        return;
      case NodeKind::Map:
        if (!v.is_object()) return fail(goJsonType(v), node, path, parent);
        if (const SchemaNode* items = node.items()) {
          for (auto it = v.begin(); it != v.end(); ++it) {
            check(*it, *items, join(path, it.key()), parent, depth + 1);
          }
        }
        return;
      case NodeKind::Array:
        if (!v.is_array()) return fail(goJsonType(v), node, path, parent);
        if (const SchemaNode* items = node.items()) {
          for (size_t i = 0; i < v.size(); ++i) {
            check(v[i], *items, indexed(path, i), parent, depth + 1);
          }
        }
        return;
      case NodeKind::Scalar:
        return scalar(v, node, path, parent);
      case NodeKind::Any:
        return;
    }
  }

 private:
  // Go names the innermost struct without its package: "DeploymentSpec".
  static std::string_view structName(const SchemaNode& node) {
    std::string_view name = node.typeName();
    size_t dot = name.rfind('.');
    return dot == std::string_view::npos ? name : name.substr(dot + 1);
  }

  void fail(const std::string& what, const SchemaNode& node, const std::string& path,
            std::string_view parent) {
    std::string type(node.typeName());
    if (type.empty()) type = expectedJsonType(node);
    std::string go_path;
    for (const std::string& f : go_fields_) go_path += (go_path.empty() ? "" : ".") + f;
    std::string msg = "json: cannot unmarshal " + what + " into Go ";
    if (go_path.empty()) {
      msg += "value of type " + type;
    } else if (!parent.empty()) {
      msg += "struct field " + std::string(parent) + "." + go_path + " of type " + type;
    } else {
      msg += "struct field " + go_path + " of type " + type;
    }
    causes.push_back({"FieldValueInvalid", msg, path});
  }

  // Struct field names from the root to the value being checked (no list indexes or map keys,
  // as in Go's UnmarshalTypeError.Field); the cause's field keeps the full path.
  std::vector<std::string> go_fields_;

  static std::string expectedJsonType(const SchemaNode& node) {
    switch (node.kind()) {
      case NodeKind::Object:
      case NodeKind::Map:
        return "object";
      case NodeKind::Array:
        return "array";
      default:
        break;
    }
    switch (node.scalarType()) {
      case ScalarType::String:
        return "string";
      case ScalarType::Integer:
        return "integer";
      case ScalarType::Number:
        return "number";
      case ScalarType::Boolean:
        return "boolean";
      case ScalarType::IntOrString:
        return "int-or-string";
      case ScalarType::Quantity:
        return "quantity";
      default:
        return "scalar";
    }
  }

  // Strings that Go parses further when decoding: times, durations and base64 bytes.
  void format(const std::string& text, std::string_view type, const std::string& path) {
    core::Status st;
    if (type == "v1.Time" || type == "v1.MicroTime") {
      st = parseGoTime(text).status();
    } else if (type == "v1.Duration") {
      st = parseGoDuration(text).status();
    } else if (type == "[]uint8") {
      st = base64Decode(text).status();
    }
    if (!st.isOk()) causes.push_back({"FieldValueInvalid", st.message(), path});
  }

  void scalar(const json& v, const SchemaNode& node, const std::string& path,
              std::string_view parent) {
    const std::string_view type = node.typeName();
    switch (node.scalarType()) {
      case ScalarType::String:
        if (!v.is_string()) return fail(goJsonType(v), node, path, parent);
        return format(v.get_ref<const std::string&>(), type, path);
      case ScalarType::Boolean:
        if (!v.is_boolean()) fail(goJsonType(v), node, path, parent);
        return;
      case ScalarType::Number:
        if (!v.is_number()) fail(goJsonType(v), node, path, parent);
        return;
      case ScalarType::Integer:
      case ScalarType::IntOrString:
        if (v.is_string() && node.scalarType() == ScalarType::IntOrString) return;
        if (!v.is_number()) return fail(goJsonType(v), node, path, parent);
        if (v.is_number_float()) return fail("number " + v.dump(), node, path, parent);
        if (type == "int32" || node.scalarType() == ScalarType::IntOrString) {
          const bool fits = v.is_number_unsigned()
                                ? v.get<uint64_t>() <= static_cast<uint64_t>(INT32_MAX)
                                : v.get<int64_t>() >= INT32_MIN && v.get<int64_t>() <= INT32_MAX;
          if (!fits) fail("number " + v.dump(), node, path, parent);
        } else if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
          fail("number " + v.dump(), node, path, parent);
        }
        return;
      case ScalarType::Quantity:
        if (!v.is_string() && !v.is_number()) return fail(goJsonType(v), node, path, parent);
        if (v.is_string()) {
          auto parsed = Quantity::parse(v.get_ref<const std::string&>());
          if (!parsed) causes.push_back({"FieldValueInvalid", parsed.status().message(), path});
        }
        return;
      case ScalarType::Unknown:
        if (v.is_object() || v.is_array()) fail(goJsonType(v), node, path, parent);
        return;
    }
  }
};

}  // namespace

std::vector<std::string> findUnknownFields(const json& obj, const SchemaNode& root) {
  std::vector<std::string> out;
  walk(obj, root, "", 0, [&out](const std::string& path) {
    out.push_back(path);
    return false;
  });
  return out;
}

void pruneUnknownFields(json& obj, const SchemaNode& root) {
  walk(obj, root, "", 0, [](const std::string&) { return true; });
}

namespace {
void canonicalize(json& v, const SchemaNode& node, int depth) {
  if (depth > 512) return;
  switch (node.kind()) {
    case NodeKind::Object:
      if (!v.is_object()) return;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (const SchemaNode* child = node.field(it.key())) canonicalize(*it, *child, depth + 1);
      }
      return;
    case NodeKind::Map:
    case NodeKind::Array:
      if ((!v.is_object() && !v.is_array()) || !node.items()) return;
      for (json& item : v) canonicalize(item, *node.items(), depth + 1);
      return;
    case NodeKind::Scalar: {
      if (node.scalarType() != ScalarType::Quantity) return;
      if (!v.is_string() && !v.is_number()) return;
      auto quantity = Quantity::fromJson(v);
      if (quantity.isOk()) v = quantity->toString();
      return;
    }
    case NodeKind::Any:
      return;
  }
}
}  // namespace

void canonicalizeQuantities(json& obj, const SchemaNode& root) { canonicalize(obj, root, 0); }

std::string unknownFieldMessage(const std::string& path) {
  return "unknown field \"" + path + "\"";
}

std::vector<core::Cause> validateTypes(const json& obj, const SchemaNode& root) {
  TypeChecker checker;
  checker.check(obj, root, "", "", 0);
  return std::move(checker.causes);
}

}  // namespace flotilla::apimachinery
