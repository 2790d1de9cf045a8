#include "controllers/cluster_status/cluster_status_controller.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "api/resource_quantity.h"
#include "client/json_scan.h"
#include "client/rest_mapper.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "interpreter/replica.h"

namespace flotilla::controllers {

namespace {

// Sums quantities in milli-units, remembering whether any input was binary.
struct Sum {
  std::map<std::string, std::pair<int64_t, api::QuantityFormat>> values;
  void add(const std::string& name, const std::string& text) {
    auto q = api::parseQuantity(text);
    if (!q) return;
    auto& [milli, format] = values[name];
    milli += q->milli;
    if (q->format == api::QuantityFormat::BinarySI) format = api::QuantityFormat::BinarySI;
  }
  void addList(const nlohmann::json& list) {
    if (!list.is_object()) return;
    for (auto it = list.begin(); it != list.end(); ++it) {
      if (it->is_string()) add(it.key(), it->get<std::string>());
    }
  }
  nlohmann::json toJson() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, v] : values) out[name] = api::formatQuantity(v.first, v.second);
    return out;
  }
};

bool nodeReady(const nlohmann::json& node) {
  const auto conditions = node.value("status", nlohmann::json::object())
                              .value("conditions", nlohmann::json::array());
  return conditionStatus(conditions, "Ready") == "True";
}

// What the summary reads of a pod, from its text (a member lists every pod on every collect;
// the rest of each pod, its managedFields and status conditions above all, is never parsed):
// status.phase, spec.nodeName, and the spec members effectivePodRequest reads (the containers'
// resources and the pod overhead).
struct PodUsage {
  std::string phase;
  bool bound = false;
  nlohmann::json request_spec = nlohmann::json::object();
};

std::string stringValue(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '"') return {};
  if (literal.find('\\') == std::string_view::npos) {
    return std::string(literal.substr(1, literal.size() - 2));
  }
  return client::json_scan::decodeString(literal).value_or("");
}

PodUsage podUsage(const client::Object& pod) {
  namespace js = client::json_scan;
  PodUsage out;
  const std::string& text = pod.raw();
  out.phase = stringValue(js::findMember(js::findMember(text, "status"), "phase"));
  const std::string_view spec = js::findMember(text, "spec");
  out.bound = !stringValue(js::findMember(spec, "nodeName")).empty();
  for (const char* list : {"containers", "initContainers"}) {
    const std::string_view items = js::findMember(spec, list);
    if (items.empty() || items.front() != '[') continue;
    nlohmann::json containers = nlohmann::json::array();
    const char* p = items.data();
    js::forEachElement(p, items.data() + items.size(), [&](std::string_view c) {
      nlohmann::json container = nlohmann::json::object();
      const std::string_view resources = js::findMember(c, "resources");
      if (!resources.empty()) {
        container["resources"] = nlohmann::json::parse(resources, nullptr, false);
        if (container["resources"].is_discarded()) container.erase("resources");
      }
      containers.push_back(std::move(container));
      return true;
    });
    out.request_spec[list] = std::move(containers);
  }
  if (const std::string_view overhead = js::findMember(spec, "overhead"); !overhead.empty()) {
    auto parsed = nlohmann::json::parse(overhead, nullptr, false);
    if (!parsed.is_discarded()) out.request_spec["overhead"] = std::move(parsed);
  }
  return out;
}

}  // namespace

nlohmann::json summarizeResources(const std::vector<client::ObjectPtr>& nodes,
                                  const std::vector<client::ObjectPtr>& pods) {
  Sum allocatable, allocated, allocating;
  int32_t ready = 0;
  for (const auto& n : nodes) {
    const auto& j = n->json();
    if (nodeReady(j)) ++ready;
    allocatable.addList(j.value("status", nlohmann::json::object())
                            .value("allocatable", nlohmann::json::object()));
  }
  int64_t scheduled_pods = 0, pending_pods = 0;
  for (const auto& p : pods) {
    const PodUsage pod = podUsage(*p);
    if (pod.phase == "Succeeded" || pod.phase == "Failed") continue;
    const bool bound = pod.bound;
    auto request = interpreter::effectivePodRequest(pod.request_spec);
    Sum& target = bound ? allocated : allocating;
    (bound ? scheduled_pods : pending_pods) += 1;
    if (request) {
      for (const auto& [name, q] : *request) target.add(name, q);
    }
  }
  allocated.add("pods", std::to_string(scheduled_pods));
  allocating.add("pods", std::to_string(pending_pods));
  nlohmann::json out;
  out["nodeSummary"] = {{"totalNum", static_cast<int32_t>(nodes.size())}, {"readyNum", ready}};
  out["resourceSummary"] = {{"allocatable", allocatable.toJson()},
                            {"allocated", allocated.toJson()},
                            {"allocating", allocating.toJson()}};
  return out;
}

nlohmann::json readinessTaints(const nlohmann::json& taints, bool ready, bool unreachable,
                               const std::string& now) {
  nlohmann::json out = nlohmann::json::array();
  bool has_not_ready = false, has_unreachable = false;
  for (const auto& t : taints.is_array() ? taints : nlohmann::json::array()) {
    const std::string key = t.value("key", "");
    const bool system = (key == kTaintNotReady || key == kTaintUnreachable) &&
                        t.value("effect", "") == "NoSchedule";
    if (system) {
      const bool want = !ready && (key == kTaintUnreachable) == unreachable;
      if (!want) continue;
      (key == kTaintUnreachable ? has_unreachable : has_not_ready) = true;
    }
    out.push_back(t);
  }
  if (!ready && unreachable && !has_unreachable) {
    out.push_back({{"key", kTaintUnreachable}, {"effect", "NoSchedule"}, {"timeAdded", now}});
  }
  if (!ready && !unreachable && !has_not_ready) {
    out.push_back({{"key", kTaintNotReady}, {"effect", "NoSchedule"}, {"timeAdded", now}});
  }
  return out;
}

ClusterStatusController::ClusterStatusController(client::ClientPtr host,
                                                 const client::Indexer& clusters,
                                                 MemberClientsPtr members, core::ClockPtr clock,
                                                 ClusterStatusOptions options)
    : host_(std::move(host)),
      clusters_(clusters),
      members_(std::move(members)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(options) {}

ClusterStatusController::Observation ClusterStatusController::observe(const std::string& name,
                                                                    bool collect) {
  Observation obs;
  auto member = members_->clientFor(name);
  if (!member) {
    obs.probe = Probe::Unreachable;
    obs.message = member.status().message();
    return obs;
  }
  client::Client& c = **member;
  auto ready = c.probePath("/readyz", options_.probe_timeout);
  // /readyz answers "ok" as text: a 200 that is not JSON is still healthy.
  if (!ready && ready.status().code() != core::Code::InvalidArgument) {
    const auto code = ready.status().code();
    obs.probe = (code == core::Code::Unavailable || code == core::Code::Timeout)
                    ? Probe::Unreachable
                    : Probe::NotReady;
    obs.message = "cluster health check failed: " + ready.status().message();
    return obs;
  }
  nlohmann::json collected = nlohmann::json::object();
  if (!collect) return obs;
  if (auto version = c.getPath("/version"); version && version->is_object()) {
    collected["kubernetesVersion"] = version->value("gitVersion", "");
  }
  if (auto resources = client::discoverResources(c); resources) {
    std::map<std::string, std::map<std::string, std::string>> by_gv;
    for (const auto& r : *resources) {
      if (r.gvr.resource.find('/') != std::string::npos) continue;  // subresources
      by_gv[r.gvr.groupVersion()][r.gvr.resource] = r.kind;
    }
    nlohmann::json enablements = nlohmann::json::array();
    for (const auto& [gv, res] : by_gv) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [plural, kind] : res) list.push_back({{"name", plural}, {"kind", kind}});
      enablements.push_back({{"groupVersion", gv}, {"resources", std::move(list)}});
    }
    collected["apiEnablements"] = std::move(enablements);
  }
  auto nodes = c.list(kNodesGvr, "", {});
  auto pods = c.list(kPodsGvr, "", {});
  if (nodes && pods) {
    collected.update(summarizeResources(nodes->items, pods->items));
  }
  obs.collected = std::move(collected);
  return obs;
}

core::Result<runtime::ReconcileResult> ClusterStatusController::reconcile(
    const runtime::Request& request) {
  runtime::ReconcileResult requeue{options_.probe_period};
  client::ObjectPtr cached = clusters_.get(request.name);
  if (!cached) {
    std::lock_guard lock(mu_);
    history_.erase(request.name);
    return runtime::ReconcileResult{};
  }
  if (cached->deleting()) return runtime::ReconcileResult{};
  const auto now = clock_->now();
  bool collect = true;
  {
    std::lock_guard lock(mu_);
    const History& h = history_[request.name];
    collect = !h.seen || h.last != Probe::Healthy || !h.collected_at ||
              now - *h.collected_at >= options_.collect_period;
  }
  Observation obs = observe(request.name, collect);
  // A probe that timed out saw the member unresponsive for its whole duration: the failure
  // started when the probe did (`now`), and has lasted until it returned.
  const auto observed_at = clock_->now();

  // Thresholds: the reported readiness changes only once the new probe result has held long
  // enough; until then the previous condition stays.
  const nlohmann::json& current = cached->json();
  const nlohmann::json old_status = current.value("status", nlohmann::json::object());
  const std::string old_ready =
      conditionStatus(old_status.value("conditions", nlohmann::json::array()), kConditionReady);
  bool held = true;
  {
    std::lock_guard lock(mu_);
    History& h = history_[request.name];
    if (!h.seen || h.last != obs.probe) {
      h = History{obs.probe, now, true, std::nullopt};
    }
    if (obs.probe == Probe::Healthy && collect) h.collected_at = now;
    const auto threshold =
        obs.probe == Probe::Healthy ? options_.success_threshold : options_.failure_threshold;
    held = observed_at - h.since >= threshold;
  }
  const bool healthy = obs.probe == Probe::Healthy;
  const bool was_known = !old_ready.empty();
  bool report_ready = healthy;
  if (!held && was_known && (old_ready == "True") != healthy) report_ready = old_ready == "True";

  const std::string now_text = nowText(*clock_);
  ConditionValue ready{kConditionReady, "True", "ClusterReady", "cluster is healthy and ready to "
                       "accept workloads"};
  if (!report_ready) {
    ready.status = "False";
    ready.reason = obs.probe == Probe::Unreachable ? "ClusterNotReachable" : "ClusterNotReady";
    ready.message = obs.message.empty() ? "cluster is not ready" : obs.message;
  }
  // What this probe says, laid over a version of the Cluster's status.
  auto observed_status = [&](const nlohmann::json& base) {
    nlohmann::json status = base;
    if (healthy) {
      for (auto it = obs.collected.begin(); it != obs.collected.end(); ++it) {
        status[it.key()] = it.value();
      }
    }
    nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
    setCondition(conditions, ready, now_text);
    status["conditions"] = std::move(conditions);
    return status;
  };
  auto wanted_taints = [&](const nlohmann::json& obj) {
    return readinessTaints(
        obj.value("spec", nlohmann::json::object()).value("taints", nlohmann::json::array()),
        report_ready, obs.probe == Probe::Unreachable, now_text);
  };
  // The cache may lag our own last write or another writer's (taint-policy writes spec.taints):
  // a write from it gets 409. Then, once, the current version is read and the change re-derived
  // from it. The taints in particular are always derived from the version they are written
  // over: taints computed from a stale copy and written onto a fresh one dropped the
  // taint-policy's NoExecute taint, which it put back, and so on.
  nlohmann::json latest = current;
  auto refetch = [&]() -> core::Status {
    auto fresh = host_->get(kClustersGvr, "", request.name);
    if (!fresh) return fresh.status();
    latest = *(*fresh)->tree();
    return core::Status();
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    const nlohmann::json base_status = latest.value("status", nlohmann::json::object());
    nlohmann::json status = observed_status(base_status);
    if (status == base_status) break;
    nlohmann::json next = latest;
    next["status"] = std::move(status);
    auto written = host_->update(kClustersGvr, "", next, {kFieldManager}, "status");
    if (written) {
      latest = *(*written)->tree();
      core::logger("cluster-status")->debug("[{}] status updated (Ready={})", request.name,
                                            ready.status);
      break;
    }
    if (written.status().code() != core::Code::Conflict || attempt == 1) return written.status();
    FLOTILLA_RETURN_IF_ERROR(refetch());
  }

  // Readiness taints on spec.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const nlohmann::json taints = wanted_taints(latest);
    if (taints == latest.value("spec", nlohmann::json::object())
                      .value("taints", nlohmann::json::array())) {
      break;
    }
    nlohmann::json next = latest;
    next["spec"]["taints"] = taints;
    auto written = host_->update(kClustersGvr, "", next, {kFieldManager});
    if (written) {
      core::logger("cluster-status")->info("[{}] taints now {}", request.name, taints.dump());
      break;
    }
    if (written.status().code() != core::Code::Conflict || attempt == 1) return written.status();
    FLOTILLA_RETURN_IF_ERROR(refetch());
  }
  return requeue;
}

}  // namespace flotilla::controllers
