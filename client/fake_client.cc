#include "client/fake_client.h"

#include <algorithm>
#include <random>

#include "client/api_errors.h"

namespace flotilla::client {

namespace {
core::Status notFoundError(const GroupVersionResource& gvr, const std::string& name) {
  return core::Status(core::Code::NotFound,
                      "NotFound: " + gvr.resource + " \"" + name + "\" not found");
}

std::string newUid() {
  static std::mutex mu;
  static std::mt19937_64 rng(std::random_device{}());
  std::lock_guard lock(mu);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(rng() & 0xffffffff),
                static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  return buf;
}
}  // namespace

void mergePatch(nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = nlohmann::json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it.value().is_null()) {
      target.erase(it.key());
    } else {
      mergePatch(target[it.key()], it.value());
    }
  }
}

std::map<std::string, ObjectPtr>& FakeClient::bucket(const GroupVersionResource& gvr) {
  return objects_[gvr];
}

core::Status FakeClient::takeFailure(const std::string& verb) {
  ++calls_[verb];
  if (fail_count_ > 0) {
    --fail_count_;
    return fail_status_;
  }
  return core::Status::ok();
}

core::Result<ObjectPtr> FakeClient::store(const GroupVersionResource& gvr, nlohmann::json obj,
                                          WatchEventType type) {
  const int64_t rv = ++rv_;
  obj["metadata"]["resourceVersion"] = std::to_string(rv);
  auto ptr = Object::fromJson(std::move(obj));
  if (type == WatchEventType::Deleted) {
    bucket(gvr).erase(ptr->key());
  } else {
    bucket(gvr)[ptr->key()] = ptr;
  }
  history_.push_back({rv, gvr, type, ptr});
  while (history_.size() > 100000) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  cv_.notify_all();
  return ptr;
}

core::Result<ObjectPtr> FakeClient::get(const GroupVersionResource& gvr, const std::string& ns,
                                        const std::string& name, const std::string&) {
  std::lock_guard lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("get"));
  auto& b = bucket(gvr);
  auto it = b.find(objectKey(ns, name));
  if (it == b.end()) return notFoundError(gvr, name);
  return it->second;
}

core::Result<ObjectList> FakeClient::list(const GroupVersionResource& gvr, const std::string& ns,
                                          const ListOptions& options) {
  std::lock_guard lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("list"));
  ObjectList out;
  out.resource_version = std::to_string(rv_);
  auto& b = bucket(gvr);
  auto it = options.continue_token.empty() ? b.begin() : b.upper_bound(options.continue_token);
  for (; it != b.end(); ++it) {
    if (!ns.empty() && it->second->namespaceName() != ns) continue;
    if (options.limit > 0 && static_cast<int64_t>(out.items.size()) == options.limit) {
      out.continue_token = out.items.back()->key();
      break;
    }
    out.items.push_back(it->second);
  }
  return out;
}

core::Result<ObjectPtr> FakeClient::create(const GroupVersionResource& gvr, const std::string& ns,
                                           const nlohmann::json& object, const WriteOptions&) {
  std::lock_guard lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("create"));
  nlohmann::json obj = object;
  auto& meta = obj["metadata"];
  if (!ns.empty()) meta["namespace"] = ns;
  std::string name = meta.value("name", "");
  if (name.empty() && meta.contains("generateName")) {
    name = meta["generateName"].get<std::string>() + newUid().substr(0, 5);
    meta["name"] = name;
  }
  if (name.empty()) return core::Status(core::Code::Invalid, "Invalid: metadata.name: Required");
  if (bucket(gvr).count(objectKey(ns, name))) {
    return core::Status(core::Code::AlreadyExists,
                        "AlreadyExists: " + gvr.resource + " \"" + name + "\" already exists");
  }
  meta["uid"] = newUid();
  meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  return store(gvr, std::move(obj), WatchEventType::Added);
}

core::Result<ObjectPtr> FakeClient::update(const GroupVersionResource& gvr, const std::string& ns,
                                           const nlohmann::json& object, const WriteOptions&,
                                           const std::string& subresource) {
  std::lock_guard lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("update"));
  const std::string name = object["metadata"].value("name", "");
  auto& b = bucket(gvr);
  auto it = b.find(objectKey(ns, name));
  if (it == b.end()) return notFoundError(gvr, name);
  const std::string rv = object["metadata"].value("resourceVersion", "");
  if (!rv.empty() && rv != it->second->resourceVersion()) {
    return core::Status(core::Code::Conflict,
                        "Conflict: Operation cannot be fulfilled on " + gvr.resource + " \"" +
                            name + "\": the object has been modified; please apply your changes "
                            "to the latest version and try again");
  }
  nlohmann::json next = it->second->json();
  if (subresource == "status") {
    next["status"] = object.value("status", nlohmann::json::object());
  } else {
    auto status = next.find("status");
    nlohmann::json keep_status = status != next.end() ? *status : nlohmann::json();
    next = object;
    next["metadata"]["uid"] = it->second->uid();
    if (!ns.empty()) next["metadata"]["namespace"] = ns;
    if (!keep_status.is_null() && !object.contains("status")) next["status"] = keep_status;
  }
  if (next == it->second->json()) return it->second;  // no-op writes keep the resourceVersion
  return store(gvr, std::move(next), WatchEventType::Modified);
}

core::Result<ObjectPtr> FakeClient::patch(const GroupVersionResource& gvr, const std::string& ns,
                                          const std::string& name, PatchType type,
                                          const std::string& body, const PatchOptions& options,
                                          const std::string&) {
  std::unique_lock lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("patch"));
  if (type == PatchType::Json || type == PatchType::StrategicMerge) {
    return core::Status(core::Code::UnsupportedMediaType,
                        "UnsupportedMediaType: the fake client supports merge and apply patches");
  }
  if (type == PatchType::Apply && options.field_manager.empty()) {
    return core::Status(core::Code::Invalid, "Invalid: fieldManager: Required value");
  }
  nlohmann::json p;
  try {
    p = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    return core::invalidArgument(std::string("BadRequest: ") + e.what());
  }
  auto& b = bucket(gvr);
  auto it = b.find(objectKey(ns, name));
  if (it == b.end()) {
    if (type != PatchType::Apply) return notFoundError(gvr, name);
    lock.unlock();
    --calls_["create"];
    return create(gvr, ns, p, {});
  }
  nlohmann::json next = it->second->json();
  const std::string want_rv =
      p.contains("metadata") ? p["metadata"].value("resourceVersion", "") : "";
  if (!want_rv.empty() && want_rv != it->second->resourceVersion()) {
    return core::Status(core::Code::Conflict, "Conflict: the object has been modified");
  }
  mergePatch(next, p);
  next["metadata"]["name"] = name;
  next["metadata"]["uid"] = it->second->uid();
  next["metadata"]["resourceVersion"] = it->second->resourceVersion();
  if (next == it->second->json()) return it->second;
  return store(gvr, std::move(next), WatchEventType::Modified);
}

core::Status FakeClient::remove(const GroupVersionResource& gvr, const std::string& ns,
                                const std::string& name, const DeleteOptions& options) {
  std::lock_guard lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("delete"));
  auto& b = bucket(gvr);
  auto it = b.find(objectKey(ns, name));
  if (it == b.end()) return notFoundError(gvr, name);
  if ((options.precondition_uid && *options.precondition_uid != it->second->uid()) ||
      (options.precondition_resource_version &&
       *options.precondition_resource_version != it->second->resourceVersion())) {
    return core::Status(core::Code::Conflict, "Conflict: precondition failed");
  }
  return store(gvr, it->second->json(), WatchEventType::Deleted).status();
}

core::Status FakeClient::watch(const GroupVersionResource& gvr, const std::string& ns,
                               const ListOptions& options, const WatchHandler& handler,
                               Cancellation* cancel) {
  std::unique_lock lock(mu_);
  FLOTILLA_RETURN_IF_ERROR(takeFailure("watch"));
  if (!watch_available_) return core::Status(core::Code::Unavailable, "connection refused");
  int64_t from = 0;
  if (!options.resource_version.empty() && options.resource_version != "0") {
    from = std::stoll(options.resource_version);
  }
  std::deque<WatchEvent> pending;
  if (from == 0) {
    // "Start at most recent": synthetic ADDED for the current state.
    for (const auto& [k, o] : bucket(gvr)) {
      if (ns.empty() || o->namespaceName() == ns) pending.push_back({WatchEventType::Added, o});
    }
    from = rv_;
  } else if (from < compacted_rv_) {
    return core::Status(core::Code::Gone, "Expired: too old resource version: " +
                                              std::to_string(from) + " (" +
                                              std::to_string(compacted_rv_) + ")");
  }
  const uint64_t generation = drop_generation_;
  int cb = -1;
  if (cancel) {
    // Not under mu_: an already-cancelled token runs the callback at once, and it takes mu_.
    lock.unlock();
    cb = cancel->onCancel([this] {
      std::lock_guard l(mu_);
      cv_.notify_all();
    });
    lock.lock();
  }
  ++open_watches_;
  core::Status result;
  int64_t cursor = from;
  while (true) {
    // A dropped stream delivers nothing more, even events already in history: a test that drops
    // watches and then writes expects the informer to learn of those writes only by re-watching
    // (or relisting), however late this thread wakes up.
    if (generation != drop_generation_ || (cancel && cancel->cancelled())) break;
    if (cursor < compacted_rv_) {
      // History this watcher had not received yet was compacted away (etcd's ErrCompacted).
      result = core::Status(core::Code::Gone, "Expired: too old resource version: " +
                                                  std::to_string(cursor) + " (" +
                                                  std::to_string(compacted_rv_) + ")");
      break;
    }
    auto first = std::upper_bound(history_.begin(), history_.end(), cursor,
                                  [](int64_t rv, const Event& e) { return rv < e.rv; });
    for (auto e = first; e != history_.end(); ++e) {
      const Event& ev = *e;
      cursor = ev.rv;
      if (ev.gvr != gvr || (!ns.empty() && ev.object->namespaceName() != ns)) continue;
      pending.push_back({ev.type, ev.object});
    }
    if (!pending.empty()) {
      auto batch = std::move(pending);
      pending.clear();
      lock.unlock();
      bool stop = false;
      for (auto& ev : batch) {
        if (!handler(std::move(ev))) {
          stop = true;
          break;
        }
      }
      lock.lock();
      if (stop) break;
      continue;
    }
    if (generation != drop_generation_ || (cancel && cancel->cancelled())) break;
    cv_.wait(lock);
  }
  --open_watches_;
  lock.unlock();
  if (cancel && cb >= 0) cancel->removeCallback(cb);
  return result;
}

core::Result<nlohmann::json> FakeClient::getPath(const std::string& path) {
  return core::notFound("FakeClient serves no path " + path);
}

void FakeClient::compact() {
  std::lock_guard lock(mu_);
  compacted_rv_ = rv_;
  history_.clear();
}

void FakeClient::dropWatches() {
  std::lock_guard lock(mu_);
  ++drop_generation_;
  cv_.notify_all();
}

void FakeClient::setWatchAvailable(bool available) {
  std::lock_guard lock(mu_);
  watch_available_ = available;
  if (!available) {
    ++drop_generation_;
    cv_.notify_all();
  }
}

void FakeClient::failNext(int n, core::Status status) {
  std::lock_guard lock(mu_);
  fail_count_ = n;
  fail_status_ = std::move(status);
}

int64_t FakeClient::resourceVersion() const {
  std::lock_guard lock(mu_);
  return rv_;
}

std::size_t FakeClient::openWatches() const {
  std::lock_guard lock(mu_);
  return open_watches_;
}

int FakeClient::calls(const std::string& verb) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

}  // namespace flotilla::client
