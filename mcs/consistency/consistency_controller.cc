#include "mcs/consistency/consistency_controller.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controllers/wire/conditions.h"
#include "core/logging.h"
#include "mcs/consistency/federation_reader.h"
#include "mcs/consistency/status_report.h"
#include "mcs/controllers/member_apply.h"
#include "mcs/controllers/member_caches.h"

namespace flotilla::mcs {
namespace {

constexpr const char* kFieldManager = "flotilla-mcs-consistency";

std::string metaText(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains("metadata")) return "";
  const Json& v = obj["metadata"].value(key, Json());
  return v.is_string() ? v.get<std::string>() : "";
}

const Json* findObject(const std::vector<Json>& objects, const std::string& ns,
                       const std::string& name) {
  for (const auto& o : objects) {
    if (metaText(o, "namespace") == ns && metaText(o, "name") == name) return &o;
  }
  return nullptr;
}

std::string driftKey(const ServiceView& view, const std::string& consumer, const SliceDrift& s) {
  return view.key() + "|" + modeName(view.target.mode) + "|" + consumer + "|" + s.slice + "|" +
         driftKindName(s.kind);
}

}  // namespace

ConsistencyController::ConsistencyController(client::ClientPtr host,
                                             controllers::MemberClientsPtr members,
                                             std::shared_ptr<runtime::EventRecorder> events,
                                             runtime::MetricsRegistry* metrics,
                                             ConsistencyOptions options)
    : host_(std::move(host)),
      members_(std::move(members)),
      events_(std::move(events)),
      options_(std::move(options)) {
  if (!options_.clock) options_.clock = std::make_shared<core::RealClock>();
  if (metrics != nullptr) {
    drift_total_ = metrics->counter(
        "flotilla_mcs_endpoint_drift_total",
        "EndpointSlices found drifted (confirmed by two checks) in MCS consumers, by kind",
        {"namespace", "service", "consumer", "kind"});
    drift_gauge_ = metrics->gauge(
        "flotilla_mcs_endpoint_drift",
        "EndpointSlices of the service that differ from the providers in the consumer at the "
        "latest consistency check",
        {"namespace", "service", "consumer"});
    repairs_total_ = metrics->counter("flotilla_mcs_drift_repairs_total",
                                      "Consumer repairs by the MCS consistency check", {"result"});
    checks_total_ = metrics->counter("flotilla_mcs_consistency_checks_total",
                                     "MCS consistency checks run", {"result"});
  }
}

core::Result<runtime::ReconcileResult> ConsistencyController::reconcile(const runtime::Request&) {
  auto log = core::logger("mcs-consistency");
  auto outcome = checkOnce();
  if (!outcome) {
    log->warn("consistency check failed: {}", outcome.status().toString());
  } else if (outcome->drifted_consumers > 0 || outcome->suspected_consumers > 0) {
    log->info("consistency check: {} services, {} consumers drifted ({} slices repaired, {} "
              "failures), {} suspected",
              outcome->services, outcome->drifted_consumers, outcome->repaired_slices,
              outcome->repair_failures, outcome->suspected_consumers);
  }
  // Periodic whatever happened: a failed read is retried at the next period.
  return runtime::ReconcileResult{options_.period};
}

core::Result<CheckOutcome> ConsistencyController::checkOnce() {
  std::lock_guard lock(mu_);
  auto state = readFederation(*host_, *members_);
  if (!state) {
    if (checks_total_) checks_total_->inc({"error"});
    return state.status();
  }
  if (checks_total_) checks_total_->inc({"ok"});
  const auto views = buildServiceViews(
      *state, options_.clock->wallNow(), ViewOptions{options_.endpoint_grace});
  CheckOutcome outcome;
  outcome.services = static_cast<int>(views.size());
  std::set<std::string> seen_now;
  std::set<std::vector<std::string>> gauge_now;
  for (const auto& view : views) {
    std::vector<ConsumerDrift> confirmed;
    std::string repair_error;
    bool suspected = false;
    for (const auto& d : view.drift) {
      ConsumerDrift conf;
      conf.consumer = d.consumer;
      std::vector<std::string> keys;
      for (const auto& s : d.slices) {
        const std::string key = driftKey(view, d.consumer, s);
        if (suspected_.count(key)) {
          conf.slices.push_back(s);
        } else {
          seen_now.insert(key);
        }
      }
      const std::vector<std::string> labels{view.target.namespace_name, view.target.service,
                                            d.consumer};
      if (drift_gauge_) drift_gauge_->set(labels, static_cast<double>(d.slices.size()));
      gauge_now.insert(labels);
      if (conf.empty()) {
        suspected = true;
        ++outcome.suspected_consumers;
        continue;
      }
      ++outcome.drifted_consumers;
      for (const auto& s : conf.slices) {
        if (drift_total_) {
          drift_total_->inc({view.target.namespace_name, view.target.service, d.consumer,
                             driftKindName(s.kind)});
        }
      }
      int repaired = 0;
      core::Status st = repair(view, conf, &repaired);
      outcome.repaired_slices += repaired;
      if (repairs_total_) repairs_total_->inc({st.isOk() ? "success" : "failure"});
      if (!st.isOk()) {
        ++outcome.repair_failures;
        if (repair_error.empty()) repair_error = d.consumer + ": " + st.message();
        // Not repaired: keep it confirmed for the next check.
        for (const auto& s : conf.slices) seen_now.insert(driftKey(view, d.consumer, s));
      }
      confirmed.push_back(std::move(conf));
    }
    // Nothing confirmed but something suspected or unjudged: the next check will say more.
    if (!confirmed.empty() || (!suspected && view.unchecked.empty())) {
      report(view, confirmed, repair_error, *state);
    }
  }
  if (drift_gauge_) {
    for (const auto& labels : gauge_series_) {
      if (!gauge_now.count(labels)) drift_gauge_->set(labels, 0);
    }
  }
  gauge_series_ = std::move(gauge_now);
  suspected_ = std::move(seen_now);
  return outcome;
}

core::Status ConsistencyController::repair(const ServiceView& view, const ConsumerDrift& drift,
                                           int* repaired) {
  auto it = view.slices.find(drift.consumer);
  if (it == view.slices.end()) return core::internalError("no slices for " + drift.consumer);
  std::set<std::string> names;
  for (const auto& s : drift.slices) names.insert(s.slice);
  std::vector<ManagedObject> desired, actual;
  for (const auto& d : it->second.desired) {
    if (names.count(metaText(d, "name"))) desired.push_back({kEndpointSlicesGvr, d, Json()});
  }
  for (const auto& a : it->second.actual) {
    if (names.count(metaText(a, "name"))) actual.push_back({kEndpointSlicesGvr, a, Json()});
  }
  auto c = members_->clientFor(drift.consumer);
  if (!c) return c.status();
  ApplyCounts counts;
  core::Status st = applyManaged(**c, desired, actual, &counts);
  *repaired = counts.created + counts.updated + counts.deleted;
  return st;
}

core::Status ConsistencyController::setConsistentCondition(
    client::Client& c, const client::GroupVersionResource& gvr, const Json& object,
    bool consistent, const std::string& reason, const std::string& message) {
  Json obj = object;
  Json& conditions = obj["status"]["conditions"];
  if (!controllers::setCondition(conditions,
                                 {kConsistentCondition, consistent ? "True" : "False", reason,
                                  message},
                                 controllers::nowText(*options_.clock))) {
    return core::Status::ok();
  }
  auto r = c.update(gvr, metaText(obj, "namespace"), obj, {kFieldManager}, "status");
  if (!r && r.status().code() != core::Code::NotFound) return r.status();
  return core::Status::ok();
}

void ConsistencyController::report(const ServiceView& view,
                                   const std::vector<ConsumerDrift>& confirmed,
                                   const std::string& repair_error,
                                   const FederationState& state) {
  auto log = core::logger("mcs-consistency");
  const std::string& ns = view.target.namespace_name;
  const std::string& name = view.target.service;
  const bool consistent = confirmed.empty();
  std::string message = "every consumer holds exactly the providers' ready endpoints";
  std::string reason = "NoDrift";
  if (!consistent) {
    message.clear();
    for (const auto& d : confirmed) {
      message += (message.empty() ? "" : "; ") + d.consumer + ": " + d.describe();
    }
    if (repair_error.empty()) {
      reason = "EndpointDriftRepaired";
      message = "repaired drift in " + message;
    } else {
      reason = "EndpointDriftRepairFailed";
      message = "drift in " + message + "; repair failed: " + repair_error;
    }
    log->warn("[{}/{}] {}", ns, name, message);
  }

  auto note = [&](const core::Status& st, const std::string& what) {
    if (!st.isOk()) log->warn("[{}/{}] cannot set {} on {}: {}", ns, name, kConsistentCondition,
                              what, st.toString());
  };
  const Json* event_target = nullptr;
  if (view.target.mode == ImportMode::MultiClusterService) {
    event_target = findObject(state.multi_cluster_services, ns, name);
    if (event_target) {
      note(setConsistentCondition(*host_, kMultiClusterServicesGvr, *event_target, consistent,
                                  reason, message),
           "the MultiClusterService");
    }
  } else {
    event_target = findObject(state.service_imports, ns, name);
    for (const auto& m : state.members) {
      if (std::find(view.providers.begin(), view.providers.end(), m.name) ==
          view.providers.end()) {
        continue;
      }
      const Json* e = findObject(m.service_exports, ns, name);
      auto c = members_->clientFor(m.name);
      if (e && c) {
        note(setConsistentCondition(**c, kServiceExportsGvr, *e, consistent, reason, message),
             "the ServiceExport in " + m.name);
      }
    }
    if (const Json* host_export = findObject(state.service_exports, ns, name)) {
      note(setConsistentCondition(*host_, kServiceExportsGvr, *host_export, consistent, reason,
                                  message),
           "the host ServiceExport");
    }
  }
  if (!consistent && events_ && event_target) {
    auto st = events_->record(*client::Object::fromJson(*event_target),
                              runtime::EventType::Warning, "EndpointDrift", message);
    if (!st.isOk()) log->warn("[{}/{}] cannot record event: {}", ns, name, st.toString());
  }
}

}  // namespace flotilla::mcs
