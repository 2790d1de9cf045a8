// ObjectStore: Kubernetes object semantics on top of the key-value Storage — key layout,
// resourceVersion from the storage revision, optimistic concurrency, read-modify-write with
// retries, finalizer-aware deletion, filtered and paginated lists, and watches. It knows nothing
// about HTTP, content types or admission; handlers compose those around it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"
#include "core/clock.h"
#include "core/status.h"
#include "storage/storage.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;
using ObjectFilter = std::function<bool(const Json&)>;

struct ListParams {
  ObjectFilter filter;  // null = everything
  int64_t limit = 0;
  std::string continue_token;
  int64_t min_revision = 0;  // resourceVersion=N (not older than)
  bool exact_revision = false;  // resourceVersionMatch=Exact
  // Without a filter, return items as JSON text (raw_items) instead of parsed objects: the
  // unfiltered LIST path never parses what it serves.
  bool raw = false;
};

struct ListOutput {
  std::vector<Json> items;
  std::vector<std::string> raw_items;  // when ListParams::raw and no filter
  int64_t revision = 0;
  std::string continue_token;
  std::optional<int64_t> remaining;
};

struct DeleteParams {
  std::string propagation;  // "", Background, Foreground, Orphan
  std::string precondition_uid;
  std::string precondition_rv;
  bool dry_run = false;
};

struct DeleteOutcome {
  Json object;          // the deleted object, or the object now carrying deletionTimestamp
  bool deleted = false;  // removed from storage (false: pending finalizers)
};

// The result of a read-modify-write step: the new object, or an error.
using Mutation = std::function<core::Result<Json>(const Json& current)>;
// A mutation for updateStatus(): `current` lacks the top-level members named in `left_out`
// (and the result must lack them too); empty `left_out`: whole objects, as for Mutation.
using PartialMutation = std::function<core::Result<Json>(
    const Json& current, const std::vector<std::string>& left_out)>;

class ObjectStore {
 public:
  ObjectStore(storage::Storage& storage, core::ClockPtr clock);

  static std::string keyFor(const ServedResource& r, const std::string& ns,
                            const std::string& name);
  static std::string collectionPrefix(const ServedResource& r, const std::string& ns);

  core::Result<Json> get(const ServedResource& r, const std::string& ns, const std::string& name);
  core::Result<ListOutput> list(const ServedResource& r, const std::string& ns,
                                const ListParams& params);
  // Stores a new object (metadata already prepared). AlreadyExists if the name is taken.
  // `stored`, when given, receives the bytes now stored for the object (encode() of the result;
  // empty for a dry run): spliceResourceVersion() of them is the object's JSON without
  // serialising it again.
  core::Result<Json> create(const ServedResource& r, Json obj, bool dry_run,
                            std::string* stored = nullptr);
  // Reads the current object, applies `mutate`, writes it back if it changed, and retries on
  // concurrent writes. If the mutation result carries metadata.resourceVersion, it must match the
  // current one (409 otherwise) and no retry happens. An update that leaves an object being
  // deleted without finalizers removes it. NotFound when the object does not exist. `stored` as
  // for create(): the stored bytes of the result (empty when nothing is stored: dry run, removal).
  core::Result<Json> update(const ServedResource& r, const std::string& ns,
                            const std::string& name, const Mutation& mutate, bool dry_run,
                            std::string* stored = nullptr);
  // update() for a writer that already holds the object it read (an in-process controller's
  // cache): `mutate` runs on `known`, which is written if the stored revision is still the one
  // `known` carries, with no read or parse of the stored value; otherwise it falls back to
  // update(). Same result and events as update().
  core::Result<Json> updateFrom(const ServedResource& r, const Json& known,
                                const Mutation& mutate);
  // update() for a write through the status subresource, which cannot change the top-level
  // members other than apiVersion, kind, metadata and status: those (the spec, most of an
  // object) are neither parsed nor re-encoded, `mutate` sees the object without them and they
  // are written back as their stored text. Same stored bytes, events and errors as update()
  // with a mutation that keeps them. The result lacks them too: answer with `stored` (required),
  // which always receives the stored bytes of the result when it is still stored. Falls back to
  // whole objects (empty left_out) when the stored text cannot be split or the write ends a
  // deletion.
  core::Result<Json> updateStatus(const ServedResource& r, const std::string& ns,
                                  const std::string& name, const PartialMutation& mutate,
                                  std::string* stored);
  core::Result<DeleteOutcome> remove(const ServedResource& r, const std::string& ns,
                                     const std::string& name, const DeleteParams& params);
  core::Result<int64_t> currentRevision();
  storage::Storage& storage() { return storage_; }

  // Decodes a stored value and sets metadata.resourceVersion.
  static core::Result<Json> decode(const std::string& value, int64_t revision);
  // Serialises an object for storage (without resourceVersion).
  static std::string encode(const Json& obj);
  // encode() of `obj` with the members `extra` (name, stored text of the value) added: their
  // text is copied, not serialised; members are written in key order, as encode() does.
  static std::string encodeWith(const Json& obj,
                                const std::vector<std::pair<std::string, std::string_view>>& extra);
  // Only `metadata` (plus apiVersion and kind) of a stored value, without metadata.managedFields:
  // for in-process controllers that track ownership and deletion state of every object and for
  // label/metadata selectors, so they never build the spec, status and managedFields trees they
  // do not read.
  static core::Result<Json> decodeMetadata(const std::string& value);

 private:
  storage::Storage& storage_;
  core::ClockPtr clock_;
};

core::Status notFoundError(const ServedResource& r, const std::string& name);
core::Status conflictError(const ServedResource& r, const std::string& name);
// Sets metadata.resourceVersion of an update to the stored one. An update that names another
// (non-empty) version is a Conflict; one that names the stored version is pinned to it (true: a
// storage conflict must not be retried on a newer object).
core::Result<bool> stampResourceVersion(Json& updated, const std::string& current_rv,
                                        const ServedResource& r, const std::string& name);

}  // namespace flotilla::apiserver
