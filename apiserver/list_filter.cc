#include "apiserver/list_filter.h"

#include <string_view>

#include <nlohmann/json.hpp>

#include "apimachinery/field_selector.h"
#include "apimachinery/label_selector.h"

namespace flotilla::apiserver {

core::Result<ObjectFilter> makeListFilter(const ServedResource& r, const std::string& label_selector,
                                          const std::string& field_selector) {
  auto labels = apimachinery::LabelSelector::parse(label_selector);
  if (!labels.isOk()) return labels.status();
  auto fields = apimachinery::FieldSelector::parse(field_selector, r.group, r.plural, r.is_custom);
  if (!fields.isOk()) return fields.status();
  if (labels->empty() && fields->empty()) return ObjectFilter();
  return ObjectFilter([l = std::move(*labels), f = std::move(*fields)](const Json& obj) {
    if (!l.empty()) {
      const Json* meta = obj.contains("metadata") ? &obj["metadata"] : nullptr;
      const Json empty;
      const Json& lbls = meta && meta->contains("labels") ? (*meta)["labels"] : empty;
      if (!l.matchesJsonLabels(lbls)) return false;
    }
    return f.empty() || f.matches(obj);
  });
}

bool fieldSelectorReadsOnlyMetadata(const std::string& field_selector) {
  std::size_t start = 0;
  while (start <= field_selector.size()) {
    std::size_t end = field_selector.find(',', start);
    if (end == std::string::npos) end = field_selector.size();
    std::string_view term(field_selector.data() + start, end - start);
    while (!term.empty() && term.front() == ' ') term.remove_prefix(1);
    if (!term.empty() && term.rfind("metadata.", 0) != 0) return false;
    // ObjectStore::decodeMetadata leaves managedFields out.
    if (term.rfind("metadata.managedFields", 0) == 0) return false;
    start = end + 1;
  }
  return true;
}

std::string labelSelectorString(const Json& selector) {
  auto sel = apimachinery::LabelSelector::fromJson(selector);
  return sel.isOk() ? sel->toString() : std::string();
}

}  // namespace flotilla::apiserver
