// ObjectMeta validation with kube-apiserver's messages: object names (DNS-1123 subdomain, DNS-1123
// label, DNS-1035 label or RBAC path segment, depending on the resource), label keys and values,
// annotation size, finalizer syntax, and the generateName helper. Every violation is returned as a
// cause {type, message, field} with the exact text of apimachinery's field errors, e.g.
// metadata.name: `Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of ...`.
//
// The *Errors functions return the detail strings of apimachinery/pkg/util/validation (empty when
// valid) so that label selectors and CRD validation can word their errors the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

std::vector<std::string> dns1123SubdomainErrors(const std::string& s);
std::vector<std::string> dns1123LabelErrors(const std::string& s);
std::vector<std::string> dns1035LabelErrors(const std::string& s);
// Label keys, annotation keys, finalizers: optional DNS-subdomain prefix and '/', then a name.
std::vector<std::string> qualifiedNameErrors(const std::string& s);
std::vector<std::string> labelValueErrors(const std::string& s);
// RBAC object names: anything but "." and "..", without '/' or '%'.
std::vector<std::string> pathSegmentNameErrors(const std::string& s);

inline bool isDns1123Subdomain(const std::string& s) { return dns1123SubdomainErrors(s).empty(); }
inline bool isDns1123Label(const std::string& s) { return dns1123LabelErrors(s).empty(); }
inline bool isQualifiedName(const std::string& s) { return qualifiedNameErrors(s).empty(); }
inline bool isLabelValue(const std::string& s) { return labelValueErrors(s).empty(); }

// How a resource's metadata.name is validated.
enum class NameRule { Dns1123Subdomain, Dns1123Label, Dns1035Label, PathSegment };
// The rule kube-apiserver applies to `resource` (plural) in `group`: namespaces use DNS labels,
// services DNS-1035 labels, RBAC kinds and persistentvolumes path segments, everything else (CRs
// too) subdomains.
NameRule nameRuleFor(const std::string& group, const std::string& resource);
std::vector<std::string> nameErrors(NameRule rule, const std::string& name);

// Compact JSON text that never throws (invalid UTF-8 is replaced), for error messages.
std::string jsonText(const nlohmann::json& value);

// Go's field.Invalid body: `Invalid value: "x": detail` (strings quoted, other values as JSON).
std::string invalidValueMessage(const nlohmann::json& value, const std::string& detail);

// All metadata violations, in the order kube-apiserver reports them. A non-object metadata gives
// a single cause.
std::vector<core::Cause> validateObjectMeta(const nlohmann::json& metadata, bool namespaced,
                                            NameRule rule);
// Compatibility form: label_name selects Dns1123Label, otherwise Dns1123Subdomain.
std::vector<core::Cause> validateObjectMeta(const nlohmann::json& metadata, bool namespaced,
                                            bool label_name);

// metadata.generateName expansion: the prefix (cut to 58 characters) plus 5 characters drawn from
// "bcdfghjklmnpqrstvwxz2456789" with `random` (any uniform 32-bit source; tests pass a fixed one).
inline constexpr std::size_t kGeneratedNameRandomLength = 5;
inline constexpr std::size_t kMaxGeneratedNamePrefix = 63 - kGeneratedNameRandomLength;
std::string generateName(const std::string& prefix, const std::function<uint32_t()>& random);

}  // namespace flotilla::apimachinery
