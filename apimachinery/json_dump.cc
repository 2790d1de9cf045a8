#include "apimachinery/json_dump.h"

#include "apimachinery/utf8.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

// Whether any of the 8 bytes of `w` needs a look: a control character, '"', '\\' or a byte of a
// multi-byte UTF-8 sequence (the usual bit tricks for "has a byte less than / equal to").
bool wordNeedsLook(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t control = (w - kOnes * 0x20) & ~w;
  const uint64_t has_zero_quote = (quote - kOnes) & ~quote;
  const uint64_t has_zero_backslash = (backslash - kOnes) & ~backslash;
  return ((control | has_zero_quote | has_zero_backslash) & kHigh) != 0 || (w & kHigh) != 0;
}

// Appends the quoted, escaped string; false when it is not valid UTF-8.
bool appendString(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < s.size()) {
    // Plain ASCII (most of any object) is skipped eight bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, sizeof w);
      if (wordNeedsLook(w)) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8SequenceLength(s, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
  return true;
}

template <class T>
void appendInteger(std::string& out, T v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// nlohmann's own serializer for what this writer does not format itself (floating point, binary,
// discarded values).
void appendWithNlohmann(std::string& out, const Json& value) {
  nlohmann::detail::serializer<Json> writer(nlohmann::detail::output_adapter<char>(out), ' ');
  writer.dump(value, false, false, 0);
}

bool append(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      const auto& members = value.get_ref<const Json::object_t&>();
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out.push_back(',');
        first = false;
        if (!appendString(out, key)) return false;
        out.push_back(':');
        if (!append(out, member)) return false;
      }
      out.push_back('}');
      return true;
    }
    case Json::value_t::array: {
      const auto& items = value.get_ref<const Json::array_t&>();
      out.push_back('[');
      bool first = true;
      for (const auto& item : items) {
        if (!first) out.push_back(',');
        first = false;
        if (!append(out, item)) return false;
      }
      out.push_back(']');
      return true;
    }
    case Json::value_t::string:
      return appendString(out, value.get_ref<const std::string&>());
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return true;
    case Json::value_t::number_integer:
      appendInteger(out, value.get<Json::number_integer_t>());
      return true;
    case Json::value_t::number_unsigned:
      appendInteger(out, value.get<Json::number_unsigned_t>());
      return true;
    case Json::value_t::null:
      out += "null";
      return true;
    default:
      appendWithNlohmann(out, value);
      return true;
  }
}

}  // namespace

void appendJson(std::string& out, const nlohmann::json& value) {
  const std::size_t start = out.size();
  if (append(out, value)) return;
  // Invalid UTF-8 somewhere: nlohmann's dump() reports it (type_error 316).
  out.resize(start);
  out += value.dump();
}

void appendJsonString(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  if (appendString(out, text)) return;
  out.resize(start);
  out += Json(std::string(text)).dump();
}

std::string dumpJson(const nlohmann::json& value) {
  std::string out;
  appendJson(out, value);
  return out;
}

}  // namespace flotilla::apimachinery
