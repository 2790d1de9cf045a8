// Cause builders shared by the validation_*.cc files (not part of the public API).
#pragma once

#include <initializer_list>
#include <string>

#include "api/validation.h"

namespace flotilla::api::validation {

void required(Causes& out, const std::string& field);
void invalid(Causes& out, const std::string& field, const std::string& value,
             const std::string& detail);
void forbidden(Causes& out, const std::string& field, const std::string& detail);
void duplicate(Causes& out, const std::string& field, const std::string& value);
void notSupported(Causes& out, const std::string& field, const std::string& value,
                  std::initializer_list<const char*> supported);
bool oneOf(const std::string& v, std::initializer_list<const char*> values);
void labelSelector(Causes& out, const Json& selector, const std::string& path);
void toleration(Causes& out, const Toleration& t, const std::string& path);

}  // namespace flotilla::api::validation
