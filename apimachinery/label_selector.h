// Label selectors: the string grammar of `labelSelector=` (apimachinery labels.Parse) and the
// metav1.LabelSelector object form ({matchLabels, matchExpressions}) used by policies and
// workloads. Pure; no I/O.
//
// parse() follows labels.Parse token for token so that error text matches kube-apiserver's 400
// answers: errors inside one requirement read "unable to parse requirement: ...", errors between
// requirements ("found 'x', expected: ',' or 'end of string'") do not carry that prefix.
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
  std::vector<std::string> values;  // sorted, unique
  bool matches(const std::map<std::string, std::string>& labels) const;
  // "a=b", "a in (x,y)", "!a", ...
  std::string toString() const;
};

class LabelSelector {
 public:
  LabelSelector() = default;  // selects everything
  explicit LabelSelector(std::vector<Requirement> reqs) : reqs_(std::move(reqs)) {}
  // Selects no object at all (a null metav1.LabelSelector on a workload).
  static LabelSelector nothing();

  // Parses the string form ("a=b,c in (x,y),!d"). Errors are InvalidArgument (HTTP 400).
  static core::Result<LabelSelector> parse(const std::string& text);
  // Converts the metav1.LabelSelector JSON object. A null/absent selector selects nothing when
  // nothing_if_null is true (Kubernetes semantics for workload selectors), everything otherwise;
  // an empty object {} selects everything. Invalid selectors are InvalidArgument whose causes
  // come from validateLabelSelector with an empty path.
  static core::Result<LabelSelector> fromJson(const nlohmann::json& selector,
                                              bool nothing_if_null = false);

  bool matches(const std::map<std::string, std::string>& labels) const;
  // Matches against an object's metadata.labels (a JSON object; null/absent means no labels).
  bool matchesJsonLabels(const nlohmann::json& labels) const;
  bool empty() const { return reqs_.empty() && !nothing_; }
  bool selectsNothing() const { return nothing_; }
  // Canonical string form, as Kubernetes prints it (for Scale.status.selector).
  std::string toString() const;
  const std::vector<Requirement>& requirements() const { return reqs_; }

 private:
  std::vector<Requirement> reqs_;
  bool nothing_ = false;  // matches no object
};

// ValidateLabelSelector: the field errors of a metav1.LabelSelector, with paths under `path`
// (e.g. "spec.selector"): matchLabels keys/values, operators, values required or forbidden.
std::vector<core::Cause> validateLabelSelector(const nlohmann::json& selector,
                                               const std::string& path);

}  // namespace flotilla::apimachinery
