#include "apimachinery/merge_patch.h"

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

using Json = nlohmann::json;

Json applyMergePatch(const Json& target, const Json& patch) {
  if (!patch.is_object()) return patch;
  Json result = target.is_object() ? target : Json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      result.erase(key);
    } else {
      auto it = result.find(key);
      result[key] = applyMergePatch(it == result.end() ? Json() : *it, value);
    }
  }
  return result;
}

Json createMergePatch(const Json& original, const Json& modified) {
  if (!original.is_object() || !modified.is_object()) return modified;
  Json patch = Json::object();
  for (const auto& [key, value] : original.items()) {
    if (!modified.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : modified.items()) {
    auto it = original.find(key);
    if (it == original.end()) {
      patch[key] = value;
    } else if (*it != value) {
      patch[key] = (it->is_object() && value.is_object()) ? createMergePatch(*it, value) : value;
    }
  }
  return patch;
}

}  // namespace flotilla::apimachinery
