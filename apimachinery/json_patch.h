// JSON Patch (RFC 6902): add, remove, replace, move, copy and test over nlohmann::json, with
// JSON Pointer (RFC 6901) escaping and the "-" array index.
//
// Codes follow kube-apiserver: a body that is not a list is InvalidArgument (400); more than
// kMaxJsonPatchOperations operations is TooLarge (413, "The allowed maximum operations in a JSON
// patch is 10000, got N"); every failing operation (unknown op, missing path, failed test, bad
// index) is Invalid (422) with a message naming the operation and path. The input is never
// modified: the patched copy is returned.
#pragma once

#include <cstddef>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

inline constexpr std::size_t kMaxJsonPatchOperations = 10000;

core::Result<nlohmann::json> applyJsonPatch(const nlohmann::json& document,
                                            const nlohmann::json& patch);

}  // namespace flotilla::apimachinery
