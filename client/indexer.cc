#include "client/indexer.h"

namespace flotilla::client {

IndexFunc namespaceIndexFunc() {
  return [](const Object& o) { return std::vector<std::string>{o.namespaceName()}; };
}

IndexFunc labelIndexFunc(const std::string& label_key) {
  return [label_key](const Object& o) {
    const std::string* v = o.label(label_key);
    return v ? std::vector<std::string>{*v} : std::vector<std::string>{};
  };
}

Indexer::Indexer() { index_funcs_[kNamespaceIndex] = namespaceIndexFunc(); }

void Indexer::addIndex(const std::string& name, IndexFunc fn) {
  std::unique_lock lock(mu_);
  index_funcs_[name] = std::move(fn);
  auto& idx = indices_[name];
  idx.clear();
  for (const auto& [key, obj] : items_) {
    for (const auto& v : index_funcs_[name](*obj)) idx[v].insert(key);
  }
}

void Indexer::indexLocked(const std::string& key, const ObjectPtr& obj, bool add) {
  for (const auto& [name, fn] : index_funcs_) {
    auto& idx = indices_[name];
    for (const auto& v : fn(*obj)) {
      if (add) {
        idx[v].insert(key);
      } else if (auto it = idx.find(v); it != idx.end()) {
        it->second.erase(key);
        if (it->second.empty()) idx.erase(it);
      }
    }
  }
}

ObjectPtr Indexer::upsert(const ObjectPtr& obj) {
  const std::string key = obj->key();
  std::unique_lock lock(mu_);
  ObjectPtr old;
  auto it = items_.find(key);
  if (it != items_.end()) {
    old = it->second;
    it->second = obj;
    // An update rarely moves an object between index values (its namespace never does): leave
    // the entries whose values did not change alone rather than erase and re-insert them.
    for (const auto& [name, fn] : index_funcs_) {
      const auto old_values = fn(*old);
      const auto new_values = fn(*obj);
      if (old_values == new_values) continue;
      auto& idx = indices_[name];
      for (const auto& v : old_values) {
        if (auto i = idx.find(v); i != idx.end()) {
          i->second.erase(key);
          if (i->second.empty()) idx.erase(i);
        }
      }
      for (const auto& v : new_values) idx[v].insert(key);
    }
    return old;
  }
  items_.emplace(key, obj);
  indexLocked(key, obj, true);
  return old;
}

ObjectPtr Indexer::erase(const std::string& key) {
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr old = it->second;
  indexLocked(key, old, false);
  items_.erase(it);
  return old;
}

void Indexer::replace(std::vector<ObjectPtr> objects) {
  std::unique_lock lock(mu_);
  items_.clear();
  for (auto& [name, idx] : indices_) idx.clear();
  for (auto& o : objects) {
    const std::string key = o->key();
    indexLocked(key, o, true);
    items_[key] = std::move(o);
  }
}

ObjectPtr Indexer::get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Indexer::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [k, o] : items_) out.push_back(o);
  return out;
}

std::vector<std::string> Indexer::keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [k, o] : items_) out.push_back(k);
  return out;
}

std::vector<ObjectPtr> Indexer::byIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  auto idx = indices_.find(index);
  if (idx == indices_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  out.reserve(keys->second.size());
  for (const auto& k : keys->second) {
    if (auto it = items_.find(k); it != items_.end()) out.push_back(it->second);
  }
  return out;
}

std::vector<ObjectPtr> Indexer::byLabels(const std::map<std::string, std::string>& match) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  for (const auto& [k, o] : items_) {
    bool ok = true;
    for (const auto& [lk, lv] : match) {
      const std::string* v = o->label(lk);
      if (!v || *v != lv) {
        ok = false;
        break;
      }
    }
    if (ok) out.push_back(o);
  }
  return out;
}

std::size_t Indexer::size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

}  // namespace flotilla::client
