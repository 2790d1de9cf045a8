// Matching resource templates to PropagationPolicies and ClusterPropagationPolicies
// (karmada.md §2a): which namespaces are never propagated, the per-selector "implicit priority",
// the choice among candidate policies (explicit priority, then implicit priority, then name),
// claim metadata on the template, sticky claims and preemption. Pure: the caller passes the
// template and the candidate policies; nothing here reads or writes an API server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/policy_types.h"

namespace flotilla::policies {

// Karmada's ResourceSelectorPriority values.
enum class ImplicitPriority : int {
  Mismatch = 0,
  MatchAll = 1,
  MatchLabelSelector = 2,
  MatchName = 3,
};

// Claim metadata written onto templates (karmada.md §2i).
inline constexpr const char* kPPPermanentIdLabel = "propagationpolicy.karmada.io/permanent-id";
inline constexpr const char* kPPNamespaceAnnotation = "propagationpolicy.karmada.io/namespace";
inline constexpr const char* kPPNameAnnotation = "propagationpolicy.karmada.io/name";
inline constexpr const char* kCPPPermanentIdLabel =
    "clusterpropagationpolicy.karmada.io/permanent-id";
inline constexpr const char* kCPPNameAnnotation = "clusterpropagationpolicy.karmada.io/name";
inline constexpr const char* kClaimedByLabel = "resourcetemplate.karmada.io/claimed-by";

// How a template relates to policies before matching.
struct SkipOptions {
  // --skipped-propagating-namespaces; Karmada's default is kube-.*
  std::vector<std::string> skipped_namespace_patterns = {"kube-.*"};
};

// karmada-system, karmada-cluster and karmada-es-* (never propagated, whatever the flags).
bool isReservedNamespace(const std::string& ns);
// True when the detector ignores this template: reserved or skipped namespace, the
// kube-system/extension-apiserver-authentication ConfigMap, or a template claimed by another
// controller (label resourcetemplate.karmada.io/claimed-by).
bool shouldSkipTemplate(const api::Json& object, const SkipOptions& options = {});

ImplicitPriority selectorPriority(const api::Json& object, const api::ResourceSelector& selector);
// Max over the selectors (Mismatch when none matches or the list is empty).
ImplicitPriority implicitPriority(const api::Json& object,
                                  const std::vector<api::ResourceSelector>& selectors);

// The best candidate among policies of ONE kind (PPs of the template's namespace, or CPPs):
// skips deleting and non-matching policies, then higher explicit priority, higher implicit
// priority, smaller name (byte-wise). Returns an index into `policies`, or nullopt.
std::optional<size_t> highestPriorityPolicy(const api::Json& object,
                                            const std::vector<api::PropagationPolicy>& policies);

struct Claim {
  enum class Kind { None, PropagationPolicy, ClusterPropagationPolicy };
  Kind kind = Kind::None;
  std::string namespace_;  // PP only
  std::string name;
  std::string permanent_id;
};

// Reads the claim; a PP claim needs both annotations and the label, a CPP claim the name
// annotation and the label. PP claims take precedence (the detector checks them first).
Claim claimOf(const api::Json& object);
// Writes the policy's claim onto the template, removing any claim of the other kind. The
// permanent id is the policy's `<kind>.karmada.io/permanent-id` label.
void claimTemplate(api::Json& object, const api::PropagationPolicy& policy);
// Removes all claim labels and annotations (policy deleted or no longer matching).
void unclaimTemplate(api::Json& object);

// Whether `preemptor` may take over a template currently claimed by `current`
// (karmada.md §2a Preemption). Requires the gate, preemption Always and a matching selector.
bool canPreempt(const api::Json& object, const api::PropagationPolicy& preemptor,
                const api::PropagationPolicy& current, bool preemption_gate_enabled);

// When a policy's priority drops from old_priority to new_priority, the preemptive policies
// (preemption Always) whose priority lies strictly between are re-queued, highest first.
std::vector<size_t> preemptorsToRequeue(int32_t old_priority, int32_t new_priority,
                                        const std::vector<api::PropagationPolicy>& policies);

// spec.dependentOverrides: every named OverridePolicy (same namespace; ClusterOverridePolicy for
// a CPP) must exist before the policy is applied. Missing ones give a retryable Unavailable
// status naming them (the detector returns an error and retries).
core::Status checkDependentOverrides(const api::PropagationPolicy& policy,
                                     const std::vector<api::OverridePolicy>& existing);

struct MatchOptions {
  bool preemption_gate_enabled = false;  // PropagationPolicyPreemption (Alpha, default off)
  SkipOptions skip;
};

struct MatchDecision {
  enum class Outcome {
    Skipped,    // reserved namespace, claimed-by another controller
    KeepClaim,  // already claimed; that policy still matches and is re-applied
    ClaimNew,   // a new (or the first) policy claims the template
    Preempted,  // a preemptive policy takes over from the claiming one
    NoMatch,    // nothing matches: wait for policy events
  };
  Outcome outcome = Outcome::NoMatch;
  // The policy to apply (index into pps or cpps, per `cluster_scoped`).
  std::optional<size_t> policy;
  bool cluster_scoped = false;
  // The previous claim must be removed (its policy was deleted or no longer matches).
  bool cleanup_previous_claim = false;
};

// The detector's decision for one template event (karmada.md §2a "Order of evaluation"):
// `pps` are the PropagationPolicies of the template's namespace, `cpps` all
// ClusterPropagationPolicies. A matching PP always beats every CPP; claims are sticky unless a
// preemptive policy may take over.
MatchDecision matchTemplate(const api::Json& object, const std::vector<api::PropagationPolicy>& pps,
                            const std::vector<api::PropagationPolicy>& cpps,
                            const MatchOptions& options = {});

}  // namespace flotilla::policies
