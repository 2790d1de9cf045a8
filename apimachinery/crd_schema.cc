#include "apimachinery/crd_schema.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "apimachinery/json_path.h"
#include "apimachinery/object_validation.h"

namespace flotilla::apimachinery {

using Json = nlohmann::json;

namespace {

std::string strOf(const Json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

bool boolOf(const Json& obj, const char* key) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

const Json* member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string joinPath(const std::string& base, const std::string& field) {
  return base.empty() ? field : base + "." + field;
}

// go-openapi names the JSON type of a value in "must be of type" errors.
std::string jsonTypeName(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  return "object";
}

bool isIntegral(const Json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

constexpr std::size_t kMaxPatternLength = 1024;
constexpr std::size_t kMaxPatternInput = 1024;

// Go's %q of a string (close enough: JSON escaping).
std::string quote(const std::string& s) { return jsonText(Json(s)); }

}  // namespace

class CrdSchemaNode final : public SchemaNode {
 public:
  CrdSchemaNode(const Json& s, int depth) : schema_(s.is_object() ? s : Json::object()) {
    type_ = strOf(schema_, "type");
    default_ = member(schema_, "default");
    preserve_ = boolOf(schema_, "x-kubernetes-preserve-unknown-fields");
    int_or_string_ = boolOf(schema_, "x-kubernetes-int-or-string");
    embedded_ = boolOf(schema_, "x-kubernetes-embedded-resource");
    nullable_ = boolOf(schema_, "nullable");
    atomic_ = strOf(schema_, "x-kubernetes-map-type") == "atomic";
    const std::string lt = strOf(schema_, "x-kubernetes-list-type");
    list_type_ = lt == "map" ? ListType::Map : lt == "set" ? ListType::Set : ListType::Atomic;
    if (const Json* k = member(schema_, "x-kubernetes-list-map-keys"); k && k->is_array()) {
      for (const auto& key : *k) {
        if (key.is_string()) keys_.push_back(key.get<std::string>());
      }
    }
    if (const Json* p = member(schema_, "pattern");
        p && p->is_string() && p->get_ref<const std::string&>().size() <= kMaxPatternLength) {
      try {
        pattern_ =
            std::make_shared<const std::regex>(p->get<std::string>(), std::regex::ECMAScript);
      } catch (const std::exception&) {
        // An unsupported pattern accepts everything rather than failing every write.
      }
    }
    if (depth >= kMaxSchemaDepth) return;
    if (const Json* p = member(schema_, "properties"); p && p->is_object()) {
      for (const auto& [k, v] : p->items()) {
        props_.emplace(k, std::make_unique<CrdSchemaNode>(v, depth + 1));
      }
    }
    if (const Json* a = member(schema_, "additionalProperties"); a && a->is_object()) {
      items_ = std::make_unique<CrdSchemaNode>(*a, depth + 1);
    } else if (a && a->is_boolean() && a->get<bool>()) {
      any_values_ = true;
    }
    if (const Json* i = member(schema_, "items"); i && i->is_object()) {
      items_ = std::make_unique<CrdSchemaNode>(*i, depth + 1);
    }
    // A parent applies its properties' defaults; items and additionalProperties only pass on
    // the defaults inside them.
    for (const auto& [k, node] : props_) {
      defaults_below_ = defaults_below_ || node->default_ != nullptr || node->defaults_below_;
    }
    defaults_below_ = defaults_below_ || (items_ && items_->defaults_below_);
  }

  NodeKind kind() const override {
    if (int_or_string_) return NodeKind::Scalar;
    if (type_ == "object") {
      if (!props_.empty() || embedded_) return NodeKind::Object;
      if (items_) return NodeKind::Map;
      return preserve_ || any_values_ ? NodeKind::Any : NodeKind::Object;
    }
    if (type_ == "array") return NodeKind::Array;
    if (type_.empty()) return preserve_ ? NodeKind::Any : NodeKind::Scalar;
    return NodeKind::Scalar;
  }
  const SchemaNode* field(std::string_view name) const override {
    auto it = props_.find(std::string(name));
    return it == props_.end() ? nullptr : it->second.get();
  }
  const SchemaNode* items() const override { return items_.get(); }
  bool preservesUnknownFields() const override { return preserve_ || kind() == NodeKind::Any; }
  ListType listType() const override { return list_type_; }
  const std::vector<std::string>& listMapKeys() const override { return keys_; }
  bool atomicStruct() const override { return atomic_; }
  ScalarType scalarType() const override {
    if (int_or_string_) return ScalarType::IntOrString;
    if (type_ == "string") return ScalarType::String;
    if (type_ == "integer") return ScalarType::Integer;
    if (type_ == "number") return ScalarType::Number;
    if (type_ == "boolean") return ScalarType::Boolean;
    return ScalarType::Unknown;
  }

  void prune(Json& v, const std::string& path, std::vector<std::string>* pruned, int depth) const {
    if (depth > kMaxSchemaDepth) return;
    if (v.is_object() && type_ == "object") {
      if (!props_.empty() || embedded_ || (!items_ && !preserve_ && !any_values_)) {
        for (auto it = v.begin(); it != v.end();) {
          const std::string key = it.key();
          auto p = props_.find(key);
          if (p != props_.end()) {
            p->second->prune(it.value(), joinPath(path, key), pruned, depth + 1);
            ++it;
          } else if (preserve_ ||
                     (embedded_ && (key == "apiVersion" || key == "kind" || key == "metadata"))) {
            ++it;
          } else {
            pruned->push_back(joinPath(path, key));
            it = v.erase(it);
          }
        }
      } else if (items_) {
        for (auto it = v.begin(); it != v.end(); ++it) {
          items_->prune(it.value(), joinPath(path, it.key()), pruned, depth + 1);
        }
      }
    } else if (v.is_array() && items_) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        items_->prune(v[i], path + "[" + std::to_string(i) + "]", pruned, depth + 1);
      }
    }
  }

  void defaults(Json& v, int depth) const {
    // Most schemas (a Work's) declare no default at all: nothing to walk.
    if (depth > kMaxSchemaDepth || !defaults_below_) return;
    if (v.is_object()) {
      for (const auto& [k, node] : props_) {
        const Json* def = node->default_;
        if (def == nullptr && !node->defaults_below_) continue;
        auto it = v.find(k);
        if (def != nullptr && (it == v.end() || (it->is_null() && !node->nullable_))) {
          v[k] = *def;
        }
        if (auto cur = v.find(k); cur != v.end()) node->defaults(*cur, depth + 1);
      }
      if (items_ && props_.empty()) {
        for (auto it = v.begin(); it != v.end(); ++it) items_->defaults(it.value(), depth + 1);
      }
    } else if (v.is_array() && items_) {
      for (auto& e : v) items_->defaults(e, depth + 1);
    }
  }

  void validate(const Json& v, const std::string& path, std::vector<core::Cause>* out,
                int depth) const {
    if (depth > kMaxSchemaDepth) return;
    auto invalid = [&](const std::string& detail) {
      out->push_back(
          {"FieldValueInvalid", invalidValueMessage(v, path + " in body " + detail), path});
    };
    auto typeError = [&](const std::string& expected) {
      const std::string actual = jsonTypeName(v);
      out->push_back({"FieldValueTypeInvalid",
                      "Invalid value: " + quote(actual) + ": " + path +
                          " in body must be of type " + expected + ": " + quote(actual),
                      path});
    };
    if (v.is_null()) {
      if (!nullable_ && !preserve_ && !type_.empty()) typeError(type_);
      return;
    }
    if (int_or_string_) {
      if (!v.is_string() && !isIntegral(v)) typeError("integer,string");
      validateEnum(v, path, out);
      return;
    }
    bool type_ok = true;
    if (type_ == "object")
      type_ok = v.is_object();
    else if (type_ == "array")
      type_ok = v.is_array();
    else if (type_ == "string")
      type_ok = v.is_string();
    else if (type_ == "integer")
      type_ok = isIntegral(v);
    else if (type_ == "number")
      type_ok = v.is_number();
    else if (type_ == "boolean")
      type_ok = v.is_boolean();
    if (!type_ok) {
      typeError(type_);
      return;
    }
    validateEnum(v, path, out);
    if (v.is_number()) validateNumber(v, path, invalid);
    if (v.is_string()) validateString(v, path, out, invalid);
    if (v.is_array()) {
      if (const Json* m = member(schema_, "minItems");
          m && m->is_number_unsigned() && v.size() < m->get<std::size_t>()) {
        invalid("should have at least " + m->dump() + " items");
      }
      if (const Json* m = member(schema_, "maxItems");
          m && m->is_number_unsigned() && v.size() > m->get<std::size_t>()) {
        out->push_back({"FieldValueTooMany",
                        "Too many: " + std::to_string(v.size()) + ": must have at most " +
                            m->dump() + " items",
                        path});
      }
      if (boolOf(schema_, "uniqueItems") || list_type_ == ListType::Set) {
        for (std::size_t i = 1; i < v.size(); ++i) {
          if (std::find(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v[i]) !=
              v.begin() + static_cast<std::ptrdiff_t>(i)) {
            out->push_back({"FieldValueDuplicate", "Duplicate value: " + jsonText(v[i]),
                            path + "[" + std::to_string(i) + "]"});
          }
        }
      }
      if (items_) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          items_->validate(v[i], path + "[" + std::to_string(i) + "]", out, depth + 1);
        }
      }
    }
    if (v.is_object()) validateObject(v, path, out, invalid, depth);
  }

  const Json& schema() const { return schema_; }

 private:
  void validateEnum(const Json& v, const std::string& path, std::vector<core::Cause>* out) const {
    const Json* e = member(schema_, "enum");
    if (e == nullptr || !e->is_array() || std::find(e->begin(), e->end(), v) != e->end()) return;
    std::string allowed;
    for (const auto& a : *e) {
      allowed +=
          (allowed.empty() ? "" : ", ") + quote(a.is_string() ? a.get<std::string>() : jsonText(a));
    }
    const std::string shown = v.is_string() ? quote(v.get<std::string>()) : jsonText(v);
    out->push_back({"FieldValueNotSupported",
                    "Unsupported value: " + shown + ": supported values: " + allowed, path});
  }

  template <typename Invalid>
  void validateNumber(const Json& v, const std::string& path, Invalid& invalid) const {
    (void)path;
    const double d = v.get<double>();
    if (const Json* m = member(schema_, "minimum"); m && m->is_number()) {
      const bool excl = boolOf(schema_, "exclusiveMinimum");
      if (excl ? d <= m->get<double>() : d < m->get<double>()) {
        invalid(std::string("should be greater than ") + (excl ? "" : "or equal to ") + m->dump());
      }
    }
    if (const Json* m = member(schema_, "maximum"); m && m->is_number()) {
      const bool excl = boolOf(schema_, "exclusiveMaximum");
      if (excl ? d >= m->get<double>() : d > m->get<double>()) {
        invalid(std::string("should be less than ") + (excl ? "" : "or equal to ") + m->dump());
      }
    }
    if (const Json* m = member(schema_, "multipleOf");
        m && m->is_number() && m->get<double>() > 0) {
      const double q = d / m->get<double>();
      if (std::floor(q) != q) invalid("should be a multiple of " + m->dump());
    }
    const std::string format = strOf(schema_, "format");
    if (format == "int32" && (d < -2147483648.0 || d > 2147483647.0)) {
      invalid(
          "should be less than or equal to 2147483647 and greater than or equal to -2147483648");
    }
  }

  template <typename Invalid>
  void validateString(const Json& v, const std::string& path, std::vector<core::Cause>* out,
                      Invalid& invalid) const {
    const std::string& s = v.get_ref<const std::string&>();
    // Lengths count characters (runes), not bytes.
    const std::size_t runes = static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    if (const Json* m = member(schema_, "minLength");
        m && m->is_number_unsigned() && runes < m->get<std::size_t>()) {
      invalid("should be at least " + m->dump() + " chars long");
    }
    if (const Json* m = member(schema_, "maxLength");
        m && m->is_number_unsigned() && runes > m->get<std::size_t>()) {
      out->push_back(
          {"FieldValueTooLong", "Too long: may not be more than " + m->dump() + " bytes", path});
    }
    // std::regex backtracks recursively; very long inputs could exhaust the stack, so they are
    // not matched (Kubernetes' own linear-time regexps have no such limit).
    if (pattern_ && s.size() <= kMaxPatternInput) {
      try {
        if (!std::regex_search(s, *pattern_)) {
          invalid("should match '" + strOf(schema_, "pattern") + "'");
        }
      } catch (const std::exception&) {
      }
    }
  }

  template <typename Invalid>
  void validateObject(const Json& v, const std::string& path, std::vector<core::Cause>* out,
                      Invalid& invalid, int depth) const {
    if (const Json* req = member(schema_, "required"); req && req->is_array()) {
      for (const auto& r : *req) {
        if (r.is_string() && !v.contains(r.get<std::string>())) {
          out->push_back(
              {"FieldValueRequired", "Required value", joinPath(path, r.get<std::string>())});
        }
      }
    }
    if (const Json* m = member(schema_, "minProperties");
        m && m->is_number_unsigned() && v.size() < m->get<std::size_t>()) {
      invalid("should have at least " + m->dump() + " properties");
    }
    if (const Json* m = member(schema_, "maxProperties");
        m && m->is_number_unsigned() && v.size() > m->get<std::size_t>()) {
      out->push_back(
          {"FieldValueTooMany",
           "Too many: " + std::to_string(v.size()) + ": must have at most " + m->dump() + " items",
           path});
    }
    for (const auto& [k, val] : v.items()) {
      auto p = props_.find(k);
      if (p != props_.end()) {
        p->second->validate(val, joinPath(path, k), out, depth + 1);
      } else if (items_ && props_.empty()) {
        items_->validate(val, joinPath(path, k), out, depth + 1);
      }
    }
  }

  Json schema_;
  std::string type_;
  const Json* default_ = nullptr;  // into schema_
  bool defaults_below_ = false;    // a property somewhere below has a default
  bool preserve_ = false;
  bool int_or_string_ = false;
  bool embedded_ = false;
  bool nullable_ = false;
  bool atomic_ = false;
  bool any_values_ = false;
  std::map<std::string, std::unique_ptr<CrdSchemaNode>> props_;
  std::unique_ptr<CrdSchemaNode> items_;
  ListType list_type_ = ListType::Atomic;
  std::vector<std::string> keys_;
  std::shared_ptr<const std::regex> pattern_;
};

CrdSchema::CrdSchema(const Json& schema) {
  const Json s = schema.is_object()
                     ? schema
                     : Json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  root_ = std::make_unique<CrdSchemaNode>(s, 0);
}

CrdSchema::~CrdSchema() = default;

const SchemaNode& CrdSchema::root() const { return *root_; }

namespace {
bool isTopLevelMeta(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}
}  // namespace

std::vector<std::string> CrdSchema::prune(Json& obj) const {
  std::vector<std::string> pruned;
  if (!obj.is_object()) return pruned;
  for (auto it = obj.begin(); it != obj.end();) {
    const std::string key = it.key();
    if (isTopLevelMeta(key)) {
      ++it;
      continue;
    }
    const SchemaNode* f = root_->field(key);
    if (f == nullptr) {
      if (root_->preservesUnknownFields()) {
        ++it;
        continue;
      }
      pruned.push_back(key);
      it = obj.erase(it);
      continue;
    }
    static_cast<const CrdSchemaNode*>(f)->prune(it.value(), key, &pruned, 1);
    ++it;
  }
  return pruned;
}

void CrdSchema::applyDefaults(Json& obj) const {
  if (!obj.is_object()) return;
  // metadata is not defaulted from the schema (kube restricts it to name/generateName).
  Json meta;
  const bool had_meta = obj.contains("metadata");
  if (had_meta) meta = std::move(obj["metadata"]);
  obj.erase("metadata");
  root_->defaults(obj, 0);
  if (had_meta) obj["metadata"] = std::move(meta);
}

std::vector<core::Cause> CrdSchema::validate(const Json& obj) const {
  std::vector<core::Cause> out;
  if (!obj.is_object()) return out;
  for (const auto& [k, v] : obj.items()) {
    if (isTopLevelMeta(k)) continue;
    const SchemaNode* f = root_->field(k);
    if (f != nullptr) static_cast<const CrdSchemaNode*>(f)->validate(v, k, &out, 1);
  }
  if (const Json* req = member(root_->schema(), "required"); req && req->is_array()) {
    for (const auto& r : *req) {
      if (r.is_string() && !isTopLevelMeta(r.get<std::string>()) &&
          !obj.contains(r.get<std::string>())) {
        out.push_back({"FieldValueRequired", "Required value", r.get<std::string>()});
      }
    }
  }
  return out;
}

namespace {

enum class Level { Root, Field, Item };

void checkNode(const Json& s, const std::string& p, Level level, int depth,
               std::vector<core::Cause>* out) {
  if (depth > kMaxSchemaDepth || !s.is_object()) return;
  const std::string type = strOf(s, "type");
  const bool int_or_string = boolOf(s, "x-kubernetes-int-or-string");
  const bool embedded = boolOf(s, "x-kubernetes-embedded-resource");
  const Json* preserve = member(s, "x-kubernetes-preserve-unknown-fields");
  if (preserve != nullptr && !(preserve->is_boolean() && preserve->get<bool>())) {
    out->push_back({"FieldValueInvalid",
                    invalidValueMessage(*preserve, "must be true or undefined"),
                    p + ".x-kubernetes-preserve-unknown-fields"});
  }
  if (const Json* t = member(s, "type"); t != nullptr && !t->is_string()) {
    out->push_back({"FieldValueInvalid", invalidValueMessage(*t, "must be a string"), p + ".type"});
  }
  if (embedded && type != "object") {
    if (type.empty()) {
      out->push_back({"FieldValueRequired",
                      "Required value: must be object if x-kubernetes-embedded-resource is true",
                      p + ".type"});
    } else {
      out->push_back(
          {"FieldValueInvalid",
           invalidValueMessage(type, "must be object if x-kubernetes-embedded-resource is true"),
           p + ".type"});
    }
  }
  if (int_or_string && !type.empty()) {
    out->push_back(
        {"FieldValueInvalid",
         invalidValueMessage(type, "must be empty if x-kubernetes-int-or-string is true"),
         p + ".type"});
  }
  const bool preserves = preserve != nullptr && preserve->is_boolean() && preserve->get<bool>();
  if (type.empty() && !embedded && !int_or_string && !preserves) {
    const char* where = level == Level::Root   ? "must not be empty at the root"
                        : level == Level::Item ? "must not be empty for specified array items"
                                               : "must not be empty for specified object fields";
    out->push_back({"FieldValueRequired", std::string("Required value: ") + where, p + ".type"});
  }
  if (level == Level::Root && !type.empty() && type != "object") {
    out->push_back({"FieldValueInvalid", invalidValueMessage(type, "must be object at the root"),
                    p + ".type"});
  }
  if (const Json* props = member(s, "properties"); props && props->is_object()) {
    for (const auto& [k, v] : props->items()) {
      checkNode(v, p + ".properties[" + k + "]", Level::Field, depth + 1, out);
    }
  }
  const Json* items = member(s, "items");
  if (items != nullptr && items->is_object()) {
    checkNode(*items, p + ".items", Level::Item, depth + 1, out);
  } else if (items != nullptr) {
    out->push_back({"FieldValueForbidden",
                    "Forbidden: items must be a schema object in a structural schema",
                    p + ".items"});
  } else if (type == "array") {
    out->push_back({"FieldValueRequired", "Required value: must be specified", p + ".items"});
  }
  if (const Json* ap = member(s, "additionalProperties"); ap && ap->is_object()) {
    if (member(s, "properties") != nullptr) {
      out->push_back({"FieldValueForbidden",
                      "Forbidden: additionalProperties and properties are mutual exclusive",
                      p + ".additionalProperties"});
    }
    checkNode(*ap, p + ".additionalProperties", Level::Field, depth + 1, out);
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::vector<core::Cause> checkStructural(const Json& schema, const std::string& path) {
  std::vector<core::Cause> out;
  if (!schema.is_object()) {
    out.push_back({"FieldValueRequired", "Required value: must be an object", path});
    return out;
  }
  checkNode(schema, path, Level::Root, 0, &out);
  return out;
}

std::vector<core::Cause> validateCustomResourceDefinition(Json& crd) {
  std::vector<core::Cause> out;
  auto required = [&](const std::string& field) {
    out.push_back({"FieldValueRequired", "Required value", field});
  };
  if (!crd.is_object()) {
    required("spec");
    return out;
  }
  if (!crd.contains("spec") || !crd["spec"].is_object()) {
    required("spec");
    return out;
  }
  Json& spec = crd["spec"];
  const std::string group = strOf(spec, "group");
  if (group.empty()) {
    required("spec.group");
  } else {
    for (const auto& m : dns1123SubdomainErrors(group)) {
      out.push_back({"FieldValueInvalid", invalidValueMessage(group, m), "spec.group"});
    }
    if (group.find('.') == std::string::npos) {
      out.push_back({"FieldValueInvalid",
                     invalidValueMessage(group, "should be a domain with at least one dot"),
                     "spec.group"});
    }
  }
  if (!spec.contains("names") || !spec["names"].is_object()) spec["names"] = Json::object();
  Json& names = spec["names"];
  const std::string plural = strOf(names, "plural");
  const std::string kind = strOf(names, "kind");
  if (!kind.empty() && strOf(names, "singular").empty()) names["singular"] = lower(kind);
  if (!kind.empty() && strOf(names, "listKind").empty()) names["listKind"] = kind + "List";
  if (plural.empty()) {
    required("spec.names.plural");
  } else {
    for (const auto& m : dns1123LabelErrors(plural)) {
      out.push_back({"FieldValueInvalid", invalidValueMessage(plural, m), "spec.names.plural"});
    }
  }
  const std::string singular = strOf(names, "singular");
  if (!singular.empty()) {
    for (const auto& m : dns1123LabelErrors(singular)) {
      out.push_back({"FieldValueInvalid", invalidValueMessage(singular, m), "spec.names.singular"});
    }
  }
  if (kind.empty()) required("spec.names.kind");
  if (kind.empty() || strOf(names, "listKind").empty()) {
    if (!kind.empty()) required("spec.names.listKind");
  } else if (strOf(names, "listKind") == kind) {
    out.push_back({"FieldValueInvalid",
                   invalidValueMessage(kind, "kind and listKind may not be the same"),
                   "spec.names.listKind"});
  }
  const Json* meta = member(crd, "metadata");
  const std::string name = meta ? strOf(*meta, "name") : "";
  if (!plural.empty() && !group.empty() && name != plural + "." + group) {
    out.push_back({"FieldValueInvalid",
                   invalidValueMessage(name, "must be spec.names.plural+\".\"+spec.group"),
                   "metadata.name"});
  }
  const std::string scope = strOf(spec, "scope");
  if (scope.empty()) {
    required("spec.scope");
  } else if (scope != "Namespaced" && scope != "Cluster") {
    out.push_back(
        {"FieldValueNotSupported",
         "Unsupported value: " + quote(scope) + ": supported values: \"Cluster\", \"Namespaced\"",
         "spec.scope"});
  }
  const Json* versions = member(spec, "versions");
  if (versions == nullptr || !versions->is_array() || versions->empty()) {
    out.push_back({"FieldValueInvalid",
                   invalidValueMessage(versions ? *versions : Json::array(),
                                       "must have exactly one version marked as storage version"),
                   "spec.versions"});
    return out;
  }
  int storage = 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < versions->size(); ++i) {
    const Json& v = (*versions)[i];
    const std::string base = "spec.versions[" + std::to_string(i) + "]";
    const std::string vname = strOf(v, "name");
    if (vname.empty()) {
      required(base + ".name");
    } else {
      for (const auto& m : dns1035LabelErrors(vname)) {
        out.push_back({"FieldValueInvalid", invalidValueMessage(vname, m), base + ".name"});
      }
      if (!seen.insert(vname).second) {
        out.push_back({"FieldValueDuplicate", "Duplicate value: " + quote(vname), base + ".name"});
      }
    }
    if (boolOf(v, "storage")) ++storage;
    if (const Json* cols = member(v, "additionalPrinterColumns"); cols && cols->is_array()) {
      for (std::size_t j = 0; j < cols->size(); ++j) {
        const Json& c = (*cols)[j];
        const std::string cbase = base + ".additionalPrinterColumns[" + std::to_string(j) + "]";
        if (strOf(c, "name").empty()) required(cbase + ".name");
        const std::string type = strOf(c, "type");
        static const std::set<std::string> kTypes = {"boolean", "date", "integer", "number",
                                                     "string"};
        if (type.empty()) {
          required(cbase + ".type");
        } else if (!kTypes.count(type)) {
          out.push_back({"FieldValueNotSupported",
                         "Unsupported value: " + quote(type) +
                             ": supported values: \"boolean\", \"date\", \"integer\", "
                             "\"number\", \"string\"",
                         cbase + ".type"});
        }
        const std::string path = strOf(c, "jsonPath");
        if (path.empty()) {
          required(cbase + ".jsonPath");
        } else if (path[0] != '.' || !JsonPath::parse(path).isOk()) {
          out.push_back({"FieldValueInvalid",
                         invalidValueMessage(path, "must be a simple json path starting with ."),
                         cbase + ".jsonPath"});
        }
      }
    }
    const Json* schema = member(v, "schema");
    const Json* api = schema ? member(*schema, "openAPIV3Schema") : nullptr;
    if (api == nullptr) {
      required(base + ".schema.openAPIV3Schema");
    } else {
      auto sc = checkStructural(*api, base + ".schema.openAPIV3Schema");
      out.insert(out.end(), sc.begin(), sc.end());
    }
  }
  if (storage != 1) {
    Json version_names = Json::array();
    for (const auto& v : *versions) version_names.push_back(strOf(v, "name"));
    out.push_back({"FieldValueInvalid",
                   invalidValueMessage(version_names,
                                       "must have exactly one version marked as storage version"),
                   "spec.versions"});
  }
  return out;
}

}  // namespace flotilla::apimachinery
