// Accessor for the generated built-in schema text (see gen/gen_builtin_schema.py). Only
// builtin_schema.cc should call it; everyone else uses BuiltinSchema::instance().
#pragma once

#include <string>

namespace flotilla::apimachinery::generated {

// The compact JSON document; each call assembles a fresh copy from the embedded chunks.
std::string builtinSchemaJson();

}  // namespace flotilla::apimachinery::generated
