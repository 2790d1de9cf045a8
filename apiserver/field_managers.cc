#include "apiserver/field_managers.h"

#include "apimachinery/managed_fields.h"
#include "apiserver/object_strategy.h"
#include "core/clock.h"

namespace flotilla::apiserver {

namespace {
apimachinery::ApplyRequest requestFor(const ServedResource& r, const std::string& manager,
                                      const std::string& subresource, bool force,
                                      std::chrono::system_clock::time_point now) {
  apimachinery::ApplyRequest req;
  req.manager = manager.empty() ? "unknown" : manager;
  req.api_version = r.apiVersion();
  req.time = timestampText(now);
  req.subresource = subresource;
  req.force = force;
  return req;
}
}  // namespace

void recordManagedUpdate(const ServedResource& r, const Json* old, Json& obj,
                         const std::string& manager, const std::string& subresource,
                         std::chrono::system_clock::time_point now,
                         const std::vector<std::string>& unchanged_members) {
  apimachinery::recordUpdateOwnership(old, obj, r.schema,
                                      requestFor(r, manager, subresource, false, now),
                                      unchanged_members);
}

core::Result<Json> applyToNew(const ServedResource& r, const Json& applied,
                              const std::string& manager,
                              std::chrono::system_clock::time_point now) {
  return apimachinery::serverSideApply(nullptr, applied, r.schema,
                                       requestFor(r, manager, "", false, now));
}

core::Result<Json> applyToExisting(const ServedResource& r, const Json& live, const Json& applied,
                                   const std::string& manager, bool force,
                                   const std::string& subresource,
                                   std::chrono::system_clock::time_point now) {
  return apimachinery::serverSideApply(&live, applied, r.schema,
                                       requestFor(r, manager, subresource, force, now));
}

}  // namespace flotilla::apiserver
