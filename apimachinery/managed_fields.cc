#include "apimachinery/managed_fields.h"

#include <algorithm>
#include <functional>
#include <map>

#include "apimachinery/json_parse.h"
#include "apimachinery/object_validation.h"

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
  return "k:" + jsonText(k);
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
        out.insert([&] {
          FieldPath p = prefix;
          p.push_back(".");
          return p;
        }());
        collect(item, items, prefix, out, depth + 1);
        prefix.pop_back();
      }
      return;
    }
    if (isSetList(s)) {
      for (const auto& item : v) {
        prefix.push_back("v:" + jsonText(item));
        out.insert(prefix);
        prefix.pop_back();
      }
      return;
    }
  }
  if (!prefix.empty()) out.emplace_hint(out.end(), prefix);  // usually the largest so far
}

// collect() into a fieldsV1 tree instead of a set: `node` is the tree node of the path so far
// and every path collect() would insert becomes a chain of nodes under it. Same tree as
// fieldSetToFieldsV1(collected set), without the set (a create owns the whole object).
void collectTree(const Json& v, const SchemaNode* s, Json& node, int depth) {
  auto at = [](Json& parent, std::string token) -> Json& {
    return parent.get_ref<Json::object_t&>().try_emplace(std::move(token), Json::object())
        .first->second;
  };
  if (depth > kMaxDepth) return;
  if (v.is_object() && !atomicObject(s) && !v.empty()) {
    for (const auto& [k, val] : v.items()) {
      collectTree(val, child(s, k), at(node, "f:" + k), depth + 1);
    }
    return;
  }
  if (v.is_array() && !v.empty()) {
    const SchemaNode* items = s ? s->items() : nullptr;
    auto keys = listKeys(s);
    if (!keys.empty()) {
      for (const auto& item : v) {
        Json& item_node = at(node, itemKey(item, keys));
        at(item_node, ".");
        collectTree(item, items, item_node, depth + 1);
      }
      return;
    }
    if (isSetList(s)) {
      for (const auto& item : v) at(node, "v:" + jsonText(item));
      return;
    }
  }
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
      Json key = parseJsonOrDiscarded(std::string_view(t).substr(2));
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
      Json val = parseJsonOrDiscarded(std::string_view(t).substr(2));
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

std::string strField(const Json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// One managedFields entry: its identity and metadata (without fieldsV1) and its field set.
// `fields` is the stored fieldsV1 the set was read from while the set is unchanged and that tree
// is exactly what fieldSetToFieldsV1 would write back (every node an object, within the depth
// limit): writing the entry then copies it instead of rebuilding it from the set. Whoever
// changes `set` clears it.
struct Entry {
  Json meta;
  FieldSet set;
  const Json* fields = nullptr;
};

// fieldsV1ToFieldSet that also tells whether the tree round-trips unchanged.
FieldSet fieldsV1ToFieldSet(const Json& fields, bool& canonical);

const Json* managedFieldsOf(const Json& obj) {
  if (!obj.is_object()) return nullptr;
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return nullptr;
  auto mf = m->find("managedFields");
  return mf == m->end() ? nullptr : &*mf;
}

std::vector<Entry> entriesFrom(const Json* mf) {
  std::vector<Entry> out;
  if (mf == nullptr || !mf->is_array()) return out;
  for (const auto& e : *mf) {
    if (!e.is_object()) continue;
    Entry entry;
    // The entry without its fieldsV1, copied member by member (not the whole tree, then erased).
    entry.meta = Json::object();
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (it.key() != "fieldsV1") entry.meta.emplace(it.key(), it.value());
    }
    auto f = e.find("fieldsV1");
    if (f != e.end()) {
      bool canonical = true;
      entry.set = fieldsV1ToFieldSet(*f, canonical);
      if (canonical) entry.fields = &*f;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<Entry> readEntries(const Json& obj) { return entriesFrom(managedFieldsOf(obj)); }

void writeEntries(Json& obj, const std::vector<Entry>& entries) {
  if (!obj.is_object()) return;
  Json mf = Json::array();
  for (const auto& e : entries) {
    if (e.set.empty()) continue;
    Json j = e.meta;
    j["fieldsType"] = "FieldsV1";
    j["fieldsV1"] = e.fields != nullptr ? *e.fields : fieldSetToFieldsV1(e.set);
    mf.push_back(std::move(j));
  }
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = Json::object();
  if (mf.empty()) {
    obj["metadata"].erase("managedFields");
  } else {
    obj["metadata"]["managedFields"] = std::move(mf);
  }
}

bool sameEntry(const Entry& e, const std::string& manager, const std::string& operation,
               const std::string& subresource) {
  return strField(e.meta, "manager") == manager && strField(e.meta, "operation") == operation &&
         strField(e.meta, "subresource") == subresource;
}

Entry& entryFor(std::vector<Entry>& entries, const ApplyRequest& req,
                const std::string& operation) {
  for (auto& e : entries) {
    if (sameEntry(e, req.manager, operation, req.subresource)) {
      e.meta["time"] = req.time;
      e.meta["apiVersion"] = req.api_version;
      e.fields = nullptr;  // the caller is about to change the set
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
    bool drop = p.empty() || p[0] == "f:apiVersion" || p[0] == "f:kind" || p[0] == "f:metadata";
    if (p.size() >= 2 && p[0] == "f:metadata") {
      const std::string& f = p[1];
      drop = f == "f:managedFields" || f == "f:resourceVersion" || f == "f:uid" ||
             f == "f:creationTimestamp" || f == "f:generation" || f == "f:name" ||
             f == "f:namespace" || f == "f:selfLink" || f == "f:deletionTimestamp" ||
             f == "f:deletionGracePeriodSeconds" || f == "f:generateName";
    }
    it = drop ? set.erase(it) : std::next(it);
  }
  return set;
}

Json withoutManagedFields(const Json& obj) {
  Json out = obj;
  if (out.is_object() && out.contains("metadata") && out["metadata"].is_object()) {
    out["metadata"].erase("managedFields");
  }
  return out;
}

// How kube names a manager in conflict messages: appliers by name, updaters with the API version
// they wrote with.
std::string printManager(const Entry& e) {
  std::string out = jsonText(Json(strField(e.meta, "manager")));
  const std::string sub = strField(e.meta, "subresource");
  if (!sub.empty()) out += " with subresource " + jsonText(Json(sub));
  if (strField(e.meta, "operation") == "Update") out += " using " + strField(e.meta, "apiVersion");
  return out;
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
  // The set is sorted, so each path shares a prefix with the one before: the nodes along the
  // previous path are kept (map nodes do not move) and only the new tokens are looked up, once.
  std::vector<Json*> nodes{&root};
  const FieldPath* previous = nullptr;
  for (const auto& path : set) {
    size_t common = 0;
    if (previous != nullptr) {
      const size_t limit = std::min(previous->size(), path.size());
      while (common < limit && (*previous)[common] == path[common]) ++common;
    }
    nodes.resize(common + 1);
    for (size_t i = common; i < path.size(); ++i) {
      auto& members = nodes.back()->get_ref<Json::object_t&>();
      nodes.push_back(&members.try_emplace(path[i], Json::object()).first->second);
    }
    previous = &path;
  }
  return root;
}

FieldSet fieldsV1ToFieldSet(const Json& fields) {
  bool canonical = true;
  return fieldsV1ToFieldSet(fields, canonical);
}

namespace {

FieldSet fieldsV1ToFieldSet(const Json& fields, bool& canonical) {
  FieldSet out;
  FieldPath prefix;
  std::function<void(const Json&, int)> walk = [&](const Json& node, int depth) {
    if (depth > kMaxDepth || !node.is_object()) {
      canonical = false;
      return;
    }
    if (node.empty() && !prefix.empty()) {
      // A depth-first walk in key order meets the paths in the set's order.
      out.emplace_hint(out.end(), prefix);
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

}  // namespace

std::string renderFieldPath(const FieldPath& path) {
  std::string out;
  for (const auto& t : path) {
    if (t.rfind("f:", 0) == 0) {
      out += "." + t.substr(2);
    } else if (t.rfind("k:", 0) == 0) {
      Json key = parseJsonOrDiscarded(std::string_view(t).substr(2));
      std::string inner;
      if (key.is_object()) {
        for (const auto& [k, v] : key.items()) {
          inner += (inner.empty() ? "" : ",") + k + "=" + jsonText(v);
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
  if (!applied.is_object())
    return core::invalidArgument("an applied configuration must be an object");
  Json applied_clean = applied;
  if (applied_clean.contains("metadata") && applied_clean["metadata"].is_object()) {
    applied_clean["metadata"].erase("managedFields");
    applied_clean["metadata"].erase("resourceVersion");
  }
  const FieldSet new_set = withoutSystemFields(fieldSetOf(applied_clean, schema));
  if (live == nullptr || !live->is_object()) {
    Json obj = applied_clean;
    std::vector<Entry> entries;
    entryFor(entries, req, "Apply").set = new_set;
    writeEntries(obj, entries);
    return obj;
  }
  std::vector<Entry> entries = readEntries(*live);
  // Conflicts: fields in the new set that another manager owns with a different live value.
  std::map<std::size_t, std::vector<FieldPath>> conflicts;  // entry index -> paths
  std::size_t total = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (sameEntry(entries[i], req.manager, "Apply", req.subresource)) continue;
    for (const auto& p : new_set) {
      if (p.back() == "." || !entries[i].set.count(p)) continue;
      const Json* lv = locate(*live, p, p.size());
      const Json* av = locate(applied_clean, p, p.size());
      if (lv == nullptr || av == nullptr || *lv == *av) continue;
      conflicts[i].push_back(p);
      ++total;
    }
  }
  if (total > 0 && !req.force) {
    std::vector<core::Cause> causes;
    for (const auto& [i, paths] : conflicts) {
      for (const auto& p : paths) {
        causes.push_back({"FieldManagerConflict", "conflict with " + printManager(entries[i]),
                          renderFieldPath(p)});
      }
    }
    std::string msg;
    if (total == 1) {
      const auto& [i, paths] = *conflicts.begin();
      msg = "Apply failed with 1 conflict: conflict with " + printManager(entries[i]) + ": " +
            renderFieldPath(paths.front());
    } else {
      std::vector<std::pair<std::string, std::size_t>> order;
      for (const auto& [i, paths] : conflicts) order.emplace_back(printManager(entries[i]), i);
      std::sort(order.begin(), order.end());
      std::string body;
      for (const auto& [name, i] : order) {
        body += (body.empty() ? "" : "\n") + std::string("conflicts with ") + name + ":";
        for (const auto& p : conflicts[i]) body += "\n- " + renderFieldPath(p);
      }
      msg = "Apply failed with " + std::to_string(total) + " conflicts: " + body;
    }
    return core::Status(core::Code::Conflict, msg, std::move(causes));
  }
  // With force the applier takes the conflicting fields away from their owners.
  for (const auto& [i, paths] : conflicts) {
    for (const auto& p : paths) entries[i].set.erase(p);
    entries[i].fields = nullptr;
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
    const bool owned = std::any_of(entries.begin(), entries.end(), [&](const Entry& e) {
      return !sameEntry(e, req.manager, "Apply", req.subresource) && e.set.count(p) > 0;
    });
    if (!owned) to_remove.push_back(p);
  }
  // Deeper paths first so that removing an item does not hide its children.
  std::stable_sort(to_remove.begin(), to_remove.end(),
                   [](const FieldPath& a, const FieldPath& b) { return a.size() > b.size(); });
  for (const auto& p : to_remove) removePath(obj, p);
  // Removing the last entry of a map leaves an empty parent behind ("labels": {}); typed objects
  // would not serialize it, so drop such parents unless someone owns them as a value.
  auto ownedAsLeaf = [&](const FieldPath& path) {
    if (new_set.count(path)) return true;
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Entry& e) { return e.set.count(path) > 0; });
  };
  for (const auto& p : to_remove) {
    FieldPath parent = p;
    if (!parent.empty() && parent.back() == ".") parent.pop_back();
    while (parent.size() > 1) {
      parent.pop_back();
      if (parent.back().rfind("f:", 0) != 0) break;  // only plain fields, never list items
      const Json* v = locate(obj, parent, parent.size());
      if (v == nullptr || !(v->is_object() || v->is_array()) || !v->empty() ||
          ownedAsLeaf(parent)) {
        break;
      }
      removePath(obj, parent);
    }
  }
  // A no-op apply keeps the stored object byte for byte (same managedFields times), so that the
  // server can skip the write and kubectl prints "serverside-applied" without a new version.
  const bool same_set = previous == new_set;
  if (same_set && total == 0 && withoutManagedFields(obj) == withoutManagedFields(*live)) {
    return *live;
  }
  entryFor(entries, req, "Apply").set = new_set;
  writeEntries(obj, entries);
  return obj;
}

namespace {

// The fields a write can own, grouped by where they sit: one group per top-level member, and one
// per metadata member. Groups that only hold system fields (apiVersion, kind, server-owned
// metadata, managedFields) are left out: withoutSystemFields drops every path in them.
struct FieldGroup {
  FieldPath prefix;  // [f:<member>] or [f:metadata, f:<member>]
  const SchemaNode* schema = nullptr;
};

bool systemMetadataField(const std::string& name) {
  return name == "managedFields" || name == "resourceVersion" || name == "uid" ||
         name == "creationTimestamp" || name == "generation" || name == "name" ||
         name == "namespace" || name == "selfLink" || name == "deletionTimestamp" ||
         name == "deletionGracePeriodSeconds" || name == "generateName";
}

// The value at a group's prefix in `obj`, or null.
const Json* groupValue(const Json& obj, const FieldGroup& g) {
  return locate(obj, g.prefix, g.prefix.size());
}

// Whether `obj` has the shape the grouped computation below assumes: an object whose schema is
// not atomic and whose metadata (when present) is a non-atomic object. Anything else takes the
// definition's path (copies and whole-object field sets).
bool groupable(const Json& obj, const SchemaNode* schema) {
  if (!obj.is_object() || atomicObject(schema)) return false;
  auto meta = obj.find("metadata");
  if (meta == obj.end()) return true;
  return meta->is_object() && !atomicObject(child(schema, "metadata"));
}

std::vector<FieldGroup> ownableGroups(const Json& obj, const SchemaNode* schema) {
  std::vector<FieldGroup> groups;
  for (const auto& [k, v] : obj.items()) {
    if (k == "apiVersion" || k == "kind") continue;
    if (k != "metadata") {
      groups.push_back({{"f:" + k}, child(schema, k)});
      continue;
    }
    const SchemaNode* meta_schema = child(schema, "metadata");
    for (const auto& [m, mv] : v.items()) {
      if (systemMetadataField(m)) continue;
      groups.push_back({{"f:metadata", "f:" + m}, child(meta_schema, m)});
    }
  }
  return groups;
}

// collect() of one group's value with the group's prefix: exactly the paths that
// fieldSetOf(whole object) has under that prefix.
void collectGroup(const Json& value, const FieldGroup& g, FieldSet& out) {
  FieldPath prefix = g.prefix;
  collect(value, g.schema, prefix, out, static_cast<int>(g.prefix.size()));
}

}  // namespace

void recordUpdateOwnership(const Json* old, Json& updated, const SchemaNode* schema,
                           const ApplyRequest& req,
                           const std::vector<std::string>& unchanged_members) {
  if (!updated.is_object()) return;
  // Field sets are built per group straight from `updated` and `old` (no copies without
  // managedFields), and a group whose value did not change contributes no changed field without
  // walking the old side: on a typical write only status or a label changes, so the old object's
  // field set is mostly never built. Same result as the definition (the fallback below).
  const bool grouped = groupable(updated, schema) && (old == nullptr || groupable(*old, schema));
  const Json* requested = managedFieldsOf(updated);
  if (old == nullptr && grouped &&
      !(requested != nullptr && requested->is_array() && !requested->empty() &&
        !(requested->size() == 1 && (*requested)[0] == Json::object()))) {
    // A create whose request brings no managedFields of its own: one entry owning every field,
    // its fieldsV1 tree built straight from the object.
    Json tree = Json::object();
    for (const auto& g : ownableGroups(updated, schema)) {
      Json* node = &tree;
      for (const auto& token : g.prefix) {
        node = &node->get_ref<Json::object_t&>().try_emplace(token, Json::object()).first->second;
      }
      collectTree(*groupValue(updated, g), g.schema, *node, static_cast<int>(g.prefix.size()));
    }
    std::vector<Entry> entries;
    entryFor(entries, req, "Update");
    Json& meta = updated["metadata"];
    if (!meta.is_object()) meta = Json::object();
    if (tree.empty()) {
      meta.erase("managedFields");
      return;
    }
    Json entry = std::move(entries.front().meta);
    entry["fieldsType"] = "FieldsV1";
    entry["fieldsV1"] = std::move(tree);
    meta["managedFields"] = Json::array({std::move(entry)});
    return;
  }
  FieldSet new_set;
  std::vector<FieldGroup> groups;
  if (grouped) {
    groups = ownableGroups(updated, schema);
    for (const auto& g : groups) collectGroup(*groupValue(updated, g), g, new_set);
    new_set = withoutSystemFields(std::move(new_set));
  } else {
    new_set = withoutSystemFields(fieldSetOf(withoutManagedFields(updated), schema));
  }
  // A request that changes managedFields itself is taken at its word (kubectl's client-side to
  // server-side apply migration patches them); "[{}]" resets them; otherwise the stored ones
  // carry over.
  const Json* stored = old ? managedFieldsOf(*old) : nullptr;
  std::vector<Entry> entries;
  if (requested != nullptr && requested->is_array() && requested->size() == 1 &&
      (*requested)[0] == Json::object()) {
    entries.clear();
  } else if (requested != nullptr && requested->is_array() && !requested->empty() &&
             (stored == nullptr || *requested != *stored)) {
    entries = entriesFrom(requested);
    writeEntries(updated, entries);
    return;
  } else {
    entries = entriesFrom(stored);
  }
  FieldSet changed;
  if (old == nullptr) {
    changed = new_set;
  } else if (grouped) {
    // No path in new_set runs through managedFields, so locating in the objects themselves finds
    // what locating in copies without it would.
    for (const auto& g : groups) {
      const Json* nv = groupValue(updated, g);
      const Json* ov = groupValue(*old, g);
      // An unchanged group: the old object has the same paths under it, with the same values.
      if (ov != nullptr && *ov == *nv) continue;
      FieldSet old_paths;
      if (ov != nullptr) collectGroup(*ov, g, old_paths);
      for (auto p = new_set.lower_bound(g.prefix);
           p != new_set.end() && p->size() >= g.prefix.size() &&
           std::equal(g.prefix.begin(), g.prefix.end(), p->begin());
           ++p) {
        const Json* n = locate(updated, *p, p->size());
        const Json* o = old_paths.count(*p) ? locate(*old, *p, p->size()) : nullptr;
        if (o == nullptr || n == nullptr || *o != *n) changed.insert(*p);
      }
    }
  } else {
    const Json new_clean = withoutManagedFields(updated);
    const Json old_clean = withoutManagedFields(*old);
    const FieldSet old_set = withoutSystemFields(fieldSetOf(old_clean, schema));
    for (const auto& p : new_set) {
      const Json* nv = locate(new_clean, p, p.size());
      const Json* ov = old_set.count(p) ? locate(old_clean, p, p.size()) : nullptr;
      if (ov == nullptr || nv == nullptr || *ov != *nv) changed.insert(p);
    }
  }
  if (old != nullptr) {
    // Fields that disappeared are no longer owned by anyone (those under members left out as
    // unchanged did not).
    auto leftOut = [&](const FieldPath& p) {
      if (p.empty() || p.front().size() < 2) return false;
      const std::string_view member = std::string_view(p.front()).substr(2);
      return std::any_of(unchanged_members.begin(), unchanged_members.end(),
                         [&](const std::string& m) { return member == m; });
    };
    for (auto& e : entries) {
      for (auto it = e.set.begin(); it != e.set.end();) {
        if (new_set.count(*it) || leftOut(*it)) {
          ++it;
        } else {
          it = e.set.erase(it);
          e.fields = nullptr;
        }
      }
    }
  }
  if (!changed.empty()) {
    for (auto& e : entries) {
      if (sameEntry(e, req.manager, "Update", req.subresource)) continue;
      for (const auto& p : changed) {
        if (e.set.erase(p) > 0) e.fields = nullptr;
      }
    }
    Entry& mine = entryFor(entries, req, "Update");
    mine.set.insert(changed.begin(), changed.end());
  }
  writeEntries(updated, entries);
}

}  // namespace flotilla::apimachinery
