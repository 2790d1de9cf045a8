#include "apimachinery/json_parse.h"

#include "apimachinery/utf8.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Recursive descent over the text; every method returns false for input it leaves to nlohmann.
class Parser {
 public:
  explicit Parser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool document(Json& out) {
    if (end_ - p_ >= 3 && static_cast<unsigned char>(p_[0]) == 0xEF &&
        static_cast<unsigned char>(p_[1]) == 0xBB && static_cast<unsigned char>(p_[2]) == 0xBF) {
      p_ += 3;
    }
    skipSpace();
    if (!value(out, 0)) return false;
    skipSpace();
    return p_ == end_;
  }

 private:
  void skipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool value(Json& out, std::size_t depth) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        if (!literal("true")) return false;
        out = true;
        return true;
      case 'f':
        if (!literal("false")) return false;
        out = false;
        return true;
      case 'n':
        if (!literal("null")) return false;
        out = nullptr;
        return true;
      default:
        return number(out);
    }
  }

  bool object(Json& out, std::size_t depth) {
    if (depth > kMaxJsonDepth) return false;
    ++p_;  // '{'
    out = Json::object();
    auto& members = out.get_ref<Json::object_t&>();
    skipSpace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    while (true) {
      if (p_ >= end_ || *p_ != '"') return false;
      std::string key;
      if (!string(key)) return false;
      skipSpace();
      if (p_ >= end_ || *p_ != ':') return false;
      ++p_;
      skipSpace();
      // Members usually come in key order (stored objects always do): append without a search.
      // Otherwise insert, or overwrite a duplicate (the last one wins, as in nlohmann).
      Json* slot;
      if (members.empty() || members.rbegin()->first < key) {
        slot = &members.emplace_hint(members.end(), std::move(key), nullptr)->second;
      } else {
        slot = &members[std::move(key)];
        *slot = nullptr;
      }
      if (!value(*slot, depth)) return false;
      skipSpace();
      if (p_ >= end_) return false;
      if (*p_ == ',') {
        ++p_;
        skipSpace();
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      return true;
    }
  }

  bool array(Json& out, std::size_t depth) {
    if (depth > kMaxJsonDepth) return false;
    ++p_;  // '['
    out = Json::array();
    auto& items = out.get_ref<Json::array_t&>();
    skipSpace();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    while (true) {
      items.emplace_back();
      if (!value(items.back(), depth)) return false;
      skipSpace();
      if (p_ >= end_) return false;
      if (*p_ == ',') {
        ++p_;
        skipSpace();
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      return true;
    }
  }

  bool hex4(uint32_t& out) {
    if (end_ - p_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = hexDigit(p_[i]);
      if (d < 0) return false;
      out = out * 16 + static_cast<uint32_t>(d);
    }
    p_ += 4;
    return true;
  }

  bool string(std::string& out) {
    ++p_;  // '"'
    const char* start = p_;
    // Most strings are plain ASCII without escapes: copy them in one piece.
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.assign(start, p_);
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p_;
    }
    out.assign(start, p_);
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        const std::size_t n =
            utf8SequenceLength(std::string_view(p_, static_cast<std::size_t>(end_ - p_)), 0);
        if (n == 0) return false;
        out.append(p_, n);
        p_ += n;
        continue;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      ++p_;
      if (p_ >= end_) return false;
      const char e = *p_++;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          appendUtf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool number(Json& out) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && isDigit(*p_)) ++p_;
    } else {
      return false;
    }
    bool is_float = false;
    if (p_ < end_ && *p_ == '.') {
      is_float = true;
      ++p_;
      if (p_ >= end_ || !isDigit(*p_)) return false;
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      is_float = true;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !isDigit(*p_)) return false;
      while (p_ < end_ && isDigit(*p_)) ++p_;
    }
    if (!is_float) {
      // nlohmann: non-negative integers are unsigned, negative ones signed; out of range, a double.
      if (negative) {
        Json::number_integer_t v = 0;
        const auto r = std::from_chars(start, p_, v);
        if (r.ec == std::errc() && r.ptr == p_) {
          out = v;
          return true;
        }
      } else {
        Json::number_unsigned_t v = 0;
        const auto r = std::from_chars(start, p_, v);
        if (r.ec == std::errc() && r.ptr == p_) {
          out = v;
          return true;
        }
      }
    }
    // Overflow and underflow (which nlohmann accepts as 0 or a denormal) go to nlohmann.
    double d = 0;
    const auto r = std::from_chars(start, p_, d);
    if (r.ec != std::errc() || r.ptr != p_ || !std::isfinite(d)) return false;
    out = d;
    return true;
  }

  const char* p_;
  const char* const end_;
};

}  // namespace

std::optional<nlohmann::json> parseJsonFast(std::string_view text) {
  Json out;
  Parser parser(text);
  if (!parser.document(out)) return std::nullopt;
  return out;
}

nlohmann::json parseJsonOrDiscarded(std::string_view text) {
  if (auto fast = parseJsonFast(text)) return std::move(*fast);
  return Json::parse(text.begin(), text.end(), nullptr, false);
}

nlohmann::json parseJsonOrThrow(std::string_view text) {
  if (auto fast = parseJsonFast(text)) return std::move(*fast);
  return Json::parse(text.begin(), text.end());
}

}  // namespace flotilla::apimachinery
