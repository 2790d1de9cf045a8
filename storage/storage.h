// Storage: the key-value contract the API server keeps objects in, modelled on the subset of
// etcd v3 that kube-apiserver uses. Two backends implement it (SQLite, etcd) and one shared test
// suite checks both.
//
// Keys are laid out like kube-apiserver's: /registry/<resource>/<ns>/<name> for core and built-in
// groups (e.g. /registry/deployments/default/web), /registry/<group>/<resource>/... for custom
// resources. Values are opaque bytes (the object's JSON without metadata.resourceVersion; the
// server injects the revision on read).
//
// Revisions: one global, strictly increasing 64-bit counter; every successful write bumps it by
// at least one, and an object's resourceVersion is the revision of its last write (mod_revision).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace flotilla::storage {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
};

struct ListOptions {
  std::string prefix;       // keys starting with this prefix (use a trailing '/')
  std::string start_after;  // exclusive lower bound on the key (pagination); "" = from start
  int64_t limit = 0;        // 0 = no limit
  int64_t revision = 0;     // 0 = latest; else the state at that revision (Gone if compacted)
};

struct ListResult {
  std::vector<KeyValue> items;  // in key order
  int64_t revision = 0;         // the revision the list reflects
  bool more = false;            // more keys remain after the last item
  int64_t remaining = 0;        // how many keys remain (when known; 0 otherwise)
};

enum class EventType { Put, Delete };

struct Event {
  EventType type = EventType::Put;
  std::string key;
  // Put: the new value. Delete: the value the key had before deletion.
  std::shared_ptr<const std::string> value;
  // The value before this event (null when the key was created by this event).
  std::shared_ptr<const std::string> prev_value;
  int64_t revision = 0;         // revision of this write
  int64_t create_revision = 0;  // of the key (for Delete: of the deleted incarnation)
};

// One watch subscription. Events arrive in revision order, exactly once each.
class Watch {
 public:
  virtual ~Watch() = default;
  // Waits up to `timeout` for events and returns what arrived (possibly none). Errors end the
  // watch: Gone when the watcher fell so far behind that events were discarded or the start
  // revision was compacted; Unavailable when the backend went away; Aborted-like Cancelled is
  // reported as Unavailable after cancel().
  virtual core::Result<std::vector<Event>> next(std::chrono::milliseconds timeout) = 0;
  virtual void cancel() = 0;
};
using WatchPtr = std::unique_ptr<Watch>;

// A write group: the calling thread's writes made while it lives share one transaction and one
// commit (see Storage::groupWrites). Not thread-safe: use and destroy it on the thread that
// created it.
class WriteGroup {
 public:
  virtual ~WriteGroup() = default;
  // Commits the writes made so far in the group (if any); later writes of the thread are no
  // longer grouped. The result says whether every write the group acknowledged is now durable
  // and published: an error means the ones not yet committed were rolled back (the error names
  // how many). Idempotent: later calls return the first result. The destructor calls it and
  // logs an error it could not return.
  virtual core::Status commit() = 0;
};
using WriteGroupPtr = std::unique_ptr<WriteGroup>;

class Storage {
 public:
  virtual ~Storage() = default;

  virtual core::Result<KeyValue> get(const std::string& key) = 0;
  virtual core::Result<ListResult> list(const ListOptions& options) = 0;
  // Creates the key; AlreadyExists if present. Returns the write's revision. Durable on return.
  virtual core::Result<int64_t> create(const std::string& key, const std::string& value) = 0;
  // Replaces the value when the key's mod_revision equals expected_revision (0 = unconditional).
  // NotFound if absent, Conflict on a revision mismatch. Returns the write's revision.
  virtual core::Result<int64_t> update(const std::string& key, const std::string& value,
                                       int64_t expected_revision) = 0;
  // Deletes the key under the same precondition. Returns the deleted key/value with
  // mod_revision set to the deletion's revision.
  virtual core::Result<KeyValue> remove(const std::string& key, int64_t expected_revision) = 0;
  virtual core::Result<int64_t> currentRevision() = 0;
  // Every event under `prefix` with revision > after_revision. Gone if after_revision is older
  // than the compacted revision.
  virtual core::Result<WatchPtr> watch(const std::string& prefix, int64_t after_revision) = 0;
  // Forgets history at or below `revision` (watches and lists from older revisions get Gone).
  virtual core::Status compact(int64_t revision) = 0;
  virtual core::Result<int64_t> compactedRevision() = 0;

  // Groups the calling thread's following create/update/remove calls on this storage into one
  // transaction until the returned group is committed or destroyed, so that a thread writing
  // several objects in a row (the member simulator's reconcile pass) pays one commit instead of
  // one each. Within a group:
  //  - each write still checks its precondition (against the live state plus the group's earlier
  //    writes) and returns its outcome and revision at once, but it is provisional: durable,
  //    visible to other threads and published to watches only when the group commits.
  //    WriteGroup::commit() (or the destructor's log) reports a failed commit; a write whose
  //    storage operation itself fails ends the group (rolled back) and so does every later write
  //    of the group, with the same error.
  //  - get, list and currentRevision on the grouping thread see the group's writes.
  //  - other threads' writes wait while the group holds the store's writer, for at most about
  //    `SqliteOptions::write_group_max_time` or `write_group_max_writes` writes: the group then
  //    commits what it has (taking the waiting writes into that commit) and goes on in a new
  //    transaction. So do not block (on the network, on another thread's write, on a watch)
  //    while a group that has written is alive.
  // Nested groups on one thread join the outer one (the inner one is a no-op). Backends that
  // cannot group (etcd) return a group that does nothing: each write commits on its own.
  virtual WriteGroupPtr groupWrites();
};
using StoragePtr = std::unique_ptr<Storage>;

}  // namespace flotilla::storage
