// estimator.flotilla.io/v1alpha1 PriceBook: Flotilla's own cluster-scoped resource that prices
// compute per cluster so `flotilla plan` and the cost estimator can put a currency figure on a
// placement. Each rule selects clusters with the ClusterAffinity shape used by placements and
// gives decimal prices (strings, never floats, to avoid rounding drift) per unit-hour: cpu per
// core-hour, memory per GiB-hour, any other resource per unit-hour.
#pragma once

#include <string>
#include <vector>

#include "api/meta.h"
#include "api/policy_types.h"

namespace flotilla::api {

inline constexpr const char* kEstimatorGroupVersion = "estimator.flotilla.io/v1alpha1";
inline constexpr const char* kBillingRequests = "Requests";
inline constexpr const char* kBillingLimits = "Limits";

struct PriceRule {
  ClusterAffinity target_cluster;
  StringMap prices;  // resource name -> decimal price per unit-hour
  FLOTILLA_API_FIELDS(v("targetCluster", target_cluster, Emit::Always); v("prices", prices);)
};

struct PriceBookSpec {
  std::string currency;
  std::string billing;  // Requests (default) | Limits
  std::vector<PriceRule> rules;
  std::string effectiveBilling() const { return billing.empty() ? kBillingRequests : billing; }
  FLOTILLA_API_FIELDS(v("currency", currency); v("billing", billing); v("rules", rules);)
};

struct PriceBook {
  std::string api_version, kind;
  ObjectMeta metadata;
  PriceBookSpec spec;
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec);)
};

}  // namespace flotilla::api
