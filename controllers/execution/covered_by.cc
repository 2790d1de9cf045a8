#include "controllers/execution/covered_by.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "client/json_scan.h"

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

namespace {

std::string_view trimmed(std::string_view v) {
  const char* p = v.data();
  const char* end = p + v.size();
  client::json_scan::skipSpace(p, end);
  while (end > p && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t')) {
    --end;
  }
  return {p, static_cast<std::size_t>(end - p)};
}

bool textCovered(std::string_view desired, std::string_view live, bool top) {
  desired = trimmed(desired);
  live = trimmed(live);
  if (desired.empty() || live.empty()) return false;
  if (desired.front() == '{') {
    if (live.front() != '{') return false;
    const char* p = desired.data();
    return client::json_scan::forEachMember(
        p, desired.data() + desired.size(), [&](std::string_view k, std::string_view v) {
          if (top && k == "status") return true;
          const std::string_view found = client::json_scan::findMember(live, k);
          if (found.empty()) return trimmed(v) == "null";
          return textCovered(v, found, false);
        });
  }
  if (desired.front() == '[') {
    if (live.front() != '[') return false;
    std::vector<std::string_view> want;
    std::vector<std::string_view> have;
    const char* p = desired.data();
    const char* q = live.data();
    auto collect = [](std::vector<std::string_view>* out) {
      return [out](std::string_view v) {
        out->push_back(v);
        return true;
      };
    };
    if (!client::json_scan::forEachElement(p, desired.data() + desired.size(), collect(&want)) ||
        !client::json_scan::forEachElement(q, live.data() + live.size(), collect(&have)) ||
        want.size() != have.size()) {
      return false;
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (!textCovered(want[i], have[i], false)) return false;
    }
    return true;
  }
  return desired == live;
}

}  // namespace

bool coveredByText(std::string_view desired, std::string_view live) {
  return textCovered(desired, live, true);
}

}  // namespace flotilla::controllers
