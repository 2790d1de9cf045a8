// Serving stored objects without re-encoding them: objects are stored as JSON without
// metadata.resourceVersion (the storage revision is the resourceVersion), and the hot paths — an
// unfiltered LIST and an unfiltered WATCH — splice `"resourceVersion":"N"` into the stored text
// instead of parsing and re-serialising every object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flotilla::apiserver {

// The stored object with metadata.resourceVersion set to `revision`, or nullopt when the text is
// not an object with a top-level "metadata" object (the caller then falls back to parsing).
std::optional<std::string> spliceResourceVersion(std::string_view stored, int64_t revision);

// The raw text of the value of top-level member `key` of a stored object, found without parsing
// the other members (they are skipped as text, and scanning stops at the key); nullopt when the
// text is not an object or has no such member.
std::optional<std::string_view> topLevelMember(std::string_view stored, std::string_view key);

// Every top-level member of an object text, in order: the key as written between its quotes
// and the raw text of its value. nullopt when the text is not a well-formed object at the top
// level or a key contains an escape (the caller then parses instead).
struct MemberText {
  std::string_view key;
  std::string_view value;
};
std::optional<std::vector<MemberText>> topLevelMembers(std::string_view object);

// The object text without its top-level member `key` (and the comma that separated it), found
// as topLevelMember finds it; nullopt when the text is not an object or has no such member. Lets
// a reader parse metadata without managedFields, usually most of it.
std::optional<std::string> withoutTopLevelMember(std::string_view object, std::string_view key);

// The text of a stored object's top-level "metadata" object without its managedFields member:
// what ownership, deletion and selector logic reads. Two versions of an object with equal texts
// agree on all of that. nullopt when there is no metadata object.
std::optional<std::string> metadataWithoutManagedFields(std::string_view stored);

}  // namespace flotilla::apiserver
