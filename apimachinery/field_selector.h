// Field selectors (`fieldSelector=`): `a=b`, `a==b`, `a!=b`, comma-joined (AND), with the
// backslash escapes of apimachinery's fields.ParseSelector, evaluated against the per-resource set
// of selectable fields that kube-apiserver supports (kube-api.md §5.6).
//
// Errors are InvalidArgument (400) with kube-apiserver's text:
//   * syntax: `invalid selector: 'x'; can't understand 'x'`;
//   * resources with their own field-label conversion (pods, events, nodes, namespaces, secrets,
//     replicationcontrollers, replicasets, jobs, ...): `field label not supported: spec.foo`;
//   * every other resource, custom resources included:
//     `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

struct FieldRequirement {
  std::string field;
  bool equals = true;  // false: !=
  std::string value;   // unescaped
  bool operator==(const FieldRequirement&) const = default;
};

// Returns the value of a selectable field, or nullopt when the object has no such field.
using FieldExtractor = std::function<std::optional<std::string>(const std::string& field)>;

class FieldSelector {
 public:
  FieldSelector() = default;  // selects everything

  // Syntax only (no check of the field names).
  static core::Result<FieldSelector> parse(const std::string& text);
  // Parses and checks every field against what `resource` (plural) in `group` supports; `custom`
  // marks custom resources, which only support metadata.name and metadata.namespace.
  static core::Result<FieldSelector> parse(const std::string& text, const std::string& group,
                                           const std::string& resource, bool custom);
  // Custom resources with CRD `selectableFields` (their jsonPaths without the leading '.', e.g.
  // "spec.color"): those fields are accepted too, and named in the error.
  static core::Result<FieldSelector> parse(const std::string& text, const std::string& group,
                                           const std::string& resource, bool custom,
                                           const std::vector<std::string>& selectable_fields);

  // Matches an object of the resource the selector was parsed for (or a generic object when it
  // was parsed without one): every requirement's field is read with fieldValue.
  bool matches(const nlohmann::json& obj) const;
  // Matches through an arbitrary extractor; a missing field compares as "".
  bool matches(const FieldExtractor& extract) const;

  bool empty() const { return reqs_.empty(); }
  const std::vector<FieldRequirement>& requirements() const { return reqs_; }
  // Canonical form: requirements sorted, values escaped ("a=b,c!=d").
  std::string toString() const;

 private:
  std::string group_;
  std::string resource_;
  std::vector<FieldRequirement> reqs_;
};

// The selectable fields of `resource` in `group`, beyond metadata.name and metadata.namespace.
const std::vector<std::string>& extraSelectableFields(const std::string& group,
                                                      const std::string& resource);
// Whether `field` is selectable for the resource; on failure returns the kube error.
core::Status checkSelectableField(const std::string& group, const std::string& resource,
                                  bool custom, const std::string& field,
                                  const std::vector<std::string>& selectable_fields = {});

// The value kube-apiserver compares a selectable field against, as a string (booleans "true" /
// "false", numbers in decimal, server defaults for unset fields such as a Pod's restartPolicy).
// `resource` is the plural ("pods", "events"). Unknown fields read from the object by their dotted
// path; absent fields are "".
std::string fieldValue(const std::string& resource, const nlohmann::json& obj,
                       const std::string& field);
// Resource-agnostic form: the dotted path into `obj`, with the events' `source` special case.
std::string fieldValue(const nlohmann::json& obj, const std::string& field);

}  // namespace flotilla::apimachinery
