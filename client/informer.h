// Informer: a list-then-watch loop (the reflector) feeding an Indexer and notifying handlers.
//
// The world handlers see is always consistent with the server: the initial list (paged) is
// delivered as adds; watch events update the cache and then notify; when the watch breaks, the
// informer resumes from the last resourceVersion it saw (bookmarks, requested with
// allowWatchBookmarks, keep that recent even when nothing changes); when the server answers
// 410 Gone/Expired it relists and delivers only the differences — adds for new objects, updates for
// changed ones and deletes (with the last known state) for objects that vanished meanwhile. An
// optional resync re-delivers every cached object as an update so level-triggered controllers
// revisit them. Handlers run on the informer's thread and must be quick (enqueue a key).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/cancellation.h"
#include "client/client.h"
#include "client/indexer.h"
#include "core/clock.h"

namespace flotilla::client {

struct EventHandler {
  std::function<void(const ObjectPtr&)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr&)> on_delete;
};

struct InformerOptions {
  GroupVersionResource gvr;
  std::string namespace_name;  // "" = all namespaces (or a cluster-scoped resource)
  std::string label_selector;
  std::string field_selector;
  std::chrono::milliseconds resync_period{0};  // 0 = no resync
  int64_t page_size = 500;
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{10000};
  // Server-side watch timeout; the informer rewatches from its resourceVersion afterwards.
  int64_t watch_timeout_seconds = 300;
  // Cache objects without metadata.managedFields (Object::withoutManagedFields): for caches of
  // many objects whose readers never look at them, which is every controller's.
  bool drop_managed_fields = false;
};

struct InformerStats {
  int lists = 0;     // complete (re)lists
  int watches = 0;   // watch calls started
  int relists_after_gone = 0;
};

class Informer {
 public:
  Informer(ClientPtr client, InformerOptions options);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Existing objects are replayed to the new handler as adds, atomically with respect to events.
  void addEventHandler(EventHandler handler);
  // Before start().
  void addIndex(const std::string& name, IndexFunc fn) { indexer_.addIndex(name, std::move(fn)); }
  const Indexer& indexer() const { return indexer_; }

  void start();
  void stop();
  bool hasSynced() const { return synced_.load(); }
  // Waits (real time) until synced; false on timeout or cancellation.
  bool waitForSync(std::chrono::milliseconds timeout, Cancellation* cancel = nullptr) const;
  std::string lastResourceVersion() const;
  InformerStats stats() const;
  const InformerOptions& options() const { return options_; }

 private:
  void run();
  void resyncLoop();
  core::Status listAndReplace();
  bool handleEvent(WatchEvent&& ev);
  void setResourceVersion(const std::string& rv);

  ClientPtr client_;
  InformerOptions options_;
  Indexer indexer_;
  Cancellation cancel_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> started_{false};
  std::thread thread_;
  std::thread resync_thread_;

  std::mutex dispatch_mu_;  // serialises cache changes + notifications with handler registration
  std::vector<EventHandler> handlers_;

  mutable std::mutex state_mu_;
  std::string resource_version_;
  InformerStats stats_;
};
using InformerPtr = std::shared_ptr<Informer>;

// One informer per (resource, namespace) for one cluster's client, shared by every controller
// that asks for it.
class SharedInformerFactory {
 public:
  explicit SharedInformerFactory(ClientPtr client, InformerOptions defaults = {});
  ~SharedInformerFactory();
  InformerPtr informerFor(const GroupVersionResource& gvr, const std::string& ns = "");
  // Starts every informer not yet started (also those requested later, on the next call).
  void start();
  bool waitForCacheSync(std::chrono::milliseconds timeout, Cancellation* cancel = nullptr);
  void shutdown();
  ClientPtr client() const { return client_; }

 private:
  ClientPtr client_;
  InformerOptions defaults_;
  std::mutex mu_;
  std::map<std::pair<GroupVersionResource, std::string>, InformerPtr> informers_;
};

}  // namespace flotilla::client
