// The scheduler and kubelet halves of the simulator (pods), and the Service controllers
// (ClusterIP allocation, EndpointSlices).
#include <algorithm>

#include "apiserver/object_strategy.h"
#include "core/duration.h"
#include "member/endpoint_slices.h"
#include "member/simulator.h"
#include "member/workload_status.h"

namespace flotilla::member {
namespace {

std::string str(const Json& obj, const char* a, const char* b) {
  auto x = obj.find(a);
  if (x == obj.end() || !x->is_object()) return "";
  auto y = x->find(b);
  return y != x->end() && y->is_string() ? y->get<std::string>() : "";
}

// obj[name], or null: a reference, not a copy.
const Json& child(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string annotation(const Json& obj, const char* name) {
  const Json& value = child(child(child(obj, "metadata"), "annotations"), name);
  return value.is_string() ? value.get<std::string>() : "";
}

std::string ownerKind(const Json& obj) {
  const Json& refs = child(child(obj, "metadata"), "ownerReferences");
  if (!refs.is_array()) return "";
  for (const auto& r : refs) {
    if (r.is_object() && r.value("controller", false)) return r.value("kind", "");
  }
  return "";
}

// How long a Running pod runs before it finishes: the run-duration annotation on any pod, else
// --job-duration for pods of Jobs; others run forever (nullopt).
std::optional<std::chrono::milliseconds> runDuration(const Json& pod,
                                                     std::chrono::milliseconds job_duration) {
  const std::string run_for = annotation(pod, "member.flotilla.io/run-duration");
  if (!run_for.empty()) {
    auto d = core::parseDuration(run_for);
    if (d.isOk()) return *d;
    return std::nullopt;
  }
  if (ownerKind(pod) == "Job") return job_duration;
  return std::nullopt;
}

std::string fakeDigest(const std::string& seed) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : seed) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf) + buf + buf + buf;
}

// containerStatuses for every container in a given state.
Json containerStatuses(const Json& pod, const std::string& state, const std::string& since,
                       int exit_code) {
  Json out = Json::array();
  const std::string uid = apiserver::objectUid(pod);
  for (const auto& c : child(child(pod, "spec"), "containers")) {  // no copy
    const std::string name = c.value("name", "");
    const std::string image = c.value("image", "");
    Json s = {{"name", name},
              {"image", image},
              {"imageID", "docker.io/library/" + image + "@sha256:" + fakeDigest(image)},
              {"restartCount", 0},
              {"ready", state == "running"},
              {"started", state == "running"}};
    if (state == "waiting") {
      s["state"] = {{"waiting", {{"reason", "ContainerCreating"}}}};
    } else {
      s["containerID"] = "containerd://" + fakeDigest(uid + name);
      if (state == "running") {
        s["state"] = {{"running", {{"startedAt", since}}}};
      } else {
        s["state"] = {{"terminated",
                       {{"exitCode", exit_code},
                        {"reason", exit_code == 0 ? "Completed" : "Error"},
                        {"startedAt", since},
                        {"finishedAt", since}}}};
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

// Kubernetes leaves out empty reasons and messages (and the kubelet's True conditions carry
// none); setCondition always writes both.
void dropEmpty(Json& status, bool true_conditions_too) {
  if (!status.contains("conditions")) return;
  for (auto& c : status["conditions"]) {
    for (const char* f : {"reason", "message"}) {
      auto it = c.find(f);
      if (it == c.end()) continue;
      if (it->is_null() || *it == "" || (true_conditions_too && c.value("status", "") == "True")) {
        c.erase(it);
      }
    }
  }
}

}  // namespace

const std::map<std::string, NodeUsage>& MemberSimulator::nodeUsage() {
  if (!usage_) {
    usage_.emplace();
    for (const auto& [key, pod] : cache_[kPod]) {
      if (!podHoldsNode(pod)) continue;
      NodeUsage& u = (*usage_)[pod["spec"].value("nodeName", "")];
      u.pods += 1;
      addAmounts(u.requested, podRequests(pod));
    }
  }
  return *usage_;
}

std::string MemberSimulator::allocateIp(const Ipv4Range& range, const std::set<std::string>& used,
                                        uint64_t* cursor) {
  // Skip the network address and the first host (a gateway); wrap around.
  const uint64_t size = range.size();
  for (uint64_t tries = 0; tries < size; ++tries) {
    const uint64_t offset = 2 + (*cursor)++ % (size > 3 ? size - 3 : 1);
    std::string ip = range.at(offset);
    if (!used.count(ip)) return ip;
  }
  return "";
}

const std::vector<CandidateNode>& MemberSimulator::schedulableNodes() {
  if (!schedulable_nodes_) {
    std::vector<Json> nodes;
    for (const auto& [name, node] : cache_[kNode]) {
      if (!node["metadata"].contains("deletionTimestamp")) nodes.push_back(node);
    }
    schedulable_nodes_ = candidateNodes(nodes);
  }
  return *schedulable_nodes_;
}

MemberSimulator::PodStart MemberSimulator::admitNewPod(Json& pod) {
  Json& spec = pod["spec"];
  if (!pod.contains("status") || !pod["status"].is_object()) pod["status"] = Json::object();
  Json& status = pod["status"];
  const std::string ts = now();
  std::string node_name = spec.value("nodeName", "");
  if (node_name.empty()) {
    const ScheduleDecision decision = schedulePod(pod, schedulableNodes(), nodeUsage());
    if (decision.node.empty()) {
      setCondition(status, "PodScheduled", "False", "Unschedulable", decision.message, ts);
      dropEmpty(status, false);
      return PodStart::Unschedulable;
    }
    node_name = decision.node;
    spec["nodeName"] = node_name;
    setCondition(status, "PodScheduled", "True", "", "", ts);
    dropEmpty(status, true);
  }
  const Json* node = cached(kNode, node_name);
  // A vanished node or an exhausted CIDR: reconcilePod deals with the pod once it exists.
  if (node == nullptr) return PodStart::NotStarted;
  Json started = status;
  if (!kubeletStart(pod, *node, ts, started).isOk()) return PodStart::NotStarted;
  status = std::move(started);
  return PodStart::Started;
}

bool MemberSimulator::statusCanWait(const std::vector<const Json*>& pods) const {
  // Short enough not to hide a slow start (a pod that takes longer shows up as not ready).
  constexpr std::chrono::milliseconds kStatusCoalesce{1000};
  const auto ready_at = [this](const Json& pod) -> std::optional<TimePoint> {
    auto since = phase_since_.find(apiserver::objectUid(pod));
    if (since == phase_since_.end()) return std::nullopt;  // restarted: timer lost
    return since->second + config_.pod_ready_delay;
  };
  return member::statusCanWait(pods, ready_at, clock_->now() + kStatusCoalesce);
}

core::Status MemberSimulator::kubeletStart(const Json& pod, const Json& node,
                                           const std::string& ts, Json& status) {
  std::string ip = status.value("podIP", "");
  if (ip.empty()) ip = allocateIp(config_.pod_range, pod_ips_, &pod_ip_cursor_);
  if (ip.empty()) return core::Status(core::Code::Unavailable, "pod CIDR exhausted");
  std::string host_ip;
  for (const auto& a : child(child(node, "status"), "addresses")) {  // no copy of the status
    if (a.value("type", "") == "InternalIP") host_ip = a.value("address", "");
  }
  status["phase"] = "Pending";
  if (!status.contains("qosClass")) status["qosClass"] = podQosClass(pod["spec"]);
  status["hostIP"] = host_ip;
  status["hostIPs"] = Json::array({{{"ip", host_ip}}});
  status["podIP"] = ip;
  status["podIPs"] = Json::array({{{"ip", ip}}});
  status["startTime"] = ts;
  setCondition(status, "PodReadyToStartContainers", "True", "", "", ts);
  setCondition(status, "Initialized", "True", "", "", ts);
  std::string names;
  for (const auto& c : child(child(pod, "spec"), "containers")) {  // no copy
    names += (names.empty() ? "" : " ") + c.value("name", "");
  }
  const std::string unready = "containers with unready status: [" + names + "]";
  setCondition(status, "Ready", "False", "ContainersNotReady", unready, ts);
  setCondition(status, "ContainersReady", "False", "ContainersNotReady", unready, ts);
  setCondition(status, "PodScheduled", "True", "", "", ts);
  dropEmpty(status, false);
  status["containerStatuses"] = containerStatuses(pod, "waiting", ts, 0);
  return core::Status::ok();
}

core::Status MemberSimulator::schedule(const Json& pod) {
  const ScheduleDecision decision = schedulePod(pod, schedulableNodes(), nodeUsage());
  const std::string ts = now();
  if (decision.node.empty()) {
    Json status = pod.value("status", Json::object());
    status["phase"] = "Pending";
    if (!status.contains("qosClass")) status["qosClass"] = podQosClass(pod.value("spec", Json::object()));
    setCondition(status, "PodScheduled", "False", "Unschedulable", decision.message, ts);
    dropEmpty(status, false);
    return updateStatus(kPod, pod, status);
  }
  const std::string node = decision.node;
  const std::string key = pod["metadata"].value("namespace", "") + "/" + apiserver::objectName(pod);
  auto st = updateObject(kPod, pod, [&](const Json& current) -> core::Result<Json> {
    if (!current["spec"].value("nodeName", "").empty()) return current;  // bound meanwhile
    Json out = current;
    out["spec"]["nodeName"] = node;
    Json status = out.value("status", Json::object());
    setCondition(status, "PodScheduled", "True", "", "", ts);
    dropEmpty(status, true);
    out["status"] = status;
    return out;
  });
  if (st.isOk()) enqueue(kPod, key);  // the kubelet admits it next
  return st;
}

core::Status MemberSimulator::reconcilePod(const std::string& key) {
  const Json* found = cached(kPod, key);
  if (found == nullptr) return core::Status::ok();
  const Json& pod = *found;  // the cache's entry: each path below writes it last
  if (pod["metadata"].contains("deletionTimestamp") || podIsTerminal(pod)) return core::Status::ok();
  const std::string node_name = str(pod, "spec", "nodeName");
  if (node_name.empty()) return schedule(pod);

  const std::string uid = apiserver::objectUid(pod);
  const Json* node = cached(kNode, node_name);
  if (node == nullptr) {
    // The node is gone: controllers replace their pods; a bare pod fails like on a lost node.
    if (!ownerKind(pod).empty()) return removeObject(kPod, pod);
    Json status = pod.value("status", Json::object());
    status["phase"] = "Failed";
    status["reason"] = "NodeLost";
    status["message"] = "Node " + node_name + " which was running pod " +
                        apiserver::objectName(pod) + " is unresponsive";
    setCondition(status, "Ready", "False", "PodFailed", "", now());
    return updateStatus(kPod, pod, status);
  }

  const auto t = clock_->now();
  const std::string phase = str(pod, "status", "phase");
  auto since = phase_since_.find(uid);
  if (since == phase_since_.end()) {
    // After a restart the timer is lost: count from now, which only delays the next step.
    since = phase_since_.emplace(uid, t).first;
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(t - since->second);
  const std::string ts = now();
  Json status = pod.value("status", Json::object());

  if (!status.contains("startTime")) {
    // The kubelet admits the pod: addresses, start time, containers being created.
    FLOTILLA_RETURN_IF_ERROR(kubeletStart(pod, *node, ts, status));
    phase_since_[uid] = t;
    enqueueAfter(kPod, key, config_.pod_ready_delay);
    return updateStatus(kPod, pod, status);
  }

  if (phase == "Pending") {
    if (elapsed < config_.pod_ready_delay) {
      enqueueAfter(kPod, key, config_.pod_ready_delay - elapsed);
      return core::Status::ok();
    }
    status["phase"] = "Running";
    setCondition(status, "Ready", "True", "", "", ts);
    setCondition(status, "ContainersReady", "True", "", "", ts);
    dropEmpty(status, true);
    status["containerStatuses"] = containerStatuses(pod, "running", ts, 0);
    phase_since_[uid] = t;
    // Pods of Jobs (or any pod annotated with a run duration) start their run timer now.
    const auto duration = runDuration(pod, config_.job_duration);
    auto st = updateStatus(kPod, pod, status);
    if (st.isOk() && duration) enqueueAfter(kPod, key, *duration);
    return st;
  }

  if (phase == "Running") {
    // Pods of Jobs (or any pod annotated with a run duration) finish; others run forever.
    const auto duration = runDuration(pod, config_.job_duration);
    if (!duration) return core::Status::ok();
    if (elapsed < *duration) {
      enqueueAfter(kPod, key, *duration - elapsed);
      return core::Status::ok();
    }
    int exit_code = 0;
    const std::string code = annotation(pod, "member.flotilla.io/exit-code");
    if (!code.empty()) {
      try {
        exit_code = std::stoi(code);
      } catch (...) {
        exit_code = 1;
      }
    }
    status["phase"] = exit_code == 0 ? "Succeeded" : "Failed";
    const char* reason = exit_code == 0 ? "PodCompleted" : "PodFailed";
    setCondition(status, "Ready", "False", reason, "", ts);
    setCondition(status, "ContainersReady", "False", reason, "", ts);
    dropEmpty(status, false);
    status["containerStatuses"] = containerStatuses(pod, "terminated", ts, exit_code);
    return updateStatus(kPod, pod, status);
  }
  return core::Status::ok();
}

core::Status MemberSimulator::reconcileService(const std::string& key) {
  const Json* found = cached(kService, key);
  if (found == nullptr) return core::Status::ok();
  Json service = *found;
  if (service["metadata"].contains("deletionTimestamp")) return core::Status::ok();
  Json spec = service.value("spec", Json::object());
  const std::string type = spec.value("type", "ClusterIP");
  if (type != "ExternalName" && spec.value("clusterIP", "").empty()) {
    const std::string ip = allocateIp(config_.service_range, service_ips_, &service_ip_cursor_);
    if (ip.empty()) return core::Status(core::Code::Unavailable, "service CIDR exhausted");
    auto st = updateObject(kService, service, [&](const Json& current) -> core::Result<Json> {
      Json out = current;
      Json& s = out["spec"];
      if (!s.value("clusterIP", "").empty()) return current;
      s["clusterIP"] = ip;
      s["clusterIPs"] = Json::array({ip});
      if (!s.contains("type")) s["type"] = "ClusterIP";
      if (!s.contains("ipFamilies")) s["ipFamilies"] = Json::array({"IPv4"});
      if (!s.contains("ipFamilyPolicy")) s["ipFamilyPolicy"] = "SingleStack";
      if (!s.contains("sessionAffinity")) s["sessionAffinity"] = "None";
      if (!s.contains("internalTrafficPolicy")) s["internalTrafficPolicy"] = "Cluster";
      return out;
    });
    FLOTILLA_RETURN_IF_ERROR(st);
    if (const Json* again = cached(kService, key)) service = *again;
  }
  if (type == "LoadBalancer") {
    const Json ingress = service.value("status", Json::object())
                             .value("loadBalancer", Json::object())
                             .value("ingress", Json::array());
    const std::string cluster_ip = service["spec"].value("clusterIP", "");
    if (ingress.empty() && !cluster_ip.empty() && cluster_ip != "None") {
      // A stand-in for a cloud load balancer: a stable address derived from the cluster IP.
      const std::string lb = "192.168." + std::to_string(config_.index & 255) + "." +
                             cluster_ip.substr(cluster_ip.rfind('.') + 1);
      Json status = service.value("status", Json::object());
      status["loadBalancer"] = {{"ingress", Json::array({{{"ip", lb}, {"ipMode", "VIP"}}})}};
      FLOTILLA_RETURN_IF_ERROR(updateStatus(kService, service, status));
      if (const Json* again = cached(kService, key)) service = *again;
    }
  }
  return reconcileEndpointSlices(service);
}

core::Status MemberSimulator::reconcileEndpointSlices(const Json& service) {
  const std::string ns = apiserver::objectNamespace(service);
  const std::string name = apiserver::objectName(service);
  std::vector<const Json*> slices;
  for (const Json* s : listCached(kEndpointSlice, ns)) {
    // Read in place: a namespace may hold thousands of slices (multi-cluster imports).
    const Json& meta = (*s)["metadata"];
    auto labels = meta.find("labels");
    if (labels == meta.end() || !labels->is_object()) continue;
    auto service = labels->find(kServiceNameLabel);
    auto managed = labels->find(kManagedByLabel);
    if (service != labels->end() && *service == name && managed != labels->end() &&
        *managed == kEndpointSliceController) {
      slices.push_back(s);
    }
  }
  const Json selector = service["spec"].value("selector", Json::object());
  if (selector.empty() || service["spec"].value("type", "") == "ExternalName") {
    // Without a selector the endpoints are the user's to manage.
    for (const Json* s : slices) FLOTILLA_RETURN_IF_ERROR(removeObject(kEndpointSlice, Json(*s)));
    return core::Status::ok();
  }
  std::vector<Json> pods;
  for (const Json* p : listCached(kPod, ns)) {
    if (serviceSelects(service, *p)) pods.push_back(*p);
  }
  std::map<std::string, std::string> zones;
  for (const auto& [node_name, node] : cache_[kNode]) {
    const Json labels = node["metadata"].value("labels", Json::object());
    zones[node_name] = labels.value("topology.kubernetes.io/zone", "");
  }
  const Json content = endpointSliceContent(service, pods, zones);
  Json labels = service["metadata"].value("labels", Json::object());
  labels[kServiceNameLabel] = name;
  labels[kManagedByLabel] = kEndpointSliceController;

  if (slices.empty()) {
    Json slice = content;
    slice["metadata"] = {
        {"generateName", name + "-"},
        {"namespace", ns},
        {"labels", labels},
        {"ownerReferences", Json::array({{{"apiVersion", "v1"},
                                          {"kind", "Service"},
                                          {"name", name},
                                          {"uid", apiserver::objectUid(service)},
                                          {"controller", true},
                                          {"blockOwnerDeletion", true}}})}};
    auto created = createObject(kEndpointSlice, slice);
    return created.status();
  }
  std::sort(slices.begin(), slices.end(), [](const Json* a, const Json* b) {
    return apiserver::objectName(*a) < apiserver::objectName(*b);
  });
  for (size_t i = 1; i < slices.size(); ++i) {
    FLOTILLA_RETURN_IF_ERROR(removeObject(kEndpointSlice, Json(*slices[i])));
  }
  const Json& current = *slices.front();
  bool same = current["metadata"].value("labels", Json::object()) == labels;
  for (const char* f : {"addressType", "endpoints", "ports"}) {
    same = same && current.value(f, Json()) == content[f];
  }
  if (same) return core::Status::ok();
  const std::string ts = now();
  return updateObject(kEndpointSlice, current, [&](const Json& latest) -> core::Result<Json> {
    Json out = latest;
    for (const char* f : {"addressType", "endpoints", "ports"}) out[f] = content[f];
    out["metadata"]["labels"] = labels;
    out["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] = ts;
    return out;
  });
}

}  // namespace flotilla::member
