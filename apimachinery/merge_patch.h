// JSON Merge Patch (RFC 7386): objects merge recursively, null deletes a key, everything else
// (arrays included) replaces. Also the inverse, createMergePatch, for clients that send minimal
// patches. Both are total: beyond kMaxMergeDepth levels of nesting the patch value replaces the
// target wholesale instead of recursing further, so hostile input cannot exhaust the stack.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace flotilla::apimachinery {

inline constexpr int kMaxMergeDepth = 1000;

nlohmann::json applyMergePatch(const nlohmann::json& target, const nlohmann::json& patch);
// The merge patch that turns `original` into `modified` (applyMergePatch(original, result) ==
// modified, except that nulls inside `modified` cannot be expressed, as in RFC 7386).
nlohmann::json createMergePatch(const nlohmann::json& original, const nlohmann::json& modified);

}  // namespace flotilla::apimachinery
