#include "core/duration.h"

#include <cctype>
#include <charconv>
#include <string>

namespace flotilla::core {

Result<std::chrono::milliseconds> parseDuration(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return invalidArgument("invalid duration \"" + std::string(text) + "\": " + why);
  };
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return bad("empty");
  double total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value,
                                           std::chars_format::fixed);
    if (ec != std::errc() || end == text.data() + i || value < 0) {
      return bad("expected a number at offset " + std::to_string(i));
    }
    i = static_cast<std::size_t>(end - text.data());
    const std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit == "ms") {
      total_ms += value;
    } else if (unit == "s") {
      total_ms += value * 1e3;
    } else if (unit == "m") {
      total_ms += value * 60e3;
    } else if (unit == "h") {
      total_ms += value * 3600e3;
    } else {
      return bad(unit.empty() ? "missing unit (ms, s, m, h)" : "unknown unit (ms, s, m, h)");
    }
  }
  // A year is plenty for any timeout or period and keeps the conversion below exact.
  if (total_ms > 365.0 * 24 * 3600e3) return bad("longer than a year");
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

}  // namespace flotilla::core
