// A fast nlohmann::json -> compact JSON text writer for the API server's hot paths (storing
// objects, responses, watch events). nlohmann's serializer escapes every string through a UTF-8
// decoder one byte at a time and writes through an output adapter; this one copies runs of bytes
// that need no escaping in one piece.
//
// The text is byte for byte what json.dump() writes (no indentation, non-ASCII kept as UTF-8,
// control characters as \u00XX); floating-point numbers are formatted by nlohmann itself. A string
// that is not valid UTF-8 makes it fall back to dump(), which throws type_error 316 as before.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

// Appends value.dump() to `out`.
void appendJson(std::string& out, const nlohmann::json& value);

// value.dump().
std::string dumpJson(const nlohmann::json& value);

// Appends Json(text).dump(): the quoted, escaped string.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace flotilla::apimachinery
