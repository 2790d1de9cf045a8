// JSON Merge Patch (RFC 7386): objects merge recursively, null deletes a key, everything else
// (arrays included) replaces. Also the inverse, createMergePatch, for clients that send minimal
// patches.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace flotilla::apimachinery {

nlohmann::json applyMergePatch(const nlohmann::json& target, const nlohmann::json& patch);
// The merge patch that turns `original` into `modified`.
nlohmann::json createMergePatch(const nlohmann::json& original, const nlohmann::json& modified);

}  // namespace flotilla::apimachinery
