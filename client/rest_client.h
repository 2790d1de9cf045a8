// RestClient: the Client interface over HTTP. It builds Kubernetes URLs for any
// group/version/resource, throttles with a client-side token bucket, retries with exponential
// backoff (429 for every verb, honouring Retry-After, because the server did not act on the
// request; 5xx and connection errors only for idempotent verbs GET/PUT/DELETE), turns error
// responses into Status values with the Kubernetes reason, counts requests in
// rest_client_requests_total{code,method,host}, and streams watches through the decoder.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "client/client.h"
#include "client/http_transport.h"
#include "client/rest_config.h"
#include "client/token_bucket.h"
#include "core/clock.h"
#include "runtime/metrics_registry.h"

namespace flotilla::client {

struct RestClientDeps {
  core::ClockPtr clock;                                  // default RealClock
  std::function<void(std::chrono::nanoseconds)> sleep;  // default this_thread::sleep_for
  runtime::MetricsRegistry* metrics = nullptr;           // optional
};

class RestClient final : public Client {
 public:
  RestClient(RestConfig config, HttpTransportPtr transport, RestClientDeps deps = {});
  // Builds the production transport for config.
  static core::Result<std::shared_ptr<RestClient>> create(RestConfig config,
                                                          RestClientDeps deps = {});

  core::Result<ObjectPtr> get(const GroupVersionResource& gvr, const std::string& ns,
                              const std::string& name, const std::string& subresource) override;
  core::Result<ObjectList> list(const GroupVersionResource& gvr, const std::string& ns,
                                const ListOptions& options) override;
  core::Result<ObjectPtr> create(const GroupVersionResource& gvr, const std::string& ns,
                                 const nlohmann::json& object,
                                 const WriteOptions& options) override;
  core::Result<ObjectPtr> update(const GroupVersionResource& gvr, const std::string& ns,
                                 const nlohmann::json& object, const WriteOptions& options,
                                 const std::string& subresource) override;
  core::Result<ObjectPtr> createText(const GroupVersionResource& gvr, const std::string& ns,
                                     std::string_view object,
                                     const WriteOptions& options) override;
  core::Result<ObjectPtr> updateText(const GroupVersionResource& gvr, const std::string& ns,
                                     const std::string& name, std::string_view object,
                                     const WriteOptions& options,
                                     const std::string& subresource) override;
  core::Result<ObjectPtr> patch(const GroupVersionResource& gvr, const std::string& ns,
                                const std::string& name, PatchType type, const std::string& body,
                                const PatchOptions& options,
                                const std::string& subresource) override;
  core::Status remove(const GroupVersionResource& gvr, const std::string& ns,
                      const std::string& name, const DeleteOptions& options) override;
  core::Status watch(const GroupVersionResource& gvr, const std::string& ns,
                     const ListOptions& options, const WatchHandler& handler,
                     Cancellation* cancel) override;
  core::Result<nlohmann::json> getPath(const std::string& path) override;
  core::Result<nlohmann::json> probePath(const std::string& path,
                                         std::chrono::milliseconds timeout) override;

  // Sends one request with throttling, auth and retries; exposed for callers with unusual
  // endpoints. Non-2xx responses become error Statuses.
  core::Result<HttpResponse> execute(HttpRequest request);
  const RestConfig& config() const { return config_; }

 private:
  void addCommonHeaders(HttpRequest& request);
  core::Result<ObjectPtr> post(const GroupVersionResource& gvr, const std::string& ns,
                               std::string body, const WriteOptions& options);
  core::Result<ObjectPtr> put(const GroupVersionResource& gvr, const std::string& ns,
                              const std::string& name, std::string body,
                              const WriteOptions& options, const std::string& subresource);
  void record(const std::string& method, int code);

  RestConfig config_;
  HttpTransportPtr transport_;
  core::ClockPtr clock_;
  std::function<void(std::chrono::nanoseconds)> sleep_;
  TokenBucket throttle_;
  runtime::CounterFamily* requests_total_ = nullptr;
  std::string host_;
  std::mutex token_mu_;
  std::string token_;
};

// Path of a collection or object: /api/v1[/namespaces/ns]/res[/name[/sub]].
std::string resourcePath(const GroupVersionResource& gvr, const std::string& ns,
                         const std::string& name = "", const std::string& subresource = "");
std::string urlEncode(const std::string& s);
// Retry-After in seconds (delta form); nullopt when absent or not a number.
std::optional<std::chrono::seconds> parseRetryAfter(const std::string& value);

}  // namespace flotilla::client
