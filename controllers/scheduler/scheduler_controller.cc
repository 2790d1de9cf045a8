#include "controllers/scheduler/scheduler_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "api/cluster_types.h"
#include "apimachinery/json_dump.h"
#include "apimachinery/json_parse.h"
#include "client/json_scan.h"
#include "api/pricebook_types.h"
#include "api/work_types.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "estimator/general_estimator.h"
#include "planner/convert.h"

namespace flotilla::controllers {

namespace {

const client::GroupVersionResource& gvrOf(const std::string& ns) {
  return ns.empty() ? kClusterResourceBindingsGvr : kResourceBindingsGvr;
}

}  // namespace

std::vector<std::string> requiredByIndex(const client::Object& binding) {
  std::vector<std::string> out;
  // Only dependency bindings have requiredBy; look for it in the text, so that indexing does
  // not leave a tree on every cached binding.
  const std::string_view text = binding.rawMember({"spec", "requiredBy"});
  if (text.empty()) return out;
  const nlohmann::json required = nlohmann::json::parse(text, nullptr, false);
  if (!required.is_array()) return out;
  for (const auto& r : required) {
    if (!r.is_object()) continue;
    out.push_back(client::objectKey(r.value("namespace", ""), r.value("name", "")));
  }
  return out;
}

namespace {

// Member `key` of `o`, or an empty object: lookups without copying, because needsScheduling runs
// over every binding on every Cluster event (value() would copy spec and status each time).
const nlohmann::json& member(const nlohmann::json& o, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!o.is_object()) return kEmpty;
  auto it = o.find(key);
  return it == o.end() ? kEmpty : *it;
}

std::string stringMember(const nlohmann::json& o, const char* key) {
  const auto& v = member(o, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t intMember(const nlohmann::json& o, const char* key) {
  const auto& v = member(o, key);
  return v.is_number_integer() ? v.get<int64_t>() : 0;
}

}  // namespace

bool needsScheduling(const nlohmann::json& b) {
  const auto& spec = member(b, "spec");
  const auto& status = member(b, "status");
  const auto placement = spec.find("placement");
  if (placement == spec.end()) return false;
  const auto& conditions = member(status, "conditions");
  if (!conditions.is_array() ||
      conditionStatus(conditions, api::kConditionScheduled) != "True") {
    return true;
  }
  const auto& applied = member(member(member(b, "metadata"), "annotations"),
                               kAppliedPlacementAnnotation);
  if (!applied.is_string() || applied.get_ref<const std::string&>() != placement->dump()) {
    return true;
  }
  if (intMember(status, "schedulerObservedGeneration") !=
      intMember(member(b, "metadata"), "generation")) {
    return true;
  }
  const std::string triggered = stringMember(spec, "rescheduleTriggeredAt");
  return !triggered.empty() && triggered > stringMember(status, "lastScheduledTime");
}

std::vector<runtime::Request> PendingBindings::list(const client::Indexer& rbs,
                                                    const client::Indexer& crbs) {
  std::vector<runtime::Request> out;
  std::lock_guard lock(mu_);
  std::unordered_map<std::string, std::pair<std::string, bool>> next;
  for (const auto* cache : {&rbs, &crbs}) {
    for (const auto& b : cache->list()) {
      std::string key = b->key();
      bool needs;
      auto it = memo_.find(key);
      if (it != memo_.end() && it->second.first == b->resourceVersion()) {
        needs = it->second.second;
      } else {
        needs = needsScheduling(*b->tree());
      }
      if (needs) out.push_back({b->namespaceName(), b->name()});
      next.emplace(std::move(key), std::make_pair(b->resourceVersion(), needs));
    }
  }
  memo_ = std::move(next);  // forgets deleted bindings
  return out;
}

SchedulerController::SchedulerController(client::ClientPtr host, SchedulerCaches caches,
                                         std::shared_ptr<runtime::EventRecorder> events,
                                         core::ClockPtr clock, SchedulerControllerOptions options)
    : host_(std::move(host)),
      caches_(caches),
      events_(std::move(events)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(std::move(options)) {}

std::shared_ptr<const scheduler::Cluster> SchedulerController::convertedCluster(
    const client::ObjectPtr& obj) {
  {
    std::lock_guard lock(clusters_mu_);
    auto it = converted_clusters_.find(obj->name());
    if (it != converted_clusters_.end() && it->second.first == obj->resourceVersion()) {
      return it->second.second;
    }
  }
  std::shared_ptr<const scheduler::Cluster> converted;
  auto cluster = api::fromJson<api::Cluster>(*obj->tree());
  if (cluster) {
    api::setDefaults(*cluster, "");
    planner::Problems problems;
    scheduler::Cluster c = planner::toCluster(*cluster, problems);
    if (problems.ok()) converted = std::make_shared<const scheduler::Cluster>(std::move(c));
  }
  std::lock_guard lock(clusters_mu_);
  converted_clusters_[obj->name()] = {obj->resourceVersion(), converted};
  return converted;
}

std::shared_ptr<const std::vector<scheduler::Cluster>> SchedulerController::clusterSnapshot() {
  const std::vector<client::ObjectPtr> objs = caches_.clusters->list();
  std::vector<std::pair<std::string, std::string>> versions;
  versions.reserve(objs.size());
  for (const auto& obj : objs) versions.emplace_back(obj->name(), obj->resourceVersion());
  std::sort(versions.begin(), versions.end());
  {
    std::lock_guard lock(clusters_mu_);
    if (snapshot_ && versions == snapshot_versions_) return snapshot_;
  }
  auto clusters = std::make_shared<std::vector<scheduler::Cluster>>();
  for (const auto& obj : objs) {
    if (auto converted = convertedCluster(obj)) clusters->push_back(*converted);
  }
  std::sort(clusters->begin(), clusters->end(),
            [](const auto& a, const auto& c) { return a.name < c.name; });
  std::lock_guard lock(clusters_mu_);
  snapshot_versions_ = std::move(versions);
  snapshot_ = std::move(clusters);
  return snapshot_;
}

core::Result<runtime::ReconcileResult> SchedulerController::scheduleDependency(
    const client::ObjectPtr& cached) {
  const auto b_tree = cached->tree();
  const nlohmann::json& b = *b_tree;
  std::set<std::string> names;
  nlohmann::json required = b["spec"]["requiredBy"];
  for (auto& r : required) {
    const std::string ns = r.value("namespace", "");
    client::ObjectPtr parent = (ns.empty() ? caches_.cluster_resource_bindings
                                           : caches_.resource_bindings)
                                   ->get(ns, r.value("name", ""));
    nlohmann::json clusters = nlohmann::json::array();
    if (parent) {
      const auto parent_tree = parent->tree();
      const nlohmann::json& pj = *parent_tree;
      const auto pspec = pj.value("spec", nlohmann::json::object());
      for (const auto& c : pspec.value("clusters", nlohmann::json::array())) {
        names.insert(c.value("name", ""));
        clusters.push_back({{"name", c.value("name", "")}});
      }
    }
    if (clusters.empty()) {
      r.erase("clusters");
    } else {
      r["clusters"] = std::move(clusters);
    }
  }
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& n : names) targets.push_back({{"name", n}});
  nlohmann::json next = b;
  next["spec"]["requiredBy"] = required;
  if (targets.empty()) {
    next["spec"].erase("clusters");
  } else {
    next["spec"]["clusters"] = targets;
  }
  client::ObjectPtr current = cached;
  if (next != b) {
    auto written = host_->update(gvrOf(cached->namespaceName()), cached->namespaceName(), next,
                                 {kFieldManager});
    if (!written) return written.status();
    current = *written;
  }
  nlohmann::json with_status = *current->tree();
  nlohmann::json conditions =
      with_status.value("status", nlohmann::json::object())
          .value("conditions", nlohmann::json::array());
  if (setCondition(conditions,
                   {api::kConditionScheduled, "True", "Success",
                    "Binding has been scheduled successfully."},
                   nowText(*clock_))) {
    with_status["status"]["conditions"] = conditions;
    auto written = host_->update(gvrOf(cached->namespaceName()), cached->namespaceName(),
                                 with_status, {kFieldManager}, "status");
    if (!written) return written.status();
  }
  return runtime::ReconcileResult{};
}

core::Result<runtime::ReconcileResult> SchedulerController::reconcile(
    const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr cached =
      own_writes_.freshest(request.key(), cache ? cache->get(ns, request.name) : nullptr);
  if (!cached || cached->deleting()) return runtime::ReconcileResult{};
  // A private parse: a tree kept on every cached binding would cost several times its text.
  const auto b_tree = cached->tree();
  const nlohmann::json& b = *b_tree;
  const auto spec = b.value("spec", nlohmann::json::object());
  std::string scheduler_name = spec.value("schedulerName", "");
  if (scheduler_name.empty()) scheduler_name = kDefaultSchedulerName;
  if (scheduler_name != options_.scheduler_name) return runtime::ReconcileResult{};
  if (!spec.contains("placement")) {
    if (spec.contains("requiredBy")) return scheduleDependency(cached);
    return runtime::ReconcileResult{};
  }
  if (!needsScheduling(b)) return runtime::ReconcileResult{};

  auto rb = api::fromJson<api::ResourceBinding>(b);
  if (!rb) return runtime::terminalError(rb.status());
  planner::Problems problems;
  scheduler::Binding input;
  input.api_version = rb->spec.resource.api_version;
  input.kind = rb->spec.resource.kind;
  input.namespace_ = rb->spec.resource.namespace_;
  input.name = rb->spec.resource.name;
  input.uid = rb->spec.resource.uid;
  input.replicas = rb->spec.replicas;
  input.placement = planner::toPlacement(*rb->spec.placement, "spec.placement", problems);
  if (rb->spec.replica_requirements) {
    input.requirements = estimator::ReplicaRequirements{planner::toResourceList(
        rb->spec.replica_requirements->resource_request,
        "spec.replicaRequirements.resourceRequest", problems)};
  }
  for (const auto& c : rb->spec.clusters) input.previous.push_back({c.name, c.replicas});
  for (const auto& t : rb->spec.graceful_eviction_tasks) input.evicting_from.push_back(t.from_cluster);
  input.observed_affinity_name = rb->status.scheduler_observing_affinity_name;
  input.fresh = !rb->spec.reschedule_triggered_at.empty() &&
                rb->spec.reschedule_triggered_at > rb->status.last_scheduled_time;

  const auto clusters = clusterSnapshot();
  std::vector<scheduler::PriceBook> books;
  if (caches_.price_books) {
    for (const auto& obj : caches_.price_books->list()) {
      auto book = api::fromJson<api::PriceBook>(obj->json());
      if (!book) continue;
      planner::Problems book_problems;
      auto converted = planner::toPriceBook(*book, book_problems);
      if (book_problems.ok() && (books.empty() || books.front().currency == converted.currency)) {
        books.push_back(std::move(converted));
      }
    }
  }
  const scheduler::CostModel cost_model(std::move(books));
  estimator::GeneralEstimator general;
  const scheduler::Scheduler sched(options_.scheduler, {&general}, &cost_model);

  const std::string now = nowText(*clock_);
  scheduler::ScheduleResult result;
  if (!problems.ok()) {
    result.reason = "SchedulerError";
    result.message = problems.causes().front().field + ": " + problems.causes().front().message;
  } else {
    result = sched.schedule(input, *clusters);
  }

  client::ObjectPtr current = cached;
  if (result.scheduled) {
    nlohmann::json next = b;
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& t : result.clusters) {
      nlohmann::json entry = {{"name", t.name}};
      if (input.isWorkload() && t.replicas > 0) entry["replicas"] = t.replicas;
      targets.push_back(std::move(entry));
    }
    next["spec"]["clusters"] = std::move(targets);
    auto& annotations = next["metadata"]["annotations"];
    if (!annotations.is_object()) annotations = nlohmann::json::object();
    annotations[kAppliedPlacementAnnotation] = spec["placement"].dump();
    if (result.cost && !result.cost->currency.empty()) {
      annotations[kHourlyCostAnnotation] =
          scheduler::formatMicros(result.cost->hourly_micros) + " " + result.cost->currency;
    } else {
      annotations.erase(kHourlyCostAnnotation);
    }
    if (next != b) {
      auto written = host_->update(gvrOf(ns), ns, next, {kFieldManager});
      if (!written) return written.status();
      current = client::Object::withoutManagedFields(*written);
      own_writes_.record(request.key(), cached->resourceVersion(), current);
    }
    core::logger("scheduler")->info("[{}] scheduled: {}", cached->key(),
                                    next["spec"]["clusters"].dump());
  } else {
    core::logger("scheduler")->warn("[{}] not scheduled ({}): {}", cached->key(), result.reason,
                                    result.message);
    if (events_) {
      (void)events_->record(*cached, runtime::EventType::Warning, "ScheduleBindingFailed",
                            result.message);
    }
  }

  // The binding's status and generation are read from its text and the new status spliced into
  // it: the rest of the binding is neither parsed nor serialised again.
  const nlohmann::json old_status = [&] {
    nlohmann::json j = apimachinery::parseJsonOrDiscarded(current->rawMember({"status"}));
    return j.is_object() ? j : nlohmann::json::object();
  }();
  nlohmann::json status = old_status;
  nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
  if (result.scheduled) {
    setCondition(conditions,
                 {api::kConditionScheduled, "True", "Success",
                  "Binding has been scheduled successfully."},
                 now);
    int64_t generation = 0;
    const std::string_view generation_text = current->rawMember({"metadata", "generation"});
    std::from_chars(generation_text.data(), generation_text.data() + generation_text.size(),
                    generation);
    status["schedulerObservedGeneration"] = generation;
    if (result.affinity_name.empty()) {
      status.erase("schedulerObservingAffinityName");
    } else {
      status["schedulerObservingAffinityName"] = result.affinity_name;
    }
    status["lastScheduledTime"] = now;
  } else {
    setCondition(conditions, {api::kConditionScheduled, "False", result.reason, result.message},
                 now);
  }
  status["conditions"] = std::move(conditions);
  if (status != old_status) {
    auto body = client::json_scan::withMember(current->raw(), "status", apimachinery::dumpJson(status));
    if (!body) return core::internalError("the binding " + current->key() + " is not JSON");
    auto written =
        host_->updateText(gvrOf(ns), ns, current->name(), *body, {kFieldManager}, "status");
    if (!written) return written.status();
    own_writes_.record(request.key(), current->resourceVersion(),
                       client::Object::withoutManagedFields(*written));
  }
  if (!result.scheduled && result.reason != scheduler::kReasonNoClusterFit) {
    return runtime::ReconcileResult{options_.unschedulable_retry};
  }
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
