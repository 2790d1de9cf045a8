// Conversions from the typed Karmada/Flotilla API into the scheduler's model: clusters (with
// parsed quantities and flattened API enablements), placements (selectors parsed once), price
// books (decimal prices in micro-units) and replica requirements. Each conversion reports every
// invalid field as a core::Cause with its path (e.g. spec.placement.spreadConstraints[1].maxGroups)
// instead of stopping at the first, so `flotilla plan` can list them all.
#pragma once

#include <string>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "api/pricebook_types.h"
#include "api/work_types.h"
#include "core/status.h"
#include "scheduler/cost_model.h"
#include "scheduler/model.h"

namespace flotilla::planner {

// Collects field-level problems; `ok()` when none.
class Problems {
 public:
  void add(std::string field, std::string message, std::string type = "FieldValueInvalid");
  bool ok() const { return causes_.empty(); }
  const std::vector<core::Cause>& causes() const { return causes_; }

 private:
  std::vector<core::Cause> causes_;
};

scheduler::ClusterAffinity toAffinity(const api::ClusterAffinity& affinity,
                                      const std::string& path, Problems& problems);
// `path` is the placement's path, e.g. "spec.placement".
scheduler::Placement toPlacement(const api::Placement& placement, const std::string& path,
                                 Problems& problems);
scheduler::Cluster toCluster(const api::Cluster& cluster, Problems& problems);
scheduler::PriceBook toPriceBook(const api::PriceBook& book, Problems& problems);
// A ResourceList of quantity strings as milli-units.
estimator::ResourceList toResourceList(const api::ResourceList& list, const std::string& path,
                                       Problems& problems);

}  // namespace flotilla::planner
