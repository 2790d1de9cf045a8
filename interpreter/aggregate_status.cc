#include "interpreter/aggregate_status.h"

#include <algorithm>
#include <set>

#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

using Items = std::vector<api::AggregatedStatusItem>;

const Json* statusOf(const api::AggregatedStatusItem& item) {
  return item.status && item.status->is_object() ? &*item.status : nullptr;
}

Json& statusRef(Json& object) {
  if (!object["status"].is_object()) object["status"] = Json::object();
  return object["status"];
}

// Sums counters over the members; zero sums are omitted like Go's omitempty.
void sumInto(Json& status, const Items& items, std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    int64_t sum = 0;
    for (const auto& item : items) {
      if (const Json* s = statusOf(item)) sum += intAt(*s, {f});
    }
    if (sum != 0) {
      status[f] = sum;
    } else {
      status.erase(f);
    }
  }
}

enum class GenerationRule { TemplateGeneration, MemberGeneration };

// observedGeneration: the template generation once every member observed it; otherwise the
// previous value is kept. Items without a status still count in the denominator (Karmada).
void observedGeneration(Json& status, const Json& object, const Items& items, GenerationRule rule) {
  const int64_t template_generation = intAt(object, {"metadata", "generation"});
  size_t observed = 0;
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    if (s == nullptr) continue;
    const int64_t member_generation = intAt(*s, {"generation"});
    const int64_t member_observed = intAt(*s, {"observedGeneration"});
    const int64_t rt_generation = intAt(*s, {"resourceTemplateGeneration"});
    const int64_t want =
        rule == GenerationRule::TemplateGeneration ? template_generation : member_generation;
    if (member_observed >= member_generation && rt_generation >= want) ++observed;
  }
  if (observed == items.size()) {
    if (template_generation != 0) {
      status["observedGeneration"] = template_generation;
    } else {
      status.erase("observedGeneration");
    }
  }
}

bool conditionTrue(const Json& status, const std::string& type) {
  const Json* conditions = at(status, {"conditions"});
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (stringAt(c, {"type"}) == type && stringAt(c, {"status"}) == "True") return true;
  }
  return false;
}

void setCondition(Json& status, const std::string& type, const std::string& reason,
                  const std::string& message, const std::string& now) {
  Json cond = {{"type", type}, {"status", "True"}, {"reason", reason}, {"message", message}};
  if (!now.empty()) {
    cond["lastProbeTime"] = now;
    cond["lastTransitionTime"] = now;
  }
  if (!status["conditions"].is_array()) status["conditions"] = Json::array();
  for (auto& c : status["conditions"]) {
    if (stringAt(c, {"type"}) == type) {
      c = cond;
      return;
    }
  }
  status["conditions"].push_back(cond);
}

core::Result<Json> aggregateJob(Json object, const Items& items, const AggregateOptions& opts) {
  const Json* old = at(object, {"status"});
  if (old != nullptr && (conditionTrue(*old, "Complete") || conditionTrue(*old, "Failed"))) {
    return object;  // a finished Job is never updated again
  }
  Json& status = statusRef(object);
  sumInto(status, items, {"active", "succeeded", "failed"});
  std::vector<std::string> failed_clusters;
  size_t complete = 0, criteria_met = 0, with_status = 0;
  std::string earliest_start, latest_completion;
  bool all_started = true, all_completed = true;
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    if (s == nullptr) continue;
    ++with_status;
    if (conditionTrue(*s, "Failed")) failed_clusters.push_back(item.cluster_name);
    if (conditionTrue(*s, "Complete")) ++complete;
    if (conditionTrue(*s, "SuccessCriteriaMet")) ++criteria_met;
    const std::string start = stringAt(*s, {"startTime"});
    const std::string done = stringAt(*s, {"completionTime"});
    if (start.empty()) all_started = false;
    if (done.empty()) all_completed = false;
    if (!start.empty() && (earliest_start.empty() || start < earliest_start))
      earliest_start = start;
    if (!done.empty() && done > latest_completion) latest_completion = done;
  }
  if (with_status > 0 && all_started && stringAt(status, {"startTime"}).empty()) {
    status["startTime"] = earliest_start;
  }
  if (with_status > 0 && all_completed) status["completionTime"] = latest_completion;
  if (!failed_clusters.empty()) {
    std::string list;
    for (const auto& c : failed_clusters) list += (list.empty() ? "" : ",") + c;
    setCondition(status, "Failed", "JobFailed", "Job executed failed in member clusters " + list,
                 opts.now);
  } else if (!items.empty() && complete == items.size()) {
    setCondition(status, "Complete", "Completed", "Job completed", opts.now);
    if (criteria_met == items.size()) {
      setCondition(status, "SuccessCriteriaMet", "CompletionsReached",
                   "Reached expected number of succeeded pods", opts.now);
    }
  }
  return object;
}

Json aggregateCronJob(Json object, const Items& items) {
  Json& status = statusRef(object);
  Json active = Json::array();
  std::string last_schedule, last_success;
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    if (s == nullptr) continue;
    if (const Json* a = at(*s, {"active"}); a != nullptr && a->is_array()) {
      for (const auto& e : *a) active.push_back(e);
    }
    last_schedule = std::max(last_schedule, stringAt(*s, {"lastScheduleTime"}));
    last_success = std::max(last_success, stringAt(*s, {"lastSuccessfulTime"}));
  }
  if (active.empty()) {
    status.erase("active");
  } else {
    status["active"] = active;
  }
  if (!last_schedule.empty()) status["lastScheduleTime"] = last_schedule;
  if (!last_success.empty()) status["lastSuccessfulTime"] = last_success;
  return object;
}

Json aggregatePod(Json object, const Items& items) {
  Json& status = statusRef(object);
  // Precedence Failed > Pending > Running > Succeeded; a member without status is Pending.
  auto rank = [](const std::string& phase) {
    if (phase == "Failed") return 4;
    if (phase == "Pending" || phase.empty()) return 3;
    if (phase == "Running") return 2;
    if (phase == "Succeeded") return 1;
    return 0;
  };
  std::string phase;
  int best = -1;
  Json containers = Json::array();
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    const std::string p = s == nullptr ? "Pending" : stringAt(*s, {"phase"});
    const std::string normalized = p.empty() ? "Pending" : p;
    if (rank(normalized) > best) {
      best = rank(normalized);
      phase = normalized;
    }
    if (s == nullptr) continue;
    if (const Json* cs = at(*s, {"containerStatuses"}); cs != nullptr && cs->is_array()) {
      for (const auto& c : *cs) {
        Json entry = {{"ready", c.value("ready", false)}};
        if (c.contains("state")) entry["state"] = c["state"];
        containers.push_back(entry);
      }
    }
  }
  if (!phase.empty()) status["phase"] = phase;
  if (!containers.empty()) status["containerStatuses"] = containers;
  return object;
}

Json aggregatePV(Json object, const Items& items) {
  static const char* kOrder[] = {"Failed", "Pending", "Available", "Bound", "Released"};
  std::set<std::string> phases;
  for (const auto& item : items) {
    if (const Json* s = statusOf(item)) phases.insert(stringAt(*s, {"phase"}));
  }
  for (const char* p : kOrder) {
    if (phases.count(p) > 0) {
      statusRef(object)["phase"] = p;
      break;
    }
  }
  return object;
}

Json aggregatePVC(Json object, const Items& items) {
  std::string phase = "Bound";
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    if (s == nullptr) continue;
    const std::string p = stringAt(*s, {"phase"});
    if (p == "Lost") {
      phase = p;
      break;
    }
    if (!p.empty() && p != "Bound") phase = p;
  }
  statusRef(object)["phase"] = phase;
  return object;
}

Json aggregateLoadBalancer(Json object, const Items& items) {
  std::vector<Json> ingress;
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    if (s == nullptr) continue;
    const Json* list = at(*s, {"loadBalancer", "ingress"});
    if (list == nullptr || !list->is_array()) continue;
    for (const auto& i : *list) {
      if (std::find(ingress.begin(), ingress.end(), i) == ingress.end()) ingress.push_back(i);
    }
  }
  std::sort(ingress.begin(), ingress.end(), [](const Json& a, const Json& b) {
    const auto ka =
        std::make_tuple(stringAt(a, {"ip"}), stringAt(a, {"hostname"}), api::safeDump(a));
    const auto kb =
        std::make_tuple(stringAt(b, {"ip"}), stringAt(b, {"hostname"}), api::safeDump(b));
    return ka < kb;
  });
  Json& status = statusRef(object);
  status["loadBalancer"] = Json::object();
  if (!ingress.empty()) status["loadBalancer"]["ingress"] = ingress;
  return object;
}

Json aggregatePDB(Json object, const Items& items) {
  Json& status = statusRef(object);
  sumInto(status, items,
          {"currentHealthy", "desiredHealthy", "expectedPods", "disruptionsAllowed"});
  Json disrupted = Json::object();
  for (const auto& item : items) {
    const Json* s = statusOf(item);
    if (s == nullptr) continue;
    const Json* d = at(*s, {"disruptedPods"});
    if (d == nullptr || !d->is_object()) continue;
    for (auto it = d->begin(); it != d->end(); ++it) {
      disrupted[item.cluster_name + "/" + it.key()] = it.value();
    }
  }
  if (!disrupted.empty()) {
    status["disruptedPods"] = disrupted;
  } else {
    status.erase("disruptedPods");
  }
  return object;
}

}  // namespace

core::Result<Json> aggregateStatus(const Json& object, const Items& items,
                                   const AggregateOptions& options) {
  if (!object.is_object()) return core::invalidArgument("object must be a JSON object");
  if (object.contains("status") && !object["status"].is_null() && !object["status"].is_object()) {
    return core::invalidArgument("status must be an object");
  }
  if (items.empty()) return object;  // nothing collected yet
  const std::string kind = kindOf(object);
  Json out = object;
  if (kind == "Deployment") {
    Json& status = statusRef(out);
    sumInto(status, items,
            {"replicas", "readyReplicas", "updatedReplicas", "availableReplicas",
             "unavailableReplicas"});
    observedGeneration(status, object, items, GenerationRule::TemplateGeneration);
  } else if (kind == "ReplicaSet") {
    Json& status = statusRef(out);
    sumInto(status, items, {"replicas", "readyReplicas", "availableReplicas"});
    observedGeneration(status, object, items, GenerationRule::TemplateGeneration);
  } else if (kind == "DaemonSet") {
    Json& status = statusRef(out);
    sumInto(status, items,
            {"currentNumberScheduled", "desiredNumberScheduled", "numberAvailable",
             "numberMisscheduled", "numberReady", "updatedNumberScheduled", "numberUnavailable"});
    observedGeneration(status, object, items, GenerationRule::TemplateGeneration);
  } else if (kind == "StatefulSet") {
    Json& status = statusRef(out);
    sumInto(
        status, items,
        {"availableReplicas", "currentReplicas", "readyReplicas", "replicas", "updatedReplicas"});
    // Upstream compares resourceTemplateGeneration with the MEMBER generation here.
    observedGeneration(status, object, items, GenerationRule::MemberGeneration);
  } else if (kind == "Job") {
    auto r = aggregateJob(out, items, options);
    if (!r) return r.status();
    out = *r;
  } else if (kind == "CronJob") {
    out = aggregateCronJob(out, items);
  } else if (kind == "Pod") {
    out = aggregatePod(out, items);
  } else if (kind == "PersistentVolume") {
    out = aggregatePV(out, items);
  } else if (kind == "PersistentVolumeClaim") {
    out = aggregatePVC(out, items);
  } else if (kind == "Service") {
    if (stringAt(object, {"spec", "type"}) != "LoadBalancer") return object;
    out = aggregateLoadBalancer(out, items);
  } else if (kind == "Ingress") {
    out = aggregateLoadBalancer(out, items);
  } else if (kind == "PodDisruptionBudget") {
    out = aggregatePDB(out, items);
  } else if (kind == "HorizontalPodAutoscaler") {
    sumInto(statusRef(out), items, {"currentReplicas", "desiredReplicas"});
  } else {
    return object;  // no aggregation hook
  }
  // "No update if nothing changed": an empty status we only created is not a change.
  if (out.contains("status") && out["status"].is_object() && out["status"].empty() &&
      !object.contains("status")) {
    out.erase("status");
  }
  return out;
}

}  // namespace flotilla::interpreter
