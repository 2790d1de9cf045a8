#include "apimachinery/crd_schema.h"

#include <cmath>
#include <map>
#include <regex>

namespace flotilla::apimachinery {

using Json = nlohmann::json;

namespace {
constexpr int kMaxDepth = 64;

std::string joinPath(const std::string& base, const std::string& field) {
  return base.empty() ? field : base + "." + field;
}

std::string shortJson(const Json& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}
}  // namespace

class CrdSchemaNode final : public SchemaNode {
 public:
  CrdSchemaNode(const Json& s, int depth) : schema_(s.is_object() ? s : Json::object()) {
    type_ = schema_.value("type", "");
    preserve_ = schema_.value("x-kubernetes-preserve-unknown-fields", false);
    int_or_string_ = schema_.value("x-kubernetes-int-or-string", false);
    if (depth > kMaxDepth) return;
    if (auto p = schema_.find("properties"); p != schema_.end() && p->is_object()) {
      for (const auto& [k, v] : p->items()) {
        props_.emplace(k, std::make_unique<CrdSchemaNode>(v, depth + 1));
      }
    }
    if (auto a = schema_.find("additionalProperties"); a != schema_.end() && a->is_object()) {
      items_ = std::make_unique<CrdSchemaNode>(*a, depth + 1);
    }
    if (auto i = schema_.find("items"); i != schema_.end() && i->is_object()) {
      items_ = std::make_unique<CrdSchemaNode>(*i, depth + 1);
    }
    const std::string lt = schema_.value("x-kubernetes-list-type", "");
    list_type_ = lt == "map" ? ListType::Map : lt == "set" ? ListType::Set : ListType::Atomic;
    if (auto k = schema_.find("x-kubernetes-list-map-keys"); k != schema_.end() && k->is_array()) {
      for (const auto& key : *k) {
        if (key.is_string()) keys_.push_back(key.get<std::string>());
      }
    }
    atomic_ = schema_.value("x-kubernetes-map-type", "") == "atomic";
  }

  NodeKind kind() const override {
    if (int_or_string_) return NodeKind::Scalar;
    if (type_ == "object") {
      if (!props_.empty()) return NodeKind::Object;
      if (items_) return NodeKind::Map;
      return preserve_ ? NodeKind::Any : NodeKind::Object;
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

  void prune(Json& v, const std::string& path, std::vector<std::string>* pruned, int depth) const {
    if (depth > kMaxDepth) return;
    if (v.is_object() && type_ == "object") {
      if (!props_.empty() || (!items_ && !preserve_)) {
        for (auto it = v.begin(); it != v.end();) {
          auto p = props_.find(it.key());
          if (p == props_.end()) {
            if (preserve_) {
              ++it;
              continue;
            }
            pruned->push_back(joinPath(path, it.key()));
            it = v.erase(it);
          } else {
            p->second->prune(it.value(), joinPath(path, it.key()), pruned, depth + 1);
            ++it;
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
    if (depth > kMaxDepth) return;
    if (v.is_object()) {
      for (const auto& [k, node] : props_) {
        if (!v.contains(k) && node->schema_.contains("default")) v[k] = node->schema_["default"];
        if (v.contains(k)) node->defaults(v[k], depth + 1);
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
    if (depth > kMaxDepth) return;
    auto invalid = [&](const std::string& detail) {
      out->push_back({"FieldValueInvalid",
                      "Invalid value: " + shortJson(v) + ": " + detail, path});
    };
    if (v.is_null()) {
      if (schema_.value("nullable", false) || preserve_) return;
      if (!type_.empty()) {
        out->push_back({"FieldValueTypeInvalid",
                        "Invalid value: \"null\": " + path + " in body must be of type " + type_ +
                            ": \"null\"",
                        path});
      }
      return;
    }
    if (int_or_string_) {
      if (!v.is_string() && !v.is_number_integer()) {
        invalid(path + " in body must be of type integer or string: " + shortJson(v));
      }
      return;
    }
    auto typeName = [](const Json& j) -> std::string {
      if (j.is_string()) return "string";
      if (j.is_boolean()) return "boolean";
      if (j.is_number_integer()) return "integer";
      if (j.is_number()) return "number";
      if (j.is_array()) return "array";
      return "object";
    };
    bool type_ok = true;
    if (type_ == "object") type_ok = v.is_object();
    else if (type_ == "array") type_ok = v.is_array();
    else if (type_ == "string") type_ok = v.is_string();
    else if (type_ == "integer") type_ok = v.is_number_integer() ||
                                         (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    else if (type_ == "number") type_ok = v.is_number();
    else if (type_ == "boolean") type_ok = v.is_boolean();
    if (!type_ok) {
      out->push_back({"FieldValueTypeInvalid",
                      "Invalid value: \"" + typeName(v) + "\": " + path +
                          " in body must be of type " + type_ + ": \"" + typeName(v) + "\"",
                      path});
      return;
    }
    if (auto e = schema_.find("enum"); e != schema_.end() && e->is_array()) {
      if (std::find(e->begin(), e->end(), v) == e->end()) {
        std::string allowed;
        for (const auto& a : *e) allowed += (allowed.empty() ? "" : ", ") + a.dump();
        out->push_back({"FieldValueNotSupported",
                        "Unsupported value: " + shortJson(v) + ": supported values: " + allowed,
                        path});
      }
    }
    if (v.is_number()) {
      const double d = v.get<double>();
      if (auto m = schema_.find("minimum"); m != schema_.end() && m->is_number()) {
        const bool excl = schema_.value("exclusiveMinimum", false);
        if (excl ? d <= m->get<double>() : d < m->get<double>()) {
          invalid(path + " in body should be greater than " + std::string(excl ? "" : "or equal to ") + m->dump());
        }
      }
      if (auto m = schema_.find("maximum"); m != schema_.end() && m->is_number()) {
        const bool excl = schema_.value("exclusiveMaximum", false);
        if (excl ? d >= m->get<double>() : d > m->get<double>()) {
          invalid(path + " in body should be less than " + std::string(excl ? "" : "or equal to ") + m->dump());
        }
      }
    }
    if (v.is_string()) {
      const std::string s = v.get<std::string>();
      if (auto m = schema_.find("minLength"); m != schema_.end() && m->is_number_integer() &&
                                                 s.size() < m->get<std::size_t>()) {
        invalid(path + " in body should be at least " + m->dump() + " chars long");
      }
      if (auto m = schema_.find("maxLength"); m != schema_.end() && m->is_number_integer() &&
                                                 s.size() > m->get<std::size_t>()) {
        out->push_back({"FieldValueTooLong", "Too long: may not be more than " + m->dump() +
                                                 " bytes", path});
      }
      if (auto p = schema_.find("pattern"); p != schema_.end() && p->is_string()) {
        try {
          if (!std::regex_search(s, std::regex(p->get<std::string>()))) {
            invalid(path + " in body should match '" + p->get<std::string>() + "'");
          }
        } catch (const std::regex_error&) {
        }
      }
    }
    if (v.is_array()) {
      if (auto m = schema_.find("minItems"); m != schema_.end() && m->is_number_integer() &&
                                                v.size() < m->get<std::size_t>()) {
        invalid(path + " in body should have at least " + m->dump() + " items");
      }
      if (auto m = schema_.find("maxItems"); m != schema_.end() && m->is_number_integer() &&
                                                v.size() > m->get<std::size_t>()) {
        out->push_back({"FieldValueTooMany", "Too many: " + std::to_string(v.size()) +
                                                 ": must have at most " + m->dump() + " items",
                        path});
      }
      if (items_) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          items_->validate(v[i], path + "[" + std::to_string(i) + "]", out, depth + 1);
        }
      }
    }
    if (v.is_object()) {
      if (auto req = schema_.find("required"); req != schema_.end() && req->is_array()) {
        for (const auto& r : *req) {
          if (r.is_string() && !v.contains(r.get<std::string>())) {
            out->push_back({"FieldValueRequired", "Required value",
                            joinPath(path, r.get<std::string>())});
          }
        }
      }
      if (auto m = schema_.find("minProperties"); m != schema_.end() && m->is_number_integer() &&
                                                     v.size() < m->get<std::size_t>()) {
        invalid(path + " in body should have at least " + m->dump() + " properties");
      }
      if (auto m = schema_.find("maxProperties"); m != schema_.end() && m->is_number_integer() &&
                                                     v.size() > m->get<std::size_t>()) {
        invalid(path + " in body should have at most " + m->dump() + " properties");
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
  }

  const Json& schema() const { return schema_; }

 private:
  Json schema_;
  std::string type_;
  bool preserve_ = false;
  bool int_or_string_ = false;
  bool atomic_ = false;
  std::map<std::string, std::unique_ptr<CrdSchemaNode>> props_;
  std::unique_ptr<CrdSchemaNode> items_;
  ListType list_type_ = ListType::Atomic;
  std::vector<std::string> keys_;
};

CrdSchema::CrdSchema(const Json& schema) {
  Json s = schema;
  if (!s.is_object()) s = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  root_ = std::make_unique<CrdSchemaNode>(s, 0);
}

CrdSchema::~CrdSchema() = default;

const SchemaNode& CrdSchema::root() const { return *root_; }

std::vector<std::string> CrdSchema::prune(Json& obj) const {
  std::vector<std::string> pruned;
  if (!obj.is_object()) return pruned;
  for (auto it = obj.begin(); it != obj.end();) {
    const std::string key = it.key();
    if (key == "apiVersion" || key == "kind" || key == "metadata") {
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

void CrdSchema::applyDefaults(Json& obj) const { root_->defaults(obj, 0); }

std::vector<core::Cause> CrdSchema::validate(const Json& obj) const {
  std::vector<core::Cause> out;
  if (!obj.is_object()) return out;
  for (const auto& [k, v] : obj.items()) {
    if (k == "apiVersion" || k == "kind" || k == "metadata") continue;
    const SchemaNode* f = root_->field(k);
    if (f != nullptr) static_cast<const CrdSchemaNode*>(f)->validate(v, k, &out, 1);
  }
  if (auto req = root_->schema().find("required"); req != root_->schema().end() && req->is_array()) {
    for (const auto& r : *req) {
      if (r.is_string() && !obj.contains(r.get<std::string>())) {
        out.push_back({"FieldValueRequired", "Required value", r.get<std::string>()});
      }
    }
  }
  return out;
}

std::vector<core::Cause> checkStructural(const Json& schema, const std::string& path) {
  std::vector<core::Cause> out;
  std::function<void(const Json&, const std::string&, int)> walk = [&](const Json& s,
                                                                      const std::string& p,
                                                                      int depth) {
    if (depth > kMaxDepth || !s.is_object()) return;
    const bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
    const bool ios = s.value("x-kubernetes-int-or-string", false);
    const std::string type = s.value("type", "");
    if (type.empty() && !preserve && !ios && depth > 0) {
      out.push_back({"FieldValueRequired", "Required value: must not be empty for specified " +
                                               std::string(s.contains("properties") ? "object" : "") +
                                               " fields",
                     p + ".type"});
    }
    if (auto props = s.find("properties"); props != s.end() && props->is_object()) {
      for (const auto& [k, v] : props->items()) walk(v, p + ".properties[" + k + "]", depth + 1);
    }
    if (auto items = s.find("items"); items != s.end() && items->is_object()) {
      walk(*items, p + ".items", depth + 1);
    } else if (type == "array") {
      out.push_back({"FieldValueRequired", "Required value: must be specified", p + ".items"});
    }
    if (auto ap = s.find("additionalProperties"); ap != s.end() && ap->is_object()) {
      walk(*ap, p + ".additionalProperties", depth + 1);
    }
  };
  if (!schema.is_object()) return out;
  if (schema.value("type", "") != "object" && !schema.value("x-kubernetes-preserve-unknown-fields", false)) {
    out.push_back({"FieldValueInvalid", "Unsupported value: \"" + schema.value("type", "") +
                                            "\": supported values: \"object\"",
                   path + ".type"});
  }
  walk(schema, path, 0);
  return out;
}

}  // namespace flotilla::apimachinery
