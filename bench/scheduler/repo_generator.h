// Writes a synthetic GitOps repository for the plan benchmark: `clusters` member clusters across
// two providers and four regions, `policies` PropagationPolicies spread over namespaces (a mix of
// Divided/dynamic with spread constraints, Aggregated, static weights and Duplicated), a PriceBook,
// and `workloads` Deployments, each selected by one policy via labels.
#pragma once

#include <string>

namespace flotilla::bench {

// Returns an error message, empty on success.
std::string generateRepository(const std::string& dir, int workloads, int policies, int clusters);

}  // namespace flotilla::bench
