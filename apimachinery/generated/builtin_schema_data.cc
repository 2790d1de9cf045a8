// Placeholder until gen/gen_builtin_schema.py output is committed.
#include <string_view>
namespace flotilla::apimachinery::generated {
std::string_view builtinSchemaJson() { return "{}"; }
}  // namespace flotilla::apimachinery::generated
