#include "apimachinery/merge_patch.h"

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

// RFC 7386 drops nulls from a patch value that is added where nothing existed.
Json withoutNulls(const Json& v, int depth) {
  if (!v.is_object() || depth > kMaxMergeDepth) return v;
  Json out = Json::object();
  for (const auto& [k, x] : v.items()) {
    if (!x.is_null()) out[k] = withoutNulls(x, depth + 1);
  }
  return out;
}

// Merges in place so that each level is visited once (no copy of the target per level).
void apply(Json& target, const Json& patch, int depth) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (depth > kMaxMergeDepth) {
    target = withoutNulls(patch, depth);
    return;
  }
  if (!target.is_object()) target = Json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
      continue;
    }
    auto it = target.find(key);
    if (it == target.end()) {
      target[key] = withoutNulls(value, depth + 1);
    } else {
      apply(*it, value, depth + 1);
    }
  }
}

Json create(const Json& original, const Json& modified, int depth) {
  if (!original.is_object() || !modified.is_object() || depth > kMaxMergeDepth) return modified;
  Json patch = Json::object();
  for (const auto& [key, value] : original.items()) {
    if (!modified.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : modified.items()) {
    auto it = original.find(key);
    if (it == original.end()) {
      patch[key] = value;
    } else if (*it != value) {
      patch[key] = (it->is_object() && value.is_object()) ? create(*it, value, depth + 1) : value;
    }
  }
  return patch;
}

}  // namespace

Json applyMergePatch(const Json& target, const Json& patch) {
  Json result = target;
  apply(result, patch, 0);
  return result;
}

Json createMergePatch(const Json& original, const Json& modified) {
  return create(original, modified, 0);
}

}  // namespace flotilla::apimachinery
