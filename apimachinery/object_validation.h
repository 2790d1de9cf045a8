// ObjectMeta validation with kube-apiserver's messages: DNS-1123 names (subdomain or label),
// label keys and values, annotation size, ownerReferences and finalizer syntax. Returns every
// violation as a cause with its field path.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

bool isDns1123Subdomain(const std::string& s);
bool isDns1123Label(const std::string& s);
// Qualified names (label keys, finalizers): optional DNS-subdomain prefix and '/', then a name.
bool isQualifiedName(const std::string& s);
bool isLabelValue(const std::string& s);

std::vector<core::Cause> validateObjectMeta(const nlohmann::json& metadata, bool namespaced,
                                            bool label_name);

}  // namespace flotilla::apimachinery
