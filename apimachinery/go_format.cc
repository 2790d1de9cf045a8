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
