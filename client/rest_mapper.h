// Discovery and the REST mapper: which resources the server serves (from /api, /apis and each
// group-version's APIResourceList) and the mapping kind ↔ resource with its scope. The mapper
// caches discovery and refreshes it when asked for a kind or resource it does not know, so a CRD
// installed after startup is found on first use (refreshes are spaced by min_refresh_interval so
// a typo cannot hammer the server).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "client/client.h"
#include "core/clock.h"

namespace flotilla::client {

struct ApiResource {
  GroupVersionResource gvr;
  std::string kind;
  std::string singular_name;
  bool namespaced = false;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> subresources;  // "status", "scale"
};

// Fetches every served resource (preferred and non-preferred versions).
core::Result<std::vector<ApiResource>> discoverResources(Client& client);

struct ResourceMapping {
  GroupVersionResource gvr;
  GroupVersionKind gvk;
  bool namespaced = false;
};

class RestMapper {
 public:
  RestMapper(ClientPtr client, core::ClockPtr clock = nullptr,
             std::chrono::milliseconds min_refresh_interval = std::chrono::seconds(1));

  core::Result<ResourceMapping> mappingForKind(const GroupVersionKind& gvk);
  // "deployments", "deployment", "deploy", "deployments.apps"; the preferred (first discovered)
  // version wins when several serve it.
  core::Result<ResourceMapping> mappingForResource(const std::string& name);
  core::Result<ResourceMapping> mappingForGvr(const GroupVersionResource& gvr);
  core::Status refresh();

 private:
  template <typename Pred>
  core::Result<ResourceMapping> find(const Pred& pred, const std::string& what);

  ClientPtr client_;
  core::ClockPtr clock_;
  std::chrono::milliseconds min_refresh_interval_;
  std::mutex mu_;
  std::vector<ApiResource> resources_;
  bool loaded_ = false;
  core::Clock::TimePoint last_refresh_{};
};

}  // namespace flotilla::client
