// Object: an immutable unstructured Kubernetes object of any kind, shared as
// `std::shared_ptr<const Object>` between the informer cache, indexers and controllers.
//
// It keeps the object's compact JSON text and the handful of metadata fields that caches and
// indexes need (apiVersion, kind, name, namespace, uid, resourceVersion, labels), extracted with a
// fast scanner. The nlohmann tree is built lazily on the first json() call and then cached, so an
// informer that only indexes by metadata never pays for a full parse and its memory stays close
// to the JSON size. A kept tree costs five to ten times the text, so readers of large, numerous
// objects (Works, bindings, templates, member objects) use tree(), which hands out a parse the
// object does not keep, and annotation(), which reads one annotation from the text. To change an
// object, copy the tree, edit the copy and write it back.
#pragma once

#include <atomic>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace flotilla::client {

class Object;
using ObjectPtr = std::shared_ptr<const Object>;
using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by key

class Object {
 public:
  // Scans JSON text (one object). apiVersion/kind, when given, fill in missing fields (items of
  // typed lists may omit them).
  static core::Result<ObjectPtr> parse(std::string_view text, std::string_view api_version = {},
                                       std::string_view kind = {});
  // parse() followed by withoutManagedFields() in one scan and one copy of the text: the span of
  // metadata.managedFields is noted while metadata is scanned for the fields parse() extracts,
  // and left out of the copy. What informers that drop managedFields decode events with.
  static core::Result<ObjectPtr> parseWithoutManagedFields(std::string_view text,
                                                           std::string_view api_version = {},
                                                           std::string_view kind = {});
  static ObjectPtr fromJson(nlohmann::json json);

  const std::string& apiVersion() const { return api_version_; }
  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::string& namespaceName() const { return namespace_; }
  const std::string& uid() const { return uid_; }
  const std::string& resourceVersion() const { return resource_version_; }
  const Labels& labels() const { return labels_; }
  const std::string* label(std::string_view key) const;
  bool deleting() const { return deleting_; }
  // "namespace/name", or "name" for cluster-scoped objects.
  std::string key() const { return namespace_.empty() ? name_ : namespace_ + "/" + name_; }

  // Compact JSON text.
  const std::string& raw() const;
  // The parsed tree; built on first use (thread-safe) and kept.
  const nlohmann::json& json() const;
  // The parsed tree without keeping it: the kept one when json() or fromJson() built it already,
  // else a fresh parse that lives as long as the caller holds it.
  std::shared_ptr<const nlohmann::json> tree() const;
  // metadata.annotations[key] read from the text without a tree; nullopt when absent or not a
  // string.
  std::optional<std::string> annotation(std::string_view key) const;
  // This object without metadata.managedFields (the text spliced, no tree built); `self` itself
  // when it has none. managedFields can be as large as the rest of the object, no controller
  // reads them, and an update that omits them keeps the stored ones.
  static ObjectPtr withoutManagedFields(const ObjectPtr& self);
  // The JSON text of the member at `path` (object keys, outermost first), e.g. {"spec",
  // "requiredBy"}; empty when absent. A view into raw(), valid while the object lives.
  std::string_view rawMember(std::initializer_list<std::string_view> path) const;
  std::size_t rawSize() const { return raw().size(); }

  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  Object() = default;

 private:
  static core::Result<ObjectPtr> parseText(std::string_view text, std::string_view api_version,
                                           std::string_view kind, bool drop_managed_fields);
  void extractFromJson(const nlohmann::json& j);

  std::string api_version_;
  std::string kind_;
  std::string name_;
  std::string namespace_;
  std::string uid_;
  std::string resource_version_;
  Labels labels_;
  bool deleting_ = false;
  bool from_tree_ = false;  // built by fromJson(): the tree is the source, the text is derived
  bool no_managed_fields_ = false;  // the text is known to hold no metadata.managedFields

  // Set once raw_ holds the text for good: at construction for parsed objects, whose readers then
  // never enter call_once (glibc's once wakes futex waiters with a system call on every first
  // call, and most objects are parsed ones on an informer's hot path).
  mutable std::atomic<bool> raw_ready_{false};
  mutable std::once_flag raw_once_;
  mutable std::string raw_;
  mutable std::once_flag json_once_;
  mutable std::shared_ptr<const nlohmann::json> json_;
  mutable std::atomic<bool> json_built_{false};  // json_ is set and will not change
};

// "ns/name" or "name".
inline std::string objectKey(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string k;
  k.reserve(ns.size() + name.size() + 1);
  k.append(ns).append("/").append(name);
  return k;
}

}  // namespace flotilla::client
