#include "member/cron_schedule.h"

#include <cctype>
#include <ctime>
#include <sstream>
#include <vector>

namespace flotilla::member {
namespace {

const char* const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<int> parseValue(std::string text, int names_base, const char* const* names,
                              int name_count) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < name_count; ++i) {
    if (text == names[i]) return names_base + i;
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
  if (text.size() > 4) return {};
  return std::stoi(text);
}

// Parses one field ("*/5", "1-5", "mon,wed", "0-30/10") into bits [lo, hi].
template <size_t N>
core::Status parseField(const std::string& text, int lo, int hi, const char* name,
                        const char* const* names, int name_count, int names_base,
                        std::bitset<N>& bits, bool* restricted) {
  auto bad = [&] {
    return core::invalidArgument("invalid cron " + std::string(name) + " field \"" + text + "\"");
  };
  *restricted = !(text == "*" || text == "?");
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    int step = 1;
    auto slash = part.find('/');
    std::string range = part.substr(0, slash);
    if (slash != std::string::npos) {
      auto s = parseValue(part.substr(slash + 1), 0, nullptr, 0);
      if (!s || *s <= 0) return bad();
      step = *s;
    }
    int from = lo, to = hi;
    if (range != "*" && range != "?") {
      auto dash = range.find('-');
      auto a = parseValue(range.substr(0, dash), names_base, names, name_count);
      if (!a) return bad();
      from = *a;
      to = *a;
      if (dash != std::string::npos) {
        auto b = parseValue(range.substr(dash + 1), names_base, names, name_count);
        if (!b) return bad();
        to = *b;
      } else if (slash != std::string::npos) {
        to = hi;  // "5/15" means from 5 to the end every 15
      }
    }
    // Sunday may be written 7 ("7" alone, or the end of a range such as "5-7").
    if (N == 7 && from == 7 && to == 7) {
      from = 0;
      to = 0;
    } else if (N == 7 && to == 7) {
      to = 6;
      bits.set(0);
    }
    if (from < lo || to > hi || from > to) return bad();
    for (int v = from; v <= to; v += step) bits.set(static_cast<size_t>(v));
  }
  return core::Status::ok();
}

}  // namespace

core::Result<CronSchedule> CronSchedule::parse(const std::string& input) {
  std::string text = input;
  if (text == "@yearly" || text == "@annually") text = "0 0 1 1 *";
  if (text == "@monthly") text = "0 0 1 * *";
  if (text == "@weekly") text = "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") text = "0 0 * * *";
  if (text == "@hourly") text = "0 * * * *";
  std::vector<std::string> fields;
  std::stringstream ss(text);
  std::string f;
  while (ss >> f) fields.push_back(f);
  if (fields.size() != 5) {
    return core::invalidArgument("expected exactly 5 fields, found " +
                                 std::to_string(fields.size()) + ": " + input);
  }
  CronSchedule s;
  bool ignored = false;
  FLOTILLA_RETURN_IF_ERROR(parseField(fields[0], 0, 59, "minute", nullptr, 0, 0, s.minutes_, &ignored));
  FLOTILLA_RETURN_IF_ERROR(parseField(fields[1], 0, 23, "hour", nullptr, 0, 0, s.hours_, &ignored));
  FLOTILLA_RETURN_IF_ERROR(
      parseField(fields[2], 1, 31, "day-of-month", nullptr, 0, 0, s.days_, &s.days_restricted_));
  FLOTILLA_RETURN_IF_ERROR(parseField(fields[3], 1, 12, "month", kMonthNames, 12, 1, s.months_, &ignored));
  FLOTILLA_RETURN_IF_ERROR(parseField(fields[4], 0, 7, "day-of-week", kDayNames, 7, 0, s.weekdays_,
                                      &s.weekdays_restricted_));
  return s;
}

bool CronSchedule::dayMatches(int mday, int wday) const {
  const bool d = days_.test(static_cast<size_t>(mday));
  const bool w = weekdays_.test(static_cast<size_t>(wday));
  if (days_restricted_ && weekdays_restricted_) return d || w;
  return d && w;
}

std::optional<std::chrono::system_clock::time_point> CronSchedule::next(
    std::chrono::system_clock::time_point after) const {
  std::time_t t = std::chrono::system_clock::to_time_t(after);
  t = t - (t % 60) + 60;  // the next whole minute
  const std::time_t limit = t + 5LL * 366 * 24 * 3600;
  while (t < limit) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (!months_.test(static_cast<size_t>(tm.tm_mon + 1)) || !dayMatches(tm.tm_mday, tm.tm_wday)) {
      t += (24 - tm.tm_hour) * 3600 - tm.tm_min * 60;  // next midnight
      continue;
    }
    if (!hours_.test(static_cast<size_t>(tm.tm_hour))) {
      t += 3600 - tm.tm_min * 60;
      continue;
    }
    if (!minutes_.test(static_cast<size_t>(tm.tm_min))) {
      t += 60;
      continue;
    }
    return std::chrono::system_clock::from_time_t(t);
  }
  return std::nullopt;
}

}  // namespace flotilla::member
