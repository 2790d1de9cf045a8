// Go-style durations for flags and config files ("500ms", "10s", "1m30s", "1.5h", "0"): one
// parser for every command, so the same text means the same time everywhere.
#pragma once

#include <chrono>
#include <string_view>

#include "core/status.h"

namespace flotilla::core {

// Sums number+unit terms (units ms, s, m, h; fractions allowed); "0" alone is zero. Anything
// else — a bare number, an unknown unit, a negative or absurdly large value — is InvalidArgument
// naming the text.
Result<std::chrono::milliseconds> parseDuration(std::string_view text);

}  // namespace flotilla::core
