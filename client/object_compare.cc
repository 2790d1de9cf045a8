#include "client/object_compare.h"

#include <string_view>
#include <utility>
#include <vector>

#include "client/json_scan.h"

namespace flotilla::client {

namespace {

using Members = std::vector<std::pair<std::string_view, std::string_view>>;

// The members of the object at `text`, minus the ignored keys; false when not an object.
bool membersOf(std::string_view text, std::initializer_list<std::string_view> ignored,
               Members* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  json_scan::skipSpace(p, end);
  if (p == end || *p != '{') return false;
  return json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    for (auto i : ignored) {
      if (k == i) return true;
    }
    out->emplace_back(k, v);
    return true;
  });
}

}  // namespace

bool sameExceptStatus(const Object& a, const Object& b) {
  Members ma, mb;
  if (!membersOf(a.raw(), {"status"}, &ma) || !membersOf(b.raw(), {"status"}, &mb)) return false;
  if (ma.size() != mb.size()) return false;
  for (std::size_t i = 0; i < ma.size(); ++i) {
    if (ma[i].first != mb[i].first) return false;
    if (ma[i].first == "metadata") {
      Members meta_a, meta_b;
      if (!membersOf(ma[i].second, {"resourceVersion", "managedFields", "generation"}, &meta_a) ||
          !membersOf(mb[i].second, {"resourceVersion", "managedFields", "generation"}, &meta_b) ||
          meta_a != meta_b) {
        return false;
      }
    } else if (ma[i].second != mb[i].second) {
      return false;
    }
  }
  return true;
}

}  // namespace flotilla::client
