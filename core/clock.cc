#include "core/clock.h"

#include <chrono>
#include <string>

namespace flotilla::core {

namespace {

// Civil-date arithmetic with <chrono> calendar types instead of gmtime_r/timegm: those take
// glibc's timezone lock on every call, and timestamps are formatted and parsed for every object
// a controller or the API server touches.
using Days = std::chrono::sys_days;

void put2(char* at, unsigned v) {
  at[0] = static_cast<char>('0' + v / 10);
  at[1] = static_cast<char>('0' + v % 10);
}

// Writes "YYYY-MM-DDTHH:MM:SS" (19 bytes) for a whole-second UTC time.
void putDateTime(char* out, std::chrono::sys_seconds secs) {
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{secs - day};
  const int year = static_cast<int>(ymd.year());
  const unsigned y = static_cast<unsigned>(year < 0 ? 0 : year > 9999 ? 9999 : year);
  put2(out, y / 100);
  put2(out + 2, y % 100);
  out[4] = '-';
  put2(out + 5, static_cast<unsigned>(ymd.month()));
  out[7] = '-';
  put2(out + 8, static_cast<unsigned>(ymd.day()));
  out[10] = 'T';
  put2(out + 11, static_cast<unsigned>(hms.hours().count()));
  out[13] = ':';
  put2(out + 14, static_cast<unsigned>(hms.minutes().count()));
  out[16] = ':';
  put2(out + 17, static_cast<unsigned>(hms.seconds().count()));
}

// Reads exactly `width` decimal digits at text[pos]; false when any is not a digit.
bool digits(const std::string& text, std::size_t pos, int width, int* out) {
  if (pos + static_cast<std::size_t>(width) > text.size()) return false;
  int v = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string formatRfc3339(std::chrono::system_clock::time_point t) {
  std::string out(20, 'Z');
  putDateTime(out.data(), std::chrono::floor<std::chrono::seconds>(t));
  return out;
}

std::string formatRfc3339Micro(std::chrono::system_clock::time_point t) {
  const auto us = std::chrono::floor<std::chrono::microseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(us);
  auto frac = static_cast<unsigned long>((us - secs).count());
  std::string out(27, 'Z');
  putDateTime(out.data(), secs);
  out[19] = '.';
  for (int i = 25; i >= 20; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  return out;
}

bool parseRfc3339(const std::string& text, std::chrono::system_clock::time_point* out) {
  // RFC 3339 fixes every field's width: YYYY-MM-DDTHH:MM:SS, then an optional fraction, then
  // Z or +HH:MM/-HH:MM. The date separator 'T' may be lower case, as the RFC allows.
  int y, mo, d, h, mi, s;
  if (!digits(text, 0, 4, &y) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2, &mo) ||
      text[7] != '-' || !digits(text, 8, 2, &d) || (text[10] != 'T' && text[10] != 't') ||
      !digits(text, 11, 2, &h) || text[13] != ':' || !digits(text, 14, 2, &mi) ||
      text[16] != ':' || !digits(text, 17, 2, &s)) {
    return false;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  // A leap second (60) is accepted and, as in Go's parser and timegm, rolls into the next minute.
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return false;
  std::size_t pos = 19;
  long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    long scale = 100000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return false;
  }
  long offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (oh * 3600L + om * 60L) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != text.size()) return false;
  const auto secs = Days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                    std::chrono::seconds{s} - std::chrono::seconds{offset};
  *out = std::chrono::system_clock::time_point{secs} + std::chrono::microseconds(micros);
  return true;
}

}  // namespace flotilla::core
