// Standard 5-field cron schedules for the simulated CronJob controller: minute, hour, day of
// month, month, day of week, with lists, ranges, steps, month and weekday names, and the
// @yearly/@monthly/@weekly/@daily/@hourly shorthands. As in cron (and robfig/cron, which
// Kubernetes uses), when both day fields are restricted a day matching either one fires. Times
// are UTC (CronJob timeZone is not simulated). Pure.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>

#include "core/status.h"

namespace flotilla::member {

class CronSchedule {
 public:
  // InvalidArgument naming the bad field for malformed text.
  static core::Result<CronSchedule> parse(const std::string& text);

  // The first activation strictly after `after` (whole minutes), or nullopt if none within
  // five years (e.g. "0 0 30 2 *").
  std::optional<std::chrono::system_clock::time_point> next(
      std::chrono::system_clock::time_point after) const;

 private:
  bool dayMatches(int mday, int wday) const;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1..31
  std::bitset<13> months_;  // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace flotilla::member
