// LeaderElector: leader election on a coordination.k8s.io/v1 Lease so that of several replicas
// exactly one acts. The holder renews spec.renewTime every retry_period; the others take over
// only after they have watched the same (holder, renewTime) stay unchanged for a whole
// leaseDurationSeconds by their own clock (clocks are never compared across machines). Updates
// carry the resourceVersion they were based on, so two candidates can never both win a round.
//
// Safety against a paused leader: leading() is true only while the last successful renewal is
// younger than renew_deadline (< lease_duration) by the local monotonic clock. A process that was
// SIGSTOPped past its deadline therefore sees leading() == false the moment it resumes — before
// any write — even though its renew loop has not noticed yet. Callers check leading() before every
// action (the manager's controllers do so before each reconcile).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "client/cancellation.h"
#include "client/client.h"
#include "core/clock.h"
#include "runtime/metrics_registry.h"

namespace flotilla::runtime {

struct LeaderElectionConfig {
  std::string lease_namespace = "kube-system";
  std::string lease_name;
  std::string identity;
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  // Give the lease up on clean shutdown so a successor need not wait for expiry.
  bool release_on_cancel = true;
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
};

class LeaderElector {
 public:
  LeaderElector(client::ClientPtr client, LeaderElectionConfig config, core::ClockPtr clock,
                MetricsRegistry* metrics = nullptr);

  // Campaigns until leader, then renews until the lease is lost or cancel fires. Returns after
  // leadership ended (or was never gained before cancellation).
  void run(client::Cancellation& cancel);
  // Whether this process may act right now (see the header comment).
  bool leading() const;
  const LeaderElectionConfig& config() const { return config_; }
  // One acquire-or-renew round; true when we hold the lease afterwards. Exposed for tests.
  bool tryAcquireOrRenew();

 private:
  void release();
  void setLeading(bool leading);

  static const client::GroupVersionResource kLeases;
  client::ClientPtr client_;
  LeaderElectionConfig config_;
  core::ClockPtr clock_;
  GaugeFamily* master_status_ = nullptr;

  mutable std::mutex mu_;
  bool is_leader_ = false;
  core::Clock::TimePoint last_renew_{};
  // What we last saw of the lease and when (our clock).
  std::string observed_holder_;
  std::string observed_renew_time_;
  core::Clock::TimePoint observed_at_{};
  std::string observed_rv_;
};

}  // namespace flotilla::runtime
