// Field selectors (`fieldSelector=`): `a=b`, `a==b`, `a!=b`, comma-joined, evaluated against the
// per-resource set of selectable fields that kube-apiserver supports (kube-api.md §5.6).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

struct FieldRequirement {
  std::string field;
  bool equals = true;  // false: !=
  std::string value;
};

class FieldSelector {
 public:
  // Parses and checks every field against what `resource` (plural, in `group`) supports;
  // `custom` selects the custom-resource wording of the error.
  static core::Result<FieldSelector> parse(const std::string& text, const std::string& group,
                                           const std::string& resource, bool custom);
  bool matches(const nlohmann::json& obj) const;
  bool empty() const { return reqs_.empty(); }
  const std::vector<FieldRequirement>& requirements() const { return reqs_; }

 private:
  std::string group_;
  std::string resource_;
  std::vector<FieldRequirement> reqs_;
};

// The value of a selectable field of an object as a string ("" when absent), e.g.
// fieldValue(pod, "spec.nodeName").
std::string fieldValue(const nlohmann::json& obj, const std::string& field);

}  // namespace flotilla::apimachinery
