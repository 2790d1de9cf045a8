// MemberApply: makes the objects Flotilla manages for one multi-cluster service in one member
// cluster equal to a desired set — creates what is missing (creating the namespace first when
// the member lacks it), updates what differs (mcs/imports/object_diff), deletes managed objects
// that are no longer desired. A create that finds the object already there succeeds without
// writing: the member's informer will report it and the next reconcile compares it. `actual` must contain only objects Flotilla manages (the caller
// selects them by label from the member's caches), so nothing of anyone else is ever deleted.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "core/status.h"

namespace flotilla::mcs {

struct ManagedObject {
  client::GroupVersionResource gvr;
  nlohmann::json object;  // complete object (apiVersion, kind, metadata.name/namespace)
  // For kinds with a status subresource: the status to write after create/update (null = none).
  nlohmann::json status;
};

struct ApplyCounts {
  int created = 0, updated = 0, deleted = 0;
  // Creates that found the object already there (the caller's cache lags): the caller should
  // look again shortly, since the echo of that object may be one it dropped as its own write.
  int already_existed = 0;
};

// Whether applyManaged would write anything: lets the caller skip members that already match
// (most reconciles are echoes of the sync's own writes) and fan out only to those that do not.
bool applyNeeded(const std::vector<ManagedObject>& desired,
                 const std::vector<ManagedObject>& actual);

// Called with every object a create or update returned (its new resourceVersion), so the
// caller can recognise the echo of its own write (mcs/controllers/own_writes).
using WriteObserver =
    std::function<void(const client::GroupVersionResource& gvr, const client::Object& written)>;

// Applies `desired` over `actual` (same objects, as found in the member's cache). Continues past
// failures and returns the first error.
core::Status applyManaged(client::Client& member, const std::vector<ManagedObject>& desired,
                          const std::vector<ManagedObject>& actual, ApplyCounts* counts,
                          const WriteObserver& on_written = {});

}  // namespace flotilla::mcs
