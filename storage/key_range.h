// Key ranges: turns a key prefix into the half-open interval [prefix, end) that both backends scan,
// the way etcd expresses "every key with this prefix" as a range_end.
#pragma once

#include <optional>
#include <string>

namespace flotilla::storage {

// The smallest key greater than every key starting with `prefix`, or nullopt when no such key
// exists (empty prefix, or a prefix of only 0xff bytes): then the range is unbounded above.
std::optional<std::string> prefixEnd(const std::string& prefix);

// Whether `key` starts with `prefix`.
inline bool hasPrefix(const std::string& key, const std::string& prefix) {
  return key.size() >= prefix.size() && key.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace flotilla::storage
