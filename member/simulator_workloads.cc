// Deployment, ReplicaSet, StatefulSet and DaemonSet controllers of the simulator.
#include <algorithm>
#include <optional>

#include "apiserver/object_strategy.h"
#include "member/simulator.h"
#include "member/workload_status.h"

namespace flotilla::member {
namespace {

constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";

bool deleting(const Json& obj) { return obj["metadata"].contains("deletionTimestamp"); }

// obj[name] when it is an object, else an empty object: a reference, not a copy.
const Json& objectField(const Json& obj, const char* name) {
  static const Json kEmpty = Json::object();
  if (!obj.is_object()) return kEmpty;
  auto it = obj.find(name);
  return it != obj.end() && it->is_object() ? *it : kEmpty;
}

bool active(const Json& pod) { return !deleting(pod) && !podIsTerminal(pod); }

int64_t revisionNumber(const Json& rs) {
  const Json& annotations = objectField(objectField(rs, "metadata"), "annotations");
  try {
    return std::stoll(annotations.value(kRevisionAnnotation, "0"));
  } catch (...) {
    return 0;
  }
}

std::string labelOf(const Json& obj, const char* name) {
  const Json& labels = objectField(objectField(obj, "metadata"), "labels");
  auto it = labels.find(name);
  return it != labels.end() && it->is_string() ? it->get<std::string>() : "";
}

// Pods a controller should remove first when scaling down: unscheduled, then not running, then
// not ready, then the newest.
bool deleteFirst(const Json* a, const Json* b) {
  auto rank = [](const Json& p) {
    if (p["spec"].value("nodeName", "").empty()) return 0;
    if (objectField(p, "status").value("phase", "") != "Running") return 1;
    if (!podIsReady(p)) return 2;
    return 3;
  };
  const int ra = rank(*a), rb = rank(*b);
  if (ra != rb) return ra < rb;
  return (*a)["metadata"].value("creationTimestamp", "") > (*b)["metadata"].value("creationTimestamp", "");
}

// Progressing=True with reason NewReplicaSetAvailable: nothing left to time out.
bool rolledOut(const Json& status) {
  if (!status.is_object()) return false;
  auto conditions = status.find("conditions");
  if (conditions == status.end() || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (c.value("type", "") == "Progressing") return c.value("reason", "") == "NewReplicaSetAvailable";
  }
  return false;
}

int ordinalOf(const std::string& pod_name, const std::string& set_name) {
  if (pod_name.size() <= set_name.size() + 1 || pod_name.rfind(set_name + "-", 0) != 0) return -1;
  const std::string suffix = pod_name.substr(set_name.size() + 1);
  if (suffix.empty() || suffix.size() > 9 ||
      suffix.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoi(suffix);
}

Json withLabel(Json pod_template, const std::string& key, const std::string& value) {
  if (!pod_template.contains("metadata") || !pod_template["metadata"].is_object()) {
    pod_template["metadata"] = Json::object();
  }
  pod_template["metadata"]["labels"][key] = value;
  return pod_template;
}

// The API server's SetDefaults for the update strategy, which ours does not apply to built-in
// types; `kubectl rollout status` refuses StatefulSets and DaemonSets without it.
std::optional<Json> strategyDefaults(const Json& obj, bool stateful_set) {
  const Json spec = obj.value("spec", Json::object());
  if (spec.contains("updateStrategy") && spec["updateStrategy"].is_object() &&
      spec["updateStrategy"].contains("type")) {
    return std::nullopt;
  }
  Json out = obj;
  Json& strategy = out["spec"]["updateStrategy"];
  if (!strategy.is_object()) strategy = Json::object();
  strategy["type"] = "RollingUpdate";
  if (stateful_set) {
    if (!strategy.contains("rollingUpdate")) strategy["rollingUpdate"] = {{"partition", 0}};
    if (!spec.contains("podManagementPolicy")) out["spec"]["podManagementPolicy"] = "OrderedReady";
  } else if (!strategy.contains("rollingUpdate")) {
    strategy["rollingUpdate"] = {{"maxUnavailable", 1}, {"maxSurge", 0}};
  }
  if (!spec.contains("revisionHistoryLimit")) out["spec"]["revisionHistoryLimit"] = 10;
  return out;
}

}  // namespace

core::Status MemberSimulator::reconcileReplicaSet(const std::string& key) {
  const Json* found = cached(kReplicaSet, key);
  if (found == nullptr || deleting(*found)) return core::Status::ok();
  // References into the cache stay valid while this pass writes other objects (the map keeps its
  // nodes; a write replaces the value in place), so nothing is copied.
  const Json& rs = *found;
  const std::string ns = apiserver::objectNamespace(rs);
  const int32_t desired = specReplicas(rs);
  std::vector<const Json*> live;
  std::vector<Json> finished;
  for (const Json* p : ownedBy(kPod, apiserver::objectUid(rs))) {
    if (active(*p)) live.push_back(p);
    if (podIsTerminal(*p)) finished.push_back(*p);
  }
  // A ReplicaSet replaces failed pods; the finished ones are removed so they do not pile up.
  for (const auto& p : finished) FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, p));
  std::vector<const Json*> pods;
  if (static_cast<int32_t>(live.size()) > desired) {
    std::sort(live.begin(), live.end(), deleteFirst);
    const size_t extra = live.size() - static_cast<size_t>(desired);
    std::vector<Json> doomed;
    for (size_t i = 0; i < extra; ++i) doomed.push_back(*live[i]);
    live.erase(live.begin(), live.begin() + static_cast<std::ptrdiff_t>(extra));
    for (const auto& p : doomed) FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, p));
  }
  pods = std::move(live);
  const Json& pod_template = objectField(rs["spec"], "template");
  for (int32_t i = static_cast<int32_t>(pods.size()); i < desired; ++i) {
    Json pod = podFromTemplate(pod_template, ns, rs, "ReplicaSet", "apps/v1");
    pod["metadata"]["generateName"] = apiserver::objectName(rs) + "-";
    auto created = createObject(kPod, std::move(pod));
    if (!created.isOk()) return created.status();
    pods.push_back(*created);
  }
  const Json* latest = cached(kReplicaSet, key);
  if (latest == nullptr) return core::Status::ok();
  settle(kReplicaSet, key);  // its pods' creates above enqueued it again
  if (statusCanWait(pods)) return core::Status::ok();  // written when they are Ready
  return writeOwnStatus(kReplicaSet, key, replicaSetStatus(*latest, pods));
}

core::Status MemberSimulator::reconcileDeployment(const std::string& key) {
  const Json* found = cached(kDeployment, key);
  if (found == nullptr || deleting(*found)) return core::Status::ok();
  // A reference into the cache: this pass writes the Deployment last (see reconcileReplicaSet).
  const Json& deployment = *found;
  const std::string ns = apiserver::objectNamespace(deployment);
  const std::string name = apiserver::objectName(deployment);
  const int32_t desired = specReplicas(deployment);
  const Json& spec = objectField(deployment, "spec");
  const bool paused = spec.value("paused", false);
  const std::string hash = templateHash(objectField(spec, "template"));
  const std::string new_name = name + "-" + hash;

  const std::vector<const Json*> sets = ownedBy(kReplicaSet, apiserver::objectUid(deployment));
  int64_t max_revision = 0;
  const Json* new_rs = nullptr;
  for (const Json* rs : sets) {
    max_revision = std::max(max_revision, revisionNumber(*rs));
    if (labelOf(*rs, "pod-template-hash") == hash) new_rs = rs;
  }
  std::string revision;  // the revision annotation to set (with the status: one write)
  if (!paused) {
    const std::string next_revision = std::to_string(new_rs != nullptr && revisionNumber(*new_rs) == max_revision
                                                         ? max_revision
                                                         : max_revision + 1);
    const std::string replicas_text = std::to_string(desired);
    if (new_rs == nullptr) {
      Json pod_template = withLabel(objectField(spec, "template"), "pod-template-hash", hash);
      Json selector = spec.value("selector", Json::object());
      selector["matchLabels"]["pod-template-hash"] = hash;
      // Built by moving the parts in: an initializer list would copy each of them once more.
      Json rs = Json::object();
      Json& rs_meta = rs["metadata"];
      rs_meta["name"] = new_name;
      rs_meta["namespace"] = ns;
      rs_meta["labels"] = pod_template["metadata"].value("labels", Json::object());
      Json& annotations = rs_meta["annotations"];
      annotations[kRevisionAnnotation] = next_revision;
      annotations["deployment.kubernetes.io/desired-replicas"] = replicas_text;
      annotations["deployment.kubernetes.io/max-replicas"] = replicas_text;
      Json ref = Json::object();
      ref["apiVersion"] = "apps/v1";
      ref["kind"] = "Deployment";
      ref["name"] = name;
      ref["uid"] = apiserver::objectUid(deployment);
      ref["controller"] = true;
      ref["blockOwnerDeletion"] = true;
      rs_meta["ownerReferences"] = Json::array();
      rs_meta["ownerReferences"].push_back(std::move(ref));
      Json& rs_spec = rs["spec"];
      rs_spec["replicas"] = desired;
      rs_spec["minReadySeconds"] = spec.value("minReadySeconds", 0);
      rs_spec["selector"] = std::move(selector);
      rs_spec["template"] = std::move(pod_template);
      // Created with the status its pass below writes a moment later (its pods created, none
      // Ready yet): one write fewer whenever that status stays, e.g. with unschedulable pods.
      // Should a pod create fail, the retried pass writes what it counts.
      rs["status"] = replicaSetStatus(rs, desired, 0);
      auto created = createObject(kReplicaSet, std::move(rs));
      if (!created.isOk() && created.status().code() != core::Code::AlreadyExists) {
        return created.status();
      }
      // Its pods and status now rather than on a later pass, so the Deployment's first status
      // below already counts them (one status write instead of two).
      if (created.isOk()) FLOTILLA_RETURN_IF_ERROR(reconcileReplicaSet(ns + "/" + new_name));
    } else if (specReplicas(*new_rs) != desired ||
               std::to_string(revisionNumber(*new_rs)) != next_revision) {
      FLOTILLA_RETURN_IF_ERROR(updateObject(kReplicaSet, *new_rs, [&](const Json& cur) -> core::Result<Json> {
        Json out = cur;
        if (out["spec"].value("replicas", 1) != desired) {
          out["spec"]["replicas"] = desired;
          out["metadata"]["generation"] = out["metadata"].value("generation", 1) + 1;
        }
        out["metadata"]["annotations"][kRevisionAnnotation] = next_revision;
        out["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = replicas_text;
        out["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = replicas_text;
        return out;
      }));
      FLOTILLA_RETURN_IF_ERROR(reconcileReplicaSet(ns + "/" + new_name));
    }
    // Old replica sets go away once the new one is available enough to carry the load (all at
    // once; Recreate does not wait).
    const Json* fresh = cached(kReplicaSet, ns + "/" + new_name);
    const int64_t new_available =
        fresh == nullptr ? 0 : objectField(*fresh, "status").value("availableReplicas", 0);
    const bool recreate = objectField(spec, "strategy").value("type", "") == "Recreate";
    if (recreate || new_available >= desired - maxUnavailable(deployment)) {
      for (const Json* rs : sets) {
        if (labelOf(*rs, "pod-template-hash") == hash || specReplicas(*rs) == 0) continue;
        FLOTILLA_RETURN_IF_ERROR(updateObject(kReplicaSet, *rs, [](const Json& cur) -> core::Result<Json> {
          Json out = cur;
          out["spec"]["replicas"] = 0;
          out["metadata"]["generation"] = out["metadata"].value("generation", 1) + 1;
          return out;
        }));
      }
    }
    revision = next_revision;
  }
  std::vector<OwnedReplicaSet> owned;
  for (const Json* rs : ownedBy(kReplicaSet, apiserver::objectUid(deployment))) {
    owned.push_back({apiserver::objectName(*rs), specReplicas(*rs), rs->value("status", Json::object())});
  }
  const Json* latest = cached(kDeployment, key);
  if (latest == nullptr) return core::Status::ok();
  // Its ReplicaSets' writes above enqueued it again; this pass has seen them all.
  settle(kDeployment, key);
  Json status = deploymentStatus(*latest, owned, new_name, now());
  if (paused) {
    setCondition(status, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now(), true);
  } else if (conditionStatus(status["conditions"], "Progressing") == "True" &&
             !rolledOut(status)) {
    // Look again when the progress deadline would pass (a finished rollout has none).
    const int64_t deadline = spec.value("progressDeadlineSeconds", 600);
    enqueueAfter(kDeployment, key, std::chrono::seconds(deadline) + std::chrono::seconds(1));
  }
  if (!paused) {
    // While the new pods are about to be Ready, the status (and the revision annotation with
    // it) waits for them, like the ReplicaSets' (statusCanWait): one write, not two.
    std::vector<const Json*> pods;
    for (const Json* rs : ownedBy(kReplicaSet, apiserver::objectUid(*latest))) {
      for (const Json* p : ownedBy(kPod, apiserver::objectUid(*rs))) {
        if (active(*p)) pods.push_back(p);
      }
    }
    if (statusCanWait(pods)) return core::Status::ok();
  }
  // With the revision annotation (set once per new revision): one write.
  return writeOwnStatus(kDeployment, key, std::move(status), revision.empty() ? "" : kRevisionAnnotation,
                        revision);
}

core::Status MemberSimulator::reconcileStatefulSet(const std::string& key) {
  const Json* found = cached(kStatefulSet, key);
  if (found == nullptr || deleting(*found)) return core::Status::ok();
  if (strategyDefaults(*found, true)) {
    FLOTILLA_RETURN_IF_ERROR(updateObject(kStatefulSet, *found, [](const Json& cur) -> core::Result<Json> {
      auto defaulted = strategyDefaults(cur, true);
      return defaulted ? *defaulted : cur;
    }));
    found = cached(kStatefulSet, key);
    if (found == nullptr) return core::Status::ok();
  }
  const Json sts = *found;
  const std::string ns = apiserver::objectNamespace(sts);
  const std::string name = apiserver::objectName(sts);
  const int32_t desired = specReplicas(sts);
  const Json spec = sts.value("spec", Json::object());
  const bool parallel = spec.value("podManagementPolicy", "OrderedReady") == "Parallel";
  const std::string revision = name + "-" + templateHash(spec.value("template", Json::object()));

  std::map<int, Json> pods;
  for (const Json* p : ownedBy(kPod, apiserver::objectUid(sts))) {
    const int ordinal = ordinalOf(apiserver::objectName(*p), name);
    if (ordinal < 0) continue;
    if (podIsTerminal(*p)) {
      FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, *p));  // recreated under the same name
      continue;
    }
    pods[ordinal] = *p;
  }
  // Scale down from the highest ordinal.
  for (auto it = pods.rbegin(); it != pods.rend() && it->first >= desired;) {
    if (!deleting(it->second)) {
      FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, it->second));
      if (!parallel) break;
    }
    ++it;
  }
  // Scale up in order; OrderedReady waits for each pod to be Running and Ready.
  for (int i = 0; i < desired; ++i) {
    auto it = pods.find(i);
    if (it != pods.end()) {
      if (!parallel && (!podIsReady(it->second) || deleting(it->second))) break;
      continue;
    }
    Json pod_template = spec.value("template", Json::object());
    pod_template = withLabel(pod_template, "controller-revision-hash", revision);
    pod_template = withLabel(pod_template, "statefulset.kubernetes.io/pod-name", name + "-" + std::to_string(i));
    pod_template = withLabel(pod_template, "apps.kubernetes.io/pod-index", std::to_string(i));
    Json pod = podFromTemplate(pod_template, ns, sts, "StatefulSet", "apps/v1");
    pod["metadata"]["name"] = name + "-" + std::to_string(i);
    pod["spec"]["hostname"] = name + "-" + std::to_string(i);
    if (spec.contains("serviceName")) pod["spec"]["subdomain"] = spec["serviceName"];
    auto created = createObject(kPod, std::move(pod));
    if (!created.isOk()) {
      if (created.status().code() == core::Code::AlreadyExists) break;  // old one still going
      return created.status();
    }
    pods[i] = **created;
    if (!parallel) break;
  }
  // Rolling update: replace the highest outdated pod once all are ready.
  const Json strategy = spec.value("updateStrategy", Json::object());
  if (strategy.value("type", "RollingUpdate") == "RollingUpdate") {
    const int partition = strategy.value("rollingUpdate", Json::object()).value("partition", 0);
    bool all_ready = static_cast<int32_t>(pods.size()) >= desired;
    for (const auto& [i, p] : pods) all_ready = all_ready && podIsReady(p) && !deleting(p);
    if (all_ready) {
      for (auto it = pods.rbegin(); it != pods.rend(); ++it) {
        if (it->first < partition || it->first >= desired) continue;
        if (labelOf(it->second, "controller-revision-hash") != revision) {
          FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, it->second));
          break;
        }
      }
    }
  }
  std::vector<Json> current;
  for (const Json* p : ownedBy(kPod, apiserver::objectUid(sts))) {
    if (active(*p)) current.push_back(*p);
  }
  const Json* latest = cached(kStatefulSet, key);
  if (latest == nullptr) return core::Status::ok();
  return updateStatus(kStatefulSet, *latest, statefulSetStatus(*latest, current, revision));
}

core::Status MemberSimulator::reconcileDaemonSet(const std::string& key) {
  const Json* found = cached(kDaemonSet, key);
  if (found == nullptr || deleting(*found)) return core::Status::ok();
  if (strategyDefaults(*found, false)) {
    FLOTILLA_RETURN_IF_ERROR(updateObject(kDaemonSet, *found, [](const Json& cur) -> core::Result<Json> {
      auto defaulted = strategyDefaults(cur, false);
      return defaulted ? *defaulted : cur;
    }));
    found = cached(kDaemonSet, key);
    if (found == nullptr) return core::Status::ok();
  }
  const Json ds = *found;
  const std::string ns = apiserver::objectNamespace(ds);
  const Json spec = ds.value("spec", Json::object());
  const Json pod_template = spec.value("template", Json::object());
  const std::string hash = templateHash(pod_template);
  // DaemonSet pods tolerate the node conditions the DaemonSet controller adds for them.
  Json tolerations = pod_template.value("spec", Json::object()).value("tolerations", Json::array());
  for (const char* t : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
                        "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
                        "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable"}) {
    tolerations.push_back({{"key", t}, {"operator", "Exists"}});
  }
  std::map<std::string, std::vector<Json>> by_node;
  for (const Json* p : ownedBy(kPod, apiserver::objectUid(ds))) {
    if (podIsTerminal(*p)) {
      FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, *p));
      continue;
    }
    if (!deleting(*p)) by_node[(*p)["spec"].value("nodeName", "")].push_back(*p);
  }
  DaemonSetCounts counts;
  std::set<std::string> seen;
  for (const auto& [node_name, node] : cache_[kNode]) {
    seen.insert(node_name);
    const bool should_run =
        matchesNodeSelection(pod_template.value("spec", Json::object()), node) &&
        toleratesTaints(tolerations, node.value("spec", Json::object()).value("taints", Json::array()), nullptr);
    auto& pods = by_node[node_name];
    if (!should_run) {
      if (!pods.empty()) counts.misscheduled++;
      for (const auto& p : pods) FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, p));
      continue;
    }
    counts.desired++;
    for (size_t i = 1; i < pods.size(); ++i) FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, pods[i]));
    if (!pods.empty() && labelOf(pods[0], "controller-revision-hash") != hash) {
      FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, pods[0]));  // recreated with the new template
      counts.current++;
      continue;
    }
    if (pods.empty()) {
      Json pod = podFromTemplate(withLabel(pod_template, "controller-revision-hash", hash), ns, ds,
                                 "DaemonSet", "apps/v1");
      pod["metadata"]["generateName"] = apiserver::objectName(ds) + "-";
      pod["metadata"]["labels"]["pod-template-generation"] =
          std::to_string(ds["metadata"].value("generation", 1));
      pod["spec"]["nodeName"] = node_name;
      pod["spec"]["tolerations"] = tolerations;
      auto created = createObject(kPod, std::move(pod));
      if (!created.isOk()) return created.status();
      counts.current++;
      counts.updated++;
      continue;
    }
    counts.current++;
    counts.updated++;
    if (podIsReady(pods[0])) counts.ready++;
  }
  for (const auto& [node_name, pods] : by_node) {
    if (seen.count(node_name)) continue;
    for (const auto& p : pods) FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, p));  // node gone
  }
  const Json* latest = cached(kDaemonSet, key);
  if (latest == nullptr) return core::Status::ok();
  return updateStatus(kDaemonSet, *latest, daemonSetStatus(*latest, counts));
}

}  // namespace flotilla::member
