// ObjectStore::updateStatus: the status-subresource write without the spec. A status write keeps
// every top-level member but status (and metadata's managedFields) as stored, yet the generic
// update() parses them, copies them into the new object, compares them, serialises them again
// and frees three copies: for a Work, whose manifests are most of it, that was most of the cost
// of the host's most frequent write.
#include <charconv>

#include "apimachinery/json_parse.h"
#include "apiserver/json_splice.h"
#include "apiserver/object_store.h"
#include "apiserver/object_strategy.h"

namespace flotilla::apiserver {

namespace {

constexpr int kMaxStatusAttempts = 16;

// Members a status write may change, and so the ones mutations see.
bool keptMember(std::string_view key) {
  return key == "apiVersion" || key == "kind" || key == "metadata" || key == "status";
}

// The stored object split into the members a status mutation sees (parsed) and the others
// (their stored text, in stored order).
struct SplitObject {
  Json visible = Json::object();
  std::vector<std::pair<std::string, std::string_view>> left_out;
  std::vector<std::string> left_out_names;
};

std::optional<SplitObject> splitStored(const std::string& value, int64_t revision) {
  auto members = topLevelMembers(value);
  if (!members) return std::nullopt;
  SplitObject out;
  for (const auto& member : *members) {
    std::string key(member.key);
    if (!keptMember(member.key)) {
      if (out.visible.contains(key)) return std::nullopt;  // a duplicate: let the parser decide
      out.left_out.emplace_back(key, member.value);
      out.left_out_names.push_back(std::move(key));
      continue;
    }
    Json part = apimachinery::parseJsonOrDiscarded(member.value);
    if (part.is_discarded()) return std::nullopt;
    out.visible[key] = std::move(part);
  }
  // Merged back in key order: the stored text is sorted, but do not rely on it.
  std::sort(out.left_out.begin(), out.left_out.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < out.left_out.size(); ++i) {
    if (out.left_out[i].first == out.left_out[i - 1].first) return std::nullopt;
  }
  auto meta = out.visible.find("metadata");
  if (meta == out.visible.end() || !meta->is_object()) return std::nullopt;
  (*meta)["resourceVersion"] = std::to_string(revision);
  return out;
}

}  // namespace

core::Result<Json> ObjectStore::updateStatus(const ServedResource& r, const std::string& ns,
                                             const std::string& name,
                                             const PartialMutation& mutate, std::string* stored) {
  stored->clear();
  const std::string key = keyFor(r, ns, name);
  auto whole = [&] {
    return update(
        r, ns, name, [&](const Json& current) { return mutate(current, {}); }, false, stored);
  };
  for (int attempt = 0; attempt < kMaxStatusAttempts; ++attempt) {
    auto kv = storage_.get(key);
    if (!kv.isOk()) {
      if (kv.status().code() == core::Code::NotFound) return notFoundError(r, name);
      return kv.status();
    }
    auto split = splitStored(kv->value, kv->mod_revision);
    if (!split) return whole();
    const Json& current = split->visible;
    auto next = mutate(current, split->left_out_names);
    if (!next.isOk()) return next.status();
    Json updated = std::move(*next);
    for (const auto& left : split->left_out_names) {
      if (updated.contains(left)) return whole();  // the mutation did not leave it out
    }
    const std::string current_rv = std::to_string(kv->mod_revision);
    auto stamped = stampResourceVersion(updated, current_rv, r, name);
    if (!stamped.isOk()) return stamped.status();
    const bool pinned = *stamped;
    // The members left out are the same on both sides.
    if (sameObject(updated, current)) {
      *stored = std::move(kv->value);
      return updated;
    }
    // Ending a deletion removes the object: its whole text is the answer.
    if (hasDeletionTimestamp(updated) && !hasFinalizers(updated)) return whole();
    std::string value = encodeWith(updated, split->left_out);
    auto rev = storage_.update(key, value, kv->mod_revision);
    if (!rev.isOk()) {
      if (rev.status().code() == core::Code::Conflict && !pinned) continue;
      if (rev.status().code() == core::Code::Conflict) return conflictError(r, name);
      if (rev.status().code() == core::Code::NotFound) return notFoundError(r, name);
      return rev.status();
    }
    updated["metadata"]["resourceVersion"] = std::to_string(*rev);
    *stored = std::move(value);
    return updated;
  }
  return core::Status(core::Code::Conflict, "too many concurrent writers on " +
                                                r.qualifiedResource() + " \"" + name + "\"");
}

}  // namespace flotilla::apiserver
