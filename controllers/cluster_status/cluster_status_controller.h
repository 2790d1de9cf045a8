// Cluster status controller. Watches Clusters on the host; for each one it probes the member
// API server (`/readyz`), and when it answers records the Kubernetes version, the API
// enablements (member discovery), the node summary and the resource summary (allocatable from
// nodes; allocated and allocating from the requests of scheduled and pending pods) into
// `status`, with the `Ready` condition. It keeps one invariant: a Cluster whose Ready condition
// is not True carries exactly one of the `cluster.karmada.io/not-ready` or
// `cluster.karmada.io/unreachable` NoSchedule taints, and a Ready cluster carries neither.
// Readiness flips only after the probe result has held for the success/failure threshold, so
// one lost probe does not move workloads. Each Cluster is re-probed every probe period; the
// collection (version, discovery, node and pod lists) runs at most every collect period, since
// listing every pod of a busy member each probe costs far more than the probe itself.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "controllers/membership/member_clients.h"
#include "core/clock.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct ClusterStatusOptions {
  std::chrono::milliseconds probe_period{10000};
  std::chrono::milliseconds failure_threshold{30000};
  // The longest one /readyz probe may take, without retries: a member that accepts connections
  // but does not answer (frozen process, black-holed network) counts as failing after this long
  // instead of after the member client's request timeout and retries.
  std::chrono::milliseconds probe_timeout{5000};
  std::chrono::milliseconds success_threshold{0};
  // The version, API enablements and node/resource summaries are re-collected when this much
  // time passed since the last collection, or when the cluster turns healthy again; probes in
  // between only check /readyz (Karmada's cluster-status-update-frequency is 10 s as well).
  std::chrono::milliseconds collect_period{10000};
};

class ClusterStatusController final : public runtime::Reconciler {
 public:
  ClusterStatusController(client::ClientPtr host, const client::Indexer& clusters,
                          MemberClientsPtr members, core::ClockPtr clock,
                          ClusterStatusOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  enum class Probe { Healthy, NotReady, Unreachable };
  struct Observation {
    Probe probe = Probe::Healthy;
    std::string message;
    nlohmann::json collected;  // kubernetesVersion, apiEnablements, summaries (when healthy)
  };
  Observation observe(const std::string& name, bool collect);
  struct History {
    Probe last = Probe::Healthy;
    core::Clock::TimePoint since{};
    bool seen = false;
    std::optional<core::Clock::TimePoint> collected_at;  // last healthy collection
  };

  client::ClientPtr host_;
  const client::Indexer& clusters_;
  MemberClientsPtr members_;
  core::ClockPtr clock_;
  ClusterStatusOptions options_;
  std::mutex mu_;
  std::map<std::string, History> history_;
};

// Pure pieces, exposed for tests.
// status.resourceSummary and status.nodeSummary from member node and pod lists.
nlohmann::json summarizeResources(const std::vector<client::ObjectPtr>& nodes,
                                  const std::vector<client::ObjectPtr>& pods);
// spec.taints with the readiness taints set for `ready` ("True"/"False"/"Unknown") and
// `unreachable`.
nlohmann::json readinessTaints(const nlohmann::json& taints, bool ready, bool unreachable,
                               const std::string& now);

}  // namespace flotilla::controllers
