// Server-side apply and field ownership (kube-api.md §7.3). A field set is the list of leaf
// paths an object (or an applied configuration) specifies, in the structured-merge-diff
// vocabulary: `f:<field>` for object fields, `k:{...}` for items of associative lists (keyed by
// listMapKeys or the strategic-merge key), `v:<json>` for items of set lists, `.` for an item
// itself. managedFields entries store these sets as fieldsV1 trees. Pure logic; the caller passes
// the time.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apimachinery/schema_view.h"
#include "core/status.h"

namespace flotilla::apimachinery {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

// Leaf paths of `value`; `schema` may be null (lists are then atomic).
FieldSet fieldSetOf(const nlohmann::json& value, const SchemaNode* schema);
nlohmann::json fieldSetToFieldsV1(const FieldSet& set);
FieldSet fieldsV1ToFieldSet(const nlohmann::json& fields);
// ".spec.template.spec.containers[name=\"nginx\"].image"
std::string renderFieldPath(const FieldPath& path);

struct ApplyRequest {
  std::string manager;
  std::string api_version;
  std::string time;         // RFC 3339
  std::string subresource;  // "" or "status"
  bool force = false;
};

// Applies `applied` to `live` for `manager`: detects conflicts with other managers (409 with
// FieldManagerConflict causes unless force), merges values, removes fields the manager applied
// before and no longer applies (when nobody else owns them), and updates
// live.metadata.managedFields. `live` null means the object does not exist yet.
core::Result<nlohmann::json> serverSideApply(const nlohmann::json* live,
                                             const nlohmann::json& applied,
                                             const SchemaNode* schema, const ApplyRequest& req);

// Records a non-apply write: ownership of every field that changed between `old` (null on
// create) and `updated` moves to `manager` with operation Update; updated's managedFields is
// rewritten. `unchanged_members` names top-level members the caller left out of both `old` and
// `updated` because they are equal (a status write does not carry the spec): ownership of the
// fields under them stays as recorded instead of being dropped as gone.
void recordUpdateOwnership(const nlohmann::json* old, nlohmann::json& updated,
                           const SchemaNode* schema, const ApplyRequest& req,
                           const std::vector<std::string>& unchanged_members = {});

}  // namespace flotilla::apimachinery
