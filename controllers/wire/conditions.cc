#include "controllers/wire/conditions.h"

namespace flotilla::controllers {

bool setCondition(nlohmann::json& conditions, const ConditionValue& value, const std::string& now) {
  if (!conditions.is_array()) conditions = nlohmann::json::array();
  nlohmann::json next = {{"type", value.type},
                         {"status", value.status},
                         {"reason", value.reason},
                         {"message", value.message},
                         {"lastTransitionTime", now}};
  if (value.observed_generation > 0) next["observedGeneration"] = value.observed_generation;
  for (auto& c : conditions) {
    if (!c.is_object() || c.value("type", "") != value.type) continue;
    if (c.value("status", "") == value.status) {
      next["lastTransitionTime"] = c.value("lastTransitionTime", now);
    }
    if (c == next) return false;
    c = std::move(next);
    return true;
  }
  conditions.push_back(std::move(next));
  return true;
}

std::string conditionStatus(const nlohmann::json& conditions, const std::string& type) {
  if (!conditions.is_array()) return "";
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == type) return c.value("status", "");
  }
  return "";
}

}  // namespace flotilla::controllers

#include <cstdio>
#include <random>

#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {

std::string newPermanentId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace flotilla::controllers
