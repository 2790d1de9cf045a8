// Printers for pods and the workload controllers, after kube 1.32's printPod, printDeployment,
// printReplicaSet, printStatefulSet, printDaemonSet, printJob and printCronJob.
#include <algorithm>

#include "apimachinery/printers/builtin_printers.h"
#include "apimachinery/printers/print_helpers.h"
#include "core/clock.h"

namespace flotilla::apimachinery::printers {

namespace {

using Clock = std::chrono::system_clock;

TableColumn col(const char* name, const char* type, const char* description, int priority = 0) {
  return {name, type, "", description, priority};
}
TableColumn nameCol() {
  return {"Name", "string", "name", "Name must be unique within a namespace.", 0};
}
TableColumn ageCol() {
  return col("Age", "string", "CreationTimestamp is the time the object was created.");
}

bool parseTime(const Json& v, Clock::time_point* out) {
  return v.is_string() && core::parseRfc3339(v.get<std::string>(), out);
}

bool hasPodReadyCondition(const Json& pod) {
  const Json& conds = at(pod, {"status", "conditions"});
  if (!conds.is_array()) return false;
  return std::any_of(conds.begin(), conds.end(), [](const Json& c) {
    return str(c, {"type"}) == "Ready" && str(c, {"status"}) == "True";
  });
}

// printPod's status reason, ready count and restarts.
Json podCells(const Json& pod, Clock::time_point now) {
  const Json& spec = at(pod, {"spec"});
  const std::size_t total = count(spec, {"containers"});
  std::size_t ready = 0;
  int64_t restarts = 0;
  Clock::time_point last_restart{};
  bool have_last_restart = false;
  std::string reason = str(pod, {"status", "phase"});
  if (!str(pod, {"status", "reason"}).empty()) reason = str(pod, {"status", "reason"});

  auto noteRestart = [&](const Json& cs) {
    restarts += num(cs, {"restartCount"});
    Clock::time_point t;
    if (parseTime(at(cs, {"lastState", "terminated", "finishedAt"}), &t) &&
        (!have_last_restart || t > last_restart)) {
      last_restart = t;
      have_last_restart = true;
    }
  };

  bool initializing = false;
  const Json& init = at(pod, {"status", "initContainerStatuses"});
  if (init.is_array()) {
    const std::size_t init_total = count(spec, {"initContainers"});
    for (std::size_t i = 0; i < init.size(); ++i) {
      const Json& cs = init[i];
      noteRestart(cs);
      const Json& term = at(cs, {"state", "terminated"});
      const Json& waiting = at(cs, {"state", "waiting"});
      if (term.is_object() && num(term, {"exitCode"}) == 0) continue;
      if (term.is_object()) {
        if (!str(term, {"reason"}).empty()) {
          reason = "Init:" + str(term, {"reason"});
        } else if (num(term, {"signal"}) != 0) {
          reason = "Init:Signal:" + std::to_string(num(term, {"signal"}));
        } else {
          reason = "Init:ExitCode:" + std::to_string(num(term, {"exitCode"}));
        }
      } else if (waiting.is_object() && !str(waiting, {"reason"}).empty() &&
                 str(waiting, {"reason"}) != "PodInitializing") {
        reason = "Init:" + str(waiting, {"reason"});
      } else {
        reason = "Init:" + std::to_string(i) + "/" + std::to_string(init_total);
      }
      initializing = true;
      break;
    }
  }
  if (!initializing) {
    restarts = 0;
    have_last_restart = false;
    bool has_running = false;
    const Json& statuses = at(pod, {"status", "containerStatuses"});
    if (statuses.is_array()) {
      for (std::size_t k = statuses.size(); k-- > 0;) {
        const Json& cs = statuses[k];
        noteRestart(cs);
        const Json& waiting = at(cs, {"state", "waiting"});
        const Json& term = at(cs, {"state", "terminated"});
        if (waiting.is_object() && !str(waiting, {"reason"}).empty()) {
          reason = str(waiting, {"reason"});
        } else if (term.is_object() && !str(term, {"reason"}).empty()) {
          reason = str(term, {"reason"});
        } else if (term.is_object()) {
          reason = num(term, {"signal"}) != 0
                       ? "Signal:" + std::to_string(num(term, {"signal"}))
                       : "ExitCode:" + std::to_string(num(term, {"exitCode"}));
        } else if (flag(cs, {"ready"}) && at(cs, {"state", "running"}).is_object()) {
          has_running = true;
          ++ready;
        }
      }
    }
    if (reason == "Completed" && has_running) {
      reason = hasPodReadyCondition(pod) ? "Running" : "NotReady";
    }
  }
  if (at(pod, {"metadata", "deletionTimestamp"}).is_string()) {
    reason = str(pod, {"status", "reason"}) == "NodeLost" ? "Unknown" : "Terminating";
  }
  std::string restarts_text = std::to_string(restarts);
  if (have_last_restart) restarts_text += " (" + humanDuration(now - last_restart) + " ago)";

  std::string ip = str(pod, {"status", "podIP"});
  if (ip.empty()) {
    const Json& ips = at(pod, {"status", "podIPs"});
    if (ips.is_array() && !ips.empty()) ip = str(ips[0], {"ip"});
  }
  std::string gates = kNone;
  const Json& rg = at(spec, {"readinessGates"});
  if (rg.is_array() && !rg.empty()) {
    std::size_t true_gates = 0;
    const Json& conds = at(pod, {"status", "conditions"});
    for (const auto& g : rg) {
      const std::string type = str(g, {"conditionType"});
      if (conds.is_array() && std::any_of(conds.begin(), conds.end(), [&](const Json& c) {
            return str(c, {"type"}) == type && str(c, {"status"}) == "True";
          })) {
        ++true_gates;
      }
    }
    gates = std::to_string(true_gates) + "/" + std::to_string(rg.size());
  }
  return Json::array({name(pod), std::to_string(ready) + "/" + std::to_string(total), reason,
                      restarts_text, age(pod, now), orNone(ip), orNone(str(spec, {"nodeName"})),
                      orNone(str(pod, {"status", "nominatedNodeName"})), gates});
}

const Json& templateSpec(const Json& obj) { return at(obj, {"spec", "template", "spec"}); }

std::vector<TableColumn> withWide(std::vector<TableColumn> cols, bool selector) {
  cols.push_back(col("Containers", "string", "Names of each container in the template.", 1));
  cols.push_back(
      col("Images", "string", "Images referenced by each container in the template.", 1));
  if (selector) cols.push_back(col("Selector", "string", "Label selector for the pods.", 1));
  return cols;
}

std::string jobStatus(const Json& job) {
  const Json& conds = at(job, {"status", "conditions"});
  auto has = [&](const char* type) {
    return conds.is_array() && std::any_of(conds.begin(), conds.end(), [&](const Json& c) {
             return str(c, {"type"}) == type && str(c, {"status"}) == "True";
           });
  };
  if (has("Complete")) return "Complete";
  if (has("Failed")) return "Failed";
  if (at(job, {"metadata", "deletionTimestamp"}).is_string()) return "Terminating";
  if (has("FailureTarget")) return "FailureTarget";
  if (has("SuccessCriteriaMet")) return "SuccessCriteriaMet";
  if (has("Suspended")) return "Suspended";
  return "Running";
}

Json jobCells(const Json& job, Clock::time_point now) {
  const int64_t succeeded = num(job, {"status", "succeeded"});
  std::string completions;
  if (at(job, {"spec", "completions"}).is_number()) {
    completions =
        std::to_string(succeeded) + "/" + std::to_string(num(job, {"spec", "completions"}));
  } else {
    const int64_t parallelism = num(job, {"spec", "parallelism"});
    completions = parallelism > 1
                      ? std::to_string(succeeded) + "/1 of " + std::to_string(parallelism)
                      : std::to_string(succeeded) + "/1";
  }
  std::string duration;
  Clock::time_point start, end;
  if (parseTime(at(job, {"status", "startTime"}), &start)) {
    duration = parseTime(at(job, {"status", "completionTime"}), &end) ? humanDuration(end - start)
                                                                      : humanDuration(now - start);
  }
  return Json::array({name(job), jobStatus(job), completions, duration, age(job, now),
                      containerNames(templateSpec(job)), containerImages(templateSpec(job)),
                      selectorText(at(job, {"spec", "selector"}))});
}

Json cronJobCells(const Json& cj, Clock::time_point now) {
  const Json& job_spec = at(cj, {"spec", "jobTemplate", "spec", "template", "spec"});
  const Json& last = at(cj, {"status", "lastScheduleTime"});
  return Json::array({name(cj), str(cj, {"spec", "schedule"}),
                      orNone(str(cj, {"spec", "timeZone"})),
                      flag(cj, {"spec", "suspend"}) ? "True" : "False",
                      static_cast<int64_t>(count(cj, {"status", "active"})),
                      last.is_string() ? ageSince(last, now) : std::string(kNone), age(cj, now),
                      containerNames(job_spec), containerImages(job_spec),
                      selectorText(at(cj, {"spec", "jobTemplate", "spec", "selector"}))});
}

}  // namespace

std::optional<TablePrinter> workloadPrinter(const std::string& group, const std::string& resource) {
  if (group.empty() && resource == "pods") {
    return TablePrinter(
        {nameCol(),
         col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
         col("Status", "string", "The aggregate status of the containers in this pod."),
         col("Restarts", "string",
             "The number of times the containers in this pod have been restarted and when the last "
             "container in this pod has restarted."),
         ageCol(), col("IP", "string", "IP address allocated to the pod.", 1),
         col("Node", "string", "Name of the node the pod is assigned to.", 1),
         col("Nominated Node", "string", "Name of the node where the pod is nominated to run.", 1),
         col("Readiness Gates", "string", "Pod readiness gates that are true.", 1)},
        podCells);
  }
  if (group != "apps" && group != "batch") return std::nullopt;
  if (resource == "deployments") {
    return TablePrinter(
        withWide({nameCol(), col("Ready", "string", "Number of the pod with ready state"),
                  col("Up-to-date", "integer",
                      "Total number of non-terminated pods targeted by this deployment that have "
                      "the desired template spec."),
                  col("Available", "integer",
                      "Total number of available pods (ready for at least minReadySeconds) "
                      "targeted by this deployment."),
                  ageCol()},
                 true),
        [](const Json& d, Clock::time_point now) {
          const Json& ts = templateSpec(d);
          return Json::array({name(d),
                              std::to_string(num(d, {"status", "readyReplicas"})) + "/" +
                                  std::to_string(num(d, {"spec", "replicas"}, 1)),
                              num(d, {"status", "updatedReplicas"}),
                              num(d, {"status", "availableReplicas"}), age(d, now),
                              containerNames(ts), containerImages(ts),
                              selectorText(at(d, {"spec", "selector"}))});
        });
  }
  if (resource == "replicasets") {
    return TablePrinter(
        withWide({nameCol(), col("Desired", "integer", "Number of desired pods."),
                  col("Current", "integer", "Number of actual replicas."),
                  col("Ready", "integer", "The number of ready replicas for this replica set."),
                  ageCol()},
                 true),
        [](const Json& rs, Clock::time_point now) {
          const Json& ts = templateSpec(rs);
          return Json::array({name(rs), num(rs, {"spec", "replicas"}, 1),
                              num(rs, {"status", "replicas"}), num(rs, {"status", "readyReplicas"}),
                              age(rs, now), containerNames(ts), containerImages(ts),
                              selectorText(at(rs, {"spec", "selector"}))});
        });
  }
  if (resource == "statefulsets") {
    return TablePrinter(
        withWide(
            {nameCol(), col("Ready", "string", "Number of the pod with ready state"), ageCol()},
            false),
        [](const Json& s, Clock::time_point now) {
          const Json& ts = templateSpec(s);
          return Json::array({name(s),
                              std::to_string(num(s, {"status", "readyReplicas"})) + "/" +
                                  std::to_string(num(s, {"spec", "replicas"}, 1)),
                              age(s, now), containerNames(ts), containerImages(ts)});
        });
  }
  if (resource == "daemonsets") {
    return TablePrinter(
        withWide(
            {nameCol(),
             col("Desired", "integer",
                 "The total number of nodes that should be running the daemon pod."),
             col("Current", "integer",
                 "The number of nodes that are running at least 1 daemon pod and are supposed to "
                 "run the daemon pod."),
             col("Ready", "integer",
                 "The number of nodes that should be running the daemon pod and have one or more "
                 "of the daemon pod running and ready."),
             col("Up-to-date", "integer",
                 "The total number of nodes that are running updated daemon pod."),
             col("Available", "integer",
                 "The number of nodes that should be running the daemon pod and have one or more "
                 "of the daemon pod running and available."),
             col("Node Selector", "string",
                 "NodeSelector is a selector which must be true for the pod to fit on a node."),
             ageCol()},
            true),
        [](const Json& ds, Clock::time_point now) {
          const Json& ts = templateSpec(ds);
          return Json::array(
              {name(ds), num(ds, {"status", "desiredNumberScheduled"}),
               num(ds, {"status", "currentNumberScheduled"}), num(ds, {"status", "numberReady"}),
               num(ds, {"status", "updatedNumberScheduled"}),
               num(ds, {"status", "numberAvailable"}), mapSelectorText(at(ts, {"nodeSelector"})),
               age(ds, now), containerNames(ts), containerImages(ts),
               selectorText(at(ds, {"spec", "selector"}))});
        });
  }
  if (resource == "jobs") {
    return TablePrinter(
        withWide({nameCol(), col("Status", "string", "Status of the job."),
                  col("Completions", "string",
                      "The successful pods of the job and the desired completions."),
                  col("Duration", "string", "Time required to complete the job."), ageCol()},
                 true),
        jobCells);
  }
  if (resource == "cronjobs") {
    return TablePrinter(
        withWide({nameCol(), col("Schedule", "string", "The schedule in Cron format."),
                  col("Timezone", "string", "The time zone name for the given schedule."),
                  col("Suspend", "boolean", "Whether subsequent executions are suspended."),
                  col("Active", "integer", "The number of currently running jobs."),
                  col("Last Schedule", "string", "When the job was last successfully scheduled."),
                  ageCol()},
                 true),
        cronJobCells);
  }
  return std::nullopt;
}

std::optional<TablePrinter> builtinPrinter(const std::string& group, const std::string& resource) {
  if (auto p = workloadPrinter(group, resource)) return p;
  return corePrinter(group, resource);
}

}  // namespace flotilla::apimachinery::printers
