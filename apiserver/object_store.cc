#include "apiserver/object_store.h"

#include <algorithm>
#include <charconv>

#include "apimachinery/json_dump.h"
#include "apimachinery/json_parse.h"
#include "apiserver/json_splice.h"
#include "apiserver/object_strategy.h"
#include "core/logging.h"
#include "storage/base64.h"

namespace flotilla::apiserver {

namespace {

constexpr int kMaxUpdateAttempts = 16;

struct ContinueToken {
  int64_t revision = 0;
  std::string start_after;
};

std::string encodeContinue(const ContinueToken& t) {
  return storage::base64Encode(Json{{"v", "flotilla.v1"}, {"rv", t.revision}, {"start", t.start_after}}.dump());
}

core::Result<ContinueToken> decodeContinue(const std::string& token) {
  auto raw = storage::base64Decode(token);
  if (!raw) return core::invalidArgument("invalid continue token");
  Json j = Json::parse(*raw, nullptr, false);
  if (!j.is_object() || !j.contains("rv") || !j["rv"].is_number_integer() ||
      !j.contains("start") || !j["start"].is_string()) {
    return core::invalidArgument("invalid continue token");
  }
  return ContinueToken{j["rv"].get<int64_t>(), j["start"].get<std::string>()};
}

}  // namespace

core::Status notFoundError(const ServedResource& r, const std::string& name) {
  return core::Status(core::Code::NotFound, r.qualifiedResource() + " \"" + name + "\" not found");
}

core::Status conflictError(const ServedResource& r, const std::string& name) {
  return core::Status(core::Code::Conflict,
                      "Operation cannot be fulfilled on " + r.qualifiedResource() + " \"" + name +
                          "\": the object has been modified; please apply your changes to the "
                          "latest version and try again");
}

core::Result<bool> stampResourceVersion(Json& updated, const std::string& current_rv,
                                        const ServedResource& r, const std::string& name) {
  bool pinned = false;
  if (updated["metadata"].contains("resourceVersion")) {
    const Json& rv = updated["metadata"]["resourceVersion"];
    if (rv.is_string() && !rv.get<std::string>().empty()) {
      if (rv.get<std::string>() != current_rv) return conflictError(r, name);
      pinned = true;
    }
  }
  updated["metadata"]["resourceVersion"] = current_rv;
  return pinned;
}

ObjectStore::ObjectStore(storage::Storage& storage, core::ClockPtr clock)
    : storage_(storage), clock_(std::move(clock)) {}

std::string ObjectStore::keyFor(const ServedResource& r, const std::string& ns,
                                const std::string& name) {
  return r.namespaced ? r.storagePrefix() + ns + "/" + name : r.storagePrefix() + name;
}

std::string ObjectStore::collectionPrefix(const ServedResource& r, const std::string& ns) {
  return r.namespaced && !ns.empty() ? r.storagePrefix() + ns + "/" : r.storagePrefix();
}

core::Result<Json> ObjectStore::decode(const std::string& value, int64_t revision) {
  Json obj = apimachinery::parseJsonOrDiscarded(value);
  if (obj.is_discarded() || !obj.is_object()) {
    return core::internalError("stored object is not valid JSON");
  }
  obj["metadata"]["resourceVersion"] = std::to_string(revision);
  return obj;
}

core::Result<Json> ObjectStore::decodeMetadata(const std::string& value) {
  // Stored objects are written with sorted keys, so metadata comes before spec and status: the
  // scan stops there and never reads the (much larger) rest.
  Json obj = Json::object();
  for (const char* key : {"apiVersion", "kind", "metadata"}) {
    auto span = topLevelMember(value, key);
    if (!span) continue;
    // managedFields is most of the metadata text and no reader of this result looks at it.
    std::optional<std::string> trimmed;
    if (key == std::string_view("metadata")) {
      trimmed = withoutTopLevelMember(*span, "managedFields");
      if (trimmed) span = *trimmed;
    }
    Json part = apimachinery::parseJsonOrDiscarded(*span);
    if (part.is_discarded()) return core::internalError("stored object is not valid JSON");
    obj[key] = std::move(part);
  }
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) {
    return core::internalError("stored object has no metadata object");
  }
  return obj;
}

std::string ObjectStore::encode(const Json& obj) {
  const auto meta = obj.is_object() ? obj.find("metadata") : obj.end();
  if (meta == obj.end() || !meta->is_object() || !meta->contains("resourceVersion")) {
    return apimachinery::dumpJson(obj);
  }
  return encodeWith(obj, {});
}

std::string ObjectStore::encodeWith(
    const Json& obj, const std::vector<std::pair<std::string, std::string_view>>& extra) {
  // Same text as dumping a copy without metadata.resourceVersion, written into one string: no
  // copy of metadata (managedFields is most of it). Members are written in the object's (sorted)
  // key order, exactly as dump() would; `extra` members are merged in at their place.
  std::string out;
  size_t extra_bytes = 0;
  for (const auto& [key, text] : extra) extra_bytes += key.size() + text.size() + 4;
  out.reserve(extra_bytes + 256);
  out += '{';
  bool first = true;
  auto next_extra = extra.begin();
  auto writeExtraBefore = [&](const std::string* key) {
    for (; next_extra != extra.end() && (key == nullptr || next_extra->first < *key);
         ++next_extra) {
      if (!first) out += ',';
      first = false;
      apimachinery::appendJsonString(out, next_extra->first);
      out += ':';
      out.append(next_extra->second);
    }
  };
  if (obj.is_object()) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      writeExtraBefore(&it.key());
      if (!first) out += ',';
      first = false;
      apimachinery::appendJsonString(out, it.key());
      out += ':';
      if (it.key() != "metadata" || !it->is_object()) {
        apimachinery::appendJson(out, *it);
        continue;
      }
      out += '{';
      bool first_field = true;
      for (auto field = it->begin(); field != it->end(); ++field) {
        if (field.key() == "resourceVersion") continue;
        if (!first_field) out += ',';
        first_field = false;
        apimachinery::appendJsonString(out, field.key());
        out += ':';
        apimachinery::appendJson(out, *field);
      }
      out += '}';
    }
  }
  writeExtraBefore(nullptr);
  out += '}';
  return out;
}

core::Result<Json> ObjectStore::get(const ServedResource& r, const std::string& ns,
                                    const std::string& name) {
  auto kv = storage_.get(keyFor(r, ns, name));
  if (!kv.isOk()) {
    if (kv.status().code() == core::Code::NotFound) return notFoundError(r, name);
    return kv.status();
  }
  return decode(kv->value, kv->mod_revision);
}

core::Result<ListOutput> ObjectStore::list(const ServedResource& r, const std::string& ns,
                                           const ListParams& params) {
  ListOutput out;
  storage::ListOptions opts;
  opts.prefix = collectionPrefix(r, ns);
  if (!params.continue_token.empty()) {
    auto token = decodeContinue(params.continue_token);
    if (!token.isOk()) return token.status();
    if (token->start_after.rfind(opts.prefix, 0) != 0) {
      return core::invalidArgument("continue token does not match this collection");
    }
    opts.start_after = token->start_after;
    opts.revision = token->revision;
  } else if (params.exact_revision && params.min_revision > 0) {
    opts.revision = params.min_revision;
  }
  if (opts.revision == 0) {
    // Pin every page to one snapshot so continue tokens see a consistent list.
    auto rev = storage_.currentRevision();
    if (!rev.isOk()) return rev.status();
    if (params.min_revision > *rev) {
      return core::Status(core::Code::Timeout, "Too large resource version: " +
                                                   std::to_string(params.min_revision) +
                                                   ", current: " + std::to_string(*rev),
                          {{"ResourceVersionTooLarge", "Too large resource version", ""}});
    }
    opts.revision = *rev;
  }
  out.revision = opts.revision;
  const int64_t want = params.limit > 0 ? params.limit : 0;
  // Fetch in chunks until enough items pass the filter.
  const int64_t chunk = want > 0 ? std::max<int64_t>(want, 100) : 0;
  std::string last_key;
  while (true) {
    opts.limit = chunk;
    auto page = storage_.list(opts);
    if (!page.isOk()) {
      if (page.status().code() == core::Code::Gone) {
        return core::Status(core::Code::Gone,
                            "The provided continue parameter is too old to display a consistent "
                            "list result. You can start a new list without the continue "
                            "parameter.");
      }
      return page.status();
    }
    std::size_t consumed = 0;
    bool filled = false;
    const bool raw = params.raw && !params.filter;
    for (auto& kv : page->items) {
      ++consumed;
      last_key = kv.key;
      if (raw) {
        auto text = spliceResourceVersion(kv.value, kv.mod_revision);
        if (!text) {
          auto obj = decode(kv.value, kv.mod_revision);
          if (!obj.isOk()) continue;
          text = obj->dump();
        }
        out.raw_items.push_back(std::move(*text));
      } else {
        auto obj = decode(kv.value, kv.mod_revision);
        if (!obj.isOk()) continue;
        if (params.filter && !params.filter(*obj)) continue;
        out.items.push_back(std::move(*obj));
      }
      const std::size_t count = raw ? out.raw_items.size() : out.items.size();
      if (want > 0 && static_cast<int64_t>(count) >= want) {
        filled = true;
        break;
      }
    }
    const bool more_in_page = consumed < page->items.size();
    if (filled) {
      if (more_in_page || page->more) {
        out.continue_token = encodeContinue({opts.revision, last_key});
        if (!params.filter && !more_in_page) out.remaining = page->remaining;
      }
      break;
    }
    if (!page->more || page->items.empty()) break;
    opts.start_after = page->items.back().key;
  }
  return out;
}

core::Result<Json> ObjectStore::create(const ServedResource& r, Json obj, bool dry_run,
                                       std::string* stored) {
  if (stored != nullptr) stored->clear();
  const std::string name = objectName(obj);
  const std::string key = keyFor(r, objectNamespace(obj), name);
  if (dry_run) {
    auto existing = storage_.get(key);
    if (existing.isOk()) {
      return core::Status(core::Code::AlreadyExists,
                          r.qualifiedResource() + " \"" + name + "\" already exists");
    }
    return obj;
  }
  std::string value = encode(obj);
  auto rev = storage_.create(key, value);
  if (!rev.isOk()) {
    if (rev.status().code() == core::Code::AlreadyExists) {
      return core::Status(core::Code::AlreadyExists,
                          r.qualifiedResource() + " \"" + name + "\" already exists");
    }
    return rev.status();
  }
  obj["metadata"]["resourceVersion"] = std::to_string(*rev);
  if (stored != nullptr) *stored = std::move(value);
  return obj;
}

core::Result<Json> ObjectStore::update(const ServedResource& r, const std::string& ns,
                                       const std::string& name, const Mutation& mutate,
                                       bool dry_run, std::string* stored) {
  if (stored != nullptr) stored->clear();
  const std::string key = keyFor(r, ns, name);
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto kv = storage_.get(key);
    if (!kv.isOk()) {
      if (kv.status().code() == core::Code::NotFound) return notFoundError(r, name);
      return kv.status();
    }
    auto current = decode(kv->value, kv->mod_revision);
    if (!current.isOk()) return current.status();
    auto next = mutate(*current);
    if (!next.isOk()) return next.status();
    Json updated = std::move(*next);
    const std::string current_rv = std::to_string(kv->mod_revision);
    auto stamped = stampResourceVersion(updated, current_rv, r, name);
    if (!stamped.isOk()) return stamped.status();
    const bool pinned = *stamped;
    if (sameObject(updated, *current)) {  // no-op: no new revision, no event
      if (stored != nullptr) *stored = std::move(kv->value);
      return std::move(*current);
    }
    if (dry_run) return updated;
    if (hasDeletionTimestamp(updated) && !hasFinalizers(updated)) {
      auto deleted = storage_.remove(key, kv->mod_revision);
      if (!deleted.isOk()) {
        if (deleted.status().code() == core::Code::Conflict && !pinned) continue;
        if (deleted.status().code() == core::Code::Conflict) return conflictError(r, name);
        return deleted.status();
      }
      updated["metadata"]["resourceVersion"] = std::to_string(deleted->mod_revision);
      return updated;
    }
    std::string value = encode(updated);
    auto rev = storage_.update(key, value, kv->mod_revision);
    if (!rev.isOk()) {
      if (rev.status().code() == core::Code::Conflict && !pinned) continue;
      if (rev.status().code() == core::Code::Conflict) return conflictError(r, name);
      if (rev.status().code() == core::Code::NotFound) return notFoundError(r, name);
      return rev.status();
    }
    updated["metadata"]["resourceVersion"] = std::to_string(*rev);
    if (stored != nullptr) *stored = std::move(value);
    return updated;
  }
  return core::Status(core::Code::Conflict, "too many concurrent writers on " +
                                                r.qualifiedResource() + " \"" + name + "\"");
}

core::Result<Json> ObjectStore::updateFrom(const ServedResource& r, const Json& known,
                                           const Mutation& mutate) {
  const std::string ns = objectNamespace(known);
  const std::string name = objectName(known);
  const Json* rv = nullptr;
  if (const auto meta = known.find("metadata"); meta != known.end() && meta->is_object()) {
    if (const auto it = meta->find("resourceVersion"); it != meta->end() && it->is_string()) {
      rv = &*it;
    }
  }
  int64_t revision = 0;
  if (rv != nullptr) {
    const std::string& text = rv->get_ref<const std::string&>();
    const char* end = text.data() + text.size();
    if (std::from_chars(text.data(), end, revision).ptr != end) revision = 0;
  }
  if (revision <= 0) return update(r, ns, name, mutate, false);
  auto next = mutate(known);
  if (!next.isOk()) return next.status();
  Json updated = std::move(*next);
  updated["metadata"]["resourceVersion"] = rv->get<std::string>();
  if (sameObject(updated, known)) return known;
  // Deletion completes through update(), which removes instead of writing.
  if (hasDeletionTimestamp(updated) && !hasFinalizers(updated)) {
    return update(r, ns, name, mutate, false);
  }
  auto written = storage_.update(keyFor(r, ns, name), encode(updated), revision);
  if (!written.isOk()) {
    const auto code = written.status().code();
    if (code == core::Code::Conflict) return update(r, ns, name, mutate, false);
    if (code == core::Code::NotFound) return notFoundError(r, name);
    return written.status();
  }
  updated["metadata"]["resourceVersion"] = std::to_string(*written);
  return updated;
}

core::Result<DeleteOutcome> ObjectStore::remove(const ServedResource& r, const std::string& ns,
                                                const std::string& name,
                                                const DeleteParams& params) {
  const std::string key = keyFor(r, ns, name);
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto kv = storage_.get(key);
    if (!kv.isOk()) {
      if (kv.status().code() == core::Code::NotFound) return notFoundError(r, name);
      return kv.status();
    }
    auto current_r = decode(kv->value, kv->mod_revision);
    if (!current_r.isOk()) return current_r.status();
    Json current = std::move(*current_r);
    if (!params.precondition_uid.empty() && params.precondition_uid != objectUid(current)) {
      return core::Status(core::Code::Conflict,
                          "Operation cannot be fulfilled on " + r.qualifiedResource() + " \"" +
                              name + "\": Precondition failed: UID in precondition: " +
                              params.precondition_uid + ", UID in object meta: " +
                              objectUid(current));
    }
    if (!params.precondition_rv.empty() &&
        params.precondition_rv != std::to_string(kv->mod_revision)) {
      return core::Status(core::Code::Conflict,
                          "Operation cannot be fulfilled on " + r.qualifiedResource() + " \"" +
                              name + "\": Precondition failed: ResourceVersion in precondition: " +
                              params.precondition_rv + ", ResourceVersion in object meta: " +
                              std::to_string(kv->mod_revision));
    }
    Json updated = current;
    Json& meta = updated["metadata"];
    // Orphan and Foreground work through finalizers that the garbage collector honours.
    std::string gc_finalizer;
    if (params.propagation == "Orphan") gc_finalizer = "orphan";
    if (params.propagation == "Foreground") gc_finalizer = "foregroundDeletion";
    if (!gc_finalizer.empty()) {
      if (!meta.contains("finalizers") || !meta["finalizers"].is_array()) {
        meta["finalizers"] = Json::array();
      }
      auto& fins = meta["finalizers"];
      // Switching between orphan and foreground replaces the other one.
      Json kept = Json::array();
      for (const auto& f : fins) {
        if (f == "orphan" || f == "foregroundDeletion") continue;
        kept.push_back(f);
      }
      kept.push_back(gc_finalizer);
      fins = std::move(kept);
    }
    if (hasFinalizers(updated)) {
      if (!hasDeletionTimestamp(updated)) {
        meta["deletionTimestamp"] = core::formatRfc3339(clock_->wallNow());
        meta["deletionGracePeriodSeconds"] = 0;
        if (meta.contains("generation") && meta["generation"].is_number_integer() &&
            meta["generation"].get<int64_t>() > 0) {
          meta["generation"] = meta["generation"].get<int64_t>() + 1;
        }
      }
      if (r.group.empty() && r.plural == "namespaces") {
        updated["status"]["phase"] = "Terminating";
      }
      if (sameObject(updated, current) || params.dry_run) {
        return DeleteOutcome{params.dry_run ? updated : current, false};
      }
      auto rev = storage_.update(key, encode(updated), kv->mod_revision);
      if (!rev.isOk()) {
        if (rev.status().code() == core::Code::Conflict) continue;
        return rev.status();
      }
      meta["resourceVersion"] = std::to_string(*rev);
      return DeleteOutcome{updated, false};
    }
    if (params.dry_run) return DeleteOutcome{current, true};
    auto deleted = storage_.remove(key, kv->mod_revision);
    if (!deleted.isOk()) {
      if (deleted.status().code() == core::Code::Conflict) continue;
      if (deleted.status().code() == core::Code::NotFound) return notFoundError(r, name);
      return deleted.status();
    }
    current["metadata"]["resourceVersion"] = std::to_string(deleted->mod_revision);
    return DeleteOutcome{current, true};
  }
  return core::Status(core::Code::Conflict, "too many concurrent writers on " +
                                                r.qualifiedResource() + " \"" + name + "\"");
}

core::Result<int64_t> ObjectStore::currentRevision() { return storage_.currentRevision(); }

}  // namespace flotilla::apiserver
