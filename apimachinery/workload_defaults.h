// The hand-written defaulting functions of Kubernetes 1.32 (SetDefaults_* in pkg/apis/*/v1) for
// the kinds a federation propagates: Pod and pod templates, Deployment, ReplicaSet, StatefulSet,
// DaemonSet, Job, CronJob and Service. kube-apiserver applies them to every write, so clients
// rely on them: `kubectl rollout status` needs a strategy type, `kubectl diff` and GitOps tools
// expect revisionHistoryLimit and friends to be there, and a member cluster receives the same
// defaulted manifest it would get from a real host. Only absent fields are filled.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace flotilla::apimachinery {

// Fills the defaults of `group`/`kind` (any served version) into `obj`; other kinds are left
// alone. Ill-typed fields are left as they are for validation to report.
void applyWorkloadDefaults(std::string_view group, std::string_view kind, nlohmann::json& obj);

}  // namespace flotilla::apimachinery
