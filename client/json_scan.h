// JsonScanner: a validating, allocation-free walk over JSON text that finds the spans of values
// without building a tree. Informers use it to pull the metadata they index on (name, namespace,
// resourceVersion, labels) and the `type`/`object` of watch events out of the stream at several
// hundred MB/s; the full nlohmann tree is built only when a consumer asks for it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace flotilla::client::json_scan {

// Skips whitespace then one complete JSON value; false (p unchanged) when malformed.
bool skipValue(const char*& p, const char* end);
void skipSpace(const char*& p, const char* end);

// Visits each member of the object at p (which must be '{'); the callback gets the raw key
// (escapes not decoded) and the span of the value. Returns false when malformed or when the
// callback returns false. p ends after the closing '}'.
bool forEachMember(const char*& p, const char* end,
                   const std::function<bool(std::string_view key, std::string_view value)>& fn);
// Visits each element of the array at p (which must be '[').
bool forEachElement(const char*& p, const char* end,
                    const std::function<bool(std::string_view value)>& fn);

// Like forEachMember, but the callback gets the position of the value instead of its span: it
// may consume the value itself (walk into it with these functions, leaving `value` just past
// it), or leave `value` where it is and the value is skipped. A reader after members of nested
// objects then passes over the text once, where a span per level would skip the inner values
// once per level (findMember(findMember(...)) reads a Work's manifests three times).
bool walkMembers(const char*& p, const char* end,
                 const std::function<bool(std::string_view key, const char*& value)>& fn);

// The value span of the member `key` (compared undecoded: for plain keys) of the JSON object
// `object`; empty when absent or when `object` is not an object.
std::string_view findMember(std::string_view object, std::string_view key);

// The object at `object` with its top-level member `key` (an unescaped key) set to the JSON text
// `value`: replaced in place when present, else appended. nullopt when `object` is not a JSON
// object. Lets a controller write one member of a large object (a Work's status) without
// parsing and serialising the rest.
std::optional<std::string> withMember(std::string_view object, std::string_view key,
                                      std::string_view value);

// Decodes a JSON string literal span ("..." including quotes); nullopt when it is not a string.
std::optional<std::string> decodeString(std::string_view literal);

}  // namespace flotilla::client::json_scan
