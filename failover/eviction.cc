#include "failover/eviction.h"

#include <algorithm>

#include "core/clock.h"

namespace flotilla::failover {

std::string normalizePurgeMode(const std::string& mode) {
  if (mode.empty() || mode == "Graciously") return kPurgeGracefully;
  if (mode == "Immediately") return kPurgeDirectly;
  return mode;
}

bool evictCluster(std::vector<api::TargetCluster>& clusters,
                  std::vector<api::GracefulEvictionTask>& tasks, const EvictionRequest& request) {
  auto target = std::find_if(clusters.begin(), clusters.end(), [&](const api::TargetCluster& c) {
    return c.name == request.cluster;
  });
  const bool has_task = std::any_of(tasks.begin(), tasks.end(), [&](const auto& t) {
    return t.from_cluster == request.cluster;
  });
  if (target == clusters.end() && has_task) return false;
  if (!has_task) {
    api::GracefulEvictionTask task;
    task.from_cluster = request.cluster;
    task.purge_mode = normalizePurgeMode(request.purge_mode);
    if (target != clusters.end() && target->replicas > 0) task.replicas = target->replicas;
    task.reason = request.reason;
    task.message = request.message;
    task.producer = request.producer;
    if (task.purge_mode == kPurgeGracefully) task.grace_period_seconds = request.grace_period_seconds;
    if (task.purge_mode == kPurgeNever) task.suppress_deletion = true;
    for (const auto& c : clusters) task.clusters_before_failover.push_back(c.name);
    tasks.push_back(std::move(task));
  }
  if (target != clusters.end()) clusters.erase(target);
  return true;
}

std::set<std::string> clustersKeptByEviction(const std::vector<api::GracefulEvictionTask>& tasks) {
  std::set<std::string> out;
  for (const auto& t : tasks) {
    if (normalizePurgeMode(t.purge_mode) != kPurgeDirectly) out.insert(t.from_cluster);
  }
  return out;
}

namespace {

bool placementHealthy(const PlacementHealth& p) {
  if (!p.scheduled || p.clusters.empty()) return false;
  return std::all_of(p.clusters.begin(), p.clusters.end(), [&](const std::string& c) {
    auto it = p.health.find(c);
    return it != p.health.end() && it->second == api::kHealthHealthy;
  });
}

}  // namespace

TaskAssessment assessEvictionTasks(const std::vector<api::GracefulEvictionTask>& tasks,
                                   const PlacementHealth& placement,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::seconds default_timeout) {
  TaskAssessment out;
  const bool healthy = placementHealthy(placement);
  auto drop = [&](const api::GracefulEvictionTask& t) {
    out.dropped.push_back(t.from_cluster);
    out.changed = true;
  };
  for (const auto& task : tasks) {
    std::chrono::system_clock::time_point created;
    if (task.creation_timestamp.empty() || !core::parseRfc3339(task.creation_timestamp, &created)) {
      api::GracefulEvictionTask stamped = task;
      stamped.creation_timestamp = core::formatRfc3339(now);
      out.kept.push_back(std::move(stamped));
      out.changed = true;
      const std::chrono::seconds timeout =
          task.grace_period_seconds ? std::chrono::seconds(*task.grace_period_seconds)
                                    : default_timeout;
      if (!out.recheck_after || timeout < *out.recheck_after) out.recheck_after = timeout;
      continue;
    }
    if (task.suppress_deletion) {
      if (*task.suppress_deletion) {
        out.kept.push_back(task);
      } else {
        drop(task);
      }
      continue;
    }
    if (normalizePurgeMode(task.purge_mode) == kPurgeNever) {
      out.kept.push_back(task);
      continue;
    }
    const std::chrono::seconds timeout =
        task.grace_period_seconds ? std::chrono::seconds(*task.grace_period_seconds)
                                  : default_timeout;
    const auto deadline = created + timeout;
    if (now >= deadline || healthy) {
      drop(task);
      continue;
    }
    out.kept.push_back(task);
    const auto left = std::chrono::ceil<std::chrono::seconds>(deadline - now);
    if (!out.recheck_after || left < *out.recheck_after) out.recheck_after = left;
  }
  return out;
}

}  // namespace flotilla::failover
