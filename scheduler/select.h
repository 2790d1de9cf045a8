// The select step (karmada.md §2c "Select"): which of the feasible, ranked clusters take part in
// replica assignment, honouring spread constraints by cluster and by region (zone and provider
// constraints only filter). Static-weight placements and placements without spread constraints
// keep every feasible cluster.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "scheduler/framework.h"

namespace flotilla::scheduler {

// The ranking every later step relies on: overflow tier, score desc, available desc, name asc.
void sortCandidates(std::vector<Candidate>& candidates);

// True when the placement divides by static weights (spread constraints are then ignored).
bool isStaticWeight(const Placement& placement);

// Selects from `ranked` (sorted by sortCandidates). Errors are FailedPrecondition with Karmada's
// message.
core::Result<std::vector<Candidate>> selectClusters(const Binding& binding,
                                                    std::vector<Candidate> ranked);

// A region (or other group) for selectGroups.
struct Group {
  std::string name;
  int64_t value = 0;   // clusters in the group
  int64_t weight = 0;  // group score
};

// Karmada's group search: the best combination of `min_groups`..`max_groups` groups whose total
// value reaches `target`. Returns the chosen group names ordered by (weight desc, name asc), or
// an empty list when no combination is feasible.
std::vector<std::string> selectGroups(std::vector<Group> groups, int32_t min_groups,
                                      int32_t max_groups, int64_t target);

// calcGroupScore: how well a group (its clusters in ranked order) can host the binding.
int64_t groupScore(const Binding& binding, const std::vector<const Candidate*>& clusters,
                   int32_t group_min_groups, int32_t cluster_min_groups);

}  // namespace flotilla::scheduler
