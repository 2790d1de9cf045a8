// JSON Patch (RFC 6902): add, remove, replace, move, copy and test over nlohmann::json, with
// JSON Pointer (RFC 6901) escaping and the "-" array index. A failing operation is reported as an
// Invalid status naming the operation, as kube-apiserver answers 422 for it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

inline constexpr std::size_t kMaxJsonPatchOperations = 10000;

core::Result<nlohmann::json> applyJsonPatch(const nlohmann::json& document,
                                            const nlohmann::json& patch);

}  // namespace flotilla::apimachinery
