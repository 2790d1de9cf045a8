// cluster.karmada.io/v1alpha1 Cluster (karmada.md §1.3): how to reach a member (syncMode,
// apiEndpoint, secretRef), where it is (provider/region/zones), its taints and resource models,
// and the status the cluster-status controller reports (conditions, API enablements, node and
// resource summaries). The scheduler and estimators read these; they never fetch them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/meta.h"

namespace flotilla::api {

inline constexpr const char* kClusterGroupVersion = "cluster.karmada.io/v1alpha1";
inline constexpr const char* kSyncModePush = "Push";
inline constexpr const char* kSyncModePull = "Pull";
inline constexpr const char* kClusterConditionReady = "Ready";
inline constexpr const char* kClusterConditionCompleteAPIEnablements = "CompleteAPIEnablements";
inline constexpr const char* kTaintClusterNotReady = "cluster.karmada.io/not-ready";
inline constexpr const char* kTaintClusterUnreachable = "cluster.karmada.io/unreachable";
inline constexpr const char* kTaintClusterUnschedulable = "cluster.karmada.io/unschedulable";

struct LocalSecretReference {
  std::string namespace_, name;
  FLOTILLA_API_FIELDS(v("namespace", namespace_, Emit::Always); v("name", name, Emit::Always);)
};

struct ResourceModelRange {
  std::string name;
  std::string min, max;  // quantities
  FLOTILLA_API_FIELDS(v("name", name, Emit::Always); v("min", min, Emit::Always);
                      v("max", max, Emit::Always);)
};

struct ResourceModel {
  uint64_t grade = 0;
  std::vector<ResourceModelRange> ranges;
  FLOTILLA_API_FIELDS(v("grade", grade, Emit::Always); v("ranges", ranges, Emit::Always);)
};

struct ClusterSpec {
  std::string id, sync_mode, api_endpoint;
  std::optional<LocalSecretReference> secret_ref, impersonator_secret_ref;
  bool insecure_skip_tls_verification = false;
  std::string proxy_url;
  StringMap proxy_header;
  std::string provider, region, zone;  // zone deprecated: webhook moves it into zones
  std::vector<std::string> zones;
  std::vector<Taint> taints;
  std::vector<ResourceModel> resource_models;
  FLOTILLA_API_FIELDS(v("id", id); v("syncMode", sync_mode, Emit::Always);
                      v("apiEndpoint", api_endpoint); v("secretRef", secret_ref);
                      v("impersonatorSecretRef", impersonator_secret_ref);
                      v("insecureSkipTLSVerification", insecure_skip_tls_verification);
                      v("proxyURL", proxy_url); v("proxyHeader", proxy_header);
                      v("provider", provider); v("region", region); v("zone", zone);
                      v("zones", zones); v("taints", taints); v("resourceModels", resource_models);)
};

struct APIResource {
  std::string name, kind;
  FLOTILLA_API_FIELDS(v("name", name, Emit::Always); v("kind", kind, Emit::Always);)
};

struct APIEnablement {
  std::string group_version;
  std::vector<APIResource> resources;
  FLOTILLA_API_FIELDS(v("groupVersion", group_version, Emit::Always); v("resources", resources);)
};

struct NodeSummary {
  int32_t total_num = 0, ready_num = 0;
  FLOTILLA_API_FIELDS(v("totalNum", total_num); v("readyNum", ready_num);)
};

struct AllocatableModeling {
  int64_t grade = 0;
  int64_t count = 0;
  FLOTILLA_API_FIELDS(v("grade", grade, Emit::Always); v("count", count, Emit::Always);)
};

struct ResourceSummary {
  ResourceList allocatable, allocating, allocated;
  std::vector<AllocatableModeling> allocatable_modelings;
  FLOTILLA_API_FIELDS(v("allocatable", allocatable); v("allocating", allocating);
                      v("allocated", allocated); v("allocatableModelings", allocatable_modelings);)
};

struct ClusterStatus {
  std::string kubernetes_version;
  std::vector<APIEnablement> api_enablements;
  std::vector<Condition> conditions;
  std::optional<NodeSummary> node_summary;
  std::optional<ResourceSummary> resource_summary;
  std::vector<std::string> remedy_actions;
  FLOTILLA_API_FIELDS(v("kubernetesVersion", kubernetes_version);
                      v("apiEnablements", api_enablements); v("conditions", conditions);
                      v("nodeSummary", node_summary); v("resourceSummary", resource_summary);
                      v("remedyActions", remedy_actions);)
};

struct Cluster {
  std::string api_version, kind;
  ObjectMeta metadata;
  ClusterSpec spec;
  ClusterStatus status;
  // Zones including the deprecated single `zone`.
  std::vector<std::string> allZones() const;
  // The Ready condition's status ("True"/"False"/"Unknown"), empty when absent.
  std::string readyStatus() const;
  // True when status.apiEnablements lists kind in groupVersion.
  bool apiEnabled(const std::string& group_version, const std::string& kind) const;
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec, Emit::Always); v("status", status);)
};

// The 9-grade cpu/memory models Karmada installs when a Cluster has none (karmada.md §1.3).
std::vector<ResourceModel> defaultResourceModels();

// Webhook defaults: moves `zone` into `zones`, fills default resource models when empty, and
// stamps NoExecute taints lacking timeAdded with `now` (RFC 3339).
void setDefaults(Cluster& cluster, const std::string& now);

}  // namespace flotilla::api
