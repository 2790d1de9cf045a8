// Kubernetes metadata and core/v1 shapes that Karmada's API types embed (ObjectMeta, Condition,
// Toleration, Taint, NodeSelectorRequirement, ObjectReference-like refs). Only the fields
// Flotilla's logic reads are typed; everything else round-trips through `unknown_fields`, and
// shapes Flotilla only passes along (metav1.LabelSelector, corev1.NodeSelector) stay raw JSON so
// they can be handed to apimachinery::LabelSelector::fromJson unchanged.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/codec.h"

namespace flotilla::api {

// corev1.ResourceList: resource name -> quantity string ("500m", "1Gi"). See api/quantity.h.
using ResourceList = std::map<std::string, std::string>;
using StringMap = std::map<std::string, std::string>;

struct OwnerReference {
  std::string api_version, kind, name, uid;
  std::optional<bool> controller, block_owner_deletion;
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("name", name); v("uid", uid);
                      v("controller", controller); v("blockOwnerDeletion", block_owner_deletion);)
};

struct ObjectMeta {
  std::string name, generate_name, namespace_, uid, resource_version;
  int64_t generation = 0;
  std::string creation_timestamp, deletion_timestamp;
  StringMap labels, annotations;
  std::vector<std::string> finalizers;
  std::vector<OwnerReference> owner_references;
  FLOTILLA_API_FIELDS(v("name", name); v("generateName", generate_name); v("namespace", namespace_);
                      v("uid", uid); v("resourceVersion", resource_version);
                      v("generation", generation); v("creationTimestamp", creation_timestamp);
                      v("deletionTimestamp", deletion_timestamp); v("labels", labels);
                      v("annotations", annotations); v("finalizers", finalizers);
                      v("ownerReferences", owner_references);)
};

// metav1.Condition.
struct Condition {
  std::string type, status, reason, message, last_transition_time;
  int64_t observed_generation = 0;
  FLOTILLA_API_FIELDS(v("type", type); v("status", status); v("reason", reason);
                      v("message", message); v("lastTransitionTime", last_transition_time);
                      v("observedGeneration", observed_generation);)
};

// corev1.Toleration. Operators Equal (default when empty) / Exists; effects NoSchedule,
// PreferNoSchedule, NoExecute or empty (= all).
struct Toleration {
  std::string key, operator_, value, effect;
  std::optional<int64_t> toleration_seconds;
  FLOTILLA_API_FIELDS(v("key", key); v("operator", operator_); v("value", value);
                      v("effect", effect); v("tolerationSeconds", toleration_seconds);)
};

// corev1.Taint.
struct Taint {
  std::string key, value, effect, time_added;
  FLOTILLA_API_FIELDS(v("key", key); v("value", value); v("effect", effect);
                      v("timeAdded", time_added);)
};

// corev1.NodeSelectorRequirement (also used by ClusterAffinity.fieldSelector).
struct NodeSelectorRequirement {
  std::string key, operator_;
  std::vector<std::string> values;
  FLOTILLA_API_FIELDS(v("key", key); v("operator", operator_); v("values", values);)
};

// Standard toleration matching (k8s corev1 helper ToleratesTaint); Karmada disables Lt/Gt, so
// those never tolerate.
bool toleratesTaint(const Toleration& toleration, const Taint& taint);
// True when some toleration in the list tolerates the taint.
bool toleratesTaint(const std::vector<Toleration>& tolerations, const Taint& taint);

}  // namespace flotilla::api
