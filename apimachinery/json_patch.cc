#include "apimachinery/json_patch.h"

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

core::Status opError(std::size_t index, const std::string& what) {
  return core::Status(core::Code::Invalid,
                      "the server rejected our request due to an error in our request: json patch "
                      "operation " + std::to_string(index) + ": " + what);
}

core::Result<std::vector<std::string>> splitPointer(const std::string& ptr) {
  std::vector<std::string> parts;
  if (ptr.empty()) return parts;
  if (ptr[0] != '/') return core::invalidArgument("JSON pointer must start with '/': " + ptr);
  std::size_t pos = 1;
  while (true) {
    std::size_t next = ptr.find('/', pos);
    std::string raw = ptr.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token.push_back(raw[i + 1] == '0' ? '~' : '/');
        ++i;
      } else if (raw[i] == '~') {
        return core::invalidArgument("invalid escape in JSON pointer: " + ptr);
      } else {
        token.push_back(raw[i]);
      }
    }
    parts.push_back(std::move(token));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return parts;
}

bool parseIndex(const std::string& token, std::size_t size, bool allow_end, std::size_t* out) {
  if (token == "-") {
    if (!allow_end) return false;
    *out = size;
    return true;
  }
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return false;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
  }
  if (token.size() > 9) return false;
  std::size_t v = std::stoul(token);
  if (v > size || (!allow_end && v == size)) return false;
  *out = v;
  return true;
}

// Resolves all but the last token to a container.
Json* parentOf(Json& doc, const std::vector<std::string>& parts) {
  Json* cur = &doc;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& t = parts[i];
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      std::size_t idx;
      if (!parseIndex(t, cur->size(), false, &idx)) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

const Json* resolve(const Json& doc, const std::vector<std::string>& parts) {
  const Json* cur = &doc;
  for (const auto& t : parts) {
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      std::size_t idx;
      if (!parseIndex(t, cur->size(), false, &idx)) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

core::Status addAt(Json& doc, const std::vector<std::string>& parts, Json value, std::size_t i,
                   const std::string& path) {
  if (parts.empty()) {
    doc = std::move(value);
    return core::Status::ok();
  }
  Json* parent = parentOf(doc, parts);
  if (parent == nullptr) return opError(i, "add operation does not apply: doc is missing path: \"" + path + "\"");
  if (parent->is_object()) {
    (*parent)[parts.back()] = std::move(value);
  } else if (parent->is_array()) {
    std::size_t idx;
    if (!parseIndex(parts.back(), parent->size(), true, &idx)) {
      return opError(i, "add operation does not apply: index out of bounds in \"" + path + "\"");
    }
    parent->insert(parent->begin() + static_cast<long>(idx), std::move(value));
  } else {
    return opError(i, "add operation does not apply: doc is missing path: \"" + path + "\"");
  }
  return core::Status::ok();
}

core::Result<Json> removeAt(Json& doc, const std::vector<std::string>& parts, std::size_t i,
                            const std::string& path) {
  if (parts.empty()) return opError(i, "cannot remove the whole document");
  Json* parent = parentOf(doc, parts);
  if (parent != nullptr && parent->is_object()) {
    auto it = parent->find(parts.back());
    if (it != parent->end()) {
      Json old = std::move(*it);
      parent->erase(it);
      return old;
    }
  } else if (parent != nullptr && parent->is_array()) {
    std::size_t idx;
    if (parseIndex(parts.back(), parent->size(), false, &idx)) {
      Json old = std::move((*parent)[idx]);
      parent->erase(parent->begin() + static_cast<long>(idx));
      return old;
    }
  }
  return opError(i, "remove operation does not apply: doc is missing path: \"" + path + "\"");
}

}  // namespace

core::Result<Json> applyJsonPatch(const Json& document, const Json& patch) {
  if (!patch.is_array()) return core::invalidArgument("a JSON patch must be a list of operations");
  if (patch.size() > kMaxJsonPatchOperations) {
    return core::Status(core::Code::TooLarge, "the allowed maximum operations in a JSON patch is " +
                                                  std::to_string(kMaxJsonPatchOperations));
  }
  Json doc = document;
  for (std::size_t i = 0; i < patch.size(); ++i) {
    const Json& op = patch[i];
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string()) {
      return core::invalidArgument("json patch operation " + std::to_string(i) +
                                   " has no \"op\"");
    }
    const std::string name = op["op"].get<std::string>();
    if (!op.contains("path") || !op["path"].is_string()) {
      return core::invalidArgument("json patch operation " + std::to_string(i) +
                                   " has no \"path\"");
    }
    const std::string path = op["path"].get<std::string>();
    auto parts = splitPointer(path);
    if (!parts.isOk()) return parts.status();
    if (name == "add" || name == "replace" || name == "test") {
      if (!op.contains("value")) {
        return core::invalidArgument("json patch operation " + std::to_string(i) +
                                     " (" + name + ") has no \"value\"");
      }
    }
    if (name == "add") {
      FLOTILLA_RETURN_IF_ERROR(addAt(doc, *parts, op["value"], i, path));
    } else if (name == "remove") {
      auto removed = removeAt(doc, *parts, i, path);
      if (!removed.isOk()) return removed.status();
    } else if (name == "replace") {
      if (resolve(doc, *parts) == nullptr) {
        return opError(i, "replace operation does not apply: doc is missing key: \"" + path + "\"");
      }
      auto removed = removeAt(doc, *parts, i, path);
      if (parts->empty()) {
        doc = op["value"];
      } else {
        if (!removed.isOk()) return removed.status();
        FLOTILLA_RETURN_IF_ERROR(addAt(doc, *parts, op["value"], i, path));
      }
    } else if (name == "move" || name == "copy") {
      if (!op.contains("from") || !op["from"].is_string()) {
        return core::invalidArgument("json patch operation " + std::to_string(i) +
                                     " (" + name + ") has no \"from\"");
      }
      const std::string from = op["from"].get<std::string>();
      auto from_parts = splitPointer(from);
      if (!from_parts.isOk()) return from_parts.status();
      if (name == "move" && path.rfind(from + "/", 0) == 0) {
        return opError(i, "move operation cannot move a value into one of its children");
      }
      Json value;
      if (name == "move") {
        auto removed = removeAt(doc, *from_parts, i, from);
        if (!removed.isOk()) return removed.status();
        value = std::move(*removed);
      } else {
        const Json* src = resolve(doc, *from_parts);
        if (src == nullptr) return opError(i, "copy operation does not apply: doc is missing from path: \"" + from + "\"");
        value = *src;
      }
      FLOTILLA_RETURN_IF_ERROR(addAt(doc, *parts, std::move(value), i, path));
    } else if (name == "test") {
      const Json* cur = resolve(doc, *parts);
      if (cur == nullptr || *cur != op["value"]) {
        return opError(i, "testing value " + path + " failed: test failed");
      }
    } else {
      return core::invalidArgument("json patch operation " + std::to_string(i) +
                                   ": unsupported op \"" + name + "\"");
    }
  }
  return doc;
}

}  // namespace flotilla::apimachinery
