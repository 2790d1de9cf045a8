// Names of API resources and the option structs of the Kubernetes verbs, shared by the Client
// interface, its REST implementation, the fake and the informers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/object.h"

namespace flotilla::client {

struct GroupVersionResource {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;  // plural, e.g. "deployments"
  std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string toString() const {
    return group.empty() ? resource + "." + version : resource + "." + version + "." + group;
  }
  auto operator<=>(const GroupVersionResource&) const = default;
};

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
  std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
  auto operator<=>(const GroupVersionKind&) const = default;
};

// "apps/v1" → {apps, v1}; "v1" → {"", v1}.
GroupVersionKind gvkFromApiVersion(const std::string& api_version, const std::string& kind);

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
  std::string resource_version;  // "" = most recent, "0" = any
  std::string resource_version_match;
  std::optional<int64_t> timeout_seconds;  // watch only
  bool allow_watch_bookmarks = false;      // watch only
  // Client side, not sent: listed and watched objects come without metadata.managedFields,
  // dropped while they are decoded (informers whose readers never look at them). A client that
  // cannot drop them while decoding may deliver them; callers still strip what arrives.
  bool drop_managed_fields = false;
};

struct ObjectList {
  std::vector<ObjectPtr> items;
  std::string resource_version;
  std::string continue_token;
  std::optional<int64_t> remaining_item_count;
};

enum class PatchType { Json, Merge, StrategicMerge, Apply };
const char* patchContentType(PatchType type);

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
};

struct PatchOptions {
  std::string field_manager;  // required for Apply
  bool force = false;         // Apply only
  bool dry_run = false;
};

struct DeleteOptions {
  std::optional<std::string> propagation_policy;  // Background, Foreground, Orphan
  std::optional<int64_t> grace_period_seconds;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
};

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };
const char* watchEventTypeName(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::Added;
  ObjectPtr object;  // for Error: the Status object
};

}  // namespace flotilla::client
