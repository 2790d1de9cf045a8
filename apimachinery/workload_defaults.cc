#include "apimachinery/workload_defaults.h"

#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using nlohmann::json;

// The object member `key` of `parent`, created empty when absent; nullptr when `parent` is not an
// object or the member has another type (validation reports that).
json* objectMember(json& parent, const char* key) {
  if (!parent.is_object()) return nullptr;
  auto it = parent.find(key);
  if (it == parent.end()) return &(parent[key] = json::object());
  return it->is_object() ? &*it : nullptr;
}

// An existing object member, or nullptr.
json* existingObject(json& parent, const char* key) {
  if (!parent.is_object()) return nullptr;
  auto it = parent.find(key);
  return it != parent.end() && it->is_object() ? &*it : nullptr;
}

void setIfAbsent(json& obj, const char* key, json value) {
  if (obj.is_object() && !obj.contains(key)) obj[key] = std::move(value);
}

// SetDefaults_Container / pull policy: an image without a tag or with `:latest` (and no digest)
// is pulled Always, anything else IfNotPresent.
std::string defaultPullPolicy(const std::string& image) {
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  const auto slash = image.rfind('/');
  const auto colon = image.rfind(':');
  const bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!has_tag) return "Always";
  return image.substr(colon + 1) == "latest" ? "Always" : "IfNotPresent";
}

void defaultProbe(json& container, const char* key) {
  json* probe = existingObject(container, key);
  if (probe == nullptr) return;
  setIfAbsent(*probe, "timeoutSeconds", 1);
  setIfAbsent(*probe, "periodSeconds", 10);
  setIfAbsent(*probe, "successThreshold", 1);
  setIfAbsent(*probe, "failureThreshold", 3);
}

void defaultContainers(json& pod_spec, const char* key) {
  auto it = pod_spec.find(key);
  if (it == pod_spec.end() || !it->is_array()) return;
  for (json& c : *it) {
    if (!c.is_object()) continue;
    setIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    setIfAbsent(c, "terminationMessagePolicy", "File");
    if (!c.contains("imagePullPolicy") && c.contains("image") && c["image"].is_string()) {
      c["imagePullPolicy"] = defaultPullPolicy(c["image"].get<std::string>());
    }
    defaultProbe(c, "livenessProbe");
    defaultProbe(c, "readinessProbe");
    defaultProbe(c, "startupProbe");
  }
}

// SetDefaults_PodSpec: applies to pods and to every pod template.
void defaultPodSpec(json& spec) {
  if (!spec.is_object()) return;
  setIfAbsent(spec, "dnsPolicy", "ClusterFirst");
  setIfAbsent(spec, "restartPolicy", "Always");
  setIfAbsent(spec, "terminationGracePeriodSeconds", 30);
  setIfAbsent(spec, "securityContext", json::object());
  setIfAbsent(spec, "schedulerName", "default-scheduler");
  defaultContainers(spec, "initContainers");
  defaultContainers(spec, "containers");
}

void defaultPodTemplate(json& workload_spec) {
  json* tmpl = existingObject(workload_spec, "template");
  if (tmpl == nullptr) return;
  if (json* spec = existingObject(*tmpl, "spec")) defaultPodSpec(*spec);
}

// SetDefaults_Pod: besides the PodSpec defaults, requests default to limits per container and
// service links are enabled.
void defaultPod(json& pod) {
  json* spec = existingObject(pod, "spec");
  if (spec == nullptr) return;
  defaultPodSpec(*spec);
  setIfAbsent(*spec, "enableServiceLinks", true);
  for (const char* key : {"initContainers", "containers"}) {
    auto it = spec->find(key);
    if (it == spec->end() || !it->is_array()) continue;
    for (json& c : *it) {
      json* resources = existingObject(c, "resources");
      json* limits = resources ? existingObject(*resources, "limits") : nullptr;
      if (limits == nullptr || limits->empty()) continue;
      json* requests = objectMember(*resources, "requests");
      if (requests == nullptr) continue;
      for (auto& [name, value] : limits->items()) setIfAbsent(*requests, name.c_str(), value);
    }
  }
}

void defaultDeployment(json& spec) {
  setIfAbsent(spec, "replicas", 1);
  if (json* strategy = objectMember(spec, "strategy")) {
    setIfAbsent(*strategy, "type", "RollingUpdate");
    if ((*strategy)["type"] == "RollingUpdate") {
      if (json* ru = objectMember(*strategy, "rollingUpdate")) {
        setIfAbsent(*ru, "maxUnavailable", "25%");
        setIfAbsent(*ru, "maxSurge", "25%");
      }
    }
  }
  setIfAbsent(spec, "revisionHistoryLimit", 10);
  setIfAbsent(spec, "progressDeadlineSeconds", 600);
  defaultPodTemplate(spec);
}

void defaultStatefulSet(json& spec) {
  setIfAbsent(spec, "replicas", 1);
  setIfAbsent(spec, "podManagementPolicy", "OrderedReady");
  if (json* strategy = objectMember(spec, "updateStrategy")) {
    setIfAbsent(*strategy, "type", "RollingUpdate");
    if ((*strategy)["type"] == "RollingUpdate") {
      if (json* ru = objectMember(*strategy, "rollingUpdate")) setIfAbsent(*ru, "partition", 0);
    }
  }
  setIfAbsent(spec, "revisionHistoryLimit", 10);
  if (json* retention = objectMember(spec, "persistentVolumeClaimRetentionPolicy")) {
    setIfAbsent(*retention, "whenDeleted", "Retain");
    setIfAbsent(*retention, "whenScaled", "Retain");
  }
  defaultPodTemplate(spec);
}

void defaultDaemonSet(json& spec) {
  if (json* strategy = objectMember(spec, "updateStrategy")) {
    setIfAbsent(*strategy, "type", "RollingUpdate");
    if ((*strategy)["type"] == "RollingUpdate") {
      if (json* ru = objectMember(*strategy, "rollingUpdate")) {
        setIfAbsent(*ru, "maxUnavailable", 1);
        setIfAbsent(*ru, "maxSurge", 0);
      }
    }
  }
  setIfAbsent(spec, "revisionHistoryLimit", 10);
  defaultPodTemplate(spec);
}

void defaultJobSpec(json& spec) {
  if (!spec.contains("completions") && !spec.contains("parallelism")) {
    spec["completions"] = 1;
    spec["parallelism"] = 1;
  }
  setIfAbsent(spec, "parallelism", 1);
  // With backoffLimitPerIndex the global limit is unlimited (MaxInt32).
  setIfAbsent(spec, "backoffLimit", spec.contains("backoffLimitPerIndex") ? 2147483647 : 6);
  setIfAbsent(spec, "completionMode", "NonIndexed");
  setIfAbsent(spec, "suspend", false);
  setIfAbsent(spec, "podReplacementPolicy",
              spec.contains("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
  defaultPodTemplate(spec);
}

void defaultCronJob(json& spec) {
  setIfAbsent(spec, "concurrencyPolicy", "Allow");
  setIfAbsent(spec, "suspend", false);
  setIfAbsent(spec, "successfulJobsHistoryLimit", 3);
  setIfAbsent(spec, "failedJobsHistoryLimit", 1);
  json* job_template = existingObject(spec, "jobTemplate");
  if (job_template == nullptr) return;
  if (json* job_spec = existingObject(*job_template, "spec")) defaultJobSpec(*job_spec);
}

void defaultService(json& spec) {
  setIfAbsent(spec, "type", "ClusterIP");
  setIfAbsent(spec, "sessionAffinity", "None");
  const json& type = spec["type"];
  if (auto ports = spec.find("ports"); ports != spec.end() && ports->is_array()) {
    for (json& port : *ports) {
      if (!port.is_object()) continue;
      setIfAbsent(port, "protocol", "TCP");
      const bool no_target = !port.contains("targetPort") || port["targetPort"] == 0 ||
                             port["targetPort"] == "";
      if (no_target && port.contains("port")) port["targetPort"] = port["port"];
    }
  }
  if (type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer") {
    setIfAbsent(spec, "internalTrafficPolicy", "Cluster");
  }
  if (type == "NodePort" || type == "LoadBalancer") {
    setIfAbsent(spec, "externalTrafficPolicy", "Cluster");
  }
  if (spec["sessionAffinity"] == "ClientIP") {
    if (json* config = objectMember(spec, "sessionAffinityConfig")) {
      if (json* client_ip = objectMember(*config, "clientIP")) {
        setIfAbsent(*client_ip, "timeoutSeconds", 10800);
      }
    }
  }
}

}  // namespace

void applyWorkloadDefaults(std::string_view group, std::string_view kind, json& obj) {
  if (!obj.is_object()) return;
  if (group.empty() && kind == "Pod") {
    defaultPod(obj);
    return;
  }
  if (group.empty() && kind == "PodTemplate") {
    if (json* tmpl = existingObject(obj, "template")) {
      if (json* spec = existingObject(*tmpl, "spec")) defaultPodSpec(*spec);
    }
    return;
  }
  json* spec = existingObject(obj, "spec");
  if (spec == nullptr) return;
  if (group.empty() && kind == "Service") {
    defaultService(*spec);
  } else if (group.empty() && kind == "ReplicationController") {
    setIfAbsent(*spec, "replicas", 1);
    defaultPodTemplate(*spec);
  } else if (group == "apps" && kind == "Deployment") {
    defaultDeployment(*spec);
  } else if (group == "apps" && kind == "ReplicaSet") {
    setIfAbsent(*spec, "replicas", 1);
    defaultPodTemplate(*spec);
  } else if (group == "apps" && kind == "StatefulSet") {
    defaultStatefulSet(*spec);
  } else if (group == "apps" && kind == "DaemonSet") {
    defaultDaemonSet(*spec);
  } else if (group == "batch" && kind == "Job") {
    defaultJobSpec(*spec);
  } else if (group == "batch" && kind == "CronJob") {
    defaultCronJob(*spec);
  }
}

}  // namespace flotilla::apimachinery
