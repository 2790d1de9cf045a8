#include "mcs/imports/object_diff.h"

namespace flotilla::mcs {
namespace {

constexpr const char* kOwnedTopLevel[] = {"spec", "addressType", "endpoints", "ports"};

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

}  // namespace

bool jsonContains(const Json& actual, const Json& desired) {
  if (desired.is_object()) {
    if (!actual.is_object()) return false;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      auto a = actual.find(it.key());
      if (a == actual.end()) {
        if (it.value().is_null()) continue;
        return false;
      }
      if (!jsonContains(*a, it.value())) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!actual.is_array() || actual.size() != desired.size()) return false;
    for (size_t i = 0; i < desired.size(); ++i) {
      if (!jsonContains(actual[i], desired[i])) return false;
    }
    return true;
  }
  if (desired.is_number() && actual.is_number()) {
    return desired.get<double>() == actual.get<double>();
  }
  return actual == desired;
}

bool needsWrite(const Json& desired, const Json& actual) {
  if (!actual.is_object()) return true;
  const Json& dm = field(desired, "metadata");
  const Json& am = field(actual, "metadata");
  for (const char* key : {"labels", "annotations"}) {
    if (!field(dm, key).is_null() && !jsonContains(field(am, key), field(dm, key))) return true;
  }
  for (const char* key : kOwnedTopLevel) {
    const Json& d = field(desired, key);
    if (d.is_null()) continue;
    const Json& a = field(actual, key);
    // An emptied array must be written even though "nothing" is contained in anything.
    if (!jsonContains(a, d)) return true;
  }
  return false;
}

Json mergeForUpdate(const Json& desired, const Json& actual) {
  Json out = actual;
  const Json& dm = field(desired, "metadata");
  for (const char* key : {"labels", "annotations"}) {
    if (!field(dm, key).is_object()) continue;
    if (!out["metadata"][key].is_object()) out["metadata"][key] = Json::object();
    out["metadata"][key].update(dm[key]);
  }
  for (const char* key : kOwnedTopLevel) {
    const Json& d = field(desired, key);
    if (d.is_null()) continue;
    if (std::string(key) == "spec" && out[key].is_object() && d.is_object()) {
      // Keep fields the member allocated (clusterIP, ...) that desired does not set.
      for (auto it = d.begin(); it != d.end(); ++it) out[key][it.key()] = it.value();
    } else {
      out[key] = d;
    }
  }
  return out;
}

}  // namespace flotilla::mcs
