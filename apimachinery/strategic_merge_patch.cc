#include "apimachinery/strategic_merge_patch.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace flotilla::apimachinery {
namespace {

using core::Result;
using core::Status;
using nlohmann::json;

constexpr std::string_view kPatchDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";

Status bad(std::string msg) { return core::invalidArgument(std::move(msg)); }

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

const SchemaNode* childOf(const SchemaNode* node, const std::string& key) {
  if (!node) return nullptr;
  switch (node->kind()) {
    case NodeKind::Object:
      return node->field(key);
    case NodeKind::Map:
      return node->items();
    default:
      return nullptr;
  }
}

bool mergesList(const SchemaNode* node) {
  return node && node->kind() == NodeKind::Array &&
         node->patchStrategy().find("merge") != std::string_view::npos;
}

class Merger {
 public:
  Result<json> mergeMap(json original, const json& patch, const SchemaNode* schema);
  // `original` (nullptr when the key is absent) may be moved from.
  Result<json> mergeValue(json* original, const json& patch, const SchemaNode* schema);
  Result<json> mergeList(json original, const json& patch, const SchemaNode* schema);
};

// Merges one patch value into the original value (nullptr: key absent from the original).
Result<json> Merger::mergeValue(json* original, const json& patch, const SchemaNode* schema) {
  if (patch.is_object()) {
    if (original && original->is_object()) return mergeMap(std::move(*original), patch, schema);
    return mergeMap(json::object(), patch, schema);  // new or differently typed: patch wins
  }
  if (patch.is_array() && mergesList(schema)) {
    return mergeList(original && original->is_array() ? std::move(*original) : json::array(), patch,
                     schema);
  }
  if (patch.is_array()) {
    // Replaced wholesale; elements still lose their directives.
    json out = json::array();
    for (const json& item : patch) {
      if (item.is_object()) {
        if (auto it = item.find(kPatchDirective); it != item.end()) continue;
        auto merged = mergeMap(json::object(), item, schema ? schema->items() : nullptr);
        if (!merged) return merged.status();
        out.push_back(std::move(merged).value());
      } else {
        out.push_back(item);
      }
    }
    return out;
  }
  return patch;
}

Result<json> Merger::mergeMap(json original, const json& patch, const SchemaNode* schema) {
  if (auto it = patch.find(kPatchDirective); it != patch.end()) {
    if (!it->is_string()) return bad("invalid value for $patch directive: " + it->dump());
    const std::string& directive = it->get_ref<const std::string&>();
    if (directive == "delete") return json::object();
    if (directive == "replace") {
      json stripped = patch;
      stripped.erase(std::string(kPatchDirective));
      return mergeMap(json::object(), stripped, schema);
    }
    if (directive != "merge") return bad("Unknown patch type: " + directive);
  }
  if (!original.is_object()) original = json::object();

  if (auto it = patch.find(kRetainKeys); it != patch.end()) {
    if (!it->is_array()) return bad("invalid $retainKeys directive: must be a list");
    json kept = json::object();
    for (const json& key : *it) {
      if (!key.is_string()) return bad("invalid $retainKeys directive: keys must be strings");
      auto found = original.find(key.get<std::string>());
      if (found != original.end()) kept[key.get<std::string>()] = *found;
    }
    original = std::move(kept);
  }

  // Deletions from primitive lists run before the merge so "add x, remove y" is order-free.
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (!startsWith(it.key(), kDeleteFromPrimitiveList)) continue;
    if (!it->is_array()) return bad("invalid " + it.key() + " directive: must be a list");
    const std::string field = it.key().substr(kDeleteFromPrimitiveList.size());
    auto target = original.find(field);
    if (target == original.end() || !target->is_array()) continue;
    json kept = json::array();
    for (const json& item : *target) {
      bool drop = false;
      for (const json& victim : *it) drop = drop || victim == item;
      if (!drop) kept.push_back(item);
    }
    *target = std::move(kept);
  }

  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (!key.empty() && key[0] == '$') continue;  // directives handled above or dropped
    if (it->is_null()) {
      original.erase(key);
      continue;
    }
    const SchemaNode* child = childOf(schema, key);
    auto found = original.find(key);
    auto merged = mergeValue(found == original.end() ? nullptr : &*found, *it, child);
    if (!merged) return merged.status();
    original[key] = std::move(merged).value();
  }

  // $setElementOrder: listed elements first, in the given order; the rest keep their order.
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (!startsWith(it.key(), kSetElementOrder)) continue;
    if (!it->is_array()) return bad("invalid " + it.key() + " directive: must be a list");
    const std::string field = it.key().substr(kSetElementOrder.size());
    auto target = original.find(field);
    if (target == original.end() || !target->is_array()) continue;
    const SchemaNode* child = childOf(schema, field);
    const std::string key = child ? std::string(child->patchMergeKey()) : std::string();
    json ordered = json::array();
    std::vector<bool> used(target->size(), false);
    for (const json& want : *it) {
      for (size_t i = 0; i < target->size(); ++i) {
        if (used[i]) continue;
        const json& have = (*target)[i];
        bool match = false;
        if (!key.empty() && want.is_object() && have.is_object()) {
          match = want.contains(key) && have.contains(key) && want.at(key) == have.at(key);
        } else {
          match = want == have;
        }
        if (match) {
          used[i] = true;
          ordered.push_back(have);
          break;
        }
      }
    }
    for (size_t i = 0; i < target->size(); ++i) {
      if (!used[i]) ordered.push_back((*target)[i]);
    }
    *target = std::move(ordered);
  }
  return original;
}

Result<json> Merger::mergeList(json original, const json& patch, const SchemaNode* schema) {
  const SchemaNode* items = schema ? schema->items() : nullptr;
  const std::string merge_key(schema ? schema->patchMergeKey() : std::string_view());

  // A {"$patch": "replace"} element replaces the whole list with the remaining elements.
  for (const json& item : patch) {
    if (!item.is_object()) continue;
    auto d = item.find(kPatchDirective);
    if (d == item.end()) continue;
    if (*d == "replace") {
      json out = json::array();
      for (const json& other : patch) {
        if (other.is_object() && other.contains(kPatchDirective)) continue;
        auto merged = mergeValue(nullptr, other, items);
        if (!merged) return merged.status();
        out.push_back(std::move(merged).value());
      }
      return out;
    }
    if (*d != "delete" && *d != "merge") return bad("Unknown patch type: " + d->dump());
  }

  json result = std::move(original);
  for (const json& item : patch) {
    if (!item.is_object() || merge_key.empty()) {
      // Scalars (or keyless objects): set union, first occurrence wins.
      bool present = false;
      for (const json& have : result) present = present || have == item;
      if (!present) result.push_back(item);
      continue;
    }
    auto key_it = item.find(merge_key);
    if (key_it == item.end()) {
      return bad("map: " + item.dump() + " does not contain declared merge key: " + merge_key);
    }
    const bool is_delete = item.contains(kPatchDirective) && item.at(kPatchDirective) == "delete";
    bool matched = false;
    for (size_t i = 0; i < result.size(); ++i) {
      json& have = result[i];
      if (!have.is_object()) continue;
      auto have_key = have.find(merge_key);
      if (have_key == have.end() || *have_key != *key_it) continue;
      matched = true;
      if (is_delete) {
        result.erase(result.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        auto merged = mergeMap(std::move(have), item, items);
        if (!merged) return merged.status();
        have = std::move(merged).value();
      }
      break;
    }
    if (!matched && !is_delete) {
      auto merged = mergeMap(json::object(), item, items);
      if (!merged) return merged.status();
      result.push_back(std::move(merged).value());
    }
  }
  return result;
}

}  // namespace

Result<json> applyStrategicMergePatch(const json& original, const json& patch,
                                      const SchemaNode* schema) {
  if (!patch.is_object()) {
    return core::invalidArgument("strategic merge patch must be a JSON object, got " +
                                 std::string(patch.type_name()));
  }
  if (!original.is_null() && !original.is_object()) {
    return core::invalidArgument("strategic merge patch target must be a JSON object");
  }
  Merger merger;
  return merger.mergeMap(original.is_null() ? json::object() : original, patch, schema);
}

}  // namespace flotilla::apimachinery
