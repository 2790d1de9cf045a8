#include "policies/json_patch_ops.h"

#include <cctype>

namespace flotilla::policies {

core::Result<std::vector<std::string>> splitPointer(const std::string& pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  if (pointer[0] != '/') {
    return core::invalidArgument("JSON pointer must be empty or start with '/': \"" + pointer +
                                 "\"");
  }
  std::string cur;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    if (pointer[i] == '~') {
      if (i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        cur += pointer[i + 1] == '0' ? '~' : '/';
        ++i;
        continue;
      }
      return core::invalidArgument("invalid escape in JSON pointer \"" + pointer + "\"");
    }
    cur += pointer[i];
  }
  return out;
}

std::string escapePointerToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

namespace detail {
core::Result<size_t> arrayIndex(const std::string& token, size_t size, bool for_add) {
  bool negative = !token.empty() && token[0] == '-';
  std::string digits = negative ? token.substr(1) : token;
  if (digits.empty() || digits.size() > 9)
    return core::invalidArgument("invalid array index \"" + token + "\"");
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return core::invalidArgument("invalid array index \"" + token + "\"");
    }
  }
  long long idx = std::stoll(digits) * (negative ? -1 : 1);
  // For add the valid range is [-(n+1), n]; otherwise [-n, n-1].
  long long sz = static_cast<long long>(size) + (for_add ? 1 : 0);
  if (idx >= sz || idx < -sz) {
    return core::invalidArgument("array index out of bounds: \"" + token + "\"");
  }
  if (idx < 0) idx += sz;
  return static_cast<size_t>(idx);
}
}  // namespace detail

}  // namespace flotilla::policies
