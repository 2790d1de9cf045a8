#include "interpreter/json_access.h"

namespace flotilla::interpreter {

const Json* at(const Json& j, std::initializer_list<const char*> path) {
  const Json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}

int64_t intAt(const Json& j, std::initializer_list<const char*> path, int64_t fallback) {
  const Json* v = at(j, path);
  if (v == nullptr || !v->is_number()) return fallback;
  return v->is_number_float() ? static_cast<int64_t>(v->get<double>()) : v->get<int64_t>();
}

std::string stringAt(const Json& j, std::initializer_list<const char*> path) {
  const Json* v = at(j, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

bool hasPath(const Json& j, std::initializer_list<const char*> path) {
  return at(j, path) != nullptr;
}

std::string kindOf(const Json& object) { return stringAt(object, {"kind"}); }
std::string namespaceOf(const Json& object) { return stringAt(object, {"metadata", "namespace"}); }
std::string nameOf(const Json& object) { return stringAt(object, {"metadata", "name"}); }

}  // namespace flotilla::interpreter
