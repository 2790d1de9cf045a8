// The replica allocator shared by static and dynamic weighting: the Webster / Sainte-Laguë
// highest-averages method (Karmada's Dispenser since v1.16, karmada.md §2c). Seats go one at a
// time to the party with the largest votes / (2·seats + 1). Exact ties go to the party with fewer
// seats, then by name — ascending when fnv32a(binding uid) is even or the uid is empty,
// descending when odd — so the result is a pure function of the inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/model.h"

namespace flotilla::scheduler {

struct Party {
  std::string name;
  int64_t votes = 0;
};

// FNV-1a, 32 bit.
uint32_t fnv32a(std::string_view data);

// Distributes `seats` new seats over `parties` starting from `initial` seats. A party that only
// appears in `initial` takes part with zero votes. The result holds every party (with its total
// seats, possibly 0) sorted by name.
std::vector<TargetCluster> websterDivide(int32_t seats, std::span<const Party> parties,
                                         std::span<const TargetCluster> initial,
                                         std::string_view uid);

}  // namespace flotilla::scheduler
