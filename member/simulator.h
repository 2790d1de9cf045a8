// MemberSimulator: the controllers that make `flotilla member` behave like a real member
// cluster, run inside its API server process with direct access to the object store.
//
// It watches every key under /registry/ from one storage watch, keeps a cache of the kinds it
// simulates (nodes, pods, services, endpoint slices, deployments, replica sets, stateful sets,
// daemon sets, jobs, cron jobs) and turns each change into work keys — the object itself and the
// objects whose state depends on it (a pod's controller and the services selecting it, the
// pending pods when capacity frees up). One worker thread reconciles keys level-triggered from
// the cache and writes results back through the store; every write is applied to the cache at
// once (and the watch's echo of it ignored by revision), so a second pass over the same key sees
// its own work and does nothing. Nothing is kept that the store does not hold except timers, so a
// restarted member resumes where it stopped.
//
// Invariants: deterministic names where Kubernetes has them (node-<i>, <deployment>-<hash>,
// <statefulset>-<ordinal>, <cronjob>-<minutes>), ownerReferences with controller=true on
// everything created (the API server's garbage collector removes dependents), and status written
// only when it changed.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/object_store.h"
#include "apiserver/resource_registry.h"
#include "apiserver/server.h"
#include "core/clock.h"
#include "member/member_config.h"
#include "member/pod_fit.h"

namespace flotilla::member {

class MemberSimulator final : public apiserver::EmbeddedController {
 public:
  // A factory for ApiServerOptions::embedded_controllers.
  static apiserver::EmbeddedControllerFactory factory(MemberConfig config);

  MemberSimulator(apiserver::ObjectStore& store, apiserver::ResourceRegistry& registry,
                  core::ClockPtr clock, MemberConfig config);
  ~MemberSimulator() override;
  // Creates the configured nodes, loads the cache and starts the worker.
  core::Status start();
  void stop() override;

 private:
  enum Kind : int {
    kNode, kPod, kService, kEndpointSlice, kDeployment, kReplicaSet, kStatefulSet,
    kDaemonSet, kJob, kCronJob, kKindCount
  };
  using WorkKey = std::pair<int, std::string>;  // kind, "ns/name" (or "name")
  using TimePoint = core::Clock::TimePoint;

  // --- loop, cache and queue (simulator.cc)
  core::Status ensureNodes();
  core::Status loadCache(int64_t* revision);
  void run(int64_t revision);
  void observe(const storage::Event& event);
  // `own_update`: the simulator's own update of this object, at the end of its reconcile.
  void applyObject(int kind, const std::string& key, std::optional<Json> obj, int64_t revision,
                   bool own_update = false);
  void onChange(int kind, const std::string& key, const Json* old_obj, const Json* new_obj,
                bool own_update);
  void indexPod(const Json& pod, int sign);
  void processQueue();
  core::Status reconcile(const WorkKey& key);
  void enqueue(int kind, const std::string& key);
  // Drops the pending pass of a key whose reconcile, running now, has read the cache after
  // every write so far: what was enqueued for it (by its own creates and its children's writes
  // in this pass, or by events before) is covered. Called before the reconcile's last write of
  // its own object, whose echo onChange judges (`settled`).
  void settle(int kind, const std::string& key) { dirty_.erase(WorkKey{kind, key}); }
  void enqueueAfter(int kind, const std::string& key, std::chrono::milliseconds delay);
  void enqueueOwner(const std::string& ns, const Json& obj);

  const Json* cached(int kind, const std::string& key) const;
  // Objects of `kind` in namespace `ns` ("" = all).
  std::vector<const Json*> listCached(int kind, const std::string& ns) const;
  // Objects of `kind` whose controller ownerReference has this uid.
  std::vector<const Json*> ownedBy(int kind, const std::string& owner_uid) const;
  // Creates the object and applies it to the cache; the pointer is the cache's entry. Pods are
  // scheduled and started on the way in (admitNewPod).
  core::Result<const Json*> createObject(int kind, Json obj);
  // Read-modify-write through the store; NotFound counts as done.
  core::Status updateObject(int kind, const Json& current, const apiserver::Mutation& mutate);
  core::Status updateStatus(int kind, const Json& current, const Json& status);
  // A Deployment's or ReplicaSet's own status (and, when `annotation` is not empty, one
  // annotation) written by changing the cache's entry in place and storing it at the entry's
  // revision: no copy of the object to mutate and no old tree to free, which were half the cost
  // of its writes (a Deployment's managedFields are most of it). The entry is put back when
  // the write fails; a conflict then goes the read-modify-write way (updateObject).
  core::Status writeOwnStatus(int kind, const std::string& key, Json status,
                              const std::string& annotation = "", const std::string& value = "");
  core::Status removeObject(int kind, const Json& obj);
  std::string now() const;
  // uids and generateName suffixes of the simulator's creates, from a generator seeded once:
  // apiserver::newUuid and generateNameFrom draw from OpenSSL's locked DRBG on every call.
  std::string newUid();
  std::string generatedName(const std::string& prefix);
  // Logs the write counters when they changed, at most every 10 s (the worker calls it when the
  // queue is empty), and once more when the simulator stops (`final`).
  void logWrites(bool final = false);
  Json podFromTemplate(const Json& pod_template, const std::string& ns, const Json& owner,
                       const std::string& owner_kind, const std::string& owner_api_version);

  // --- scheduler, kubelet, services (simulator_pods.cc)
  core::Status reconcilePod(const std::string& key);
  core::Status schedule(const Json& pod);
  // The scheduler's and the kubelet's first steps on a pod about to be created (its uid is
  // set): bound to a node (or PodScheduled=False with the reason) and, once bound, admitted.
  // Returns how far it got. The simulated scheduler decides synchronously, so the unbound and
  // the bound-but-not-admitted states of a controller's pod would last only microseconds;
  // writing them cost two more writes and watch events per pod.
  enum class PodStart {
    Started,        // bound and admitted: Ready after --pod-ready-delay
    Unschedulable,  // PodScheduled=False; retried when capacity frees or nodes change
    NotStarted,     // bound to a vanished node or no pod IP left: its pass deals with it
  };
  PodStart admitNewPod(Json& pod);
  // The kubelet's admission of a bound pod into `status`: IPs, start time, containers being
  // created. Unavailable when the pod CIDR is exhausted.
  core::Status kubeletStart(const Json& pod, const Json& node, const std::string& ts,
                            Json& status);
  const std::vector<CandidateNode>& schedulableNodes();
  // Whether a controller's status over these pods may wait: some are not Ready, and the kubelet
  // reports every one of those Ready within kStatusCoalesce. A status written now would be
  // superseded that soon, and each pod's Ready write enqueues its controller again, which then
  // writes once ("replicas 1, ready 1" instead of "replicas 1" and then "ready 1").
  bool statusCanWait(const std::vector<const Json*>& pods) const;
  core::Status reconcileService(const std::string& key);
  core::Status reconcileEndpointSlices(const Json& service);
  std::string allocateIp(const Ipv4Range& range, const std::set<std::string>& used,
                         uint64_t* cursor);
  const std::map<std::string, NodeUsage>& nodeUsage();

  // --- replica sets and friends (simulator_workloads.cc)
  core::Status reconcileDeployment(const std::string& key);
  core::Status reconcileReplicaSet(const std::string& key);
  core::Status reconcileStatefulSet(const std::string& key);
  core::Status reconcileDaemonSet(const std::string& key);

  // --- jobs (simulator_batch.cc)
  core::Status reconcileJob(const std::string& key);
  core::Status reconcileCronJob(const std::string& key);

  apiserver::ObjectStore& store_;
  apiserver::ResourceRegistry& registry_;
  core::ClockPtr clock_;
  MemberConfig config_;
  std::array<apiserver::ServedResourcePtr, kKindCount> resources_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  storage::WatchPtr watch_;

  // Everything below is touched by the worker thread only (and by start() before it runs).
  std::array<std::map<std::string, Json>, kKindCount> cache_;
  // Last revision applied per object (incl. deletions), per kind: looked up for every event.
  std::array<std::unordered_map<std::string, int64_t>, kKindCount> revisions_;
  std::map<std::string, std::set<WorkKey>> children_;  // controller uid -> owned objects
  std::set<std::string> unscheduled_;  // pod keys waiting for a node
  std::optional<std::map<std::string, NodeUsage>> usage_;
  std::optional<std::vector<CandidateNode>> schedulable_nodes_;  // nodes not being deleted
  std::array<std::string, kKindCount> prefixes_;         // storage prefix per kind
  // Writes through the store (creates, updates that changed something, deletes), logged when
  // the simulator goes idle: the figure to compare when making members cheaper.
  std::array<uint64_t, kKindCount> writes_{};
  std::array<uint64_t, kKindCount> reconciles_{};  // passes, logged with the writes
  uint64_t writes_logged_ = 0;
  TimePoint writes_logged_at_{};
  std::set<std::string> pod_ips_, service_ips_;
  uint64_t pod_ip_cursor_ = 0, service_ip_cursor_ = 0;
  std::set<WorkKey> dirty_;
  bool resync_ = false;  // a pass's writes were rolled back: relist before the next pass
  std::multimap<TimePoint, WorkKey> delayed_;
  std::map<WorkKey, int> failures_;
  std::map<std::string, TimePoint> phase_since_;  // pod uid -> when its current phase began
  std::mt19937_64 rng_;
};

}  // namespace flotilla::member
