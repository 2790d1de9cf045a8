#include "mcs/controllers/mcs_sync_controller.h"

#include <algorithm>
#include <future>
#include <map>
#include <optional>

#include "controllers/wire/conditions.h"
#include <spdlog/spdlog.h>

#include "core/logging.h"
#include "mcs/conflicts/export_conflicts.h"
#include "mcs/controllers/member_apply.h"
#include "mcs/endpoints/consumer_slices.h"
#include "mcs/endpoints/mcs_labels.h"
#include "mcs/imports/cluster_sets.h"
#include "mcs/imports/mcs_conditions.h"
#include "mcs/imports/object_diff.h"
#include "mcs/imports/service_import.h"

namespace flotilla::mcs {

using Json = nlohmann::json;
using std::chrono::milliseconds;

namespace {
constexpr const char* kFieldManager = "flotilla-mcs";
constexpr milliseconds kCacheLagRetry{200};
const Json kNoCluster;  // an lvalue, so `found ? object->json() : kNoCluster` does not copy
}  // namespace

struct McsSyncController::Plan {
  std::vector<std::string> clusters;            // joined clusters, sorted
  // name -> Cluster, shared with the cache: Clusters carry their whole status (API enablements,
  // resource summary), too big to copy for every cluster in every reconcile.
  std::map<std::string, client::ObjectPtr> cluster_objects;
  std::map<std::string, MemberCachePtr> caches; // synced member caches
  std::set<std::string> writable;               // Ready (or not yet probed) with synced caches
  std::map<std::string, std::vector<ManagedObject>> desired;
  // MCS API.
  std::map<std::string, ExportCondition> validity;  // every cluster with a ServiceExport
  ExportResolution resolution;
  std::vector<std::string> exporting;  // valid exports' clusters
  bool lagging = false;
  std::optional<milliseconds> recheck;
  // MultiClusterService: what this pass did, for its status conditions.
  std::optional<McsPassOutcome> mcs_outcome;

  void recheckIn(milliseconds d) {
    if (!recheck || d < *recheck) recheck = d;
  }
  std::vector<Json> sourceSlices(const std::string& cluster, const std::string& key) const {
    std::vector<Json> out;
    auto it = caches.find(cluster);
    if (it == caches.end()) return out;
    for (const auto& s : it->second->slices->indexer().byIndex(kSliceServiceIndex, key)) {
      out.push_back(s->json());
    }
    return out;
  }
};

McsSyncController::McsSyncController(client::ClientPtr host, McsHostCaches caches,
                                     std::shared_ptr<MemberCaches> members,
                                     controllers::MemberClientsPtr member_clients,
                                     McsSyncOptions options)
    : host_(std::move(host)),
      caches_(caches),
      members_(std::move(members)),
      member_clients_(std::move(member_clients)),
      options_(std::move(options)) {
  if (!options_.clock) options_.clock = std::make_shared<core::RealClock>();
}

std::vector<std::string> McsSyncController::knownServiceKeys() const {
  std::set<std::string> keys;
  {
    std::lock_guard lock(active_mu_);
    keys = active_;
  }
  for (const auto& c : members_->clusters()) {
    auto cache = members_->get(c);
    if (!cache) continue;
    for (const auto& k : cache->exports->indexer().keys()) keys.insert(k);
    for (const auto& k : cache->imports->indexer().keys()) keys.insert(k);
  }
  for (const client::Indexer* idx : {caches_.service_imports, caches_.multi_cluster_services}) {
    if (!idx) continue;
    for (const auto& k : idx->keys()) keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

void McsSyncController::planServiceImport(const std::string& ns, const std::string& name,
                                          Plan& plan) {
  const std::string key = client::objectKey(ns, name);
  std::vector<ClusterExport> exports;
  for (const auto& [cluster, cache] : plan.caches) {
    auto e = cache->exports->indexer().get(ns, name);
    if (!e || e->deleting()) continue;
    auto svc = cache->services->indexer().get(ns, name);
    Json svc_json = svc ? svc->json() : Json();
    plan.validity[cluster] = validCondition(svc_json);
    if (exportable(svc_json)) exports.push_back({cluster, e->json(), svc_json});
  }
  plan.resolution = resolveExports(std::move(exports));
  for (const auto& e : plan.resolution.exports) plan.exporting.push_back(e.cluster);

  auto host_import = caches_.service_imports ? caches_.service_imports->get(ns, name) : nullptr;
  const bool user_import = host_import && !isManagedObject(host_import->json());
  Json import_spec;
  if (user_import) {
    import_spec = host_import->json().value("spec", Json::object());
  } else if (!plan.exporting.empty()) {
    import_spec = serviceImportSpec(plan.resolution);
  } else {
    return;  // nothing exported, no import: nothing desired
  }

  // Sources: exporting clusters whose endpoints still count.
  const auto now = options_.clock->wallNow();
  std::vector<std::string> sources;
  for (const auto& cluster : plan.exporting) {
    auto it = plan.cluster_objects.find(cluster);
    SourceAvailability a = sourceAvailability(
        it == plan.cluster_objects.end() ? kNoCluster : it->second->json(), now,
        options_.endpoint_grace);
    if (a.recheck_after) plan.recheckIn(*a.recheck_after + milliseconds(50));
    if (a.available) sources.push_back(cluster);
  }

  const ImportTarget target{ns, name, ImportMode::ServiceImport};
  const Json status = serviceImportStatus(plan.exporting);
  // Every consumer holds the same slices of a source: build them once.
  std::vector<Json> slices;
  for (const auto& source : sources) {
    for (auto& s : desiredConsumerSlices(target, source, plan.sourceSlices(source, key))) {
      slices.push_back(std::move(s));
    }
  }
  for (const auto& [cluster, cache] : plan.caches) {
    auto member_import = cache->imports->indexer().get(ns, name);
    const bool member_has_user_import =
        member_import && !isManagedObject(member_import->json());
    if (user_import ? !member_has_user_import : false) continue;  // not a consumer
    auto& desired = plan.desired[cluster];
    // Slices first: endpoints reaching a consumer is what callers wait for; the derived Service
    // and the import copy follow in the same pass.
    for (const auto& s : slices) desired.push_back({kEndpointSlicesGvr, s, Json()});
    // Karmada's flow: the user's import may carry ips, which the derived Service advertises as
    // its load-balancer ingress. Flotilla's own copies get the derived Service's cluster IP as
    // their ips instead (known once the member allocated it; its event brings us back).
    const Json& consumer_import =
        member_has_user_import ? member_import->json().value("spec", import_spec) : import_spec;
    desired.push_back({kServicesGvr, derivedService(ns, name, import_spec),
                       user_import ? derivedServiceStatus(consumer_import) : Json()});
    if (!user_import && !member_has_user_import) {
      auto derived = cache->services->indexer().get(ns, kDerivedServicePrefix + name);
      const Json spec = consumerImportSpec(
          import_spec, derived && isManagedObject(derived->json()) ? derived->json() : kNoCluster);
      // A new ClusterSetIP copy waits for its ips (the derived Service's IP is allocated right
      // after its create), so it is written once, complete, instead of created then updated.
      const bool waits_for_ips = !spec.contains("ips") && spec.value("type", "") == "ClusterSetIP" &&
                                 !member_import;
      if (!waits_for_ips) {
        desired.push_back({kServiceImportsGvr, managedServiceImport(ns, name, spec, Json()),
                           status});
      }
    }
  }
}

void McsSyncController::planMultiClusterService(const std::string& ns, const std::string& name,
                                                Plan& plan) {
  if (!caches_.multi_cluster_services) return;
  auto mcs = caches_.multi_cluster_services->get(ns, name);
  if (!mcs || mcs->deleting() || !crossCluster(mcs->json())) return;
  const std::string key = client::objectKey(ns, name);
  auto host_service = caches_.services ? caches_.services->get(ns, name) : nullptr;
  const auto providers = mcsProviders(mcs->json(), plan.clusters);
  const auto consumers = mcsConsumers(mcs->json(), plan.clusters);
  std::set<std::string> involved(providers.begin(), providers.end());
  involved.insert(consumers.begin(), consumers.end());
  McsPassOutcome& outcome = plan.mcs_outcome.emplace();
  outcome.host_service_found = host_service != nullptr;
  outcome.involved = involved;
  outcome.consumers = {consumers.begin(), consumers.end()};
  for (const auto& c : involved) {
    if (!plan.writable.count(c)) outcome.unreachable.insert(c);
  }
  if (host_service) {
    const Json copy = consumerServiceCopy(host_service->json());
    for (const auto& c : involved) {
      auto it = plan.caches.find(c);
      if (it == plan.caches.end()) continue;
      auto existing = it->second->services->indexer().get(ns, name);
      if (existing && !isManagedObject(existing->json())) continue;  // propagated by a policy
      plan.desired[c].push_back({kServicesGvr, copy, Json()});
    }
  }
  const auto now = options_.clock->wallNow();
  std::vector<std::string> sources;
  for (const auto& p : providers) {
    auto it = plan.cluster_objects.find(p);
    SourceAvailability a = sourceAvailability(
        it == plan.cluster_objects.end() ? kNoCluster : it->second->json(), now,
        options_.endpoint_grace);
    if (a.recheck_after) plan.recheckIn(*a.recheck_after + milliseconds(50));
    if (a.available) sources.push_back(p);
  }
  const ImportTarget target{ns, name, ImportMode::MultiClusterService};
  std::map<std::string, std::vector<Json>> by_source;  // built once, copied to each consumer
  for (const auto& p : sources) {
    by_source[p] = desiredConsumerSlices(target, p, plan.sourceSlices(p, key));
  }
  for (const auto& c : consumers) {
    if (!plan.caches.count(c)) continue;
    for (const auto& [p, slices] : by_source) {
      if (p == c) continue;
      for (const auto& s : slices) plan.desired[c].push_back({kEndpointSlicesGvr, s, Json()});
    }
  }
}

core::Status McsSyncController::writeExportConditions(const std::string& ns,
                                                      const std::string& name, Plan& plan) {
  core::Status first;
  const std::string now = controllers::nowText(*options_.clock);
  const ExportCondition conflict = conflictCondition(plan.resolution);
  for (const auto& [cluster, valid] : plan.validity) {
    if (!plan.writable.count(cluster)) continue;
    auto e = plan.caches.at(cluster)->exports->indexer().get(ns, name);
    if (!e) continue;
    Json obj = e->json();
    Json& conditions = obj["status"]["conditions"];
    bool changed = controllers::setCondition(
        conditions, {valid.type, valid.status, valid.reason, valid.message}, now);
    if (valid.status == "True") {
      changed = controllers::setCondition(conditions, {conflict.type, conflict.status,
                                                       conflict.reason, conflict.message},
                                          now) ||
                changed;
    }
    if (!changed) continue;
    auto c = member_clients_->clientFor(cluster);
    if (!c) {
      if (first.isOk()) first = c.status();
      continue;
    }
    auto r = (*c)->update(kServiceExportsGvr, ns, obj, {kFieldManager}, "status");
    if (r) {
      members_->ownWrites().record(cluster, kServiceExportsGvr.resource, ns, name,
                                   (*r)->resourceVersion());
    }
    if (!r && first.isOk() && r.status().code() != core::Code::NotFound) first = r.status();
  }
  return first;
}

core::Status McsSyncController::writeHostImport(const std::string& ns, const std::string& name,
                                                Plan& plan) {
  auto current = caches_.service_imports ? caches_.service_imports->get(ns, name) : nullptr;
  const Json status = serviceImportStatus(plan.exporting);
  if (current && !isManagedObject(current->json())) {
    // The user's ServiceImport (Karmada's flow): only status.clusters is ours.
    Json obj = current->json();
    if (obj.contains("status") && obj["status"].value("clusters", Json()) == status["clusters"]) {
      return core::Status();
    }
    obj["status"]["clusters"] = status["clusters"];
    auto r = host_->update(kServiceImportsGvr, ns, obj, {kFieldManager}, "status");
    return r || r.status().code() == core::Code::NotFound ? core::Status() : r.status();
  }
  std::vector<ManagedObject> desired, actual;
  if (!plan.exporting.empty()) {
    desired.push_back({kServiceImportsGvr,
                       managedServiceImport(ns, name, serviceImportSpec(plan.resolution), Json()),
                       status});
  }
  if (current) actual.push_back({kServiceImportsGvr, current->json(), Json()});
  return applyManaged(*host_, desired, actual, nullptr);
}

core::Status McsSyncController::writeMultiClusterServiceStatus(const std::string& ns,
                                                              const std::string& name,
                                                              const McsPassOutcome& outcome) {
  auto current = caches_.multi_cluster_services->get(ns, name);
  if (!current) return core::Status();
  Json obj = current->json();
  Json& conditions = obj["status"]["conditions"];
  const std::string now = controllers::nowText(*options_.clock);
  bool changed = false;
  for (const auto& c : multiClusterServiceConditions(outcome)) {
    changed = controllers::setCondition(conditions, {c.type, c.status, c.reason, c.message}, now) ||
              changed;
  }
  if (!changed) return core::Status();
  auto r = host_->update(kMultiClusterServicesGvr, ns, obj, {kFieldManager}, "status");
  return r || r.status().code() == core::Code::NotFound ? core::Status() : r.status();
}

core::Result<runtime::ReconcileResult> McsSyncController::reconcile(
    const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const std::string& name = request.name;
  if (ns.empty() || name.empty()) return runtime::ReconcileResult{};
  const std::string key = client::objectKey(ns, name);
  Plan plan;
  for (const auto& c : caches_.clusters->list()) {
    plan.clusters.push_back(c->name());
    plan.cluster_objects[c->name()] = c;
    const Json& cj = c->json();
    // Not Ready only once probed: a cluster without a Ready condition yet is written to.
    bool probed_not_ready = false;
    if (auto st = cj.find("status"); st != cj.end() && st->is_object()) {
      if (auto conds = st->find("conditions"); conds != st->end() && conds->is_array()) {
        for (const auto& cond : *conds) {
          if (cond.value("type", "") == "Ready" && cond.value("status", "") != "True") {
            probed_not_ready = true;
          }
        }
      }
    }
    // A NotReady member whose cache cannot sync is not waited for (no 2 s retry of every
    // service while it is down): its Ready flip revisits every known service.
    if (!members_->ensure(c->name()).isOk()) {
      plan.lagging = plan.lagging || !probed_not_ready;
      continue;
    }
    auto cache = members_->get(c->name());
    if (!cache || !cache->synced()) {
      plan.lagging = plan.lagging || !probed_not_ready;
      continue;
    }
    plan.caches[c->name()] = cache;
    if (!probed_not_ready) plan.writable.insert(c->name());
  }
  std::sort(plan.clusters.begin(), plan.clusters.end());

  planServiceImport(ns, name, plan);
  planMultiClusterService(ns, name, plan);

  core::Status first;
  auto note = [&first](core::Status st) {
    if (!st.isOk() && first.isOk()) first = std::move(st);
  };
  // The host import and the export conditions do not gate the consumers' endpoints: write them
  // alongside the members.
  auto host_writes = std::async(std::launch::async, [&] {
    core::Status st = writeExportConditions(ns, name, plan);
    core::Status import_st = writeHostImport(ns, name, plan);
    return st.isOk() ? import_st : st;
  });

  // Members that need writes are written concurrently: a new service touches every member
  // (import copy and its status, derived Service, slices), and one reconcile writing ten
  // members one round trip after another capped the sync at a few services per second.
  struct MemberJob {
    std::string cluster;
    const std::vector<ManagedObject>* desired = nullptr;
    std::vector<ManagedObject> actual;
    client::ClientPtr client;
    core::Status status;
    ApplyCounts counts;
  };
  std::vector<MemberJob> jobs;
  bool anything = !plan.validity.empty();
  for (const auto& [cluster, cache] : plan.caches) {
    std::vector<ManagedObject> actual;
    for (const auto& s : cache->slices->indexer().byIndex(kSliceMcsServiceIndex, key)) {
      if (isManagedSlice(s->json())) actual.push_back({kEndpointSlicesGvr, s->json(), Json()});
    }
    for (const std::string& svc : {kDerivedServicePrefix + name, name}) {
      auto s = cache->services->indexer().get(ns, svc);
      if (s && isManagedObject(s->json())) actual.push_back({kServicesGvr, s->json(), Json()});
    }
    if (auto i = cache->imports->indexer().get(ns, name); i && isManagedObject(i->json())) {
      actual.push_back({kServiceImportsGvr, i->json(), Json()});
    }
    const auto& desired = plan.desired[cluster];
    anything = anything || !desired.empty() || !actual.empty();
    if (desired.empty() && actual.empty()) continue;
    if (!plan.writable.count(cluster)) continue;
    if (!applyNeeded(desired, actual)) continue;
    auto c = member_clients_->clientFor(cluster);
    if (!c) {
      if (plan.mcs_outcome) plan.mcs_outcome->failures[cluster] = c.status().message();
      note(c.status());
      continue;
    }
    jobs.push_back({cluster, &desired, std::move(actual), *c, core::Status(), ApplyCounts{}});
  }
  OwnWrites& own = members_->ownWrites();
  auto apply = [&own](MemberJob& job) {
    job.status = applyManaged(*job.client, *job.desired, job.actual, &job.counts,
                              [&own, &job](const client::GroupVersionResource& gvr,
                                           const client::Object& written) {
                                own.record(job.cluster, gvr.resource, written.namespaceName(),
                                           written.name(), written.resourceVersion());
                              });
  };
  if (jobs.size() == 1) {
    apply(jobs.front());
  } else if (jobs.size() > 1) {
    std::vector<std::future<void>> running;
    running.reserve(jobs.size());
    for (auto& job : jobs) running.push_back(std::async(std::launch::async, apply, std::ref(job)));
    for (auto& r : running) r.get();
  }
  note(host_writes.get());
  bool cache_lagged = false;
  for (auto& job : jobs) {
    cache_lagged = cache_lagged || job.counts.already_existed > 0 ||
                   job.status.code() == core::Code::Conflict;
    if (job.counts.created + job.counts.updated + job.counts.deleted > 0) {
      core::logger("mcs")->debug("[{}] {}: {} created, {} updated, {} deleted", key, job.cluster,
                                 job.counts.created, job.counts.updated, job.counts.deleted);
    }
    if (!job.status.isOk()) {
      core::logger("mcs")->warn("[{}] {}: {}", key, job.cluster, job.status.toString());
      if (plan.mcs_outcome) plan.mcs_outcome->failures[job.cluster] = job.status.message();
    }
    note(std::move(job.status));
  }
  if (plan.mcs_outcome) note(writeMultiClusterServiceStatus(ns, name, *plan.mcs_outcome));
  {
    std::lock_guard lock(active_mu_);
    if (anything) {
      active_.insert(key);
    } else {
      active_.erase(key);
    }
  }
  runtime::ReconcileResult result;
  if (plan.recheck) result.requeue_after = *plan.recheck;
  if (cache_lagged) {
    // A member cache was behind our own writes (409 on a stale resourceVersion, or a create
    // that found the object): look again as soon as the cache has caught up, not after the
    // 2 s retry period, which showed up directly in endpoint latency.
    const std::chrono::nanoseconds lag = kCacheLagRetry;
    result.requeue_after = std::min(result.requeue_after.value_or(lag), lag);
    if (first.code() == core::Code::Conflict) first = core::Status();
  }
  if (!first.isOk() || plan.lagging) {
    if (!first.isOk() && !core::isRetryable(first.code()) &&
        first.code() != core::Code::Conflict && first.code() != core::Code::AlreadyExists) {
      core::logger("mcs")->warn("[{}] {}", key, first.toString());
    }
    if (!result.requeue_after || *result.requeue_after > options_.retry_period) {
      result.requeue_after = options_.retry_period;
    }
  }
  return result;
}

}  // namespace flotilla::mcs
