#include "member/simulator.h"

#include <algorithm>

#include "apiserver/object_strategy.h"
#include "core/logging.h"
#include "member/endpoint_slices.h"
#include "spdlog/spdlog.h"
#include "storage/storage.h"

namespace flotilla::member {
namespace {

constexpr size_t kBatch = 256;  // keys reconciled between two looks at the watch
constexpr std::chrono::milliseconds kMaxBackoff{10'000};
// How long dirty keys gather before a round reconciles them (see run()).
constexpr std::chrono::milliseconds kRoundGap{100};

std::string keyOf(const Json& obj) {
  const std::string ns = apiserver::objectNamespace(obj);
  const std::string name = apiserver::objectName(obj);
  return ns.empty() ? name : ns + "/" + name;
}

std::string namespaceOfKey(const std::string& key) {
  auto slash = key.find('/');
  return slash == std::string::npos ? "" : key.substr(0, slash);
}

// The ownerReference with controller=true, or null.
const Json* controllerRef(const Json& obj) {
  const Json& meta = obj.at("metadata");
  auto refs = meta.find("ownerReferences");
  if (refs == meta.end() || !refs->is_array()) return nullptr;
  for (const auto& r : *refs) {
    if (r.is_object() && r.value("controller", false)) return &r;
  }
  return nullptr;
}

int64_t revisionOf(const Json& obj) {
  try {
    return std::stoll(obj.at("metadata").value("resourceVersion", "0"));
  } catch (...) {
    return 0;
  }
}

int64_t generationOf(const Json& obj) {
  const Json& meta = obj.at("metadata");
  auto it = meta.find("generation");
  return it != meta.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool deletingObject(const Json& obj) { return obj.at("metadata").contains("deletionTimestamp"); }

std::string podIp(const Json& pod) {
  auto status = pod.find("status");
  if (status == pod.end() || !status->is_object()) return "";
  return status->value("podIP", "");
}

std::string nodeNameOf(const Json& pod) {
  auto spec = pod.find("spec");
  if (spec == pod.end() || !spec->is_object()) return "";
  return spec->value("nodeName", "");
}

}  // namespace

apiserver::EmbeddedControllerFactory MemberSimulator::factory(MemberConfig config) {
  return [config](apiserver::ObjectStore& store, apiserver::ResourceRegistry& registry,
                  core::ClockPtr clock)
             -> core::Result<std::unique_ptr<apiserver::EmbeddedController>> {
    auto sim = std::make_unique<MemberSimulator>(store, registry, std::move(clock), config);
    FLOTILLA_RETURN_IF_ERROR(sim->start());
    return std::unique_ptr<apiserver::EmbeddedController>(std::move(sim));
  };
}

MemberSimulator::MemberSimulator(apiserver::ObjectStore& store,
                                 apiserver::ResourceRegistry& registry, core::ClockPtr clock,
                                 MemberConfig config)
    : store_(store), registry_(registry), clock_(std::move(clock)), config_(std::move(config)) {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
  rng_.seed(seed);
}

MemberSimulator::~MemberSimulator() { stop(); }

void MemberSimulator::stop() {
  stop_ = true;
  if (!thread_.joinable()) return;
  thread_.join();
  logWrites(/*final=*/true);
}

core::Status MemberSimulator::start() {
  const std::array<std::tuple<const char*, const char*, const char*>, kKindCount> kinds = {{
      {"", "v1", "nodes"},
      {"", "v1", "pods"},
      {"", "v1", "services"},
      {"discovery.k8s.io", "v1", "endpointslices"},
      {"apps", "v1", "deployments"},
      {"apps", "v1", "replicasets"},
      {"apps", "v1", "statefulsets"},
      {"apps", "v1", "daemonsets"},
      {"batch", "v1", "jobs"},
      {"batch", "v1", "cronjobs"},
  }};
  for (int k = 0; k < kKindCount; ++k) {
    const auto& [group, version, plural] = kinds[static_cast<size_t>(k)];
    resources_[static_cast<size_t>(k)] = registry_.find(group, version, plural);
    if (!resources_[static_cast<size_t>(k)]) {
      return core::internalError(std::string("the API server does not serve ") + plural);
    }
    prefixes_[static_cast<size_t>(k)] = resources_[static_cast<size_t>(k)]->storagePrefix();
  }
  FLOTILLA_RETURN_IF_ERROR(ensureNodes());
  int64_t revision = 0;
  FLOTILLA_RETURN_IF_ERROR(loadCache(&revision));
  auto watch = store_.storage().watch("/registry/", revision);
  if (!watch.isOk()) return watch.status().withContext("watching /registry/");
  watch_ = std::move(*watch);
  thread_ = std::thread([this, revision] { run(revision); });
  core::logger("member")->info("[{}] simulating {} node(s)", config_.name, cache_[kNode].size());
  return core::Status::ok();
}

core::Status MemberSimulator::ensureNodes() {
  // Nodes are created (or brought back to their configured shape) at start only: a test that
  // deletes a node sees it stay gone until the member restarts.
  const auto& r = *resources_[kNode];
  for (auto& node : buildNodes(config_, now())) {
    const std::string name = apiserver::objectName(node);
    auto existing = store_.get(r, "", name);
    if (existing.isOk()) {
      auto st = store_.update(
          r, "", name,
          [&node](const Json& current) -> core::Result<Json> {
            Json updated = current;
            updated["metadata"]["labels"] = node["metadata"]["labels"];
            updated["spec"] = node["spec"];
            for (const char* f : {"capacity", "allocatable", "addresses", "nodeInfo"}) {
              updated["status"][f] = node["status"][f];
            }
            return updated;
          },
          false);
      if (!st.isOk()) return st.status().withContext("updating node " + name);
      continue;
    }
    if (existing.status().code() != core::Code::NotFound) return existing.status();
    apiserver::prepareForCreate(r, node, clock_->wallNow(), apiserver::newUuid());
    auto created = store_.create(r, node, false);
    if (!created.isOk() && created.status().code() != core::Code::AlreadyExists) {
      return created.status().withContext("creating node " + name);
    }
  }
  return core::Status::ok();
}

core::Status MemberSimulator::loadCache(int64_t* revision) {
  storage::ListOptions opts;
  opts.prefix = "/registry/";
  auto list = store_.storage().list(opts);
  if (!list.isOk()) return list.status().withContext("listing /registry/");
  for (int k = 0; k < kKindCount; ++k) cache_[static_cast<size_t>(k)].clear();
  for (auto& revisions : revisions_) revisions.clear();
  children_.clear();
  unscheduled_.clear();
  usage_.reset();
  pod_ips_.clear();
  service_ips_.clear();
  for (const auto& kv : list->items) {
    storage::Event e;
    e.type = storage::EventType::Put;
    e.key = kv.key;
    e.value = std::make_shared<const std::string>(kv.value);
    e.revision = kv.mod_revision;
    try {
      observe(e);
    } catch (const std::exception& ex) {
      core::logger("member")->warn("[{}] ignoring malformed object: {}", e.key, ex.what());
    }
  }
  *revision = list->revision;
  return core::Status::ok();
}

void MemberSimulator::run(int64_t revision) {
  auto log = core::logger("member");
  // When the keys made dirty since the last round are reconciled (kNoRound: none are).
  constexpr TimePoint kNoRound = TimePoint::max();
  TimePoint round_at = kNoRound;
  while (!stop_) {
    auto timeout = std::chrono::milliseconds(100);
    if (round_at != kNoRound) {
      timeout = std::max(std::chrono::milliseconds(0),
                         std::chrono::ceil<std::chrono::milliseconds>(round_at - clock_->now()));
    }
    auto events = watch_->next(timeout);
    if (!events.isOk() || resync_) {
      // Fell behind a compaction, lost the backend, or a pass's writes were rolled back (the
      // cache holds objects never stored): start over from a fresh list, which re-derives
      // everything (every key is enqueued again).
      log->warn("[{}] {}; relisting", config_.name,
                resync_ ? "a write group was rolled back"
                        : "watch ended (" + events.status().toString() + ")");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!loadCache(&revision).isOk()) continue;
      auto w = store_.storage().watch("/registry/", revision);
      if (!w.isOk()) continue;
      watch_ = std::move(*w);
      resync_ = false;
      round_at = kNoRound;
      continue;
    }
    for (const auto& e : *events) {
      try {
        observe(e);
      } catch (const std::exception& ex) {
        log->warn("[{}] ignoring malformed object: {}", e.key, ex.what());
      }
      revision = std::max(revision, e.revision);
    }
    const auto t = clock_->now();
    while (!delayed_.empty() && delayed_.begin()->first <= t) {
      dirty_.insert(delayed_.begin()->second);
      delayed_.erase(delayed_.begin());
    }
    if (dirty_.empty()) {
      round_at = kNoRound;
      logWrites();
      continue;
    }
    // A round waits kRoundGap after the first key it takes, so that the keys of what arrives
    // meanwhile share its write group: a round's commit (and its pages) costs about the same
    // for one Deployment as for several, and under a steady stream of creates rounds of one
    // key were most of a member's storage cost. The lag is far below a real controller
    // manager's and nothing waits on it.
    if (round_at == kNoRound) round_at = t + kRoundGap;
    if (t < round_at) continue;
    processQueue();
    // A round cut short by kBatch goes on at once; new keys wait for the next round.
    round_at = dirty_.empty() ? kNoRound : t;
    if (dirty_.empty()) logWrites();
  }
  watch_->cancel();
}

void MemberSimulator::observe(const storage::Event& event) {
  for (int k = 0; k < kKindCount; ++k) {
    const std::string& prefix = prefixes_[static_cast<size_t>(k)];
    if (event.key.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string key = event.key.substr(prefix.size());
    // The echo of a write we applied to the cache already: skip it before paying for a parse.
    const auto& revisions = revisions_[static_cast<size_t>(k)];
    auto seen = revisions.find(key);
    if (seen != revisions.end() && event.revision <= seen->second) return;
    if (event.type == storage::EventType::Delete) {
      applyObject(k, key, std::nullopt, event.revision);
    } else {
      auto obj = apiserver::ObjectStore::decode(*event.value, event.revision);
      if (obj.isOk()) applyObject(k, key, std::move(*obj), event.revision);
    }
    return;
  }
}

void MemberSimulator::applyObject(int kind, const std::string& key, std::optional<Json> obj,
                                  int64_t revision, bool own_update) {
  auto [rev, inserted] = revisions_[static_cast<size_t>(kind)].try_emplace(key, revision);
  if (!inserted) {
    if (revision <= rev->second) return;  // our own write, echoed
    rev->second = revision;
  }
  auto& objects = cache_[static_cast<size_t>(kind)];
  auto it = objects.find(key);
  std::optional<Json> old;
  if (it != objects.end()) old = std::move(it->second);
  if (obj) {
    if (it == objects.end()) {
      it = objects.emplace(key, std::move(*obj)).first;
    } else {
      it->second = std::move(*obj);
    }
    onChange(kind, key, old ? &*old : nullptr, &it->second, own_update);
  } else {
    if (it != objects.end()) objects.erase(it);
    onChange(kind, key, old ? &*old : nullptr, nullptr, own_update);
  }
}

void MemberSimulator::indexPod(const Json& pod, int sign) {
  if (usage_ && podHoldsNode(pod)) {
    NodeUsage& u = (*usage_)[nodeNameOf(pod)];
    u.pods += sign;
    for (const auto& [name, amount] : podRequests(pod)) u.requested[name] += sign * amount;
  }
  const std::string ip = podIp(pod);
  if (!ip.empty()) {
    if (sign > 0) {
      pod_ips_.insert(ip);
    } else {
      pod_ips_.erase(ip);
    }
  }
}

void MemberSimulator::onChange(int kind, const std::string& key, const Json* old_obj,
                               const Json* new_obj, bool own_update) {
  const std::string ns = namespaceOfKey(key);
  // Controller ownership index.
  for (const Json* obj : {old_obj, new_obj}) {
    if (obj == nullptr) continue;
    if (const Json* ref = controllerRef(*obj)) {
      auto& set = children_[ref->value("uid", "")];
      if (obj == old_obj) {
        set.erase({kind, key});
      } else {
        set.insert({kind, key});
      }
      enqueueOwner(ns, *obj);
    }
  }
  if (new_obj == nullptr && old_obj != nullptr) children_.erase(apiserver::objectUid(*old_obj));
  // A Deployment, ReplicaSet or pod pass writes its own object last (and a pod pass asks for its
  // next step itself: bound -> admit, Running -> finish), so its own update needs no second
  // pass, unless the write (a conflict falls back to re-reading the stored object) brought in a
  // spec or deletion this pass did not see.
  const bool settled = own_update && (kind == kDeployment || kind == kReplicaSet || kind == kPod) &&
                       old_obj != nullptr && new_obj != nullptr &&
                       generationOf(*old_obj) == generationOf(*new_obj) &&
                       deletingObject(*old_obj) == deletingObject(*new_obj);
  if (!settled) enqueue(kind, key);

  switch (kind) {
    case kPod: {
      const bool held_before = old_obj != nullptr && podHoldsNode(*old_obj);
      const bool holds_now = new_obj != nullptr && podHoldsNode(*new_obj);
      if (old_obj != nullptr) indexPod(*old_obj, -1);
      if (new_obj != nullptr) indexPod(*new_obj, +1);
      if (new_obj != nullptr && nodeNameOf(*new_obj).empty() && !podIsTerminal(*new_obj)) {
        unscheduled_.insert(key);
      } else {
        unscheduled_.erase(key);
      }
      if (held_before && !holds_now) {
        for (const auto& p : unscheduled_) enqueue(kPod, p);
      }
      if (new_obj == nullptr && old_obj != nullptr) {
        phase_since_.erase(apiserver::objectUid(*old_obj));
      }
      for (const Json* svc : listCached(kService, ns)) {
        if ((old_obj != nullptr && serviceSelects(*svc, *old_obj)) ||
            (new_obj != nullptr && serviceSelects(*svc, *new_obj))) {
          enqueue(kService, keyOf(*svc));
        }
      }
      break;
    }
    case kNode: {
      usage_.reset();
      schedulable_nodes_.reset();
      for (const auto& [k, ds] : cache_[kDaemonSet]) enqueue(kDaemonSet, k);
      for (const auto& p : unscheduled_) enqueue(kPod, p);
      if (new_obj == nullptr) {
        for (const auto& [k, pod] : cache_[kPod]) {
          if (nodeNameOf(pod) == key) enqueue(kPod, k);
        }
      }
      break;
    }
    case kService: {
      for (const Json* obj : {old_obj, new_obj}) {
        if (obj == nullptr) continue;
        const std::string ip = obj->value("spec", Json::object()).value("clusterIP", "");
        if (ip.empty() || ip == "None") continue;
        if (obj == old_obj) {
          service_ips_.erase(ip);
        } else {
          service_ips_.insert(ip);
        }
      }
      break;
    }
    case kEndpointSlice: {
      // Only slices this simulator's endpoint controller manages send their Service back for
      // repair (like kube's endpointslice controller, which watches its own label): slices of
      // others — multi-cluster imports, a user's — are none of its business, and re-running a
      // Service for each of them cost a member ~1.5 ms per imported-slice write.
      for (const Json* obj : {old_obj, new_obj}) {
        if (obj == nullptr) continue;
        const Json& meta = obj->at("metadata");
        auto labels = meta.find("labels");
        if (labels == meta.end() || !labels->is_object()) continue;
        auto managed = labels->find(kManagedByLabel);
        auto service = labels->find(kServiceNameLabel);
        if (managed == labels->end() || *managed != kEndpointSliceController) continue;
        if (service != labels->end() && service->is_string()) {
          enqueue(kService, ns + "/" + service->get<std::string>());
        }
      }
      break;
    }
    default:
      break;
  }
}

void MemberSimulator::enqueueOwner(const std::string& ns, const Json& obj) {
  const Json* ref = controllerRef(obj);
  if (ref == nullptr) return;
  static const std::map<std::string, int> kOwnerKinds = {
      {"ReplicaSet", kReplicaSet}, {"Deployment", kDeployment}, {"StatefulSet", kStatefulSet},
      {"DaemonSet", kDaemonSet},   {"Job", kJob},               {"CronJob", kCronJob},
      {"Service", kService}};
  auto k = kOwnerKinds.find(ref->value("kind", ""));
  if (k == kOwnerKinds.end()) return;
  enqueue(k->second, ns.empty() ? ref->value("name", "") : ns + "/" + ref->value("name", ""));
}

void MemberSimulator::enqueue(int kind, const std::string& key) { dirty_.insert({kind, key}); }

void MemberSimulator::enqueueAfter(int kind, const std::string& key,
                                   std::chrono::milliseconds delay) {
  delayed_.emplace(clock_->now() + delay, WorkKey{kind, key});
}

void MemberSimulator::processQueue() {
  size_t done = 0;
  // One transaction and commit for the writes of the passes below (a new Deployment's
  // ReplicaSet, pod and status; several Deployments when a burst left several keys dirty):
  // commits were most of a member's storage cost. The storage bounds a group (it commits after
  // 10 ms or 256 writes and goes on), so other writers wait little. Passes write through to the
  // cache at once, so a group that does not commit leaves the cache ahead of the store.
  auto group = store_.storage().groupWrites();
  while (!dirty_.empty() && done < kBatch && !stop_) {
    const WorkKey key = *dirty_.begin();
    dirty_.erase(dirty_.begin());
    ++done;
    ++reconciles_[static_cast<size_t>(key.first)];
    core::Status st;
    try {
      st = reconcile(key);
    } catch (const std::exception& e) {
      // Objects are user input: a shape the reconcilers did not expect must not end the member.
      st = core::internalError(std::string("unexpected object shape: ") + e.what());
    }
    if (st.isOk()) {
      failures_.erase(key);
      continue;
    }
    const int n = ++failures_[key];
    auto delay = std::chrono::milliseconds(50) * (1 << std::min(n, 8));
    delay = std::min(delay, kMaxBackoff);
    core::logger("member")->warn("[{}] {} failed (retry in {} ms): {}", key.second,
              resources_[static_cast<size_t>(key.first)]->kind, delay.count(), st.toString());
    enqueueAfter(key.first, key.second, delay);
  }
  if (auto committed = group->commit(); !committed.isOk()) {
    core::logger("member")->warn("[{}] {} pass(es) not stored: {}", config_.name, done, committed.toString());
    resync_ = true;
  }
}

core::Status MemberSimulator::reconcile(const WorkKey& key) {
  switch (key.first) {
    case kPod: return reconcilePod(key.second);
    case kService: return reconcileService(key.second);
    case kDeployment: return reconcileDeployment(key.second);
    case kReplicaSet: return reconcileReplicaSet(key.second);
    case kStatefulSet: return reconcileStatefulSet(key.second);
    case kDaemonSet: return reconcileDaemonSet(key.second);
    case kJob: return reconcileJob(key.second);
    case kCronJob: return reconcileCronJob(key.second);
    default: return core::Status::ok();
  }
}

const Json* MemberSimulator::cached(int kind, const std::string& key) const {
  const auto& objects = cache_[static_cast<size_t>(kind)];
  auto it = objects.find(key);
  return it == objects.end() ? nullptr : &it->second;
}

std::vector<const Json*> MemberSimulator::listCached(int kind, const std::string& ns) const {
  std::vector<const Json*> out;
  const auto& objects = cache_[static_cast<size_t>(kind)];
  if (ns.empty()) {
    for (const auto& [k, obj] : objects) out.push_back(&obj);
    return out;
  }
  const std::string prefix = ns + "/";
  for (auto it = objects.lower_bound(prefix); it != objects.end(); ++it) {
    if (it->first.rfind(prefix, 0) != 0) break;
    out.push_back(&it->second);
  }
  return out;
}

std::vector<const Json*> MemberSimulator::ownedBy(int kind, const std::string& owner_uid) const {
  std::vector<const Json*> out;
  auto it = children_.find(owner_uid);
  if (it == children_.end()) return out;
  for (const auto& [k, key] : it->second) {
    if (k != kind) continue;
    if (const Json* obj = cached(k, key)) out.push_back(obj);
  }
  return out;
}

core::Result<const Json*> MemberSimulator::createObject(int kind, Json obj) {
  const auto& r = *resources_[static_cast<size_t>(kind)];
  auto& meta = obj["metadata"];
  if (!meta.contains("name") && meta.contains("generateName")) {
    meta["name"] = generatedName(meta["generateName"].get<std::string>());
  }
  obj["apiVersion"] = r.apiVersion();
  obj["kind"] = r.kind;
  apiserver::prepareForCreate(r, obj, clock_->wallNow(), newUid());
  const PodStart start = kind == kPod ? admitNewPod(obj) : PodStart::NotStarted;
  const std::string uid = start == PodStart::Started ? apiserver::objectUid(obj) : "";
  auto created = store_.create(r, std::move(obj), false);
  if (!created.isOk()) return created.status();
  ++writes_[static_cast<size_t>(kind)];
  const std::string key = keyOf(*created);
  const int64_t revision = revisionOf(*created);
  applyObject(kind, key, std::move(*created), revision);
  if (kind == kPod && start != PodStart::NotStarted) {
    // The scheduler and the kubelet took their steps in the create: a pass over the new pod
    // would only schedule it again (unschedulable: it is retried when capacity frees) or set
    // the ready timer, which runs from the admission.
    settle(kPod, key);
    if (start == PodStart::Started) {
      phase_since_[uid] = clock_->now();
      enqueueAfter(kPod, key, config_.pod_ready_delay);
    }
  }
  const Json* cached_obj = cached(kind, key);
  if (cached_obj == nullptr) return core::internalError("created " + key + " vanished");
  return cached_obj;
}

core::Status MemberSimulator::updateObject(int kind, const Json& current,
                                           const apiserver::Mutation& mutate) {
  const auto& r = *resources_[static_cast<size_t>(kind)];
  // `current` is the cache's copy at its revision: written without re-reading it when still
  // current.
  const int64_t before = revisionOf(current);
  auto updated = store_.updateFrom(r, current, mutate);
  if (!updated.isOk()) {
    return updated.status().code() == core::Code::NotFound ? core::Status::ok() : updated.status();
  }
  const int64_t revision = revisionOf(*updated);
  if (revision != before) ++writes_[static_cast<size_t>(kind)];
  // `current` may be the cache's entry that applyObject replaces: nothing reads it after this.
  const std::string key = keyOf(*updated);
  applyObject(kind, key, std::move(*updated), revision, /*own_update=*/true);
  return core::Status::ok();
}

core::Status MemberSimulator::updateStatus(int kind, const Json& current, const Json& status) {
  if (current.contains("status") && current["status"] == status) return core::Status::ok();
  return updateObject(kind, current, [&status](const Json& latest) -> core::Result<Json> {
    Json out = Json::object();  // everything but the old status, which is replaced anyway
    for (auto it = latest.begin(); it != latest.end(); ++it) {
      if (it.key() != "status") out[it.key()] = it.value();
    }
    out["status"] = status;
    return out;
  });
}

core::Status MemberSimulator::writeOwnStatus(int kind, const std::string& key, Json status,
                                             const std::string& annotation,
                                             const std::string& value) {
  auto& objects = cache_[static_cast<size_t>(kind)];
  auto entry = objects.find(key);
  if (entry == objects.end()) return core::Status::ok();
  Json& obj = entry->second;
  Json& meta = obj["metadata"];
  const bool annotate = !annotation.empty();
  auto annotations = meta.find("annotations");
  const bool had_annotations = annotations != meta.end() && annotations->is_object();
  const bool annotations_ok = annotations == meta.end() || had_annotations;
  std::optional<Json> old_value;  // the annotation's value before, if it had one
  if (had_annotations) {
    if (auto it = annotations->find(annotation); annotate && it != annotations->end()) {
      old_value = *it;
    }
  }
  const bool status_changes = !obj.contains("status") || obj["status"] != status;
  if (!status_changes && (!annotate || old_value == Json(value))) return core::Status::ok();
  const int64_t expected = revisionOf(obj);
  const bool in_place = (kind == kDeployment || kind == kReplicaSet) && expected > 0 &&
                        (!annotate || annotations_ok);
  auto mutate = [&status, &annotation, &value, annotate](const Json& latest) -> core::Result<Json> {
    Json out = latest;
    if (annotate) out["metadata"]["annotations"][annotation] = value;
    out["status"] = status;
    return out;
  };
  if (!in_place) return updateObject(kind, obj, mutate);

  // Swap the new values in, keeping what is needed to put the entry back.
  std::optional<Json> old_status;
  if (auto it = obj.find("status"); it != obj.end()) old_status = std::move(*it);
  obj["status"] = std::move(status);
  if (annotate) meta["annotations"][annotation] = value;
  auto restore = [&] {
    status = std::move(obj["status"]);
    if (old_status) {
      obj["status"] = std::move(*old_status);
    } else {
      obj.erase("status");
    }
    if (!annotate) return;
    if (!had_annotations) {
      meta.erase("annotations");
    } else if (old_value) {
      meta["annotations"][annotation] = std::move(*old_value);
    } else {
      meta["annotations"].erase(annotation);
    }
  };
  auto written = store_.storage().update(prefixes_[static_cast<size_t>(kind)] + key,
                                         apiserver::ObjectStore::encode(obj), expected);
  if (!written.isOk()) {
    restore();
    const auto code = written.status().code();
    if (code == core::Code::NotFound) return core::Status::ok();  // deleted: its event follows
    if (code != core::Code::Conflict) return written.status();
    return updateObject(kind, obj, mutate);  // changed meanwhile: read, modify, write
  }
  ++writes_[static_cast<size_t>(kind)];
  meta["resourceVersion"] = std::to_string(*written);
  revisions_[static_cast<size_t>(kind)][key] = *written;
  // What onChange does for the pass's own status write of these kinds: the object is settled
  // (same generation, not being deleted), its controller looks again.
  enqueueOwner(namespaceOfKey(key), obj);
  return core::Status::ok();
}

core::Status MemberSimulator::removeObject(int kind, const Json& obj) {
  const auto& r = *resources_[static_cast<size_t>(kind)];
  apiserver::DeleteParams params;
  params.propagation = "Background";
  params.precondition_uid = apiserver::objectUid(obj);
  auto removed =
      store_.remove(r, apiserver::objectNamespace(obj), apiserver::objectName(obj), params);
  if (!removed.isOk()) {
    const auto code = removed.status().code();
    // Gone already, or replaced by a newer object of the same name: nothing to do.
    if (code == core::Code::NotFound || code == core::Code::Conflict ||
        code == core::Code::FailedPrecondition) {
      return core::Status::ok();
    }
    return removed.status();
  }
  ++writes_[static_cast<size_t>(kind)];
  const std::string key = keyOf(obj);
  if (removed->deleted) {
    auto rev = store_.currentRevision();
    applyObject(kind, key, std::nullopt, rev.isOk() ? *rev : revisionOf(removed->object) + 1);
  } else {
    applyObject(kind, key, removed->object, revisionOf(removed->object));
  }
  return core::Status::ok();
}

void MemberSimulator::logWrites(bool final) {
  uint64_t total = 0;
  for (uint64_t n : writes_) total += n;
  const auto t = clock_->now();
  if (total == writes_logged_ || (!final && t - writes_logged_at_ < std::chrono::seconds(10))) {
    return;
  }
  writes_logged_ = total;
  writes_logged_at_ = t;
  std::string by_kind;
  for (int k = 0; k < kKindCount; ++k) {
    const uint64_t n = writes_[static_cast<size_t>(k)];
    const uint64_t passes = reconciles_[static_cast<size_t>(k)];
    if (n == 0 && passes == 0) continue;
    by_kind += (by_kind.empty() ? "" : ", ") + resources_[static_cast<size_t>(k)]->plural + " " +
               std::to_string(n) + "/" + std::to_string(passes);
  }
  core::logger("member")->info("[{}] simulator writes so far: {} (per kind writes/passes: {})",
                               config_.name, total, by_kind);
}

std::string MemberSimulator::now() const { return core::formatRfc3339(clock_->wallNow()); }

std::string MemberSimulator::newUid() {
  // A random (version 4) UUID, as apiserver::newUuid makes.
  uint64_t halves[2] = {rng_(), rng_()};
  unsigned char b[16];
  for (int i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>(halves[i / 8] >> (8 * (i % 8)));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

std::string MemberSimulator::generatedName(const std::string& prefix) {
  // Like apiserver::generateNameFrom: at most 58 characters of the prefix, then 5 of kube's
  // safe alphabet.
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out = prefix.size() > 58 ? prefix.substr(0, 58) : prefix;
  uint64_t r = rng_();
  for (int i = 0; i < 5; ++i) {
    out.push_back(kAlphabet[r % (sizeof kAlphabet - 1)]);
    r /= sizeof kAlphabet - 1;
  }
  return out;
}

Json MemberSimulator::podFromTemplate(const Json& pod_template, const std::string& ns,
                                      const Json& owner, const std::string& owner_kind,
                                      const std::string& owner_api_version) {
  Json meta = {{"namespace", ns}};
  if (auto tmeta = pod_template.find("metadata");
      tmeta != pod_template.end() && tmeta->is_object()) {
    for (const char* f : {"labels", "annotations"}) {
      auto it = tmeta->find(f);
      if (it != tmeta->end() && it->is_object()) meta[f] = *it;
    }
  }
  Json ref = Json::object();
  ref["apiVersion"] = owner_api_version;
  ref["kind"] = owner_kind;
  ref["name"] = apiserver::objectName(owner);
  ref["uid"] = apiserver::objectUid(owner);
  ref["controller"] = true;
  ref["blockOwnerDeletion"] = true;
  meta["ownerReferences"] = Json::array();
  meta["ownerReferences"].push_back(std::move(ref));
  Json spec = pod_template.value("spec", Json::object());
  // The API server's pod defaults that clients look at.
  if (!spec.contains("restartPolicy")) spec["restartPolicy"] = "Always";
  if (!spec.contains("dnsPolicy")) spec["dnsPolicy"] = "ClusterFirst";
  if (!spec.contains("schedulerName")) spec["schedulerName"] = "default-scheduler";
  if (!spec.contains("terminationGracePeriodSeconds")) spec["terminationGracePeriodSeconds"] = 30;
  if (!spec.contains("serviceAccountName")) spec["serviceAccountName"] = "default";
  if (!spec.contains("securityContext")) spec["securityContext"] = Json::object();
  // Built by moving the parts in: an initializer list would copy each of them once more.
  Json pod = Json::object();
  pod["status"]["phase"] = "Pending";
  pod["status"]["qosClass"] = podQosClass(spec);
  pod["metadata"] = std::move(meta);
  pod["spec"] = std::move(spec);
  return pod;
}

}  // namespace flotilla::member
