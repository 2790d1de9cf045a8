// Client: the interface controllers, informers and tests use to talk to one Kubernetes API
// server, for any group/version/resource. RestClient implements it over HTTP; FakeClient keeps
// objects in memory with real resourceVersion and watch semantics. Errors are core::Status values
// whose code reflects the Kubernetes reason (see api_errors.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/cancellation.h"
#include "client/resource.h"
#include "core/status.h"

namespace flotilla::client {

// Returns false to stop the watch.
using WatchHandler = std::function<bool(WatchEvent&& event)>;

class Client {
 public:
  virtual ~Client() = default;

  // ns is "" for cluster-scoped resources (and, for list/watch, for all namespaces).
  virtual core::Result<ObjectPtr> get(const GroupVersionResource& gvr, const std::string& ns,
                                      const std::string& name,
                                      const std::string& subresource = "") = 0;
  virtual core::Result<ObjectList> list(const GroupVersionResource& gvr, const std::string& ns,
                                        const ListOptions& options = {}) = 0;
  virtual core::Result<ObjectPtr> create(const GroupVersionResource& gvr, const std::string& ns,
                                         const nlohmann::json& object,
                                         const WriteOptions& options = {}) = 0;
  // PUT; the name comes from object.metadata.name. subresource "status" or "scale".
  virtual core::Result<ObjectPtr> update(const GroupVersionResource& gvr, const std::string& ns,
                                         const nlohmann::json& object,
                                         const WriteOptions& options = {},
                                         const std::string& subresource = "") = 0;
  // create and update (the name given, the body not parsed for it) with the object as JSON
  // text: a span of another object's text or a document spliced by json_scan. A client that
  // speaks text sends it as it is, without building and serialising a tree; the default parses
  // it and calls create/update.
  virtual core::Result<ObjectPtr> createText(const GroupVersionResource& gvr,
                                             const std::string& ns, std::string_view object,
                                             const WriteOptions& options = {}) {
    auto tree = nlohmann::json::parse(object, nullptr, false);
    if (tree.is_discarded()) return core::invalidArgument("create: the object is not JSON");
    return create(gvr, ns, tree, options);
  }
  virtual core::Result<ObjectPtr> updateText(const GroupVersionResource& gvr,
                                             const std::string& ns, const std::string& name,
                                             std::string_view object,
                                             const WriteOptions& options = {},
                                             const std::string& subresource = "") {
    (void)name;  // the tree carries it
    auto tree = nlohmann::json::parse(object, nullptr, false);
    if (tree.is_discarded()) return core::invalidArgument("update: the object is not JSON");
    return update(gvr, ns, tree, options, subresource);
  }
  virtual core::Result<ObjectPtr> patch(const GroupVersionResource& gvr, const std::string& ns,
                                        const std::string& name, PatchType type,
                                        const std::string& body, const PatchOptions& options = {},
                                        const std::string& subresource = "") = 0;
  virtual core::Status remove(const GroupVersionResource& gvr, const std::string& ns,
                              const std::string& name, const DeleteOptions& options = {}) = 0;
  // Streams events until the server closes the stream (OK), handler returns false (OK),
  // cancel fires (OK) or an error occurs. A 410 becomes Code::Gone whether it arrives as the
  // HTTP status or as an ERROR event.
  virtual core::Status watch(const GroupVersionResource& gvr, const std::string& ns,
                             const ListOptions& options, const WatchHandler& handler,
                             Cancellation* cancel = nullptr) = 0;
  // GET of an arbitrary path (discovery documents); the parsed JSON body.
  virtual core::Result<nlohmann::json> getPath(const std::string& path) = 0;
  // A health probe: one GET of path, answered within timeout or failed (Code::Timeout), never
  // retried and never queued behind the client's throttle, so that a frozen server is noticed
  // in one timeout rather than after the retries a request would get. Like getPath, the parsed
  // body (InvalidArgument when the 2xx body is not JSON, e.g. /readyz's "ok"). Clients without
  // a network (fakes) answer it as getPath.
  virtual core::Result<nlohmann::json> probePath(const std::string& path,
                                                 std::chrono::milliseconds timeout) {
    (void)timeout;
    return getPath(path);
  }
};
using ClientPtr = std::shared_ptr<Client>;

}  // namespace flotilla::client
