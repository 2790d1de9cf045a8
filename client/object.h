// Object: an immutable unstructured Kubernetes object of any kind, shared as
// `std::shared_ptr<const Object>` between the informer cache, indexers and controllers.
//
// It keeps the object's compact JSON text and the handful of metadata fields that caches and
// indexes need (apiVersion, kind, name, namespace, uid, resourceVersion, labels), extracted with a
// fast scanner. The nlohmann tree is built lazily on the first json() call and then cached, so an
// informer that only indexes by metadata never pays for a full parse and its memory stays close
// to the JSON size. To change an object, copy json(), edit the copy and write it back.
#pragma once

#include <memory>
#include <mutex>
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
  std::size_t rawSize() const { return raw().size(); }

  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  Object() = default;

 private:
  void extractFromJson(const nlohmann::json& j);

  std::string api_version_;
  std::string kind_;
  std::string name_;
  std::string namespace_;
  std::string uid_;
  std::string resource_version_;
  Labels labels_;
  bool deleting_ = false;

  mutable std::once_flag raw_once_;
  mutable std::string raw_;
  mutable std::once_flag json_once_;
  mutable std::unique_ptr<nlohmann::json> json_;
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
