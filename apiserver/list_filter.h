// List filters: turns `labelSelector=` and `fieldSelector=` into one predicate over objects, and
// renders a workload's metav1.LabelSelector as the string form Scale.status.selector uses.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "apiserver/object_store.h"
#include "apiserver/resource_registry.h"
#include "core/status.h"

namespace flotilla::apiserver {

core::Result<ObjectFilter> makeListFilter(const ServedResource& r, const std::string& label_selector,
                                          const std::string& field_selector);
std::string labelSelectorString(const nlohmann::json& selector);

// True when every term of a field selector names a metadata field (metadata.name,
// metadata.namespace): a filter built from it and any label selector can then be evaluated on
// ObjectStore::decodeMetadata's result instead of the whole object.
bool fieldSelectorReadsOnlyMetadata(const std::string& field_selector);

}  // namespace flotilla::apiserver
