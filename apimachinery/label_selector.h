// Label selectors: the string grammar of `labelSelector=` (apimachinery labels.Parse) and the
// metav1.LabelSelector object form ({matchLabels, matchExpressions}) used by policies and
// workloads. Pure; no I/O.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

enum class SelectorOp { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan };

struct Requirement {
  std::string key;
  SelectorOp op = SelectorOp::Exists;
  std::vector<std::string> values;  // sorted
  bool matches(const std::map<std::string, std::string>& labels) const;
};

class LabelSelector {
 public:
  LabelSelector() = default;  // selects everything
  explicit LabelSelector(std::vector<Requirement> reqs) : reqs_(std::move(reqs)) {}

  // Parses the string form ("a=b,c in (x,y),!d"). Errors are InvalidArgument with a message
  // starting "unable to parse requirement:" like the real server's.
  static core::Result<LabelSelector> parse(const std::string& text);
  // Converts the metav1.LabelSelector JSON object. A null/absent selector selects nothing when
  // nothing_if_null is true (Kubernetes semantics for workload selectors), everything otherwise;
  // an empty object {} selects everything.
  static core::Result<LabelSelector> fromJson(const nlohmann::json& selector,
                                              bool nothing_if_null = false);

  bool matches(const std::map<std::string, std::string>& labels) const;
  // Matches against an object's metadata.labels (a JSON object; null/absent means no labels).
  bool matchesJsonLabels(const nlohmann::json& labels) const;
  bool empty() const { return reqs_.empty() && !nothing_; }
  // Canonical string form, as Kubernetes prints it (for Scale.status.selector).
  std::string toString() const;
  const std::vector<Requirement>& requirements() const { return reqs_; }

 private:
  std::vector<Requirement> reqs_;
  bool nothing_ = false;  // matches no object
};

}  // namespace flotilla::apimachinery
