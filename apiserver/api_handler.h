// ApiHandler: the Kubernetes REST surface of `flotilla apiserver`. It routes every request —
// health, version, discovery, OpenAPI and resource verbs (get, list, watch, create, update,
// patch, delete, deletecollection, and the status/scale/finalize subresources) — and composes
// body codecs, admission, the object strategy and the ObjectStore. Controllers that run inside
// the server (garbage collector, namespace lifecycle, CRD establishment) live beside it.
#pragma once

#include <memory>
#include <string>

#include "apiserver/admission.h"
#include "apiserver/http_types.h"
#include "apiserver/object_store.h"
#include "apiserver/resource_registry.h"
#include "core/clock.h"

namespace flotilla::runtime {
class MetricsRegistry;
}

namespace flotilla::apiserver {

class OpenApiCache;
class RequestMetrics;
class WatchHub;

struct ApiHandlerOptions {
  std::string server_address;  // host:port, for discovery
  std::string git_version = "v1.32.0-flotilla";
  std::chrono::seconds max_watch_timeout{1800};
  // Where request metrics go (served at /metrics); a private registry when null.
  std::shared_ptr<runtime::MetricsRegistry> metrics;
};

class ApiHandler {
 public:
  ApiHandler(ApiHandlerOptions options, ResourceRegistry& registry, ObjectStore& store,
             core::ClockPtr clock);
  ~ApiHandler();

  HandlerResult handle(HttpRequest& req);
  Admission& admission() { return admission_; }

 private:
  HandlerResult route(HttpRequest& req);
  HandlerResult handleResource(HttpRequest& req);
  HttpResponse handleGet(const HttpRequest& req, const ServedResource& r, const std::string& ns,
                         const std::string& name);
  HttpResponse handleList(const HttpRequest& req, const ServedResource& r, const std::string& ns);
  HandlerResult handleWatch(const HttpRequest& req, const ServedResourcePtr& r,
                            const std::string& ns, const std::string& name);
  HttpResponse handleCreate(const HttpRequest& req, const ServedResource& r,
                            const std::string& ns);
  HttpResponse handleUpdate(const HttpRequest& req, const ServedResource& r, const std::string& ns,
                            const std::string& name, const std::string& subresource);
  HttpResponse handlePatch(const HttpRequest& req, const ServedResource& r, const std::string& ns,
                           const std::string& name, const std::string& subresource);
  HttpResponse handleApply(const HttpRequest& req, const ServedResource& r, const std::string& ns,
                           const std::string& name, const std::string& subresource);
  HttpResponse handleDelete(const HttpRequest& req, const ServedResource& r, const std::string& ns,
                            const std::string& name);
  HttpResponse handleDeleteCollection(const HttpRequest& req, const ServedResource& r,
                                      const std::string& ns);
  HttpResponse handleScale(const HttpRequest& req, const ServedResource& r, const std::string& ns,
                           const std::string& name);
  HttpResponse handleFinalize(const HttpRequest& req, const ServedResource& r,
                              const std::string& name);
  HttpResponse handleNonResource(const HttpRequest& req, bool* handled);

  // Renders one object or a list for the request's Accept (JSON or server-side Table).
  HttpResponse renderObject(const HttpRequest& req, const ServedResource& r, const Json& obj,
                            int status);
  core::Status checkNamespaceWritable(const ServedResource& r, const std::string& ns);

  ApiHandlerOptions options_;
  ResourceRegistry& registry_;
  ObjectStore& store_;
  core::ClockPtr clock_;
  Admission admission_;
  std::unique_ptr<OpenApiCache> openapi_;
  std::unique_ptr<RequestMetrics> metrics_;
};

}  // namespace flotilla::apiserver
