#include "apimachinery/json_patch.h"

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

// Every failure of an operation is a 422 like kube-apiserver's; the texts follow the wording of
// the JSON-patch library kube-apiserver uses so that users see familiar errors.
core::Status opError(const std::string& what) { return core::Status(core::Code::Invalid, what); }

core::Result<std::vector<std::string>> splitPointer(const std::string& ptr) {
  std::vector<std::string> parts;
  if (ptr.empty()) return parts;
  if (ptr[0] != '/')
    return opError("JSON pointer must be empty or start with '/': \"" + ptr + "\"");
  std::size_t pos = 1;
  while (true) {
    const std::size_t next = ptr.find('/', pos);
    const std::string raw = ptr.substr(pos, next == std::string::npos ? next : next - pos);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token.push_back(raw[i + 1] == '0' ? '~' : '/');
        ++i;
      } else {
        return opError("invalid escape '~' in JSON pointer: \"" + ptr + "\"");
      }
    }
    parts.push_back(std::move(token));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return parts;
}

// RFC 6901 array index: "0" or digits without a leading zero; "-" (one past the end) only where
// the operation inserts.
bool parseIndex(const std::string& token, std::size_t size, bool allow_end, std::size_t* out) {
  if (token == "-") {
    if (!allow_end) return false;
    *out = size;
    return true;
  }
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return false;
  std::size_t v = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  if (v > size || (!allow_end && v == size)) return false;
  *out = v;
  return true;
}

Json* resolve(Json& doc, const std::vector<std::string>& parts, std::size_t count) {
  Json* cur = &doc;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& t = parts[i];
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      std::size_t idx = 0;
      if (!parseIndex(t, cur->size(), false, &idx)) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

core::Status addAt(Json& doc, const std::vector<std::string>& parts, Json value,
                   const std::string& op, const std::string& path) {
  if (parts.empty()) {
    doc = std::move(value);
    return core::Status::ok();
  }
  Json* parent = resolve(doc, parts, parts.size() - 1);
  if (parent != nullptr && parent->is_object()) {
    (*parent)[parts.back()] = std::move(value);
    return core::Status::ok();
  }
  if (parent != nullptr && parent->is_array()) {
    std::size_t idx = 0;
    if (!parseIndex(parts.back(), parent->size(), true, &idx)) {
      return opError(op + " operation does not apply: unable to access invalid index: \"" +
                     parts.back() + "\" of \"" + path + "\"");
    }
    parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
    return core::Status::ok();
  }
  return opError(op + " operation does not apply: doc is missing path: \"" + path + "\"");
}

core::Result<Json> removeAt(Json& doc, const std::vector<std::string>& parts, const std::string& op,
                            const std::string& path) {
  if (parts.empty()) return opError(op + " operation does not apply: cannot remove the root");
  Json* parent = resolve(doc, parts, parts.size() - 1);
  if (parent != nullptr && parent->is_object()) {
    auto it = parent->find(parts.back());
    if (it != parent->end()) {
      Json old = std::move(*it);
      parent->erase(it);
      return old;
    }
  } else if (parent != nullptr && parent->is_array()) {
    std::size_t idx = 0;
    if (parseIndex(parts.back(), parent->size(), false, &idx)) {
      Json old = std::move((*parent)[idx]);
      parent->erase(parent->begin() + static_cast<std::ptrdiff_t>(idx));
      return old;
    }
  }
  return opError(op + " operation does not apply: doc is missing path: \"" + path + "\"");
}

core::Result<std::string> stringMember(const Json& op, const char* key, std::size_t index,
                                       const std::string& name) {
  auto it = op.find(key);
  if (it == op.end() || !it->is_string()) {
    return opError("json patch operation " + std::to_string(index) + " (" + name +
                   ") is missing a string \"" + key + "\"");
  }
  return it->get<std::string>();
}

core::Status applyOne(Json& doc, const Json& op, std::size_t index) {
  if (!op.is_object()) {
    return opError("json patch operation " + std::to_string(index) + " is not an object");
  }
  auto name_it = op.find("op");
  if (name_it == op.end() || !name_it->is_string()) {
    return opError("json patch operation " + std::to_string(index) + " has no \"op\"");
  }
  const std::string name = name_it->get<std::string>();
  if (name != "add" && name != "remove" && name != "replace" && name != "move" && name != "copy" &&
      name != "test") {
    return opError("Unexpected kind: " + name);
  }
  auto path = stringMember(op, "path", index, name);
  if (!path.isOk()) return path.status();
  auto parts = splitPointer(*path);
  if (!parts.isOk()) return parts.status();
  const Json* value = nullptr;
  if (name == "add" || name == "replace" || name == "test") {
    auto it = op.find("value");
    if (it == op.end()) {
      return opError("json patch operation " + std::to_string(index) + " (" + name +
                     ") is missing \"value\"");
    }
    value = &*it;
  }
  if (name == "add") return addAt(doc, *parts, *value, name, *path);
  if (name == "remove") return removeAt(doc, *parts, name, *path).status();
  if (name == "replace") {
    Json* target = resolve(doc, *parts, parts->size());
    if (target == nullptr) {
      return opError("replace operation does not apply: doc is missing key: \"" + *path + "\"");
    }
    *target = *value;
    return core::Status::ok();
  }
  if (name == "test") {
    const Json* cur = resolve(doc, *parts, parts->size());
    if (cur == nullptr || *cur != *value) {
      return opError("testing value " + *path + " failed: test failed");
    }
    return core::Status::ok();
  }
  // move and copy
  auto from = stringMember(op, "from", index, name);
  if (!from.isOk()) return from.status();
  auto from_parts = splitPointer(*from);
  if (!from_parts.isOk()) return from_parts.status();
  Json* src = resolve(doc, *from_parts, from_parts->size());
  if (src == nullptr) {
    return opError(name + " operation does not apply: doc is missing from path: \"" + *from + "\"");
  }
  if (name == "copy") return addAt(doc, *parts, *src, name, *path);
  if (*path == *from) return core::Status::ok();
  if (path->rfind(*from + "/", 0) == 0) {
    return opError("move operation does not apply: \"" + *from +
                   "\" cannot be moved into one of its children \"" + *path + "\"");
  }
  auto moved = removeAt(doc, *from_parts, name, *from);
  if (!moved.isOk()) return moved.status();
  return addAt(doc, *parts, std::move(*moved), name, *path);
}

}  // namespace

core::Result<Json> applyJsonPatch(const Json& document, const Json& patch) {
  if (!patch.is_array()) {
    return core::invalidArgument("a JSON patch must be a list of operations");
  }
  if (patch.size() > kMaxJsonPatchOperations) {
    return core::Status(core::Code::TooLarge, "The allowed maximum operations in a JSON patch is " +
                                                  std::to_string(kMaxJsonPatchOperations) +
                                                  ", got " + std::to_string(patch.size()));
  }
  Json doc = document;
  for (std::size_t i = 0; i < patch.size(); ++i) {
    FLOTILLA_RETURN_IF_ERROR(applyOne(doc, patch[i], i));
  }
  return doc;
}

}  // namespace flotilla::apimachinery
