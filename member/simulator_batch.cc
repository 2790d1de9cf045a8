// Job and CronJob controllers of the simulator.
#include <algorithm>

#include "apiserver/object_strategy.h"
#include "core/logging.h"
#include "member/cron_schedule.h"
#include "member/simulator.h"
#include "member/workload_status.h"
#include "spdlog/spdlog.h"

namespace flotilla::member {
namespace {

bool deleting(const Json& obj) { return obj["metadata"].contains("deletionTimestamp"); }

bool jobFinished(const Json& job) {
  const Json conditions = job.value("status", Json::object()).value("conditions", Json::array());
  return conditionStatus(conditions, "Complete") == "True" ||
         conditionStatus(conditions, "Failed") == "True";
}

bool jobSucceeded(const Json& job) {
  const Json conditions = job.value("status", Json::object()).value("conditions", Json::array());
  return conditionStatus(conditions, "Complete") == "True";
}

std::chrono::system_clock::time_point parseTime(const std::string& text,
                                                std::chrono::system_clock::time_point fallback) {
  std::chrono::system_clock::time_point t;
  return core::parseRfc3339(text, &t) ? t : fallback;
}

}  // namespace

core::Status MemberSimulator::reconcileJob(const std::string& key) {
  const Json* found = cached(kJob, key);
  if (found == nullptr || deleting(*found)) return core::Status::ok();
  const Json job = *found;
  const std::string ns = apiserver::objectNamespace(job);
  const std::string name = apiserver::objectName(job);
  const std::string uid = apiserver::objectUid(job);
  std::vector<Json> pods;
  for (const Json* p : ownedBy(kPod, uid)) pods.push_back(*p);
  const JobPlan plan = planJob(job, pods, now());
  for (const auto& pod_name : plan.delete_pods) {
    if (const Json* p = cached(kPod, ns + "/" + pod_name)) {
      FLOTILLA_RETURN_IF_ERROR(removeObject(kPod, Json(*p)));
    }
  }
  Json pod_template = job["spec"].value("template", Json::object());
  if (!pod_template.contains("metadata") || !pod_template["metadata"].is_object()) {
    pod_template["metadata"] = Json::object();
  }
  Json& labels = pod_template["metadata"]["labels"];
  labels["batch.kubernetes.io/controller-uid"] = uid;
  labels["batch.kubernetes.io/job-name"] = name;
  labels["controller-uid"] = uid;
  labels["job-name"] = name;
  for (int32_t i = 0; i < plan.create; ++i) {
    Json pod = podFromTemplate(pod_template, ns, job, "Job", "batch/v1");
    pod["metadata"]["generateName"] = name + "-";
    if (!pod["spec"].contains("restartPolicy") || pod["spec"]["restartPolicy"] == "Always") {
      pod["spec"]["restartPolicy"] = "Never";
    }
    auto created = createObject(kPod, std::move(pod));
    if (!created.isOk()) return created.status();
  }
  Json status = plan.status;
  if (plan.create > 0) {
    status["active"] = status.value("active", 0) + plan.create;
  }
  const Json* latest = cached(kJob, key);
  if (latest == nullptr) return core::Status::ok();
  FLOTILLA_RETURN_IF_ERROR(updateStatus(kJob, *latest, status));

  // ttlSecondsAfterFinished: the finished Job (and, through GC, its pods) goes away.
  const Json ttl = job["spec"].value("ttlSecondsAfterFinished", Json());
  if (plan.finished && ttl.is_number_integer()) {
    const auto wall = clock_->wallNow();
    const std::string done_at = status.value("completionTime", "");
    std::string finished_at = done_at;
    if (finished_at.empty()) {
      for (const auto& c : status.value("conditions", Json::array())) {
        if (c.value("type", "") == "Failed") finished_at = c.value("lastTransitionTime", "");
      }
    }
    const auto expires = parseTime(finished_at, wall) + std::chrono::seconds(ttl.get<int64_t>());
    if (expires <= wall) {
      if (const Json* again = cached(kJob, key)) return removeObject(kJob, Json(*again));
      return core::Status::ok();
    }
    enqueueAfter(kJob, key,
                 std::chrono::duration_cast<std::chrono::milliseconds>(expires - wall) +
                     std::chrono::milliseconds(10));
  }
  return core::Status::ok();
}

core::Status MemberSimulator::reconcileCronJob(const std::string& key) {
  const Json* found = cached(kCronJob, key);
  if (found == nullptr || deleting(*found)) return core::Status::ok();
  const Json cron_job = *found;
  const std::string ns = apiserver::objectNamespace(cron_job);
  const std::string name = apiserver::objectName(cron_job);
  const Json spec = cron_job.value("spec", Json::object());
  auto schedule = CronSchedule::parse(spec.value("schedule", ""));
  if (!schedule.isOk()) {
    // A user error: nothing to retry until the object changes.
    core::logger("member")->warn("[{}] unparseable schedule: {}", key, schedule.status().message());
    return core::Status::ok();
  }
  const auto wall = clock_->wallNow();
  Json status = cron_job.value("status", Json::object());

  std::vector<Json> jobs;
  for (const Json* j : ownedBy(kJob, apiserver::objectUid(cron_job))) jobs.push_back(*j);
  std::vector<Json> running;
  for (const auto& j : jobs) {
    if (!jobFinished(j) && !deleting(j)) running.push_back(j);
  }

  const auto created_at = parseTime(cron_job["metadata"].value("creationTimestamp", ""), wall);
  const auto last = parseTime(status.value("lastScheduleTime", ""), created_at);
  std::optional<std::chrono::system_clock::time_point> due;
  auto t = schedule->next(last);
  for (int i = 0; t && *t <= wall && i < 100'000; ++i) {
    due = t;
    t = schedule->next(*t);
  }
  if (due && !spec.value("suspend", false)) {
    const Json deadline = spec.value("startingDeadlineSeconds", Json());
    const bool too_late =
        deadline.is_number_integer() && wall - *due > std::chrono::seconds(deadline.get<int64_t>());
    const std::string policy = spec.value("concurrencyPolicy", "Allow");
    const bool skip = too_late || (policy == "Forbid" && !running.empty());
    if (!skip) {
      if (policy == "Replace") {
        for (const auto& j : running) FLOTILLA_RETURN_IF_ERROR(removeObject(kJob, j));
        running.clear();
      }
      const auto minutes =
          std::chrono::duration_cast<std::chrono::minutes>(due->time_since_epoch()).count();
      const std::string job_name = name + "-" + std::to_string(minutes);
      if (cached(kJob, ns + "/" + job_name) == nullptr) {
        const Json job_template = spec.value("jobTemplate", Json::object());
        Json meta = job_template.value("metadata", Json::object());
        meta["name"] = job_name;
        meta["namespace"] = ns;
        meta["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] =
            core::formatRfc3339(*due);
        meta["ownerReferences"] = Json::array({{{"apiVersion", "batch/v1"},
                                                {"kind", "CronJob"},
                                                {"name", name},
                                                {"uid", apiserver::objectUid(cron_job)},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}});
        Json job = {{"metadata", meta}, {"spec", job_template.value("spec", Json::object())}};
        auto created = createObject(kJob, std::move(job));
        if (!created.isOk() && created.status().code() != core::Code::AlreadyExists) {
          return created.status();
        }
        if (created.isOk()) running.push_back(**created);
      }
      status["lastScheduleTime"] = core::formatRfc3339(*due);
    }
  }

  // History limits: the oldest finished Jobs beyond the limits are removed.
  std::vector<Json> succeeded, failed;
  for (const auto& j : jobs) {
    if (!jobFinished(j) || deleting(j)) continue;
    (jobSucceeded(j) ? succeeded : failed).push_back(j);
  }
  auto trim = [&](std::vector<Json>& finished, int64_t limit) -> core::Status {
    std::sort(finished.begin(), finished.end(), [](const Json& a, const Json& b) {
      return a["metadata"].value("creationTimestamp", "") < b["metadata"].value("creationTimestamp", "");
    });
    for (size_t i = 0; i + static_cast<size_t>(std::max<int64_t>(0, limit)) < finished.size(); ++i) {
      FLOTILLA_RETURN_IF_ERROR(removeObject(kJob, finished[i]));
    }
    return core::Status::ok();
  };
  FLOTILLA_RETURN_IF_ERROR(trim(succeeded, spec.value("successfulJobsHistoryLimit", 3)));
  FLOTILLA_RETURN_IF_ERROR(trim(failed, spec.value("failedJobsHistoryLimit", 1)));

  std::string last_success = status.value("lastSuccessfulTime", "");
  for (const auto& j : jobs) {
    const std::string done = j.value("status", Json::object()).value("completionTime", "");
    if (jobSucceeded(j) && done > last_success) last_success = done;
  }
  if (!last_success.empty()) status["lastSuccessfulTime"] = last_success;
  Json refs = Json::array();
  std::sort(running.begin(), running.end(), [](const Json& a, const Json& b) {
    return apiserver::objectName(a) < apiserver::objectName(b);
  });
  for (const auto& j : running) {
    refs.push_back({{"apiVersion", "batch/v1"},
                    {"kind", "Job"},
                    {"name", apiserver::objectName(j)},
                    {"namespace", ns},
                    {"uid", apiserver::objectUid(j)}});
  }
  if (refs.empty()) {
    status.erase("active");
  } else {
    status["active"] = refs;
  }
  if (t) {
    enqueueAfter(kCronJob, key,
                 std::chrono::duration_cast<std::chrono::milliseconds>(*t - wall) +
                     std::chrono::milliseconds(50));
  }
  const Json* latest = cached(kCronJob, key);
  if (latest == nullptr) return core::Status::ok();
  return updateStatus(kCronJob, *latest, status);
}

}  // namespace flotilla::member
