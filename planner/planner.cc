#include "planner/planner.h"

#include <algorithm>
#include <memory>

#include "api/resource_quantity.h"
#include "estimator/general_estimator.h"
#include "interpreter/replica.h"
#include "planner/convert.h"
#include "planner/manifest.h"
#include "policies/override_manager.h"
#include "policies/policy_matcher.h"
#include "policies/selector_match.h"

namespace flotilla::planner {

std::string ObjectRef::display() const {
  std::string out = api_version + " " + kind + " ";
  if (!namespace_.empty()) out += namespace_ + "/";
  return out + name;
}

namespace {

template <class T>
ObjectRef refOf(const T& object) {
  return ObjectRef{object.api_version, object.kind, object.metadata.namespace_,
                   object.metadata.name};
}

ObjectRef refOfJson(const api::Json& object) {
  auto str = [&](const char* a, const char* b = nullptr) -> std::string {
    const api::Json* j = &object;
    for (const char* k : {a, b}) {
      if (k == nullptr) break;
      if (!j->is_object()) return "";
      auto it = j->find(k);
      if (it == j->end()) return "";
      j = &*it;
    }
    return j->is_string() ? j->get<std::string>() : "";
  };
  return ObjectRef{str("apiVersion"), str("kind"), str("metadata", "namespace"),
                   str("metadata", "name")};
}

void report(Plan& plan, const std::string& source, const ObjectRef& ref, const Problems& problems) {
  for (const auto& c : problems.causes()) {
    plan.errors.push_back(PlanError{source, ref.display(), c.field, c.message});
  }
}

std::string bindingKey(const std::string& ns, const std::string& name) { return ns + "/" + name; }

// Per-replica limits (sum over containers), for PriceBooks that bill by Limits.
std::optional<estimator::ResourceList> podLimits(const api::Json& object) {
  const std::string kind = object.value("kind", "");
  const api::Json* spec = nullptr;
  try {
    if (kind == "Pod") {
      spec = &object.at("spec");
    } else if (kind == "CronJob") {
      spec = &object.at("spec").at("jobTemplate").at("spec").at("template").at("spec");
    } else {
      spec = &object.at("spec").at("template").at("spec");
    }
  } catch (const api::Json::exception&) {
    return std::nullopt;
  }
  estimator::ResourceList out;
  auto containers = spec->find("containers");
  if (containers == spec->end() || !containers->is_array()) return std::nullopt;
  for (const auto& c : *containers) {
    auto res = c.find("resources");
    if (res == c.end() || !res->is_object()) continue;
    auto limits = res->find("limits");
    if (limits == res->end() || !limits->is_object()) continue;
    for (auto it = limits->begin(); it != limits->end(); ++it) {
      if (!it->is_string() && !it->is_number()) continue;
      auto q = api::parseQuantity(it->is_string() ? it->get<std::string>() : it->dump());
      if (q.isOk()) out[it.key()] += q->milli;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

struct PolicyEntry {
  const Sourced<api::PropagationPolicy>* input;
  api::PropagationPolicy defaulted;
  scheduler::Placement placement;
};

}  // namespace

Plan plan(const Inputs& inputs, const PlanOptions& options) {
  Plan out;

  // Clusters, by name.
  std::vector<api::Cluster> api_clusters;
  std::vector<scheduler::Cluster> clusters;
  for (const auto& c : inputs.clusters) {
    api::Cluster cluster = c.object;
    api::setDefaults(cluster, "");
    Problems problems;
    scheduler::Cluster converted = toCluster(cluster, problems);
    report(out, c.source, refOf(cluster), problems);
    if (!problems.ok()) continue;
    api_clusters.push_back(std::move(cluster));
    clusters.push_back(std::move(converted));
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::map<std::string, const api::Cluster*> api_cluster_by_name;
  for (const auto& c : api_clusters) api_cluster_by_name[c.metadata.name] = &c;

  // Price books: one currency across all of them, or totals would mix units.
  std::vector<scheduler::PriceBook> books;
  bool bills_limits = false;
  for (const auto& b : inputs.price_books) {
    Problems problems;
    scheduler::PriceBook book = toPriceBook(b.object, problems);
    if (problems.ok() && !books.empty() && book.currency != books.front().currency) {
      problems.add("spec.currency", "all PriceBooks must use one currency (" +
                                        books.front().currency + "), got " + book.currency);
    }
    report(out, b.source, refOf(b.object), problems);
    if (!problems.ok()) continue;
    bills_limits = bills_limits || book.billing == scheduler::Billing::Limits;
    books.push_back(std::move(book));
  }
  const scheduler::CostModel cost_model(std::move(books));

  // Propagation policies, defaulted and validated; invalid ones take no part in matching.
  std::vector<std::unique_ptr<PolicyEntry>> policies;
  for (const auto& p : inputs.propagation_policies) {
    auto entry = std::make_unique<PolicyEntry>();
    entry->input = &p;
    entry->defaulted = p.object;
    api::setDefaults(entry->defaulted);
    Problems problems;
    if (entry->defaulted.spec.resource_selectors.empty()) {
      problems.add("spec.resourceSelectors", "at least one resource selector is required",
                   "FieldValueRequired");
    }
    entry->placement = toPlacement(entry->defaulted.spec.placement, "spec.placement", problems);
    report(out, p.source, refOf(p.object), problems);
    if (problems.ok()) policies.push_back(std::move(entry));
  }
  // Matching takes plain vectors: PPs per namespace and all CPPs, with a map back to entries.
  std::map<std::string, std::vector<api::PropagationPolicy>> pps_by_ns;
  std::map<std::string, std::vector<const PolicyEntry*>> pp_entries_by_ns;
  std::vector<api::PropagationPolicy> cpps;
  std::vector<const PolicyEntry*> cpp_entries;
  for (const auto& e : policies) {
    if (e->defaulted.isClusterScoped()) {
      cpps.push_back(e->defaulted);
      cpp_entries.push_back(e.get());
    } else {
      pps_by_ns[e->defaulted.metadata.namespace_].push_back(e->defaulted);
      pp_entries_by_ns[e->defaulted.metadata.namespace_].push_back(e.get());
    }
  }

  std::vector<api::OverridePolicy> cops;
  std::vector<api::OverridePolicy> ops;
  for (const auto& o : inputs.override_policies) {
    api::OverridePolicy op = o.object;
    api::setDefaults(op);
    (op.isClusterScoped() ? cops : ops).push_back(std::move(op));
  }

  std::map<std::string, const api::ResourceBinding*> bindings;
  for (const auto& b : inputs.bindings) {
    bindings[bindingKey(b.object.isClusterScoped() ? "" : b.object.metadata.namespace_,
                        b.object.metadata.name)] = &b.object;
  }

  // Workload affinity: per "<namespace>/<group>", the clusters each member binding occupies, so a
  // binding's peers can leave itself out.
  using GroupMembers = std::map<std::string, std::vector<std::string>>;  // binding key -> clusters
  std::map<std::string, GroupMembers> affinity_members, anti_members;
  if (options.workload_affinity_gate) {
    for (const auto& [key, rb] : bindings) {
      if (!rb->spec.workload_affinity_groups) continue;
      std::vector<std::string> names;
      for (const auto& c : rb->spec.clusters) names.push_back(c.name);
      const std::string ns = rb->isClusterScoped() ? "" : rb->metadata.namespace_;
      const auto& groups = *rb->spec.workload_affinity_groups;
      if (!groups.affinity_group.empty()) {
        affinity_members[ns + "/" + groups.affinity_group][key] = names;
      }
      if (!groups.anti_affinity_group.empty()) {
        anti_members[ns + "/" + groups.anti_affinity_group][key] = names;
      }
    }
  }
  auto peersOf = [](const std::map<std::string, GroupMembers>& members, const std::string& group,
                    const std::string& self) {
    std::vector<std::string> out;
    auto it = members.find(group);
    if (it == members.end()) return out;
    for (const auto& [key, names] : it->second) {
      if (key != self) out.insert(out.end(), names.begin(), names.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };

  estimator::GeneralEstimator general;
  const scheduler::Scheduler scheduler(options.scheduler, {&general}, &cost_model);
  policies::MatchOptions match_options;
  match_options.preemption_gate_enabled = options.preemption_gate;
  static const std::vector<api::PropagationPolicy> kNoPolicies;
  static const std::vector<const PolicyEntry*> kNoEntries;

  std::vector<const Sourced<api::Json>*> templates;
  for (const auto& t : inputs.templates) templates.push_back(&t);
  std::sort(templates.begin(), templates.end(), [](const auto* a, const auto* b) {
    const ObjectRef ra = refOfJson(a->object);
    const ObjectRef rb = refOfJson(b->object);
    return std::tie(ra.api_version, ra.kind, ra.namespace_, ra.name) <
           std::tie(rb.api_version, rb.kind, rb.namespace_, rb.name);
  });

  // A previous result, for placements that never reach the scheduler (no policy, invalid): the
  // plan gives them no clusters, so with report_moves everything they had is removed.
  auto previousOf = [&](const ObjectRef& ref) -> const api::ResourceBinding* {
    auto it = bindings.find(bindingKey(ref.namespace_, api::bindingName(ref.kind, ref.name)));
    return it == bindings.end() ? nullptr : it->second;
  };
  const bool priced = !cost_model.empty();
  auto emit = [&](Placement&& p) {
    if (options.report_moves && !p.moves) {
      std::vector<scheduler::TargetCluster> before;
      const api::ResourceBinding* rb = previousOf(p.resource);
      if (rb != nullptr) {
        for (const auto& c : rb->spec.clusters) before.push_back({c.name, c.replicas});
      }
      p.moves = computeMoves(rb != nullptr, before, {}, p.workload, false, {});
    }
    if (options.on_placement) {
      options.on_placement(std::move(p));
    } else {
      out.placements.push_back(std::move(p));
    }
  };
  for (const auto* t : templates) {
    const api::Json& object = t->object;
    Placement placement;
    placement.resource = refOfJson(object);
    const ObjectRef& ref = placement.resource;

    if (policies::shouldSkipTemplate(object, match_options.skip)) {
      placement.reason = kReasonNotPropagated;
      placement.message = "templates in this namespace (or claimed by another controller) are "
                          "never propagated";
      emit(std::move(placement));
      continue;
    }
    auto pps_it = pps_by_ns.find(ref.namespace_);
    const auto& pps = ref.namespace_.empty() || pps_it == pps_by_ns.end() ? kNoPolicies
                                                                           : pps_it->second;
    const auto& pp_entries = ref.namespace_.empty() || pps_it == pps_by_ns.end()
                                 ? kNoEntries
                                 : pp_entries_by_ns[ref.namespace_];
    const policies::MatchDecision decision =
        policies::matchTemplate(object, pps, cpps, match_options);
    if (!decision.policy) {
      placement.reason = kReasonNoPolicy;
      placement.message = "no PropagationPolicy or ClusterPropagationPolicy selects this object";
      emit(std::move(placement));
      continue;
    }
    const PolicyEntry& policy =
        decision.cluster_scoped ? *cpp_entries[*decision.policy] : *pp_entries[*decision.policy];
    placement.policy = PolicyRef{policy.defaulted.kind, policy.defaulted.metadata.namespace_,
                                 policy.defaulted.metadata.name};

    auto interpreted = interpreter::interpretReplica(object);
    if (!interpreted.isOk()) {
      out.errors.push_back(PlanError{t->source, ref.display(), "", interpreted.status().message()});
      placement.reason = kReasonInvalid;
      placement.message = interpreted.status().message();
      emit(std::move(placement));
      continue;
    }
    scheduler::Binding binding;
    binding.api_version = ref.api_version;
    binding.kind = ref.kind;
    binding.namespace_ = ref.namespace_;
    binding.name = ref.name;
    binding.uid = object.contains("metadata") ? object["metadata"].value("uid", "") : "";
    binding.placement = policy.placement;
    if (interpreted->has_hook) {
      binding.replicas = interpreted->replicas;
      if (interpreted->requirements) {
        Problems problems;
        binding.requirements = estimator::ReplicaRequirements{toResourceList(
            interpreted->requirements->resource_request, "spec.template.spec", problems)};
        report(out, t->source, ref, problems);
      }
    }
    if (bills_limits) binding.limits = podLimits(object);

    const std::string binding_name = api::bindingName(ref.kind, ref.name);
    auto prev = bindings.find(bindingKey(ref.namespace_, binding_name));
    if (prev != bindings.end()) {
      const api::ResourceBinding& rb = *prev->second;
      for (const auto& c : rb.spec.clusters) binding.previous.push_back({c.name, c.replicas});
      for (const auto& task : rb.spec.graceful_eviction_tasks) {
        binding.evicting_from.push_back(task.from_cluster);
      }
      binding.observed_affinity_name = rb.status.scheduler_observing_affinity_name;
      // RFC 3339 timestamps in UTC compare correctly as strings.
      binding.fresh = !rb.spec.reschedule_triggered_at.empty() &&
                      rb.spec.reschedule_triggered_at > rb.status.last_scheduled_time;
      if (binding.uid.empty()) binding.uid = rb.spec.resource.uid;
    }

    const std::string self_key = bindingKey(ref.namespace_, binding_name);
    std::string affinity_key, anti_key;
    const auto& workload_affinity = policy.defaulted.spec.placement.workload_affinity;
    if (options.workload_affinity_gate && workload_affinity) {
      const api::StringMap labels = policies::objectLabels(object);
      auto groupOf = [&](const std::optional<api::AffinityGroupKey>& term) -> std::string {
        if (!term) return "";
        auto l = labels.find(term->group_by_label_key);
        return l == labels.end() ? "" : l->first + "=" + l->second;
      };
      binding.affinity_group = groupOf(workload_affinity->affinity);
      binding.anti_affinity_group = groupOf(workload_affinity->anti_affinity);
      if (!binding.affinity_group.empty()) {
        affinity_key = ref.namespace_ + "/" + binding.affinity_group;
        binding.affinity_peers = peersOf(affinity_members, affinity_key, self_key);
      }
      if (!binding.anti_affinity_group.empty()) {
        anti_key = ref.namespace_ + "/" + binding.anti_affinity_group;
        binding.anti_affinity_peers = peersOf(anti_members, anti_key, self_key);
      }
    }

    scheduler::ScheduleResult result = scheduler.schedule(binding, clusters);
    // What later members of the groups see: this binding's new clusters (a failed fit clears it,
    // any other failure keeps the previous result).
    for (auto [members, key] : {std::pair{&affinity_members, &affinity_key},
                                std::pair{&anti_members, &anti_key}}) {
      if (key->empty()) continue;
      if (result.scheduled) {
        std::vector<std::string> names;
        for (const auto& c : result.clusters) names.push_back(c.name);
        (*members)[*key][self_key] = std::move(names);
      } else if (result.reason == scheduler::kReasonNoClusterFit) {
        (*members)[*key].erase(self_key);
      }
    }
    placement.workload = binding.isWorkload();
    placement.scheduled = result.scheduled;
    placement.reason = result.reason;
    placement.message = result.message;
    placement.affinity_name = result.affinity_name;
    placement.clusters = std::move(result.clusters);
    placement.explain = std::move(result.explain);
    if (placement.workload && result.cost && !result.cost->currency.empty()) {
      placement.cost = std::move(result.cost);
    }
    if (options.report_moves) {
      // NoClusterFit clears the result; any other failure (Unschedulable) keeps the previous
      // one (karmada.md §2d), so nothing moves.
      const bool keeps_previous =
          !placement.scheduled && placement.reason != scheduler::kReasonNoClusterFit;
      placement.moves = computeMoves(prev != bindings.end(), binding.previous,
                                     keeps_previous ? std::span<const scheduler::TargetCluster>(
                                                          binding.previous)
                                                    : std::span<const scheduler::TargetCluster>(
                                                          placement.clusters),
                                     placement.workload, priced, placement.explain);
    }

    if (placement.scheduled && options.render_manifests) {
      for (const auto& target : placement.clusters) {
        auto cluster = api_cluster_by_name.find(target.name);
        auto manifest = renderManifest(object, interpreted->has_hook, target.replicas,
                                       *cluster->second, cops, ops);
        if (!manifest.isOk()) {
          out.errors.push_back(PlanError{t->source, ref.display(), "",
                                         "cluster " + target.name + ": " +
                                             manifest.status().message()});
          continue;
        }
        placement.manifests.emplace(target.name, std::move(manifest).value());
      }
    }
    emit(std::move(placement));
  }
  return out;
}

}  // namespace flotilla::planner
