#include "controllers/execution/covered_by.h"

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

bool coveredBy(const nlohmann::json& desired, const nlohmann::json& live) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      auto found = live.find(it.key());
      if (found == live.end()) {
        if (it->is_null()) continue;
        return false;
      }
      if (!coveredBy(*it, *found)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array() || live.size() != desired.size()) return false;
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!coveredBy(desired[i], live[i])) return false;
    }
    return true;
  }
  return desired == live;
}

}  // namespace flotilla::controllers
