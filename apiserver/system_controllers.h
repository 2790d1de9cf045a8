// SystemControllers: the controllers kube-apiserver and kube-controller-manager run that a bare
// API server needs to behave like Kubernetes, run in-process from one storage watch over every
// key:
//   - CRD establishment: accepted CRDs get their status (NamesAccepted, Established) and their
//     resources appear in the ResourceRegistry; deleting a CRD deletes its custom resources
//     first (finalizer customresourcecleanup.apiextensions.k8s.io);
//   - namespace lifecycle: a Terminating namespace has everything in it deleted, then its
//     `kubernetes` finalizer removed so it disappears;
//   - garbage collection through ownerReferences: background deletion of dependents whose
//     owners are all gone, Foreground (finalizer foregroundDeletion) and Orphan (finalizer
//     orphan) propagation.
// Level-triggered: every decision is re-derived from the stored state, so a restart resumes.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "apiserver/object_store.h"
#include "apiserver/resource_registry.h"
#include "core/clock.h"

namespace flotilla::apiserver {

class SystemControllers {
 public:
  SystemControllers(ResourceRegistry& registry, ObjectStore& store, core::ClockPtr clock);
  ~SystemControllers();
  // Lists everything, registers established CRDs synchronously (so their resources are served
  // before the server reports ready), then starts the watch loop.
  core::Status start();
  void stop();

 private:
  struct Tracked {
    std::string key;
    ServedResourcePtr resource;
    std::string ns, name, uid;
    std::vector<std::string> owner_uids;
    bool deleting = false;
    bool foreground = false;
    bool orphan = false;
    // The stored metadata text (without managedFields) this was built from; empty for CRDs.
    std::string metadata_text;
  };

  void run(int64_t from_revision);
  void observe(const std::string& key, const std::string* value, int64_t revision);
  // The resource stored under `key`; memoised per collection (the key up to its last '/') for
  // the registry generation it was computed at.
  ServedResourcePtr resourceForKey(const std::string& key);
  void reconcileCrd(const Json& crd);
  void reconcileNamespace(const std::string& name);
  void processDirty();

  ResourceRegistry& registry_;
  ObjectStore& store_;
  core::ClockPtr clock_;
  std::atomic<bool> stop_{false};
  std::thread thread_;

  // GC index (only touched by the controller thread). Hashed: every event looks keys and uids
  // up several times, and ordered maps of thousands of "/registry/..." keys compare their long
  // common prefixes at every level (a third of observe()'s samples on a federation member).
  std::unordered_map<std::string, Tracked> objects_;                  // key -> object
  std::unordered_map<std::string, std::string> uid_to_key_;           // live uids
  std::unordered_map<std::string, std::set<std::string>> dependents_;  // owner uid -> dependents
  std::unordered_set<std::string> dirty_owners_;  // uids whose dependents need a look
  std::unordered_set<std::string> dirty_keys_;    // objects to re-check
  std::set<std::string> terminating_namespaces_;
  std::map<std::string, ServedResourcePtr, std::less<>> resource_by_collection_;
  uint64_t resource_cache_generation_ = 0;
};

}  // namespace flotilla::apiserver
