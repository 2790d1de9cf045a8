#include "runtime/leader_election.h"

#include <spdlog/spdlog.h>

#include "core/logging.h"

namespace flotilla::runtime {

const client::GroupVersionResource LeaderElector::kLeases{"coordination.k8s.io", "v1", "leases"};

LeaderElector::LeaderElector(client::ClientPtr client, LeaderElectionConfig config,
                             core::ClockPtr clock, MetricsRegistry* metrics)
    : client_(std::move(client)), config_(std::move(config)), clock_(std::move(clock)) {
  if (!clock_) clock_ = std::make_shared<core::RealClock>();
  if (metrics) {
    master_status_ = metrics->gauge("leader_election_master_status",
                                    "Gauge of if the reporting system is master of the relevant "
                                    "lease, 0 indicates backup, 1 indicates master.",
                                    {"name"});
    master_status_->set({config_.lease_name}, 0);
  }
}

bool LeaderElector::leading() const {
  std::lock_guard lock(mu_);
  return is_leader_ && clock_->now() - last_renew_ < config_.renew_deadline;
}

void LeaderElector::setLeading(bool leading) {
  if (master_status_) master_status_->set({config_.lease_name}, leading ? 1 : 0);
}

bool LeaderElector::tryAcquireOrRenew() {
  auto log = core::logger("leader-election");
  const auto now = clock_->now();
  const std::string now_micro = core::formatRfc3339Micro(clock_->wallNow());
  const int64_t duration_s =
      std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration).count());
  const std::string key = config_.lease_namespace + "/" + config_.lease_name;

  auto current = client_->get(kLeases, config_.lease_namespace, config_.lease_name, "");
  if (!current) {
    if (current.status().code() != core::Code::NotFound) {
      log->warn("[{}] reading lease: {}", key, current.status().toString());
      return false;
    }
    nlohmann::json lease = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
        {"spec",
         {{"holderIdentity", config_.identity},
          {"leaseDurationSeconds", duration_s},
          {"acquireTime", now_micro},
          {"renewTime", now_micro},
          {"leaseTransitions", 0}}}};
    auto created = client_->create(kLeases, config_.lease_namespace, lease, {});
    if (!created) {
      log->info("[{}] creating lease: {}", key, created.status().toString());
      return false;
    }
    std::lock_guard lock(mu_);
    observed_holder_ = config_.identity;
    observed_renew_time_ = now_micro;
    observed_at_ = now;
    observed_rv_ = (*created)->resourceVersion();
    last_renew_ = now;
    return true;
  }

  const nlohmann::json& obj = (*current)->json();
  const nlohmann::json spec = obj.value("spec", nlohmann::json::object());
  const std::string holder = spec.value("holderIdentity", "");
  const std::string renew_time = spec.value("renewTime", "");
  int64_t their_duration = duration_s;
  if (auto d = spec.find("leaseDurationSeconds"); d != spec.end() && d->is_number_integer()) {
    their_duration = d->get<int64_t>();
  }
  int64_t transitions = 0;
  if (auto t = spec.find("leaseTransitions"); t != spec.end() && t->is_number_integer()) {
    transitions = t->get<int64_t>();
  }
  {
    std::lock_guard lock(mu_);
    if (holder != observed_holder_ || renew_time != observed_renew_time_) {
      observed_holder_ = holder;
      observed_renew_time_ = renew_time;
      observed_at_ = now;
    }
    observed_rv_ = (*current)->resourceVersion();
    const bool held_by_other = !holder.empty() && holder != config_.identity;
    if (held_by_other && now < observed_at_ + std::chrono::seconds(their_duration)) {
      return false;  // someone else's lease is still valid by our observation
    }
  }

  nlohmann::json next = obj;
  auto& s = next["spec"];
  s["holderIdentity"] = config_.identity;
  s["leaseDurationSeconds"] = duration_s;
  s["renewTime"] = now_micro;
  if (holder != config_.identity) {
    s["acquireTime"] = now_micro;
    s["leaseTransitions"] = transitions + 1;
  }
  auto updated = client_->update(kLeases, config_.lease_namespace, next, {}, "");
  if (!updated) {
    log->info("[{}] updating lease: {}", key, updated.status().toString());
    return false;
  }
  std::lock_guard lock(mu_);
  observed_holder_ = config_.identity;
  observed_renew_time_ = now_micro;
  observed_at_ = now;
  observed_rv_ = (*updated)->resourceVersion();
  last_renew_ = now;
  return true;
}

void LeaderElector::release() {
  auto current = client_->get(kLeases, config_.lease_namespace, config_.lease_name, "");
  if (!current) return;
  nlohmann::json next = (*current)->json();
  if (next["spec"].value("holderIdentity", "") != config_.identity) return;
  next["spec"]["holderIdentity"] = "";
  next["spec"]["leaseDurationSeconds"] = 1;
  next["spec"]["renewTime"] = core::formatRfc3339Micro(clock_->wallNow());
  (void)client_->update(kLeases, config_.lease_namespace, next, {}, "");
}

void LeaderElector::run(client::Cancellation& cancel) {
  auto log = core::logger("leader-election");
  const std::string key = config_.lease_namespace + "/" + config_.lease_name;
  // Campaign.
  while (!cancel.cancelled()) {
    if (tryAcquireOrRenew()) break;
    if (!cancel.sleepFor(config_.retry_period)) return;
  }
  if (cancel.cancelled()) return;
  {
    std::lock_guard lock(mu_);
    is_leader_ = true;
  }
  setLeading(true);
  log->info("[{}] {} became leader", key, config_.identity);
  if (config_.on_started_leading) config_.on_started_leading();

  // Renew until a renewal fails for longer than the renew deadline.
  while (!cancel.cancelled()) {
    if (!cancel.sleepFor(config_.retry_period)) break;
    bool renewed = false;
    while (!cancel.cancelled()) {
      core::Clock::TimePoint last;
      {
        std::lock_guard lock(mu_);
        last = last_renew_;
      }
      if (clock_->now() - last >= config_.renew_deadline) break;
      if (tryAcquireOrRenew()) {
        renewed = true;
        break;
      }
      if (!cancel.sleepFor(config_.retry_period / 4)) break;
    }
    if (!renewed && !cancel.cancelled()) {
      log->warn("[{}] {} failed to renew within the renew deadline; leadership lost", key,
                config_.identity);
      break;
    }
  }
  {
    std::lock_guard lock(mu_);
    is_leader_ = false;
  }
  setLeading(false);
  if (cancel.cancelled() && config_.release_on_cancel) release();
  if (config_.on_stopped_leading) config_.on_stopped_leading();
}

}  // namespace flotilla::runtime
