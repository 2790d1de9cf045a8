#include "runtime/status_hold.h"

namespace flotilla::runtime {

StatusHold::Decision StatusHold::hold(const std::string& key, core::Clock::TimePoint now,
                                      std::chrono::nanoseconds max) {
  if (max <= std::chrono::nanoseconds(0)) return {};
  std::lock_guard lock(mu_);
  auto [it, inserted] = deadlines_.try_emplace(key, now + max);
  (void)inserted;
  if (now >= it->second) return {};
  return {true, it->second - now};
}

bool StatusHold::active(const std::string& key) const {
  std::lock_guard lock(mu_);
  return deadlines_.count(key) > 0;
}

void StatusHold::release(const std::string& key) {
  std::lock_guard lock(mu_);
  deadlines_.erase(key);
}

std::size_t StatusHold::size() const {
  std::lock_guard lock(mu_);
  return deadlines_.size();
}

}  // namespace flotilla::runtime
