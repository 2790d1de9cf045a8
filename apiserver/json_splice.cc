#include "apiserver/json_splice.h"

#include <cstring>

namespace flotilla::apiserver {

namespace {

void skipSpace(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
}

// i at the opening quote; leaves i after the closing quote.
bool skipString(std::string_view s, std::size_t& i) {
  ++i;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, '"', s.size() - i);
    if (hit == nullptr) return false;
    std::size_t q = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
    // Count the backslashes before the quote: an odd number escapes it.
    std::size_t b = q;
    while (b > i && s[b - 1] == '\\') --b;
    i = q + 1;
    if ((q - b) % 2 == 0) return true;
  }
  return false;
}

bool skipValue(std::string_view s, std::size_t& i) {
  skipSpace(s, i);
  if (i >= s.size()) return false;
  const char c = s[i];
  if (c == '"') return skipString(s, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char d = s[i];
      if (d == '"') {
        if (!skipString(s, i)) return false;
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        --depth;
        if (depth == 0) {
          ++i;
          return true;
        }
      }
      ++i;
    }
    return false;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  return true;
}

}  // namespace

std::optional<std::string_view> topLevelMember(std::string_view s, std::string_view wanted) {
  std::size_t i = 0;
  skipSpace(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  skipSpace(s, i);
  if (i < s.size() && s[i] == '}') return std::nullopt;
  while (true) {
    skipSpace(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    const std::size_t key_start = i;
    if (!skipString(s, i)) return std::nullopt;
    const std::string_view key = s.substr(key_start + 1, i - key_start - 2);
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    skipSpace(s, i);
    const std::size_t value_start = i;
    if (!skipValue(s, i)) return std::nullopt;
    if (key == wanted) return s.substr(value_start, i - value_start);
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ',') return std::nullopt;
    ++i;
  }
}

std::optional<std::vector<MemberText>> topLevelMembers(std::string_view s) {
  std::vector<MemberText> out;
  std::size_t i = 0;
  skipSpace(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  skipSpace(s, i);
  if (i < s.size() && s[i] == '}') {
    ++i;
    skipSpace(s, i);
    if (i != s.size()) return std::nullopt;
    return out;
  }
  while (true) {
    skipSpace(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    const std::size_t key_start = i;
    if (!skipString(s, i)) return std::nullopt;
    const std::string_view key = s.substr(key_start + 1, i - key_start - 2);
    if (key.find('\\') != std::string_view::npos) return std::nullopt;
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    skipSpace(s, i);
    const std::size_t value_start = i;
    if (!skipValue(s, i)) return std::nullopt;
    std::size_t value_end = i;
    while (value_end > value_start && (s[value_end - 1] == ' ' || s[value_end - 1] == '\n' ||
                                       s[value_end - 1] == '\t' || s[value_end - 1] == '\r')) {
      --value_end;
    }
    if (value_end == value_start) return std::nullopt;
    out.push_back({key, s.substr(value_start, value_end - value_start)});
    skipSpace(s, i);
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '}') {
      ++i;
      skipSpace(s, i);
      if (i != s.size()) return std::nullopt;
      return out;
    }
    if (s[i] != ',') return std::nullopt;
    ++i;
  }
}

std::optional<std::string> withoutTopLevelMember(std::string_view s, std::string_view wanted) {
  std::size_t i = 0;
  skipSpace(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  skipSpace(s, i);
  if (i < s.size() && s[i] == '}') return std::nullopt;
  std::size_t previous_comma = std::string_view::npos;
  while (true) {
    skipSpace(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    const std::size_t key_start = i;
    if (!skipString(s, i)) return std::nullopt;
    const std::string_view key = s.substr(key_start + 1, i - key_start - 2);
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    if (!skipValue(s, i)) return std::nullopt;
    skipSpace(s, i);
    if (i >= s.size()) return std::nullopt;
    const bool more = s[i] == ',';
    if (!more && s[i] != '}') return std::nullopt;
    if (key == wanted) {
      // Drop the member with the comma after it, or (last member) the comma before it.
      std::size_t from = key_start;
      std::size_t to = i;
      if (more) {
        to = i + 1;
      } else if (previous_comma != std::string_view::npos) {
        from = previous_comma;
      }
      std::string out;
      out.reserve(s.size() - (to - from));
      out.append(s.substr(0, from));
      out.append(s.substr(to));
      return out;
    }
    if (!more) return std::nullopt;
    previous_comma = i;
    ++i;
  }
}

namespace {

// metadataWithoutManagedFields in one pass: the metadata object's members are walked where they
// stand instead of skipping the whole object to find its end first (managedFields, most of it,
// was skipped twice). nullopt when anything is unusual; the caller then takes the two-step path.
std::optional<std::string> metadataWithoutManagedFieldsOnePass(std::string_view s) {
  std::size_t i = 0;
  skipSpace(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  // The top-level members before metadata (apiVersion, kind in stored objects).
  while (true) {
    skipSpace(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    const std::size_t key_start = i;
    if (!skipString(s, i)) return std::nullopt;
    const std::string_view key = s.substr(key_start + 1, i - key_start - 2);
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    skipSpace(s, i);
    if (key == "metadata") break;
    if (!skipValue(s, i)) return std::nullopt;
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ',') return std::nullopt;
    ++i;
  }
  const std::size_t start = i;
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  skipSpace(s, i);
  if (i < s.size() && s[i] == '}') return std::nullopt;  // "{}": the two-step path keeps it
  std::size_t from = std::string_view::npos;
  std::size_t to = std::string_view::npos;
  std::size_t previous_comma = std::string_view::npos;
  while (true) {
    skipSpace(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    const std::size_t key_start = i;
    if (!skipString(s, i)) return std::nullopt;
    const std::string_view key = s.substr(key_start + 1, i - key_start - 2);
    skipSpace(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    if (!skipValue(s, i)) return std::nullopt;
    skipSpace(s, i);
    if (i >= s.size()) return std::nullopt;
    const bool more = s[i] == ',';
    if (!more && s[i] != '}') return std::nullopt;
    if (key == "managedFields" && from == std::string_view::npos) {
      // The member with the comma after it, or (last member) the comma before it.
      from = key_start;
      to = i;
      if (more) {
        to = i + 1;
      } else if (previous_comma != std::string_view::npos) {
        from = previous_comma;
      }
    }
    if (!more) break;
    previous_comma = i;
    ++i;
  }
  const std::size_t end = i + 1;  // after the metadata object's closing brace
  if (from == std::string_view::npos) return std::string(s.substr(start, end - start));
  std::string out;
  out.reserve(end - start - (to - from));
  out.append(s.substr(start, from - start));
  out.append(s.substr(to, end - to));
  return out;
}

}  // namespace

std::optional<std::string> metadataWithoutManagedFields(std::string_view stored) {
  if (auto out = metadataWithoutManagedFieldsOnePass(stored)) return out;
  const auto metadata = topLevelMember(stored, "metadata");
  if (!metadata || metadata->empty() || metadata->front() != '{') return std::nullopt;
  if (auto trimmed = withoutTopLevelMember(*metadata, "managedFields")) return trimmed;
  return std::string(*metadata);
}

std::optional<std::string> spliceResourceVersion(std::string_view s, int64_t revision) {
  const auto metadata = topLevelMember(s, "metadata");
  if (!metadata || metadata->empty() || metadata->front() != '{') return std::nullopt;
  const std::size_t after = static_cast<std::size_t>(metadata->data() - s.data()) + 1;
  std::size_t peek = after;
  skipSpace(s, peek);
  const bool empty = peek < s.size() && s[peek] == '}';
  const std::string field = "\"resourceVersion\":\"" + std::to_string(revision) + "\"";
  std::string out;
  out.reserve(s.size() + field.size() + 1);
  out.append(s.substr(0, after));
  out.append(field);
  if (!empty) out.push_back(',');
  out.append(s.substr(after));
  return out;
}

}  // namespace flotilla::apiserver
