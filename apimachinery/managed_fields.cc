#include "apimachinery/managed_fields.h"

#include <algorithm>
#include <map>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 64;

const SchemaNode* child(const SchemaNode* s, const std::string& name) {
  if (s == nullptr) return nullptr;
  if (s->kind() == NodeKind::Object) return s->field(name);
  if (s->kind() == NodeKind::Map) return s->items();
  return nullptr;
}

// Keys identifying items of an associative list, or empty for atomic/set lists.
std::vector<std::string> listKeys(const SchemaNode* s) {
  if (s == nullptr) return {};
  if (s->listType() == ListType::Map && !s->listMapKeys().empty()) return s->listMapKeys();
  std::string_view strategy = s->patchStrategy();
  if (strategy.find("merge") != std::string_view::npos && !s->patchMergeKey().empty()) {
    return {std::string(s->patchMergeKey())};
  }
  return {};
}

bool isSetList(const SchemaNode* s) {
  if (s == nullptr) return false;
  if (s->listType() == ListType::Set) return true;
  return s->patchStrategy().find("merge") != std::string_view::npos && s->patchMergeKey().empty();
}

std::string itemKey(const Json& item, const std::vector<std::string>& keys) {
  Json k = Json::object();
  for (const auto& key : keys) {
    if (item.is_object() && item.contains(key)) k[key] = item[key];
  }
  return "k:" + k.dump();
}

bool atomicObject(const SchemaNode* s) { return s != nullptr && s->atomicStruct(); }

void collect(const Json& v, const SchemaNode* s, FieldPath& prefix, FieldSet& out, int depth) {
  if (depth > kMaxDepth) {
    out.insert(prefix);
    return;
  }
  if (v.is_object() && !atomicObject(s) && !v.empty()) {
    for (const auto& [k, val] : v.items()) {
      prefix.push_back("f:" + k);
      collect(val, child(s, k), prefix, out, depth + 1);
      prefix.pop_back();
    }
    return;
  }
  if (v.is_array() && !v.empty()) {
    const SchemaNode* items = s ? s->items() : nullptr;
    auto keys = listKeys(s);
    if (!keys.empty()) {
      for (const auto& item : v) {
        prefix.push_back(itemKey(item, keys));
        out.insert([&] { FieldPath p = prefix; p.push_back("."); return p; }());
        collect(item, items, prefix, out, depth + 1);
        prefix.pop_back();
      }
      return;
    }
    if (isSetList(s)) {
      for (const auto& item : v) {
        prefix.push_back("v:" + item.dump());
        out.insert(prefix);
        prefix.pop_back();
      }
      return;
    }
  }
  if (!prefix.empty()) out.insert(prefix);
}

// Navigation helpers over an object following a field path.
const Json* locate(const Json& obj, const FieldPath& path, std::size_t upto) {
  const Json* cur = &obj;
  for (std::size_t i = 0; i < upto; ++i) {
    const std::string& t = path[i];
    if (t == ".") return cur;
    if (t.rfind("f:", 0) == 0) {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(t.substr(2));
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (t.rfind("k:", 0) == 0) {
      if (!cur->is_array()) return nullptr;
      Json key = Json::parse(t.substr(2), nullptr, false);
      const Json* found = nullptr;
      for (const auto& item : *cur) {
        bool match = item.is_object() && key.is_object();
        if (match) {
          for (const auto& [k, v] : key.items()) {
            if (!item.contains(k) || item[k] != v) match = false;
          }
        }
        if (match) {
          found = &item;
          break;
        }
      }
      if (found == nullptr) return nullptr;
      cur = found;
    } else if (t.rfind("v:", 0) == 0) {
      if (!cur->is_array()) return nullptr;
      Json val = Json::parse(t.substr(2), nullptr, false);
      auto it = std::find(cur->begin(), cur->end(), val);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else {
      return nullptr;
    }
  }
  return cur;
}

void removePath(Json& obj, const FieldPath& path) {
  if (path.empty()) return;
  const bool self = path.back() == ".";
  const std::size_t last = self ? path.size() - 2 : path.size() - 1;
  if (self && path.size() < 2) return;
  const Json* parent_c = locate(obj, path, last);
  if (parent_c == nullptr) return;
  Json& parent = const_cast<Json&>(*parent_c);
  const std::string& t = path[last];
  if (t.rfind("f:", 0) == 0 && parent.is_object()) {
    parent.erase(t.substr(2));
  } else if ((t.rfind("k:", 0) == 0 || t.rfind("v:", 0) == 0) && parent.is_array()) {
    const Json* item = locate(parent, FieldPath{t}, 1);
    if (item == nullptr) return;
    for (auto it = parent.begin(); it != parent.end(); ++it) {
      if (&*it == item) {
        parent.erase(it);
        break;
      }
    }
  }
}

Json merge(const Json& live, const Json& applied, const SchemaNode* s, int depth) {
  if (depth > kMaxDepth) return applied;
  if (live.is_object() && applied.is_object() && !atomicObject(s)) {
    Json out = live;
    for (const auto& [k, v] : applied.items()) {
      out[k] = out.contains(k) ? merge(out[k], v, child(s, k), depth + 1) : v;
    }
    return out;
  }
  if (live.is_array() && applied.is_array()) {
    auto keys = listKeys(s);
    if (!keys.empty()) {
      Json out = live;
      for (const auto& item : applied) {
        const std::string k = itemKey(item, keys);
        const Json* existing = locate(out, FieldPath{k}, 1);
        if (existing != nullptr) {
          Json& target = const_cast<Json&>(*existing);
          target = merge(target, item, s ? s->items() : nullptr, depth + 1);
        } else {
          out.push_back(item);
        }
      }
      return out;
    }
    if (isSetList(s)) {
      Json out = live;
      for (const auto& item : applied) {
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      }
      return out;
    }
  }
  return applied;
}

struct Entry {
  Json meta;  // the managedFields entry without fieldsV1
  FieldSet set;
};

std::vector<Entry> readEntries(const Json& obj) {
  std::vector<Entry> out;
  if (!obj.is_object() || !obj.contains("metadata")) return out;
  const Json& mf = obj["metadata"].value("managedFields", Json::array());
  if (!mf.is_array()) return out;
  for (const auto& e : mf) {
    if (!e.is_object()) continue;
    Entry entry;
    entry.meta = e;
    entry.meta.erase("fieldsV1");
    entry.set = fieldsV1ToFieldSet(e.value("fieldsV1", Json::object()));
    out.push_back(std::move(entry));
  }
  return out;
}

void writeEntries(Json& obj, const std::vector<Entry>& entries) {
  Json mf = Json::array();
  for (const auto& e : entries) {
    if (e.set.empty()) continue;
    Json j = e.meta;
    j["fieldsType"] = "FieldsV1";
    j["fieldsV1"] = fieldSetToFieldsV1(e.set);
    mf.push_back(std::move(j));
  }
  if (mf.empty()) {
    obj["metadata"].erase("managedFields");
  } else {
    obj["metadata"]["managedFields"] = std::move(mf);
  }
}

bool sameEntry(const Entry& e, const std::string& manager, const std::string& operation,
               const std::string& subresource) {
  return e.meta.value("manager", "") == manager && e.meta.value("operation", "") == operation &&
         e.meta.value("subresource", "") == subresource;
}

Entry& entryFor(std::vector<Entry>& entries, const ApplyRequest& req, const std::string& operation) {
  for (auto& e : entries) {
    if (sameEntry(e, req.manager, operation, req.subresource)) {
      e.meta["time"] = req.time;
      e.meta["apiVersion"] = req.api_version;
      return e;
    }
  }
  Entry e;
  e.meta = {{"manager", req.manager},
            {"operation", operation},
            {"apiVersion", req.api_version},
            {"time", req.time}};
  if (!req.subresource.empty()) e.meta["subresource"] = req.subresource;
  entries.push_back(std::move(e));
  return entries.back();
}

// Fields a write must never be charged with.
FieldSet withoutSystemFields(FieldSet set) {
  for (auto it = set.begin(); it != set.end();) {
    const auto& p = *it;
    bool drop = p.empty() || p[0] == "f:apiVersion" || p[0] == "f:kind";
    if (p.size() >= 2 && p[0] == "f:metadata") {
      const std::string& f = p[1];
      drop = drop || f == "f:managedFields" || f == "f:resourceVersion" || f == "f:uid" ||
             f == "f:creationTimestamp" || f == "f:generation" || f == "f:name" ||
             f == "f:namespace" || f == "f:selfLink" || f == "f:deletionTimestamp" ||
             f == "f:deletionGracePeriodSeconds";
    }
    if (p.size() == 1 && p[0] == "f:metadata") drop = true;
    it = drop ? set.erase(it) : std::next(it);
  }
  return set;
}

}  // namespace

FieldSet fieldSetOf(const Json& value, const SchemaNode* schema) {
  FieldSet out;
  FieldPath prefix;
  collect(value, schema, prefix, out, 0);
  return out;
}

Json fieldSetToFieldsV1(const FieldSet& set) {
  Json root = Json::object();
  for (const auto& path : set) {
    Json* cur = &root;
    for (const auto& t : path) {
      if (!cur->contains(t)) (*cur)[t] = Json::object();
      cur = &(*cur)[t];
    }
  }
  return root;
}

FieldSet fieldsV1ToFieldSet(const Json& fields) {
  FieldSet out;
  FieldPath prefix;
  std::function<void(const Json&, int)> walk = [&](const Json& node, int depth) {
    if (depth > kMaxDepth || !node.is_object()) return;
    if (node.empty() && !prefix.empty()) {
      out.insert(prefix);
      return;
    }
    for (const auto& [k, v] : node.items()) {
      prefix.push_back(k);
      walk(v, depth + 1);
      prefix.pop_back();
    }
  };
  walk(fields, 0);
  return out;
}

std::string renderFieldPath(const FieldPath& path) {
  std::string out;
  for (const auto& t : path) {
    if (t.rfind("f:", 0) == 0) {
      out += "." + t.substr(2);
    } else if (t.rfind("k:", 0) == 0) {
      Json key = Json::parse(t.substr(2), nullptr, false);
      std::string inner;
      if (key.is_object()) {
        for (const auto& [k, v] : key.items()) {
          inner += (inner.empty() ? "" : ",") + k + "=" + v.dump();
        }
      }
      out += "[" + inner + "]";
    } else if (t.rfind("v:", 0) == 0) {
      out += "[=" + t.substr(2) + "]";
    }
  }
  return out;
}

core::Result<Json> serverSideApply(const Json* live, const Json& applied, const SchemaNode* schema,
                                   const ApplyRequest& req) {
  Json applied_clean = applied;
  if (applied_clean.contains("metadata") && applied_clean["metadata"].is_object()) {
    applied_clean["metadata"].erase("managedFields");
    applied_clean["metadata"].erase("resourceVersion");
  }
  FieldSet new_set = withoutSystemFields(fieldSetOf(applied_clean, schema));
  if (live == nullptr) {
    Json obj = applied_clean;
    std::vector<Entry> entries;
    entryFor(entries, req, "Apply").set = new_set;
    writeEntries(obj, entries);
    return obj;
  }
  std::vector<Entry> entries = readEntries(*live);
  // Conflicts: fields in the new set that another manager owns with a different value.
  std::map<std::string, std::vector<FieldPath>> conflicts;
  for (auto& e : entries) {
    if (sameEntry(e, req.manager, "Apply", req.subresource)) continue;
    for (const auto& p : new_set) {
      if (!e.set.count(p) || p.back() == ".") continue;
      const Json* lv = locate(*live, p, p.size());
      const Json* av = locate(applied_clean, p, p.size());
      if (lv == nullptr || av == nullptr || *lv == *av) continue;
      conflicts[e.meta.value("manager", "")].push_back(p);
    }
  }
  if (!conflicts.empty() && !req.force) {
    std::size_t total = 0;
    std::vector<core::Cause> causes;
    for (const auto& [m, paths] : conflicts) {
      total += paths.size();
      for (const auto& p : paths) {
        causes.push_back({"FieldManagerConflict",
                          "conflict with \"" + m + "\" using " + req.api_version,
                          renderFieldPath(p)});
      }
    }
    std::string msg;
    if (total == 1) {
      msg = "Apply failed with 1 conflict: conflict with \"" + conflicts.begin()->first +
            "\" using " + req.api_version + ": " + renderFieldPath(conflicts.begin()->second[0]);
    } else {
      msg = "Apply failed with " + std::to_string(total) + " conflicts: ";
      bool first = true;
      for (const auto& [m, paths] : conflicts) {
        msg += std::string(first ? "" : "\n") + "conflicts with \"" + m + "\" using " +
               req.api_version + ":";
        first = false;
        for (const auto& p : paths) msg += "\n- " + renderFieldPath(p);
      }
    }
    return core::Status(core::Code::Conflict, msg, std::move(causes));
  }
  // With force (or when values agree), the applier takes the fields over.
  for (auto& e : entries) {
    if (sameEntry(e, req.manager, "Apply", req.subresource)) continue;
    auto it = conflicts.find(e.meta.value("manager", ""));
    if (it == conflicts.end()) continue;
    for (const auto& p : it->second) e.set.erase(p);
  }
  Json obj = merge(*live, applied_clean, schema, 0);
  // Remove what this manager applied before, no longer applies, and nobody else owns.
  FieldSet previous;
  for (const auto& e : entries) {
    if (sameEntry(e, req.manager, "Apply", req.subresource)) previous = e.set;
  }
  std::vector<FieldPath> to_remove;
  for (const auto& p : previous) {
    if (new_set.count(p)) continue;
    bool owned = false;
    for (const auto& e : entries) {
      if (sameEntry(e, req.manager, "Apply", req.subresource)) continue;
      if (e.set.count(p)) owned = true;
    }
    if (!owned) to_remove.push_back(p);
  }
  // Deeper paths first so that removing an item does not hide its children.
  std::sort(to_remove.begin(), to_remove.end(),
            [](const FieldPath& a, const FieldPath& b) { return a.size() > b.size(); });
  for (const auto& p : to_remove) removePath(obj, p);
  entryFor(entries, req, "Apply").set = new_set;
  writeEntries(obj, entries);
  return obj;
}

void recordUpdateOwnership(const Json* old, Json& updated, const SchemaNode* schema,
                           const ApplyRequest& req) {
  Json new_clean = updated;
  if (new_clean.contains("metadata")) new_clean["metadata"].erase("managedFields");
  FieldSet new_set = withoutSystemFields(fieldSetOf(new_clean, schema));
  std::vector<Entry> entries = old ? readEntries(*old) : std::vector<Entry>{};
  FieldSet changed;
  if (old == nullptr) {
    changed = new_set;
  } else {
    Json old_clean = *old;
    if (old_clean.contains("metadata")) old_clean["metadata"].erase("managedFields");
    FieldSet old_set = withoutSystemFields(fieldSetOf(old_clean, schema));
    for (const auto& p : new_set) {
      const Json* nv = locate(new_clean, p, p.size());
      const Json* ov = old_set.count(p) ? locate(old_clean, p, p.size()) : nullptr;
      if (ov == nullptr || nv == nullptr || *ov != *nv) changed.insert(p);
    }
    // Fields that disappeared are no longer owned by anyone.
    for (auto& e : entries) {
      for (auto it = e.set.begin(); it != e.set.end();) {
        it = new_set.count(*it) ? std::next(it) : e.set.erase(it);
      }
    }
  }
  if (!changed.empty()) {
    for (auto& e : entries) {
      if (sameEntry(e, req.manager, "Update", req.subresource)) continue;
      for (const auto& p : changed) e.set.erase(p);
    }
    Entry& mine = entryFor(entries, req, "Update");
    mine.set.insert(changed.begin(), changed.end());
  }
  writeEntries(updated, entries);
}

}  // namespace flotilla::apimachinery
