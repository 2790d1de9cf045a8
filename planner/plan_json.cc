#include "planner/plan_json.h"

namespace flotilla::planner {

api::Json movesToJson(const Moves& m, bool workload) {
  auto targets = [&](const std::vector<scheduler::TargetCluster>& list) {
    api::Json out = api::Json::array();
    for (const auto& t : list) {
      api::Json entry = {{"name", t.name}};
      if (workload) entry["replicas"] = t.replicas;
      out.push_back(std::move(entry));
    }
    return out;
  };
  api::Json j = {{"bound", m.bound}, {"added", targets(m.added)}, {"removed", targets(m.removed)}};
  api::Json changed = api::Json::array();
  for (const auto& c : m.changed) {
    changed.push_back({{"name", c.name}, {"replicasBefore", c.before}, {"replicasAfter", c.after}});
  }
  j["changed"] = std::move(changed);
  if (m.cost) {
    j["cost"] = {{"currency", m.cost->currency},
                 {"hourlyBefore", scheduler::formatMicros(m.cost->hourly_before_micros)},
                 {"hourlyAfter", scheduler::formatMicros(m.cost->hourly_after_micros)}};
    if (!m.cost->unpriced.empty()) j["cost"]["unpriced"] = m.cost->unpriced;
  }
  return j;
}

api::Json placementToJson(const Placement& p, bool explain) {
  api::Json j = api::Json::object();
  j["resource"] = {{"apiVersion", p.resource.api_version},
                   {"kind", p.resource.kind},
                   {"namespace", p.resource.namespace_},
                   {"name", p.resource.name}};
  if (p.policy) {
    j["policy"] = {{"kind", p.policy->kind},
                   {"namespace", p.policy->namespace_},
                   {"name", p.policy->name}};
  } else {
    j["policy"] = nullptr;
  }
  j["scheduled"] = p.scheduled;
  if (!p.scheduled) {
    j["reason"] = p.reason;
    j["message"] = p.message;
  }
  if (!p.affinity_name.empty()) j["affinityName"] = p.affinity_name;
  api::Json clusters = api::Json::array();
  for (const auto& c : p.clusters) {
    api::Json entry = {{"name", c.name}};
    if (p.workload) entry["replicas"] = c.replicas;
    clusters.push_back(std::move(entry));
  }
  j["clusters"] = std::move(clusters);
  if (!p.manifests.empty()) {
    api::Json manifests = api::Json::object();
    for (const auto& [cluster, m] : p.manifests) manifests[cluster] = m;
    j["manifests"] = std::move(manifests);
  }
  if (p.cost) {
    api::Json per_cluster = api::Json::object();
    for (const auto& [cluster, micros] : p.cost->clusters) {
      per_cluster[cluster] = scheduler::formatMicros(micros);
    }
    j["cost"] = {{"currency", p.cost->currency},
                 {"hourly", scheduler::formatMicros(p.cost->hourly_micros)},
                 {"clusters", std::move(per_cluster)}};
    if (!p.cost->unpriced.empty()) j["cost"]["unpriced"] = p.cost->unpriced;
  }
  if (p.moves) j["moves"] = movesToJson(*p.moves, p.workload);
  if (explain) {
    api::Json list = api::Json::array();
    for (const auto& e : p.explain) {
      api::Json entry = {{"name", e.name},
                         {"feasible", e.feasible},
                         {"score", e.score},
                         {"availableReplicas", e.available_replicas}};
      if (!e.reason.empty()) entry["reason"] = e.reason;
      if (!e.plugin.empty()) entry["plugin"] = e.plugin;
      if (e.price.priced) {
        entry["replicaHourlyCost"] = scheduler::formatMicros(e.price.hourly_micros);
        entry["priceSource"] = e.price.source();
      } else {
        entry["replicaHourlyCost"] = nullptr;
      }
      list.push_back(std::move(entry));
    }
    j["explain"] = {{"clusters", std::move(list)}};
  }
  return j;
}

api::Json errorToJson(const PlanError& e) {
  api::Json entry = {{"file", e.source}, {"object", e.object}, {"message", e.message}};
  if (!e.field.empty()) entry["field"] = e.field;
  return entry;
}

api::Json planToJson(const Plan& plan, bool explain) {
  api::Json j = api::Json::object();
  j["kind"] = "Plan";
  api::Json placements = api::Json::array();
  for (const auto& p : plan.placements) placements.push_back(placementToJson(p, explain));
  j["placements"] = std::move(placements);
  api::Json errors = api::Json::array();
  for (const auto& e : plan.errors) errors.push_back(errorToJson(e));
  j["errors"] = std::move(errors);
  return j;
}

}  // namespace flotilla::planner
