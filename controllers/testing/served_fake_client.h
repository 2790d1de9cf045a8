// ServedFakeClient: client::FakeClient plus the non-resource paths a member cluster serves —
// discovery (/api, /apis and their resource lists), /version and /readyz — so controllers that
// probe members or map kinds to resources can be tested against the real-behaviour fake.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "client/fake_client.h"

namespace flotilla::controllers::testing {

class ServedFakeClient final : public client::Client {
 public:
  ServedFakeClient() : fake_(std::make_shared<client::FakeClient>()) {}
  client::FakeClient& fake() { return *fake_; }
  // While false, every call fails with Unavailable (the member is unreachable).
  void setReachable(bool reachable) {
    std::lock_guard lock(mu_);
    reachable_ = reachable;
  }
  // Frozen: probes take their whole timeout (reported to on_wait, e.g. to advance a fake clock)
  // and fail with Code::Timeout; other requests fail the same way at once.
  void setFrozen(std::function<void(std::chrono::milliseconds)> on_wait) {
    std::lock_guard lock(mu_);
    frozen_ = std::move(on_wait);
  }
  core::Result<nlohmann::json> probePath(const std::string& path,
                                         std::chrono::milliseconds timeout) override {
    std::function<void(std::chrono::milliseconds)> frozen;
    {
      std::lock_guard lock(mu_);
      frozen = frozen_;
    }
    if (frozen) {
      frozen(timeout);
      return core::Status(core::Code::Timeout, "GET " + path + ": timed out");
    }
    return getPath(path);
  }

  core::Result<client::ObjectPtr> get(const client::GroupVersionResource& gvr,
                                      const std::string& ns, const std::string& name,
                                      const std::string& sub = "") override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    return fake_->get(gvr, ns, name, sub);
  }
  core::Result<client::ObjectList> list(const client::GroupVersionResource& gvr,
                                        const std::string& ns,
                                        const client::ListOptions& o = {}) override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    return fake_->list(gvr, ns, o);
  }
  core::Result<client::ObjectPtr> create(const client::GroupVersionResource& gvr,
                                         const std::string& ns, const nlohmann::json& obj,
                                         const client::WriteOptions& o = {}) override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    return fake_->create(gvr, ns, obj, o);
  }
  core::Result<client::ObjectPtr> update(const client::GroupVersionResource& gvr,
                                         const std::string& ns, const nlohmann::json& obj,
                                         const client::WriteOptions& o = {},
                                         const std::string& sub = "") override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    return fake_->update(gvr, ns, obj, o, sub);
  }
  core::Result<client::ObjectPtr> patch(const client::GroupVersionResource& gvr,
                                        const std::string& ns, const std::string& name,
                                        client::PatchType type, const std::string& body,
                                        const client::PatchOptions& o = {},
                                        const std::string& sub = "") override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    return fake_->patch(gvr, ns, name, type, body, o, sub);
  }
  core::Status remove(const client::GroupVersionResource& gvr, const std::string& ns,
                      const std::string& name, const client::DeleteOptions& o = {}) override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    return fake_->remove(gvr, ns, name, o);
  }
  core::Status watch(const client::GroupVersionResource& gvr, const std::string& ns,
                     const client::ListOptions& o, const client::WatchHandler& h,
                     client::Cancellation* cancel = nullptr) override {
    return fake_->watch(gvr, ns, o, h, cancel);
  }
  core::Result<nlohmann::json> getPath(const std::string& path) override {
    FLOTILLA_RETURN_IF_ERROR(reach());
    if (path == "/readyz") return core::invalidArgument("GET /readyz: invalid JSON: ok");
    if (path == "/version") return nlohmann::json{{"gitVersion", "v1.32.0"}};
    if (path == "/api") return nlohmann::json{{"versions", {"v1"}}};
    if (path == "/apis") {
      return nlohmann::json{
          {"groups",
           {{{"name", "apps"},
             {"versions", {{{"groupVersion", "apps/v1"}, {"version", "v1"}}}},
             {"preferredVersion", {{"groupVersion", "apps/v1"}, {"version", "v1"}}}}}}};
    }
    auto res = [](const char* name, const char* kind, bool namespaced) {
      return nlohmann::json{{"name", name},
                            {"kind", kind},
                            {"namespaced", namespaced},
                            {"verbs", {"get", "list", "watch", "create", "update", "delete"}}};
    };
    if (path == "/api/v1") {
      return nlohmann::json{{"groupVersion", "v1"},
                            {"resources",
                             {res("configmaps", "ConfigMap", true), res("secrets", "Secret", true),
                              res("services", "Service", true), res("nodes", "Node", false),
                              res("pods", "Pod", true), res("namespaces", "Namespace", false)}}};
    }
    if (path == "/apis/apps/v1") {
      return nlohmann::json{{"groupVersion", "apps/v1"},
                            {"resources", {res("deployments", "Deployment", true)}}};
    }
    return core::notFound("no path " + path);
  }

 private:
  core::Status reach() {
    std::lock_guard lock(mu_);
    if (frozen_) return core::Status(core::Code::Timeout, "timed out");
    return reachable_ ? core::Status() : core::Status(core::Code::Unavailable, "connection refused");
  }
  std::shared_ptr<client::FakeClient> fake_;
  std::mutex mu_;
  bool reachable_ = true;
  std::function<void(std::chrono::milliseconds)> frozen_;
};

}  // namespace flotilla::controllers::testing

#include "client/indexer.h"

namespace flotilla::controllers::testing {

// Refreshes a cache from the client: what an informer would hold once synced.
inline void loadCache(client::Client& c, const client::GroupVersionResource& gvr,
                      client::Indexer& cache) {
  auto listed = c.list(gvr, "", {});
  cache.replace(listed ? listed->items : std::vector<client::ObjectPtr>{});
}

inline nlohmann::json deployment(const std::string& ns, const std::string& name, int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", name}}}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec",
               {{"containers",
                 {{{"name", "c"},
                   {"image", "nginx"},
                   {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}}}}}}}}}}}};
}

inline nlohmann::json readyCluster(const std::string& name) {
  return {{"apiVersion", "cluster.karmada.io/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", name}}},
          {"spec", {{"syncMode", "Push"}, {"apiEndpoint", "https://" + name + ".example"}}},
          {"status",
           {{"conditions", {{{"type", "Ready"}, {"status", "True"}, {"reason", "ClusterReady"}}}},
            {"apiEnablements",
             {{{"groupVersion", "apps/v1"},
               {"resources", {{{"name", "deployments"}, {"kind", "Deployment"}}}}},
              {{"groupVersion", "v1"},
               {"resources", {{{"name", "configmaps"}, {"kind", "ConfigMap"}}}}}}},
            {"resourceSummary",
             {{"allocatable", {{"cpu", "100"}, {"memory", "200Gi"}, {"pods", "1000"}}},
              {"allocated", {{"cpu", "0"}, {"memory", "0"}, {"pods", "0"}}}}}}}};
}

}  // namespace flotilla::controllers::testing
