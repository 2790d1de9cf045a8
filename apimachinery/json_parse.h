// A fast JSON text -> nlohmann::json parser for the API server's hot paths: request bodies,
// stored objects, watch filters. nlohmann's own parser lexes one character at a time through an
// input adapter and builds every string and number token in a buffer before converting it; this
// one scans strings and numbers in place and appends object members at the end of the map when
// keys come sorted (stored objects always are), several times faster on Kubernetes objects.
//
// The result is exactly what nlohmann::json::parse returns for the same text: unsigned integers
// for non-negative integer literals, signed ones for negative, doubles otherwise (and for integers
// out of range), the last of duplicate keys, a leading UTF-8 byte-order mark skipped. Whatever it
// does not accept (invalid JSON, invalid UTF-8 or control characters in strings, lone surrogate
// escapes, numbers that overflow a double, nesting deeper than kMaxJsonDepth) it leaves to
// nlohmann, so the errors and their messages stay nlohmann's.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

// Deeper documents go to nlohmann's parser, which needs no recursion.
constexpr std::size_t kMaxJsonDepth = 256;

// The parsed value, or nullopt when the fast parser does not accept `text` (see above).
std::optional<nlohmann::json> parseJsonFast(std::string_view text);

// parseJsonFast, falling back to nlohmann::json::parse(text, nullptr, false): a discarded value
// (is_discarded()) when the text is not valid JSON.
nlohmann::json parseJsonOrDiscarded(std::string_view text);

// parseJsonFast, falling back to nlohmann::json::parse(text), which throws parse_error (with
// nlohmann's message) when the text is not valid JSON.
nlohmann::json parseJsonOrThrow(std::string_view text);

}  // namespace flotilla::apimachinery
