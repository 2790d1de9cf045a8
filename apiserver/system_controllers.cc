#include "apiserver/system_controllers.h"

#include <algorithm>

#include "apimachinery/json_parse.h"
#include "apiserver/crd_support.h"
#include "apiserver/json_splice.h"
#include "apiserver/object_strategy.h"
#include "core/logging.h"
#include "spdlog/spdlog.h"

namespace flotilla::apiserver {

namespace {
constexpr const char* kCrdFinalizer = "customresourcecleanup.apiextensions.k8s.io";
// After handling a batch of events the loop lets the next ones gather this long, so a burst of
// writes wakes it once per interval instead of once per commit (every wakeup is a thread switch
// taken from the request threads). Garbage collection and namespace cleanup are asynchronous in
// Kubernetes too; this is far below what a client can notice.
constexpr auto kBatchInterval = std::chrono::milliseconds(10);
const std::string kRegistryPrefix = "/registry/";
const std::string kCrdPrefix = "/registry/customresourcedefinitions/";

bool containsString(const Json& list, const std::string& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

// The metadata members observe() reads (as {"metadata": {...}}), parsed from the metadata text
// without managedFields: labels and annotations, most of what is left, are skipped as text.
// Stored texts come from our own writer, so a member appears once.
core::Result<Json> trackedMetadata(const std::string& metadata_text) {
  static constexpr std::string_view kRead[] = {"name",       "namespace",      "uid",
                                               "finalizers", "ownerReferences", "deletionTimestamp"};
  auto members = topLevelMembers(metadata_text);
  Json meta = Json::object();
  if (!members) {
    meta = apimachinery::parseJsonOrDiscarded(metadata_text);
  } else {
    for (const auto& member : *members) {
      if (std::find(std::begin(kRead), std::end(kRead), member.key) == std::end(kRead)) continue;
      Json value = apimachinery::parseJsonOrDiscarded(member.value);
      if (value.is_discarded()) return core::internalError("stored metadata is not valid JSON");
      meta[std::string(member.key)] = std::move(value);
    }
  }
  if (meta.is_discarded() || !meta.is_object()) {
    return core::internalError("stored object has no metadata object");
  }
  return Json{{"metadata", std::move(meta)}};
}

Json withoutString(const Json& list, const std::string& value) {
  Json out = Json::array();
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (v != value) out.push_back(v);
  }
  return out;
}
}  // namespace

SystemControllers::SystemControllers(ResourceRegistry& registry, ObjectStore& store,
                                     core::ClockPtr clock)
    : registry_(registry), store_(store), clock_(std::move(clock)) {}

SystemControllers::~SystemControllers() { stop(); }

void SystemControllers::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

ServedResourcePtr SystemControllers::resourceForKey(const std::string& key) {
  // Every storage prefix ends in '/', so the prefixes matching a key are exactly those matching
  // its collection (the key up to its last '/'): the answer depends on the collection alone.
  const std::string_view collection(key.data(), key.rfind('/') + 1);
  const uint64_t generation = registry_.generation();
  if (generation != resource_cache_generation_) {
    resource_by_collection_.clear();
    resource_cache_generation_ = generation;
  }
  if (auto it = resource_by_collection_.find(collection); it != resource_by_collection_.end()) {
    return it->second;
  }
  ServedResourcePtr best;
  for (const auto& r : registry_.all()) {
    const std::string prefix = r->storagePrefix();
    if (key.rfind(prefix, 0) == 0 && (!best || prefix.size() > best->storagePrefix().size() ||
                                      (r->is_custom && r->storage_version))) {
      if (best && best->storagePrefix() == prefix && !r->storage_version) continue;
      best = r;
    }
  }
  resource_by_collection_.emplace(collection, best);
  return best;
}

core::Status SystemControllers::start() {
  auto rev = store_.currentRevision();
  if (!rev.isOk()) return rev.status();
  // CRDs first, so that custom resources are recognised when the rest is indexed.
  for (const std::string& prefix : {kCrdPrefix, kRegistryPrefix}) {
    storage::ListOptions opts;
    opts.prefix = prefix;
    opts.revision = *rev;
    opts.limit = 1000;
    while (true) {
      auto page = store_.storage().list(opts);
      if (!page.isOk()) return page.status();
      for (const auto& kv : page->items) {
        if (prefix == kRegistryPrefix && kv.key.rfind(kCrdPrefix, 0) == 0) continue;
        observe(kv.key, &kv.value, kv.mod_revision);
      }
      if (!page->more || page->items.empty()) break;
      opts.start_after = page->items.back().key;
    }
  }
  thread_ = std::thread([this, from = *rev] { run(from); });
  return core::Status::ok();
}

void SystemControllers::run(int64_t from_revision) {
  auto log = core::logger("system-controllers");
  int64_t rev = from_revision;
  auto last_sweep = std::chrono::steady_clock::now();
  while (!stop_) {
    auto watch = store_.storage().watch(kRegistryPrefix, rev);
    if (!watch.isOk()) {
      log->warn("watch from revision {} failed: {}; relisting", rev, watch.status().toString());
      // Fall back to a fresh list: rebuild the index from scratch.
      objects_.clear();
      uid_to_key_.clear();
      dependents_.clear();
      auto current = store_.currentRevision();
      if (!current.isOk()) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      storage::ListOptions opts;
      opts.prefix = kRegistryPrefix;
      opts.revision = *current;
      opts.limit = 1000;
      bool ok = true;
      while (true) {
        auto page = store_.storage().list(opts);
        if (!page.isOk()) {
          ok = false;
          break;
        }
        for (const auto& kv : page->items) observe(kv.key, &kv.value, kv.mod_revision);
        if (!page->more || page->items.empty()) break;
        opts.start_after = page->items.back().key;
      }
      if (ok) rev = *current;
      continue;
    }
    while (!stop_) {
      auto events = (*watch)->next(std::chrono::milliseconds(500));
      if (!events.isOk()) break;
      for (const auto& ev : *events) {
        rev = ev.revision;
        if (ev.type == storage::EventType::Put) {
          observe(ev.key, ev.value.get(), ev.revision);
        } else {
          observe(ev.key, nullptr, ev.revision);
        }
      }
      const bool sweep = std::chrono::steady_clock::now() - last_sweep > std::chrono::seconds(1);
      if (!events->empty() || sweep) {
        if (sweep) last_sweep = std::chrono::steady_clock::now();
        processDirty();
      }
      if (!events->empty() && !stop_) std::this_thread::sleep_for(kBatchInterval);
    }
    (*watch)->cancel();
  }
}

void SystemControllers::observe(const std::string& key, const std::string* value,
                                int64_t revision) {
  const bool is_crd = key.rfind(kCrdPrefix, 0) == 0;
  auto old = objects_.find(key);
  std::optional<std::string> metadata_text;
  if (value != nullptr && !is_crd) {
    metadata_text = metadataWithoutManagedFields(*value);
    if (metadata_text && old != objects_.end() && old->second.metadata_text == *metadata_text) {
      // The same metadata as tracked (a status or spec write): the index stays as it is; mark
      // what observing it afresh (untrack, then track the same) marks, without parsing it again.
      Tracked& t = old->second;
      dirty_owners_.insert(t.uid);
      if (t.uid.empty()) uid_to_key_.erase(t.uid);
      for (const auto& owner : t.owner_uids) dirty_owners_.insert(owner);
      t.resource = resourceForKey(key);
      if (!t.owner_uids.empty()) dirty_keys_.insert(key);
      if (t.deleting && (t.foreground || t.orphan)) dirty_owners_.insert(t.uid);
      return;
    }
  }
  if (old != objects_.end()) {
    const Tracked& t = old->second;
    // Deleted or replaced: dependents of the old uid may now be orphaned.
    dirty_owners_.insert(t.uid);
    uid_to_key_.erase(t.uid);
    for (const auto& owner : t.owner_uids) {
      auto d = dependents_.find(owner);
      if (d != dependents_.end()) {
        d->second.erase(key);
        if (d->second.empty()) dependents_.erase(d);
      }
      // An owner waiting for its dependents to go may now be done.
      dirty_owners_.insert(owner);
    }
    objects_.erase(old);
  }
  if (value == nullptr) {
    if (key.rfind(kCrdPrefix, 0) == 0) {
      registry_.setCustomResources(key.substr(kCrdPrefix.size()), {});
    }
    return;
  }
  auto obj = is_crd           ? ObjectStore::decode(*value, revision)
             : metadata_text ? trackedMetadata(*metadata_text)
                             : ObjectStore::decodeMetadata(*value);
  if (!obj.isOk()) return;
  Tracked t;
  t.key = key;
  if (metadata_text) t.metadata_text = std::move(*metadata_text);
  t.resource = resourceForKey(key);
  t.ns = objectNamespace(*obj);
  t.name = objectName(*obj);
  t.uid = objectUid(*obj);
  t.deleting = hasDeletionTimestamp(*obj);
  const Json fins = (*obj)["metadata"].value("finalizers", Json::array());
  t.foreground = containsString(fins, "foregroundDeletion");
  t.orphan = containsString(fins, "orphan");
  for (const auto& ref : (*obj)["metadata"].value("ownerReferences", Json::array())) {
    if (ref.is_object() && ref.contains("uid") && ref["uid"].is_string()) {
      t.owner_uids.push_back(ref["uid"].get<std::string>());
    }
  }
  if (!t.uid.empty()) uid_to_key_[t.uid] = key;
  for (const auto& owner : t.owner_uids) dependents_[owner].insert(key);
  if (!t.owner_uids.empty()) dirty_keys_.insert(key);
  if (t.deleting && (t.foreground || t.orphan)) dirty_owners_.insert(t.uid);
  if (t.resource && t.resource->group.empty() && t.resource->plural == "namespaces") {
    if (t.deleting) {
      terminating_namespaces_.insert(t.name);
    } else {
      terminating_namespaces_.erase(t.name);
    }
  }
  objects_[key] = std::move(t);
  if (is_crd) reconcileCrd(*obj);
}

void SystemControllers::reconcileCrd(const Json& crd) {
  auto log = core::logger("system-controllers");
  ServedResourcePtr crd_resource = registry_.find("apiextensions.k8s.io", "v1",
                                                  "customresourcedefinitions");
  const std::string name = objectName(crd);
  Json copy = crd;
  auto causes = validateCrdObject(copy);
  if (!causes.empty()) {
    log->warn("[{}] CRD is not valid, not serving it: {}", name, causes.front().message);
    return;
  }
  if (hasDeletionTimestamp(crd)) {
    // Delete every custom resource first, then let the CRD go.
    auto resources = servedResourcesFromCrd(copy);
    if (resources.empty()) return;
    ServedResourcePtr r = resources.front();
    ListParams lp;
    auto items = store_.list(*r, "", lp);
    if (!items.isOk()) return;
    for (const auto& item : items->items) {
      if (!hasDeletionTimestamp(item)) {
        auto res = store_.remove(*r, objectNamespace(item), objectName(item), DeleteParams{});
        (void)res;
      }
    }
    if (items->items.empty()) {
      auto res = store_.update(*crd_resource, "", name,
                               [](const Json& cur) -> core::Result<Json> {
                                 Json next = cur;
                                 next["metadata"]["finalizers"] = withoutString(
                                     cur["metadata"].value("finalizers", Json::array()), kCrdFinalizer);
                                 next["metadata"].erase("resourceVersion");
                                 return next;
                               },
                               false);
      (void)res;
    }
    return;
  }
  registry_.setCustomResources(name, servedResourcesFromCrd(copy));
  const Json status = establishedCrdStatus(copy, clock_->wallNow());
  const bool has_finalizer =
      containsString(crd["metadata"].value("finalizers", Json::array()), kCrdFinalizer);
  if (has_finalizer && crd.value("status", Json()) == status) return;
  auto res = store_.update(*crd_resource, "", name,
                           [&](const Json& cur) -> core::Result<Json> {
                             Json next = cur;
                             Json fins = cur["metadata"].value("finalizers", Json::array());
                             if (!containsString(fins, kCrdFinalizer)) fins.push_back(kCrdFinalizer);
                             next["metadata"]["finalizers"] = fins;
                             Json fresh = cur;
                             validateCrdObject(fresh);
                             next["status"] = establishedCrdStatus(fresh, clock_->wallNow());
                             next["metadata"].erase("resourceVersion");
                             return next;
                           },
                           false);
  if (!res.isOk() && res.status().code() != core::Code::NotFound) {
    log->warn("[{}] cannot establish CRD: {}", name, res.status().toString());
  }
}

void SystemControllers::reconcileNamespace(const std::string& ns) {
  std::set<std::string> seen_prefixes;
  bool empty = true;
  for (const auto& r : registry_.all()) {
    if (!r->namespaced) continue;
    if (r->is_custom && !r->storage_version) continue;
    if (!seen_prefixes.insert(r->storagePrefix()).second) continue;
    ListParams lp;
    auto items = store_.list(*r, ns, lp);
    if (!items.isOk()) {
      empty = false;
      continue;
    }
    for (const auto& item : items->items) {
      empty = false;
      if (hasDeletionTimestamp(item)) continue;
      auto res = store_.remove(*r, ns, objectName(item), DeleteParams{});
      (void)res;
    }
  }
  if (!empty) return;
  ServedResourcePtr nsr = registry_.find("", "v1", "namespaces");
  auto res = store_.update(*nsr, "", ns,
                           [](const Json& cur) -> core::Result<Json> {
                             Json next = cur;
                             if (next.contains("spec")) next["spec"]["finalizers"] = Json::array();
                             next["metadata"].erase("resourceVersion");
                             return next;
                           },
                           false);
  (void)res;
}

void SystemControllers::processDirty() {
  for (const auto& ns : std::set<std::string>(terminating_namespaces_)) reconcileNamespace(ns);

  // Dependents whose owners are all gone are deleted (background propagation).
  // Sorted, so deletions go in key order as they always did.
  std::set<std::string> candidates(dirty_keys_.begin(), dirty_keys_.end());
  dirty_keys_.clear();
  std::set<std::string> owners(dirty_owners_.begin(), dirty_owners_.end());
  dirty_owners_.clear();
  for (const auto& uid : owners) {
    if (uid_to_key_.count(uid)) continue;
    auto d = dependents_.find(uid);
    if (d != dependents_.end()) candidates.insert(d->second.begin(), d->second.end());
  }
  for (const auto& key : candidates) {
    auto it = objects_.find(key);
    if (it == objects_.end() || it->second.deleting || !it->second.resource) continue;
    const Tracked& t = it->second;
    const bool all_gone = std::all_of(t.owner_uids.begin(), t.owner_uids.end(),
                                      [&](const std::string& u) { return !uid_to_key_.count(u); });
    if (!all_gone || t.owner_uids.empty()) continue;
    auto res = store_.remove(*t.resource, t.ns, t.name, DeleteParams{"Background", t.uid, "", false});
    (void)res;
  }
  // Owners being deleted in the foreground or with orphaning.
  for (const auto& uid : owners) {
    auto k = uid_to_key_.find(uid);
    if (k == uid_to_key_.end()) continue;
    auto o = objects_.find(k->second);
    if (o == objects_.end() || !o->second.deleting || !o->second.resource) continue;
    const Tracked owner = o->second;
    std::set<std::string> deps;
    if (auto d = dependents_.find(uid); d != dependents_.end()) deps = d->second;
    if (owner.orphan) {
      for (const auto& dep_key : deps) {
        auto dep = objects_.find(dep_key);
        if (dep == objects_.end() || !dep->second.resource) continue;
        auto res = store_.update(*dep->second.resource, dep->second.ns, dep->second.name,
                                 [&](const Json& cur) -> core::Result<Json> {
                                   Json next = cur;
                                   Json refs = Json::array();
                                   for (const auto& ref : cur["metadata"].value("ownerReferences", Json::array())) {
                                     if (ref.value("uid", "") != uid) refs.push_back(ref);
                                   }
                                   if (refs.empty()) {
                                     next["metadata"].erase("ownerReferences");
                                   } else {
                                     next["metadata"]["ownerReferences"] = refs;
                                   }
                                   next["metadata"].erase("resourceVersion");
                                   return next;
                                 },
                                 false);
        (void)res;
      }
      deps.clear();
    } else if (owner.foreground) {
      for (const auto& dep_key : deps) {
        auto dep = objects_.find(dep_key);
        if (dep == objects_.end() || !dep->second.resource || dep->second.deleting) continue;
        auto res = store_.remove(*dep->second.resource, dep->second.ns, dep->second.name,
                                 DeleteParams{"Foreground", "", "", false});
        (void)res;
      }
    }
    if (deps.empty()) {
      const char* fin = owner.orphan ? "orphan" : "foregroundDeletion";
      auto res = store_.update(*owner.resource, owner.ns, owner.name,
                               [&](const Json& cur) -> core::Result<Json> {
                                 Json next = cur;
                                 next["metadata"]["finalizers"] = withoutString(
                                     cur["metadata"].value("finalizers", Json::array()), fin);
                                 next["metadata"].erase("resourceVersion");
                                 return next;
                               },
                               false);
      (void)res;
    } else {
      dirty_owners_.insert(uid);  // look again once dependents go
    }
  }
}

}  // namespace flotilla::apiserver
