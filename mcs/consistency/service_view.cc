#include "mcs/consistency/service_view.h"

#include <algorithm>
#include <map>
#include <set>

#include "mcs/conflicts/export_conflicts.h"
#include "mcs/endpoints/mcs_labels.h"
#include "mcs/imports/cluster_sets.h"
#include "mcs/imports/service_import.h"

namespace flotilla::mcs {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string text(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string metaName(const Json& obj) { return text(field(obj, "metadata"), "name"); }
std::string metaNamespace(const Json& obj) { return text(field(obj, "metadata"), "namespace"); }
std::string labelOf(const Json& obj, const char* key) {
  return text(field(field(obj, "metadata"), "labels"), key);
}
bool deleting(const Json& obj) { return field(field(obj, "metadata"), "deletionTimestamp").is_string(); }

using Key = std::pair<std::string, std::string>;  // namespace, name

Key keyOf(const Json& obj) { return {metaNamespace(obj), metaName(obj)}; }

std::map<Key, const Json*> byKey(const std::vector<Json>& objects) {
  std::map<Key, const Json*> out;
  for (const auto& o : objects) out.emplace(keyOf(o), &o);
  return out;
}

const Json* find(const std::map<Key, const Json*>& index, const std::string& ns,
                 const std::string& name) {
  auto it = index.find({ns, name});
  return it == index.end() ? nullptr : it->second;
}

// One member's objects indexed once per check: a check looks up every service in every member,
// and scanning the member's lists per service made it quadratic (at 1,000 services on 10
// members it took most of the controller manager's CPU).
struct MemberIndex {
  const MemberState* member = nullptr;
  std::map<Key, const Json*> exports, services, imports;
  // Slices by (namespace, kubernetes.io/service-name): the members' own (source) slices, and
  // Flotilla's (managed) slices by (namespace, multicluster.kubernetes.io/service-name).
  std::map<Key, std::vector<const Json*>> source_slices, managed_slices;
};

struct StateIndex {
  std::map<std::string, MemberIndex> members;
  std::map<Key, const Json*> host_imports;
};

StateIndex indexState(const FederationState& state) {
  StateIndex out;
  out.host_imports = byKey(state.service_imports);
  for (const auto& m : state.members) {
    MemberIndex& mi = out.members[m.name];
    mi.member = &m;
    mi.exports = byKey(m.service_exports);
    mi.services = byKey(m.services);
    mi.imports = byKey(m.service_imports);
    for (const auto& s : m.endpoint_slices) {
      if (isManagedSlice(s)) {
        const std::string svc = labelOf(s, kMcsServiceNameLabel);
        if (!svc.empty()) mi.managed_slices[{metaNamespace(s), svc}].push_back(&s);
      } else {
        const std::string svc = labelOf(s, kServiceNameLabel);
        if (!svc.empty()) mi.source_slices[{metaNamespace(s), svc}].push_back(&s);
      }
    }
  }
  return out;
}

// Ready condition True, or no Ready condition yet (never probed): the sync writes there.
bool writable(const MemberState& m) {
  for (const auto& c : field(field(m.cluster, "status"), "conditions")) {
    if (text(c, "type") == "Ready") return text(c, "status") == "True";
  }
  return true;
}

// The member's slices that belong to the Service `ns/name` in its own cluster.
std::vector<Json> sourceSlices(const MemberIndex& m, const std::string& ns,
                               const std::string& service) {
  std::vector<Json> out;
  auto it = m.source_slices.find({ns, service});
  if (it == m.source_slices.end()) return out;
  for (const Json* s : it->second) {
    if (isSourceSlice(*s, service)) out.push_back(*s);
  }
  return out;
}

// The member's Flotilla-managed slices of target (one mode).
std::vector<Json> managedSlices(const MemberIndex& m, const ImportTarget& target) {
  std::vector<Json> out;
  auto it = m.managed_slices.find({target.namespace_name, target.service});
  if (it == m.managed_slices.end()) return out;
  const auto selector = managedSliceSelector(target, "");
  for (const Json* s : it->second) {
    bool match = true;
    for (const auto& [k, v] : selector) match = match && labelOf(*s, k.c_str()) == v;
    if (match) out.push_back(*s);
  }
  return out;
}

int addressCount(const std::vector<Json>& slices) {
  return static_cast<int>(readyAddresses(slices).size());
}

// Consumers, sources and the per-consumer comparison shared by both modes.
void compare(const StateIndex& index, std::chrono::system_clock::time_point now,
             const ViewOptions& options, ServiceView& view,
             const std::vector<std::string>& consumers, bool source_is_not_consumer) {
  const auto& members = index.members;

  std::vector<std::string> reasons_not_checked;  // apply to every consumer
  for (const auto& p : view.providers) {
    auto it = members.find(p);
    static const Json kNoCluster;
    const Json& cluster = it == members.end() ? kNoCluster : it->second.member->cluster;
    const SourceAvailability a = sourceAvailability(cluster, now, options.endpoint_grace);
    if (it != members.end() && it->second.member->reachable) {
      view.provider_endpoints[p] =
          addressCount(sourceSlices(it->second, view.target.namespace_name, view.target.service));
    }
    if (!a.available) continue;
    view.sources.push_back(p);
    if (a.recheck_after) {
      reasons_not_checked.push_back("provider " + p + " is NotReady within its grace period");
    }
    if (it == members.end() || !it->second.member->reachable) {
      reasons_not_checked.push_back("provider " + p + " cannot be read");
    }
  }

  view.consumers = consumers;
  for (const auto& c : consumers) {
    auto it = members.find(c);
    if (it == members.end()) continue;
    const MemberState& consumer = *it->second.member;
    if (!consumer.reachable) {
      view.unchecked.push_back(c + ": cannot be read: " + consumer.error);
      continue;
    }
    ConsumerSlices slices;
    slices.actual = managedSlices(it->second, view.target);
    for (const auto& s : view.sources) {
      if (source_is_not_consumer && s == c) continue;
      auto src = members.find(s);
      if (src == members.end() || !src->second.member->reachable) continue;
      for (auto& d : desiredConsumerSlices(
               view.target, s,
               sourceSlices(src->second, view.target.namespace_name, view.target.service))) {
        slices.desired.push_back(std::move(d));
      }
    }
    view.consumer_endpoints[c] = addressCount(slices.actual);
    view.consumer_expected[c] = addressCount(slices.desired);
    if (!writable(consumer)) {
      view.unchecked.push_back(c + ": not Ready");
      continue;
    }
    if (!reasons_not_checked.empty()) {
      view.unchecked.push_back(c + ": " + reasons_not_checked.front());
      continue;
    }
    ConsumerDrift d = compareConsumerSlices(c, slices.desired, slices.actual);
    if (!d.empty()) view.drift.push_back(std::move(d));
    view.slices[c] = std::move(slices);
  }
}

ServiceView serviceImportView(const FederationState& state, const StateIndex& index,
                              const std::string& ns,
                              const std::string& name, std::chrono::system_clock::time_point now,
                              const ViewOptions& options) {
  ServiceView view;
  view.target = {ns, name, ImportMode::ServiceImport};
  std::vector<ClusterExport> exports;
  for (const auto& m : state.members) {
    const MemberIndex& mi = index.members.at(m.name);
    const Json* e = find(mi.exports, ns, name);
    if (e == nullptr || deleting(*e)) continue;
    const Json* svc = find(mi.services, ns, name);
    const Json svc_json = svc ? *svc : Json();
    if (exportable(svc_json)) exports.push_back({m.name, *e, svc_json});
    for (const auto& c : field(field(*e, "status"), "conditions")) {
      if (text(c, "type") == kConflictCondition && text(c, "status") == "True") {
        view.conflicts.push_back(m.name + ": " + text(c, "message"));
      }
    }
  }
  const ExportResolution resolution = resolveExports(std::move(exports));
  for (const auto& e : resolution.exports) view.providers.push_back(e.cluster);
  std::sort(view.providers.begin(), view.providers.end());

  const Json* host_import = find(index.host_imports, ns, name);
  const bool user_import = host_import != nullptr && !isManagedObject(*host_import);
  std::vector<std::string> consumers;
  for (const auto& m : state.members) {
    const MemberIndex& mi = index.members.at(m.name);
    if (user_import) {
      const Json* member_import = find(mi.imports, ns, name);
      if (member_import == nullptr || isManagedObject(*member_import)) continue;
    } else if (view.providers.empty()) {
      // Nothing is exported: only clusters still holding managed slices are of interest
      // (they should hold none).
      if (managedSlices(mi, view.target).empty()) continue;
    }
    consumers.push_back(m.name);
  }
  compare(index, now, options, view, consumers, /*source_is_not_consumer=*/false);
  return view;
}

ServiceView multiClusterServiceView(const FederationState& state, const StateIndex& index,
                                    const Json& mcs,
                                    std::chrono::system_clock::time_point now,
                                    const ViewOptions& options) {
  ServiceView view;
  view.target = {metaNamespace(mcs), metaName(mcs), ImportMode::MultiClusterService};
  std::vector<std::string> all;
  for (const auto& m : state.members) all.push_back(m.name);
  view.providers = mcsProviders(mcs, all);
  compare(index, now, options, view, mcsConsumers(mcs, all), /*source_is_not_consumer=*/true);
  return view;
}

}  // namespace

std::vector<ServiceView> buildServiceViews(const FederationState& state,
                                           std::chrono::system_clock::time_point now,
                                           const ViewOptions& options) {
  // ServiceImport-mode keys: exports and imports anywhere, and managed imported slices.
  std::set<std::pair<std::string, std::string>> import_keys;
  for (const auto& i : state.service_imports) import_keys.insert({metaNamespace(i), metaName(i)});
  for (const auto& m : state.members) {
    for (const auto& e : m.service_exports) import_keys.insert({metaNamespace(e), metaName(e)});
    for (const auto& i : m.service_imports) import_keys.insert({metaNamespace(i), metaName(i)});
    for (const auto& s : m.endpoint_slices) {
      const std::string svc = labelOf(s, kMcsServiceNameLabel);
      if (!svc.empty() && isManagedSlice(s) &&
          labelOf(s, kServiceNameLabel) == kDerivedServicePrefix + svc) {
        import_keys.insert({metaNamespace(s), svc});
      }
    }
  }
  const StateIndex index = indexState(state);
  std::vector<ServiceView> out;
  for (const auto& [ns, name] : import_keys) {
    out.push_back(serviceImportView(state, index, ns, name, now, options));
  }
  for (const auto& mcs : state.multi_cluster_services) {
    if (deleting(mcs) || !crossCluster(mcs)) continue;
    out.push_back(multiClusterServiceView(state, index, mcs, now, options));
  }
  std::stable_sort(out.begin(), out.end(), [](const ServiceView& a, const ServiceView& b) {
    return a.key() < b.key();
  });
  return out;
}

}  // namespace flotilla::mcs
