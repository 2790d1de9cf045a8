// Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds.
//
// Like a JSON merge patch (maps merge recursively, null deletes a key, lists are replaced), except
// that lists whose schema carries patchStrategy "merge" are merged: by patchMergeKey for lists of
// objects (containers by name, Service ports by port, conditions by type), as a set union for lists
// of scalars (finalizers). Directives understood:
//   {"$patch": "replace" | "delete" | "merge"}   in a map or as a list element;
//   {"$retainKeys": [...]}                       keep only those keys of the original map;
//   {"$deleteFromPrimitiveList/<f>": [...]}      remove values from the scalar list f;
//   {"$setElementOrder/<f>": [...]}              order of list f after the merge;
// and any other "$..." key is dropped, so the result never carries directives.
//
// The schema only decides list semantics (through SchemaNode::patchStrategy/patchMergeKey); fields
// the schema does not know, or a null schema, get plain merge-patch behaviour.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "apimachinery/schema_view.h"
#include "core/status.h"

namespace flotilla::apimachinery {

// Applies `patch` (a JSON object) to `original` (a JSON object; null counts as {}). Errors are
// InvalidArgument: a non-object patch, an unknown $patch value, a malformed directive, or a list
// element missing its merge key.
core::Result<nlohmann::json> applyStrategicMergePatch(const nlohmann::json& original,
                                                      const nlohmann::json& patch,
                                                      const SchemaNode* schema);

}  // namespace flotilla::apimachinery
