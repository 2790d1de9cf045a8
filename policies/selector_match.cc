#include "policies/selector_match.h"

#include <algorithm>

namespace flotilla::policies {

core::Result<bool> labelSelectorMatches(const api::Json& selector, const api::StringMap& labels) {
  if (selector.is_null()) return true;
  if (!selector.is_object()) return core::invalidArgument("label selector must be an object");
  bool matched = true;
  if (auto it = selector.find("matchLabels"); it != selector.end() && !it->is_null()) {
    if (!it->is_object()) return core::invalidArgument("matchLabels must be an object");
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
      if (!kv.value().is_string()) return core::invalidArgument("matchLabels values must be strings");
      auto l = labels.find(kv.key());
      if (l == labels.end() || l->second != kv.value().get<std::string>()) matched = false;
    }
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && !it->is_null()) {
    if (!it->is_array()) return core::invalidArgument("matchExpressions must be a list");
    for (const auto& expr : *it) {
      if (!expr.is_object() || !expr.contains("key") || !expr["key"].is_string() ||
          !expr.contains("operator") || !expr["operator"].is_string()) {
        return core::invalidArgument("matchExpressions entries need key and operator");
      }
      const std::string key = expr["key"];
      const std::string op = expr["operator"];
      std::vector<std::string> values;
      if (auto v = expr.find("values"); v != expr.end() && !v->is_null()) {
        if (!v->is_array()) return core::invalidArgument("values must be a list");
        for (const auto& s : *v) {
          if (!s.is_string()) return core::invalidArgument("values must be strings");
          values.push_back(s);
        }
      }
      auto l = labels.find(key);
      bool has = l != labels.end();
      bool in = has && std::find(values.begin(), values.end(), l->second) != values.end();
      if (op == "In" || op == "NotIn") {
        if (values.empty()) {
          return core::invalidArgument("values: Required value: for 'in', 'notin' operators, "
                                       "values set can't be empty");
        }
        if ((op == "In") != in) matched = false;
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (!values.empty()) {
          return core::invalidArgument("values: Forbidden: may not be specified when `operator` "
                                       "is 'Exists' or 'DoesNotExist'");
        }
        if ((op == "Exists") != has) matched = false;
      } else {
        return core::invalidArgument("\"" + op + "\" is not a valid label selector operator");
      }
    }
  }
  return matched;
}

api::StringMap objectLabels(const api::Json& object) {
  api::StringMap out;
  if (!object.is_object()) return out;
  auto m = object.find("metadata");
  if (m == object.end() || !m->is_object()) return out;
  auto l = m->find("labels");
  if (l == m->end() || !l->is_object()) return out;
  for (auto it = l->begin(); it != l->end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

}  // namespace flotilla::policies
