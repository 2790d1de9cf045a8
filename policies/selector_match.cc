#include "policies/selector_match.h"

#include "apimachinery/label_selector.h"

namespace flotilla::policies {

core::Result<bool> labelSelectorMatches(const api::Json& selector, const api::StringMap& labels) {
  // Policies treat an absent selector as "everything" (nothing_if_null = false).
  auto parsed = apimachinery::LabelSelector::fromJson(selector, /*nothing_if_null=*/false);
  if (!parsed) return parsed.status();
  return parsed->matches(labels);
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
