#include "member/workload_status.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "apimachinery/json_dump.h"
#include "core/clock.h"

namespace flotilla::member {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

int64_t intField(const Json& obj, const char* name, int64_t fallback) {
  const Json& v = field(obj, name);
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

// Kubernetes omits zero counters (omitempty), and clients treat a missing one as zero.
void setCount(Json& status, const char* name, int64_t value) {
  if (value != 0) {
    status[name] = value;
  } else {
    status.erase(name);
  }
}

bool deleting(const Json& pod) { return field(field(pod, "metadata"), "deletionTimestamp").is_string(); }

// v == text for a string v. Comparing a Json with a string or literal directly builds a Json
// (a heap-allocated string) from the right-hand side first, on every comparison.
bool stringIs(const Json& v, std::string_view text) {
  return v.is_string() && v.get_ref<const std::string&>() == text;
}

}  // namespace

bool podIsReady(const Json& pod) {
  return conditionStatus(field(field(pod, "status"), "conditions"), "Ready") == "True";
}

int32_t specReplicas(const Json& workload) {
  return static_cast<int32_t>(intField(field(workload, "spec"), "replicas", 1));
}

std::string templateHash(const Json& pod_template) {
  // FNV-1a over the canonical JSON (nlohmann sorts keys), then the safe alphabet kube uses so
  // the hash never forms words or looks like a number. dumpJson writes dump()'s bytes, faster:
  // the names of existing ReplicaSets depend on them.
  uint32_t h = 2166136261u;
  for (unsigned char c : apimachinery::dumpJson(pod_template)) {
    h ^= c;
    h *= 16777619u;
  }
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out.push_back(kAlphabet[h % 27]);
    h /= 27;
    if (h == 0 && i >= 7) break;
  }
  return out;
}

std::string conditionStatus(const Json& conditions, const std::string& type) {
  if (!conditions.is_array()) return "";
  for (const auto& c : conditions) {
    if (stringIs(field(c, "type"), type) && field(c, "status").is_string()) {
      return c["status"].get<std::string>();
    }
  }
  return "";
}

void setCondition(Json& status, const std::string& type, const std::string& value,
                  const std::string& reason, const std::string& message, const std::string& now,
                  bool deployment_style) {
  if (!status.contains("conditions") || !status["conditions"].is_array()) {
    status["conditions"] = Json::array();
  }
  Json& conditions = status["conditions"];
  Json* existing = nullptr;
  for (auto& c : conditions) {
    if (stringIs(field(c, "type"), type)) {
      existing = &c;
      break;
    }
  }
  if (existing != nullptr && stringIs(field(*existing, "status"), value) &&
      stringIs(field(*existing, "reason"), reason) &&
      stringIs(field(*existing, "message"), message)) {
    return;  // the common case: built nothing
  }
  Json updated = Json::object();
  updated["type"] = type;
  updated["status"] = value;
  updated["reason"] = reason;
  updated["message"] = message;
  if (existing != nullptr && stringIs(field(*existing, "status"), value) &&
      existing->contains("lastTransitionTime")) {
    updated["lastTransitionTime"] = std::move((*existing)["lastTransitionTime"]);
  } else {
    updated["lastTransitionTime"] = now;
  }
  if (deployment_style) updated["lastUpdateTime"] = now;
  if (existing != nullptr) {
    *existing = std::move(updated);
  } else {
    conditions.push_back(std::move(updated));
  }
}

bool statusCanWait(const std::vector<const Json*>& pods, const ReadyAt& ready_at,
                   std::chrono::steady_clock::time_point deadline) {
  bool waiting = false;
  for (const Json* p : pods) {
    if (podIsReady(*p)) continue;
    const Json& status = field(*p, "status");
    if (field(status, "phase") != "Pending" || !field(status, "startTime").is_string() ||
        deleting(*p)) {
      return false;
    }
    const auto at = ready_at(*p);
    if (!at || *at > deadline) return false;
    waiting = true;
  }
  return waiting;
}

Json replicaSetStatus(const Json& replica_set, const std::vector<const Json*>& active_pods) {
  int64_t ready = 0;
  for (const Json* p : active_pods) ready += podIsReady(*p) ? 1 : 0;
  return replicaSetStatus(replica_set, static_cast<int64_t>(active_pods.size()), ready);
}

Json replicaSetStatus(const Json& replica_set, int64_t replicas, int64_t ready) {
  Json status = field(replica_set, "status").is_object() ? replica_set["status"] : Json::object();
  status["replicas"] = replicas;
  setCount(status, "fullyLabeledReplicas", replicas);
  setCount(status, "readyReplicas", ready);
  setCount(status, "availableReplicas", ready);
  status["observedGeneration"] = intField(field(replica_set, "metadata"), "generation", 1);
  return status;
}

int32_t maxUnavailable(const Json& deployment) {
  const Json& strategy = field(field(deployment, "spec"), "strategy");
  const int32_t desired = specReplicas(deployment);
  if (stringIs(field(strategy, "type"), "Recreate") || desired == 0) return 0;
  const Json& value = field(field(strategy, "rollingUpdate"), "maxUnavailable");
  int64_t resolved = desired / 4;  // 25%, rounded down
  if (value.is_number_integer()) {
    resolved = value.get<int64_t>();
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    try {
      if (!text.empty() && text.back() == '%') {
        resolved = desired * std::stoll(text.substr(0, text.size() - 1)) / 100;
      } else {
        resolved = std::stoll(text);
      }
    } catch (...) {
    }
  }
  return static_cast<int32_t>(std::clamp<int64_t>(resolved, 0, desired));
}

Json deploymentStatus(const Json& deployment, const std::vector<OwnedReplicaSet>& sets,
                      const std::string& new_rs, const std::string& now) {
  Json status = field(deployment, "status").is_object() ? deployment["status"] : Json::object();
  const int32_t desired = specReplicas(deployment);
  int64_t replicas = 0, updated = 0, ready = 0, available = 0, total_spec = 0;
  for (const auto& rs : sets) {
    const int64_t have = intField(rs.status, "replicas", 0);
    replicas += have;
    ready += intField(rs.status, "readyReplicas", 0);
    available += intField(rs.status, "availableReplicas", 0);
    total_spec += rs.spec_replicas;
    if (rs.name == new_rs) updated = have;
  }
  status["observedGeneration"] = intField(field(deployment, "metadata"), "generation", 1);
  setCount(status, "replicas", replicas);
  setCount(status, "updatedReplicas", updated);
  setCount(status, "readyReplicas", ready);
  setCount(status, "availableReplicas", available);
  setCount(status, "unavailableReplicas", std::max<int64_t>(0, total_spec - available));
  if (available >= desired - maxUnavailable(deployment)) {
    setCondition(status, "Available", "True", "MinimumReplicasAvailable",
                 "Deployment has minimum availability.", now, true);
  } else {
    setCondition(status, "Available", "False", "MinimumReplicasUnavailable",
                 "Deployment does not have minimum availability.", now, true);
  }
  const bool complete =
      updated == desired && replicas == desired && available == desired && !new_rs.empty();
  const Json& before = field(deployment, "status");
  const bool progressed = intField(before, "updatedReplicas", 0) != updated ||
                          intField(before, "availableReplicas", 0) != available ||
                          intField(before, "readyReplicas", 0) != ready;
  const Json* progressing = nullptr;
  for (const auto& c : status["conditions"]) {
    if (stringIs(field(c, "type"), "Progressing")) progressing = &c;
  }
  const std::string last_progress =
      progressing != nullptr && field(*progressing, "lastUpdateTime").is_string()
          ? (*progressing)["lastUpdateTime"].get<std::string>()
          : "";
  const int64_t deadline_s = intField(field(deployment, "spec"), "progressDeadlineSeconds", 600);
  std::chrono::system_clock::time_point last_t, now_t;
  const bool timed_out = !progressed && !last_progress.empty() &&
                         core::parseRfc3339(last_progress, &last_t) &&
                         core::parseRfc3339(now, &now_t) &&
                         now_t - last_t >= std::chrono::seconds(deadline_s);
  if (complete) {
    setCondition(status, "Progressing", "True", "NewReplicaSetAvailable",
                 "ReplicaSet \"" + new_rs + "\" has successfully progressed.", now, true);
  } else if (progressing == nullptr ||
             !field(*progressing, "message").is_string() ||
             (*progressing)["message"].get<std::string>().find("\"" + new_rs + "\"") ==
                 std::string::npos) {
    // A replica set this condition has not spoken of yet: the rollout to it starts.
    setCondition(status, "Progressing", "True", "NewReplicaSetCreated",
                 "Created new replica set \"" + new_rs + "\"", now, true);
  } else if (timed_out || stringIs(field(*progressing, "reason"), "ProgressDeadlineExceeded")) {
    setCondition(status, "Progressing", "False", "ProgressDeadlineExceeded",
                 "ReplicaSet \"" + new_rs + "\" has timed out progressing.", now, true);
  } else if (progressed || last_progress.empty()) {
    // Only progress (more pods updated, ready or available) rewords the condition and restarts
    // the deadline, as kube's DeploymentProgressing: without it the condition stays as it is
    // (NewReplicaSetCreated until the first pod counts), so a pass that saw nothing new does not
    // write.
    setCondition(status, "Progressing", "True", "ReplicaSetUpdated",
                 "ReplicaSet \"" + new_rs + "\" is progressing.", now, true);
    for (auto& c : status["conditions"]) {
      if (stringIs(field(c, "type"), "Progressing")) c["lastUpdateTime"] = now;
    }
  }
  return status;
}

Json statefulSetStatus(const Json& stateful_set, const std::vector<Json>& pods,
                       const std::string& update_revision) {
  Json status = field(stateful_set, "status").is_object() ? stateful_set["status"] : Json::object();
  int64_t ready = 0, updated = 0;
  for (const auto& p : pods) {
    ready += podIsReady(p) ? 1 : 0;
    const Json& labels = field(field(p, "metadata"), "labels");
    if (field(labels, "controller-revision-hash") == update_revision) ++updated;
  }
  const int64_t count = static_cast<int64_t>(pods.size());
  status["observedGeneration"] = intField(field(stateful_set, "metadata"), "generation", 1);
  status["replicas"] = count;
  setCount(status, "readyReplicas", ready);
  setCount(status, "availableReplicas", ready);
  setCount(status, "updatedReplicas", updated);
  status["updateRevision"] = update_revision;
  // Every pod runs the new revision: the update is over and it becomes the current one.
  if (updated == count || !status.contains("currentRevision")) {
    status["currentRevision"] = update_revision;
  }
  setCount(status, "currentReplicas",
           status["currentRevision"] == update_revision ? updated : count - updated);
  status["collisionCount"] = 0;
  return status;
}

Json daemonSetStatus(const Json& daemon_set, const DaemonSetCounts& counts) {
  Json status = field(daemon_set, "status").is_object() ? daemon_set["status"] : Json::object();
  status["observedGeneration"] = intField(field(daemon_set, "metadata"), "generation", 1);
  status["desiredNumberScheduled"] = counts.desired;
  status["currentNumberScheduled"] = counts.current;
  status["numberMisscheduled"] = counts.misscheduled;
  status["numberReady"] = counts.ready;
  setCount(status, "numberAvailable", counts.ready);
  setCount(status, "updatedNumberScheduled", counts.updated);
  setCount(status, "numberUnavailable", std::max(0, counts.desired - counts.ready));
  return status;
}

JobPlan planJob(const Json& job, const std::vector<Json>& pods, const std::string& now) {
  JobPlan plan;
  const Json& spec = field(job, "spec");
  Json status = field(job, "status").is_object() ? job["status"] : Json::object();
  const Json& completions_field = field(spec, "completions");
  const int64_t parallelism = std::max<int64_t>(0, intField(spec, "parallelism", 1));
  const int64_t backoff_limit = intField(spec, "backoffLimit", 6);
  const bool suspended = field(spec, "suspend") == true;

  std::vector<const Json*> active;
  int64_t succeeded = 0, failed = 0, ready = 0;
  for (const auto& p : pods) {
    const Json& phase = field(field(p, "status"), "phase");
    if (phase == "Succeeded") {
      ++succeeded;
    } else if (phase == "Failed") {
      ++failed;
    } else if (!deleting(p)) {
      active.push_back(&p);
      ready += podIsReady(p) ? 1 : 0;
    }
  }
  // Finished pods may be deleted by users; the counters never go back.
  succeeded = std::max(succeeded, intField(status, "succeeded", 0));
  failed = std::max(failed, intField(status, "failed", 0));
  const Json& conditions = field(status, "conditions");
  const bool already_done = conditionStatus(conditions, "Complete") == "True" ||
                            conditionStatus(conditions, "Failed") == "True";
  auto deleteActive = [&] {
    for (const Json* p : active) plan.delete_pods.push_back(p->at("metadata").value("name", ""));
  };

  if (!status.contains("startTime") && !suspended) status["startTime"] = now;
  bool complete = false, failed_job = false;
  if (!already_done) {
    if (completions_field.is_number_integer()) {
      complete = succeeded >= completions_field.get<int64_t>();
    } else {
      complete = succeeded > 0 && active.empty();
    }
    failed_job = !complete && failed > backoff_limit;
  }
  if (already_done || complete || failed_job || suspended) {
    deleteActive();
    active.clear();
    ready = 0;
  }
  if (complete) {
    const std::string msg = "Reached expected number of succeeded pods";
    setCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached", msg, now);
    setCondition(status, "Complete", "True", "CompletionsReached", msg, now);
    status["completionTime"] = now;
  } else if (failed_job) {
    const std::string msg = "Job has reached the specified backoff limit";
    setCondition(status, "FailureTarget", "True", "BackoffLimitExceeded", msg, now);
    setCondition(status, "Failed", "True", "BackoffLimitExceeded", msg, now);
  } else if (suspended) {
    setCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now);
  } else if (!already_done) {
    if (conditionStatus(field(status, "conditions"), "Suspended") == "True") {
      setCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
    }
    int64_t wanted = parallelism;
    if (completions_field.is_number_integer()) {
      wanted = std::min(parallelism, completions_field.get<int64_t>() - succeeded);
    } else if (succeeded > 0) {
      wanted = 0;
    }
    plan.create = static_cast<int32_t>(
        std::max<int64_t>(0, wanted - static_cast<int64_t>(active.size())));
  }
  plan.finished = already_done || complete || failed_job;
  setCount(status, "active", static_cast<int64_t>(active.size()));
  status["ready"] = ready;
  setCount(status, "succeeded", succeeded);
  setCount(status, "failed", failed);
  status["terminating"] = 0;
  status["uncountedTerminatedPods"] = Json::object();
  if (status.contains("conditions") && status["conditions"].empty()) status.erase("conditions");
  plan.status = std::move(status);
  return plan;
}

}  // namespace flotilla::member
