// OpenApiCache: serves /openapi/v3 (the index of group-versions with content hashes) and the
// per-group-version documents, built from the ResourceRegistry by apimachinery's OpenAPI
// builders and rebuilt whenever the registry changes (a CRD appears), so the hashes clients cache
// by always change with the content (kube-api.md §3).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "apiserver/http_types.h"
#include "apiserver/resource_registry.h"

namespace flotilla::apiserver {

class OpenApiCache {
 public:
  explicit OpenApiCache(const ResourceRegistry& registry) : registry_(registry) {}
  HttpResponse serve(const HttpRequest& req);

 private:
  struct Snapshot {
    uint64_t generation = 0;
    std::string index;                                     // /openapi/v3 body
    std::map<std::string, std::pair<std::string, std::string>> docs;  // path -> (hash, body)
  };
  std::shared_ptr<const Snapshot> snapshot();

  const ResourceRegistry& registry_;
  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace flotilla::apiserver
