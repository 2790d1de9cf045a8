// The planner: the one pure function from a repository of objects to where everything goes.
// For every resource template it matches a (Cluster)PropagationPolicy, interprets replicas and
// per-replica requirements, schedules (previous bindings give Steady-mode input), then renders the
// member manifest for each target cluster (revised replicas, OverridePolicies applied) and prices
// the placement. `flotilla plan` calls it on files; the detector/scheduler/binding controllers
// call the same function on their caches, so a plan never disagrees with what the cluster does.
//
// Invalid objects do not abort a plan: they are reported in Plan::errors with their source, the
// object and the field path, and left out (an invalid policy matches nothing, as the webhook
// would have rejected it).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "api/pricebook_types.h"
#include "api/work_types.h"
#include "planner/moves.h"
#include "scheduler/scheduler.h"

namespace flotilla::planner {

// An input object and where it came from ("deploy/web.yaml#2"); empty when not from a file.
template <class T>
struct Sourced {
  T object;
  std::string source;
};

struct Inputs {
  std::vector<Sourced<api::Json>> templates;
  std::vector<Sourced<api::PropagationPolicy>> propagation_policies;  // PPs and CPPs
  std::vector<Sourced<api::OverridePolicy>> override_policies;        // OPs and COPs
  std::vector<Sourced<api::Cluster>> clusters;
  std::vector<Sourced<api::ResourceBinding>> bindings;  // RBs and CRBs: previous results
  std::vector<Sourced<api::PriceBook>> price_books;
};

struct Placement;

struct PlanOptions {
  scheduler::SchedulerOptions scheduler;
  bool preemption_gate = false;      // PropagationPolicyPreemption
  // WorkloadAffinity: placement.workloadAffinity groups bindings by a template label; a binding
  // goes where its affinity group runs and avoids its anti-affinity group. Peers are the previous
  // bindings' workloadAffinityGroups and the placements made earlier in this plan (in template
  // order), so the first member of a group is placed freely.
  bool workload_affinity_gate = false;
  bool render_manifests = true;      // skip member manifests when only placement matters
  // Compare every placement with the previous result in Inputs::bindings (the live host's
  // bindings for `plan --live-kubeconfig`) and fill Placement::moves.
  bool report_moves = false;
  // When set, each placement is handed over as soon as it is decided instead of being kept in
  // Plan::placements, so a caller that streams output holds one placement in memory at a time.
  std::function<void(Placement&&)> on_placement;
};

struct ObjectRef {
  std::string api_version, kind, namespace_, name;
  std::string display() const;  // "apps/v1 Deployment default/web"
};

struct PolicyRef {
  std::string kind, namespace_, name;
};

inline constexpr const char* kReasonNoPolicy = "NoMatchingPolicy";
inline constexpr const char* kReasonNotPropagated = "NotPropagated";
inline constexpr const char* kReasonInvalid = "Invalid";

struct Placement {
  ObjectRef resource;
  std::optional<PolicyRef> policy;
  bool workload = false;  // replica-bearing: clusters carry replica counts
  bool scheduled = false;
  std::string reason, message;  // when not scheduled
  std::string affinity_name;    // clusterAffinities group used
  std::vector<scheduler::TargetCluster> clusters;  // by name, no 0-replica entries
  std::map<std::string, api::Json> manifests;      // cluster -> member manifest
  std::optional<scheduler::PlacementCost> cost;
  std::vector<scheduler::ClusterExplanation> explain;
  std::optional<Moves> moves;  // with PlanOptions::report_moves
};

struct PlanError {
  std::string source;  // file (and document) the object came from
  std::string object;  // "policy.karmada.io/v1alpha1 PropagationPolicy default/web"
  std::string field;   // dotted path, empty for whole-object errors
  std::string message;
};

struct Plan {
  std::vector<Placement> placements;  // one per template, sorted by (apiVersion, kind, ns, name)
  std::vector<PlanError> errors;
};

Plan plan(const Inputs& inputs, const PlanOptions& options = {});

}  // namespace flotilla::planner
