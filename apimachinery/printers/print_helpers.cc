#include "apimachinery/printers/print_helpers.h"

#include "apimachinery/label_selector.h"
#include "apimachinery/object_validation.h"
#include "apimachinery/table_printer.h"

namespace flotilla::apimachinery::printers {

const Json& at(const Json& obj, std::initializer_list<const char*> path) {
  static const Json kNull;
  const Json* cur = &obj;
  for (const char* p : path) {
    if (!cur->is_object()) return kNull;
    auto it = cur->find(p);
    if (it == cur->end()) return kNull;
    cur = &*it;
  }
  return *cur;
}

std::string str(const Json& obj, std::initializer_list<const char*> path,
                const std::string& fallback) {
  const Json& v = at(obj, path);
  return v.is_string() && !v.get_ref<const std::string&>().empty() ? v.get<std::string>()
                                                                   : fallback;
}

int64_t num(const Json& obj, std::initializer_list<const char*> path, int64_t fallback) {
  const Json& v = at(obj, path);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // Out-of-range floats would be undefined behaviour to convert.
    return d > -9.2e18 && d < 9.2e18 ? static_cast<int64_t>(d) : fallback;
  }
  return fallback;
}

bool flag(const Json& obj, std::initializer_list<const char*> path) {
  const Json& v = at(obj, path);
  return v.is_boolean() && v.get<bool>();
}

std::size_t count(const Json& obj, std::initializer_list<const char*> path) {
  const Json& v = at(obj, path);
  return v.is_array() || v.is_object() ? v.size() : 0;
}

std::string name(const Json& obj) { return str(obj, {"metadata", "name"}); }

std::string age(const Json& obj, TimePoint now) {
  return ageSince(at(obj, {"metadata", "creationTimestamp"}), now);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

namespace {
std::string containerField(const Json& pod_spec, const char* field) {
  std::vector<std::string> out;
  const Json& cs = at(pod_spec, {"containers"});
  if (cs.is_array()) {
    for (const auto& c : cs) out.push_back(str(c, {field}));
  }
  return join(out, ",");
}
}  // namespace

std::string containerNames(const Json& pod_spec) { return containerField(pod_spec, "name"); }
std::string containerImages(const Json& pod_spec) { return containerField(pod_spec, "image"); }

std::string selectorText(const Json& selector) {
  if (!selector.is_object()) return kNone;
  auto sel = LabelSelector::fromJson(selector);
  if (!sel.isOk()) return "<error>";
  const std::string s = sel->toString();
  return s.empty() ? kNone : s;
}

std::string mapSelectorText(const Json& map) {
  if (!map.is_object() || map.empty()) return kNone;
  std::vector<std::string> parts;
  for (const auto& [k, v] : map.items()) {
    parts.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : jsonText(v)));
  }
  return join(parts, ",");
}

std::string orNone(const std::string& s) { return s.empty() ? kNone : s; }

}  // namespace flotilla::apimachinery::printers
