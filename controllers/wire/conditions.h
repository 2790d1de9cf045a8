// metav1.Condition bookkeeping on unstructured status JSON: set a condition of a type, moving
// lastTransitionTime only when the status flips, so that an idempotent reconcile writes nothing
// when the world has not changed. Also the RFC 3339 "now" every controller stamps.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace flotilla::controllers {

struct ConditionValue {
  std::string type, status, reason, message;
  int64_t observed_generation = 0;  // 0 = omitted
};

// Sets `value` in the `conditions` array (created when missing). Returns true when anything
// changed.
bool setCondition(nlohmann::json& conditions, const ConditionValue& value, const std::string& now);
// The status ("True"/"False"/"Unknown") of a condition, or "" when absent.
std::string conditionStatus(const nlohmann::json& conditions, const std::string& type);
// "now" for conditions and timestamps, from the injected clock's wall time.
inline std::string nowText(const core::Clock& clock) { return core::formatRfc3339(clock.wallNow()); }

}  // namespace flotilla::controllers
