// Registration of Push-mode member clusters and their scheduling taints — what `flotilla join`,
// `unjoin`, `cordon`, `uncordon` and `taint` do, as functions over Client interfaces so they are
// tested with FakeClient. Joining writes the Cluster (cluster.karmada.io/v1alpha1, syncMode
// Push), its credentials Secret in `karmada-cluster` and the `karmada-es-<name>` execution
// namespace; unjoining deletes every member object Flotilla created for that cluster (the
// Works' manifests) and then the Works, the execution namespace, the Cluster and the Secret.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "client/rest_config.h"
#include "core/status.h"

namespace flotilla::controllers {

struct JoinOptions {
  std::string name;
  client::RestConfig member;  // endpoint and credentials of the member API server
  std::string provider, region;
  std::vector<std::string> zones;
  std::map<std::string, std::string> labels;
  std::string cluster_id;  // spec.id (the member's kube-system namespace uid when known)
};

// Creates (or updates) the Secret, the Cluster and the execution namespace. The member must be
// reachable with a bearer token: Push-mode Secrets carry `token` and `caBundle`.
core::Status joinCluster(client::Client& host, const JoinOptions& options);

// `member` may be null (unreachable or unknown member): its objects are then left in place.
// Returns the number of member objects deleted.
core::Result<int> unjoinCluster(client::Client& host, client::Client* member,
                                const std::string& name);

struct TaintSpec {
  std::string key, value, effect;
  bool remove = false;
};
// "key[=value]:Effect" adds, "key[=value]:Effect-" or "key-" removes (kubectl taint syntax).
core::Result<TaintSpec> parseTaintSpec(const std::string& text);
// The taints after applying `specs`; AlreadyExists for a changed value without `overwrite`,
// NotFound when removing a taint that is not there.
core::Result<nlohmann::json> applyTaintSpecs(const nlohmann::json& taints,
                                             const std::vector<TaintSpec>& specs, bool overwrite,
                                             const std::string& now);
// Reads the Cluster, applies the specs to spec.taints and writes it back (retrying conflicts).
core::Status updateClusterTaints(client::Client& host, const std::string& name,
                                 const std::vector<TaintSpec>& specs, bool overwrite,
                                 const std::string& now);

}  // namespace flotilla::controllers
