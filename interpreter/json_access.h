// Small read helpers over unstructured objects for the native interpreter: typed lookups that
// return a fallback instead of throwing when a field is absent or has the wrong type.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "api/codec.h"

namespace flotilla::interpreter {

using api::Json;

// The value at a key path, or nullptr.
const Json* at(const Json& j, std::initializer_list<const char*> path);
int64_t intAt(const Json& j, std::initializer_list<const char*> path, int64_t fallback = 0);
std::string stringAt(const Json& j, std::initializer_list<const char*> path);
bool hasPath(const Json& j, std::initializer_list<const char*> path);

std::string kindOf(const Json& object);
std::string namespaceOf(const Json& object);
std::string nameOf(const Json& object);

}  // namespace flotilla::interpreter
