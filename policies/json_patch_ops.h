// RFC 6902 add/remove/replace with the exact semantics overriders rely on (evanphx/json-patch v5
// default options): `add` never creates missing parents, `remove`/`replace` of a missing path is
// an error, negative array indices count from the end, "-" appends. Templated so the
// fieldOverrider can patch an ordered document and keep the original key order. A narrow
// stand-in until apimachinery/json_patch.h is available.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace flotilla::policies {

struct PatchOp {
  std::string op;    // add | remove | replace
  std::string path;  // JSON pointer
  nlohmann::json value;
};

// RFC 6901 tokens of a pointer ("" -> no tokens). Error when it does not start with '/'.
core::Result<std::vector<std::string>> splitPointer(const std::string& pointer);
std::string escapePointerToken(const std::string& token);

namespace detail {
core::Result<size_t> arrayIndex(const std::string& token, size_t size, bool for_add);
}

// Applies ops in order to doc; on error doc is left unchanged (atomic document).
template <class J>
core::Status applyPatch(J& doc, const std::vector<PatchOp>& ops) {
  J work = doc;
  for (const auto& op : ops) {
    auto tokens = splitPointer(op.path);
    if (!tokens) return tokens.status();
    const auto& toks = *tokens;
    if (op.op != "add" && op.op != "remove" && op.op != "replace") {
      return core::invalidArgument("unexpected patch operation \"" + op.op + "\"");
    }
    if (toks.empty()) {
      if (op.op == "remove") return core::invalidArgument("cannot remove the whole document");
      work = J(op.value);
      continue;
    }
    J* parent = &work;
    for (size_t i = 0; i + 1 < toks.size(); ++i) {
      if (parent->is_object()) {
        auto it = parent->find(toks[i]);
        if (it == parent->end()) {
          return core::invalidArgument(
              op.op + " operation does not apply: doc is missing path: " + op.path);
        }
        parent = &*it;
      } else if (parent->is_array()) {
        auto idx = detail::arrayIndex(toks[i], parent->size(), false);
        if (!idx) return idx.status().withContext(op.path);
        parent = &(*parent)[*idx];
      } else {
        return core::invalidArgument(op.op +
                                     " operation does not apply: doc is missing path: " + op.path);
      }
    }
    const std::string& last = toks.back();
    if (parent->is_object()) {
      bool exists = parent->contains(last);
      if (op.op == "add") {
        (*parent)[last] = J(op.value);
      } else if (!exists) {
        return core::invalidArgument(op.op +
                                     " operation does not apply: doc is missing key: " + op.path);
      } else if (op.op == "remove") {
        parent->erase(last);
      } else {
        (*parent)[last] = J(op.value);
      }
    } else if (parent->is_array()) {
      if (op.op == "add" && last == "-") {
        parent->push_back(J(op.value));
        continue;
      }
      auto idx = detail::arrayIndex(last, parent->size(), op.op == "add");
      if (!idx) return idx.status().withContext(op.path);
      if (op.op == "add") {
        parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(*idx), J(op.value));
      } else if (op.op == "remove") {
        parent->erase(parent->begin() + static_cast<std::ptrdiff_t>(*idx));
      } else {
        (*parent)[*idx] = J(op.value);
      }
    } else {
      return core::invalidArgument(op.op +
                                   " operation does not apply: doc is missing path: " + op.path);
    }
  }
  doc = std::move(work);
  return core::Status::ok();
}

// The value at pointer, or nullptr when absent.
template <class J>
const J* findPointer(const J& doc, const std::string& pointer) {
  auto tokens = splitPointer(pointer);
  if (!tokens) return nullptr;
  const J* cur = &doc;
  for (const auto& t : *tokens) {
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      auto idx = detail::arrayIndex(t, cur->size(), false);
      if (!idx) return nullptr;
      cur = &(*cur)[*idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

}  // namespace flotilla::policies
