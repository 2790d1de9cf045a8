#include "apimachinery/go_format.h"

#include <cstdio>

namespace flotilla::apimachinery {
namespace {

// Appends the fraction digits of v (with `prec` digits) without trailing zeros, Go-style: nothing
// at all when the fraction is zero. Returns v / 10^prec.
uint64_t appendFrac(std::string* out, uint64_t v, int prec) {
  char digits[20];
  bool print = false;
  int n = 0;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits[n++] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) {
    out->push_back('.');
    while (n > 0) out->push_back(digits[--n]);
  }
  return v;
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian).
void civilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2 ? 1 : 0);
}

}  // namespace

std::string formatGoDuration(int64_t nanos) {
  if (nanos == 0) return "0s";
  const bool neg = nanos < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(nanos) : static_cast<uint64_t>(nanos);
  std::string out;
  if (neg) out.push_back('-');
  if (u < 1'000'000'000ULL) {
    int prec = 0;
    const char* unit = "ns";
    if (u >= 1'000'000ULL) {
      prec = 6;
      unit = "ms";
    } else if (u >= 1'000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";  // µs, U+00B5 as Go writes it
    }
    std::string frac;
    uint64_t whole = appendFrac(&frac, u, prec);
    out += std::to_string(whole) + frac + unit;
    return out;
  }
  std::string frac;
  uint64_t secs = appendFrac(&frac, u, 9);
  const uint64_t h = secs / 3600;
  const uint64_t m = (secs / 60) % 60;
  const uint64_t s = secs % 60;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += std::to_string(s) + frac + "s";
  return out;
}

core::Result<std::string> formatGoTime(int64_t unix_seconds, int64_t nanos, bool micro) {
  // Normalise nanos into [0, 1e9) like time.Unix does.
  if (nanos < 0 || nanos >= 1'000'000'000) {
    int64_t carry = nanos / 1'000'000'000;
    nanos -= carry * 1'000'000'000;
    if (nanos < 0) {
      nanos += 1'000'000'000;
      --carry;
    }
    if ((carry > 0 && unix_seconds > INT64_MAX - carry) ||
        (carry < 0 && unix_seconds < INT64_MIN - carry)) {
      return core::invalidArgument("time out of range");
    }
    unix_seconds += carry;
  }
  // Keep the day arithmetic far from overflow; anything this large is outside [0, 9999] anyway.
  constexpr int64_t kLimit = 400'000'000'000LL;
  if (unix_seconds > kLimit || unix_seconds < -kLimit) {
    return core::invalidArgument("Time.MarshalJSON: year outside of range [0,9999]");
  }
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  civilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    return core::invalidArgument("Time.MarshalJSON: year outside of range [0,9999]");
  }
  char buf[48];
  const int hh = static_cast<int>(rem / 3600), mm = static_cast<int>(rem / 60 % 60),
            ss = static_cast<int>(rem % 60);
  if (micro) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", static_cast<int>(year),
                  month, day, hh, mm, ss, static_cast<int>(nanos / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(year), month,
                  day, hh, mm, ss);
  }
  return std::string(buf);
}

std::string base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t validSequence(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}
}  // namespace

std::string sanitizeUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t n = validSequence(text, i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return std::string(text);
  std::string out(text.substr(0, i));
  while (i < text.size()) {
    size_t n = validSequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

core::Result<int64_t> parseGoDuration(std::string_view text) {
  const auto invalid = [&] {
    return core::invalidArgument("time: invalid duration \"" + std::string(text) + "\"");
  };
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  struct Unit {
    std::string_view name;
    uint64_t nanos;
  };
  static constexpr Unit kUnits[] = {
      {"ns", 1},         {"us", 1'000},        {"\xC2\xB5s", 1'000},  {"\xCE\xBCs", 1'000},
      {"ms", 1'000'000}, {"s", 1'000'000'000}, {"m", 60'000'000'000}, {"h", 3'600'000'000'000}};
  // Go allows exactly 1<<63 for "-9223372036854775808ns"; everything is accumulated unsigned.
  const uint64_t limit = neg ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  uint64_t total = 0;
  while (!s.empty()) {
    uint64_t whole = 0, frac = 0, scale = 1;
    size_t i = 0, digits = 0;
    for (; i < s.size() && isDigit(s[i]); ++i, ++digits) {
      if (whole > (limit - (s[i] - '0')) / 10) return invalid();
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && isDigit(s[i]); ++i, ++digits) {
        if (scale > uint64_t{1} << 59) continue;  // further digits cannot matter
        frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
        scale *= 10;
      }
    }
    if (digits == 0) return invalid();
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {  // "ms" is listed before "m" and "s"
      if (s.substr(0, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (!unit) return invalid();
    s.remove_prefix(unit->name.size());
    if (whole > limit / unit->nanos) return invalid();
    uint64_t v = whole * unit->nanos;
    v += static_cast<uint64_t>(static_cast<long double>(frac) * unit->nanos / scale);
    if (v > limit || total > limit - v) return invalid();
    total += v;
  }
  return neg ? static_cast<int64_t>(0 - total) : static_cast<int64_t>(total);
}

core::Result<GoTime> parseGoTime(std::string_view t) {
  const auto invalid = [&] {
    return core::invalidArgument("parsing time \"" + std::string(t) +
                                 "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"" +
                                 std::string(t) + "\" as RFC 3339");
  };
  auto num = [&](size_t at, size_t n, int* out) {
    if (at + n > t.size()) return false;
    int v = 0;
    for (size_t k = at; k < at + n; ++k) {
      if (!isDigit(t[k])) return false;
      v = v * 10 + (t[k] - '0');
    }
    *out = v;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!num(0, 4, &year) || t.size() < 20 || t[4] != '-' || !num(5, 2, &month) || t[7] != '-' ||
      !num(8, 2, &day) || (t[10] != 'T' && t[10] != 't') || !num(11, 2, &hour) || t[13] != ':' ||
      !num(14, 2, &minute) || t[16] != ':' || !num(17, 2, &second)) {
    return invalid();
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 59) {
    return invalid();
  }
  size_t i = 19;
  int64_t nanos = 0;
  if (t[i] == '.' || t[i] == ',') {
    ++i;
    size_t start = i;
    int64_t scale = 100'000'000;
    for (; i < t.size() && isDigit(t[i]); ++i) {
      nanos += (t[i] - '0') * scale;
      scale /= 10;
    }
    if (i == start) return invalid();
  }
  int64_t offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    if (i + 1 != t.size()) return invalid();
  } else {
    int oh, om;
    if (i + 6 != t.size() || (t[i] != '+' && t[i] != '-') || !num(i + 1, 2, &oh) ||
        t[i + 3] != ':' || !num(i + 4, 2, &om) || oh > 23 || om > 59) {
      return invalid();
    }
    offset = (oh * 3600 + om * 60) * (t[i] == '+' ? 1 : -1);
  }
  GoTime out;
  out.seconds =
      daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset;
  out.nanos = nanos;
  return out;
}

core::Result<std::string> base64Decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (isDigit(c)) return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  const auto illegal = [](size_t at) {
    return core::invalidArgument("illegal base64 data at input byte " + std::to_string(at));
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int have = 0;  // sextets in the current quantum
  int padding = 0;
  size_t last = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') continue;
    last = i;
    if (c == '=') {
      if (have < 2 || padding + have >= 4) return illegal(i);
      ++padding;
      if (have + padding == 4) {
        const uint32_t full = acc << (6 * padding);  // the quantum as 24 bits
        out.push_back(static_cast<char>(full >> 16 & 0xFF));
        if (have == 3) out.push_back(static_cast<char>(full >> 8 & 0xFF));
        have = 0;
      }
      continue;
    }
    if (padding > 0) return illegal(i);
    const int v = value(c);
    if (v < 0) return illegal(i);
    acc = (have == 0 ? 0 : acc << 6) | static_cast<uint32_t>(v);
    if (++have == 4) {
      out.push_back(static_cast<char>(acc >> 16 & 0xFF));
      out.push_back(static_cast<char>(acc >> 8 & 0xFF));
      out.push_back(static_cast<char>(acc & 0xFF));
      have = 0;
    }
  }
  if (have != 0) return illegal(last);
  return out;
}

}  // namespace flotilla::apimachinery
