// FakeClient: an in-memory Client with the API server's consistency rules, for tests of
// informers and controllers that should assert the state of the world rather than call lists.
// One global resourceVersion counter, optimistic concurrency on update (409 on a stale
// resourceVersion), AlreadyExists/NotFound, label-selector-free lists with limit/continue, merge
// and apply patches (apply = create-or-merge), and watches served from a bounded event history so
// tests can force "410 Expired" (compact) and disconnects (dropWatches). Objects are keyed by
// resource, not by kind, so the fake needs no discovery.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "client/client.h"

namespace flotilla::client {

class FakeClient final : public Client {
 public:
  core::Result<ObjectPtr> get(const GroupVersionResource& gvr, const std::string& ns,
                              const std::string& name, const std::string& subresource) override;
  core::Result<ObjectList> list(const GroupVersionResource& gvr, const std::string& ns,
                                const ListOptions& options) override;
  core::Result<ObjectPtr> create(const GroupVersionResource& gvr, const std::string& ns,
                                 const nlohmann::json& object,
                                 const WriteOptions& options) override;
  core::Result<ObjectPtr> update(const GroupVersionResource& gvr, const std::string& ns,
                                 const nlohmann::json& object, const WriteOptions& options,
                                 const std::string& subresource) override;
  core::Result<ObjectPtr> patch(const GroupVersionResource& gvr, const std::string& ns,
                                const std::string& name, PatchType type, const std::string& body,
                                const PatchOptions& options,
                                const std::string& subresource) override;
  core::Status remove(const GroupVersionResource& gvr, const std::string& ns,
                      const std::string& name, const DeleteOptions& options) override;
  core::Status watch(const GroupVersionResource& gvr, const std::string& ns,
                     const ListOptions& options, const WatchHandler& handler,
                     Cancellation* cancel) override;
  core::Result<nlohmann::json> getPath(const std::string& path) override;

  // Forgets history: watches from older resourceVersions get 410 Expired.
  void compact();
  // Ends every open watch stream (as a server restart would).
  void dropWatches();
  // While unavailable, watch() fails at once with Unavailable (the server is "down" for watches
  // only, so a test can change state that informers must catch up with).
  void setWatchAvailable(bool available);
  // Makes the next n calls of any verb fail with this status.
  void failNext(int n, core::Status status);
  // Writes without going through the API (e.g. to change state while watches are down).
  int64_t resourceVersion() const;
  std::size_t openWatches() const;
  // Counts calls per verb ("get", "list", "create", "update", "patch", "delete", "watch").
  int calls(const std::string& verb) const;

 private:
  struct Event {
    int64_t rv;
    GroupVersionResource gvr;
    WatchEventType type;
    ObjectPtr object;
  };
  core::Status takeFailure(const std::string& verb);
  core::Result<ObjectPtr> store(const GroupVersionResource& gvr, nlohmann::json obj,
                                WatchEventType type);
  std::map<std::string, ObjectPtr>& bucket(const GroupVersionResource& gvr);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t rv_ = 1;
  int64_t compacted_rv_ = 0;
  uint64_t drop_generation_ = 0;
  std::map<GroupVersionResource, std::map<std::string, ObjectPtr>> objects_;
  std::deque<Event> history_;
  std::size_t open_watches_ = 0;
  bool watch_available_ = true;
  int fail_count_ = 0;
  core::Status fail_status_;
  std::map<std::string, int> calls_;
};

// RFC 7386 JSON merge patch.
void mergePatch(nlohmann::json& target, const nlohmann::json& patch);

}  // namespace flotilla::client
