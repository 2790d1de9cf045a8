// UTF-8 helpers shared by the fast JSON parser, the JSON writer and the client's scanner, so the
// well-formedness table (RFC 3629, the one nlohmann's lexer checks) lives in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flotilla::apimachinery {

// The length (2-4) of the well-formed multi-byte UTF-8 sequence starting at s[i], or 0 when the
// bytes there are not one (ASCII is the caller's fast path and also gives 0).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i);

// Appends code point `cp` (at most U+10FFFF) encoded as UTF-8.
void appendUtf8(std::string& out, uint32_t cp);

}  // namespace flotilla::apimachinery
