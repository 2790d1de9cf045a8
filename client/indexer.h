// Indexer: the informer's thread-safe cache of one resource, keyed by "namespace/name", with
// secondary indexes maintained on every change. Objects are handed out as shared_ptr<const
// Object>, so readers can keep them as long as they like and can never mutate the cache.
// Built-in index functions cover the usual lookups (namespace, a label's value); any function
// from an object to index values can be added before the informer starts.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "client/object.h"

namespace flotilla::client {

using IndexFunc = std::function<std::vector<std::string>(const Object&)>;

inline constexpr const char* kNamespaceIndex = "namespace";
IndexFunc namespaceIndexFunc();
// Index on the value of one label (objects without it are not indexed).
IndexFunc labelIndexFunc(const std::string& label_key);

class Indexer {
 public:
  Indexer();  // with the namespace index
  // Must be called before objects are added.
  void addIndex(const std::string& name, IndexFunc fn);

  // Store mutation (used by the informer); each returns the previous object, if any.
  ObjectPtr upsert(const ObjectPtr& obj);
  ObjectPtr erase(const std::string& key);
  // Replaces the whole content; returns (old objects that are gone).
  void replace(std::vector<ObjectPtr> objects);

  ObjectPtr get(const std::string& key) const;
  ObjectPtr get(const std::string& ns, const std::string& name) const {
    return get(objectKey(ns, name));
  }
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  std::vector<ObjectPtr> byIndex(const std::string& index, const std::string& value) const;
  std::vector<ObjectPtr> byNamespace(const std::string& ns) const {
    return byIndex(kNamespaceIndex, ns);
  }
  // Objects whose labels contain every pair of `match`.
  std::vector<ObjectPtr> byLabels(const std::map<std::string, std::string>& match) const;
  std::size_t size() const;

 private:
  void indexLocked(const std::string& key, const ObjectPtr& obj, bool add);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, ObjectPtr> items_;
  std::map<std::string, IndexFunc> index_funcs_;
  std::map<std::string, std::unordered_map<std::string, std::unordered_set<std::string>>> indices_;
};

}  // namespace flotilla::client
