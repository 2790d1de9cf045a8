#include "apimachinery/builtin_defaults.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

// Types that contain a +default somewhere below them; computed once so the walk skips the rest.
class DefaultIndex {
 public:
  static const DefaultIndex& instance() {
    static const DefaultIndex kIndex;
    return kIndex;
  }
  bool relevant(const TypeInfo* t) const { return t && relevant_.count(t) > 0; }

 private:
  DefaultIndex() {
    // Fixed point over the reference graph: a type is relevant if a field has a default or leads
    // (directly or through lists/maps) to a relevant type.
    bool changed = true;
    while (changed) {
      changed = false;
      for (const TypeInfo* t : BuiltinSchema::instance().types()) {
        if (relevant_.count(t)) continue;
        for (const FieldInfo& f : t->fields) {
          const ValueType* v = &f.value;
          while (v->element) v = v->element.get();
          if (!f.default_json.empty() || (v->type == FieldType::Ref && relevant_.count(v->ref))) {
            relevant_.insert(t);
            changed = true;
            break;
          }
        }
      }
    }
  }
  std::unordered_set<const TypeInfo*> relevant_;
};

bool isGoZero(const json& v) {
  return (v.is_string() && v.get_ref<const std::string&>().empty()) ||
         (v.is_boolean() && !v.get<bool>()) || (v.is_number() && v == 0);
}

void walk(json& value, const ValueType& type, int depth);

void walkObject(json& obj, const TypeInfo& type, int depth) {
  if (!obj.is_object() || depth > 128 || !DefaultIndex::instance().relevant(&type)) return;
  for (const FieldInfo& f : type.fields) {
    auto it = obj.find(f.json_name);
    if (it == obj.end() || it->is_null()) {
      if (f.default_json.empty()) continue;
      json d = json::parse(f.default_json);
      if (!f.pointer && isGoZero(d)) continue;
      obj[f.json_name] = std::move(d);
      continue;
    }
    walk(*it, f.value, depth + 1);
  }
}

void walk(json& value, const ValueType& type, int depth) {
  switch (type.type) {
    case FieldType::Ref:
      if (type.ref) walkObject(value, *type.ref, depth);
      return;
    case FieldType::Array:
    case FieldType::Map:
      if (!type.element || (!value.is_array() && !value.is_object())) return;
      for (json& item : value) walk(item, *type.element, depth + 1);
      return;
    default:
      return;
  }
}

}  // namespace

void applyMarkerDefaults(json& obj, const TypeInfo& type) { walkObject(obj, type, 0); }

}  // namespace flotilla::apimachinery
