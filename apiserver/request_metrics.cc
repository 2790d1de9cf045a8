#include "apiserver/request_metrics.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "apiserver/request_info.h"
#include "runtime/metrics_registry.h"

namespace flotilla::apiserver {

namespace {

// The verb label as kube-apiserver writes it: HTTP-ish and upper case, with LIST/WATCH told apart
// from GET and server-side apply from other patches.
std::string verbLabel(const HttpRequest& req, const RequestInfo& info) {
  if (!info.is_resource_request) return req.method;
  const std::string& v = info.verb;
  if (v == "get") return "GET";
  if (v == "list") return "LIST";
  if (v == "watch") return "WATCH";
  if (v == "create") return "POST";
  if (v == "update") return "PUT";
  if (v == "delete" || v == "deletecollection") return "DELETE";
  if (v == "patch") {
    return req.header("content-type").rfind("application/apply-patch", 0) == 0 ? "APPLY"
                                                                                : "PATCH";
  }
  return req.method;
}

std::string scopeLabel(const RequestInfo& info) {
  if (!info.is_resource_request) return "";
  if (!info.name.empty()) return "resource";
  if (!info.namespace_.empty()) return "namespace";
  return "cluster";
}

// Counts every chunk a watch writes (one per event or bookmark) while forwarding it.
class CountingWriter final : public ChunkWriter {
 public:
  CountingWriter(ChunkWriter& inner, runtime::CounterFamily* events,
                 const runtime::LabelValues* labels)
      : inner_(inner), events_(events), labels_(labels) {}
  // A chunk carries one or more events (a watch sends each storage batch as one chunk), each a
  // line of its own.
  bool write(std::string_view chunk) override {
    const auto lines = std::count(chunk.begin(), chunk.end(), '\n');
    events_->inc(*labels_, static_cast<double>(lines > 0 ? lines : 1));
    return inner_.write(chunk);
  }
  bool connectionClosed() override { return inner_.connectionClosed(); }

 private:
  ChunkWriter& inner_;
  runtime::CounterFamily* events_;
  const runtime::LabelValues* labels_;
};

// Decrements the open-watch gauge however the stream ends.
class GaugeGuard {
 public:
  GaugeGuard(runtime::GaugeFamily* gauge, const runtime::LabelValues* labels)
      : gauge_(gauge), labels_(labels) {
    gauge_->add(*labels_, 1);
  }
  ~GaugeGuard() { gauge_->add(*labels_, -1); }
  GaugeGuard(const GaugeGuard&) = delete;
  GaugeGuard& operator=(const GaugeGuard&) = delete;

 private:
  runtime::GaugeFamily* gauge_;
  const runtime::LabelValues* labels_;
};

}  // namespace

RequestMetrics::RequestMetrics(std::shared_ptr<runtime::MetricsRegistry> registry)
    : registry_(registry ? std::move(registry) : std::make_shared<runtime::MetricsRegistry>()) {
  const std::vector<std::string> labels = {"verb",        "group", "version", "resource",
                                           "subresource", "scope", "component"};
  std::vector<std::string> with_code = labels;
  with_code.push_back("code");
  requests_ = registry_->counter(
      "apiserver_request_total",
      "Counter of apiserver requests broken out for each verb, group, version, resource, scope, "
      "component, and HTTP response code.",
      with_code);
  durations_ = registry_->histogram(
      "apiserver_request_duration_seconds",
      "Response latency distribution in seconds for each verb, group, version, resource, "
      "subresource, scope and component (watches: until the stream starts).",
      labels,
      {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20,
       30, 45, 60});
  longrunning_ = registry_->gauge(
      "apiserver_longrunning_requests",
      "Gauge of all active long-running apiserver requests (watches) broken out by verb, group, "
      "version, resource, subresource, scope and component.",
      labels);
  watch_events_ = registry_->counter(
      "apiserver_watch_events_total",
      "Number of events (including bookmarks and errors) sent in watch clients.",
      {"group", "version", "resource"});
}

void RequestMetrics::record(const HttpRequest& req, HandlerResult& result,
                            std::chrono::steady_clock::duration elapsed) {
  const RequestInfo info = parseRequestInfo(req);
  runtime::LabelValues labels = {verbLabel(req, info), info.group,       info.version,
                                 info.resource,        info.subresource, scopeLabel(info),
                                 "apiserver"};
  durations_->observe(labels, std::chrono::duration<double>(elapsed).count());
  runtime::LabelValues with_code = labels;
  with_code.push_back(std::to_string(result.response.status));
  requests_->inc(with_code);
  if (!result.stream) return;
  // The wrapped stream owns copies of its labels: it outlives this call.
  auto inner = std::move(result.stream);
  result.stream = [inner = std::move(inner), gauge = longrunning_, events = watch_events_,
                   gauge_labels = std::move(labels),
                   event_labels = runtime::LabelValues{info.group, info.version,
                                                       info.resource}](ChunkWriter& out) {
    GaugeGuard open(gauge, &gauge_labels);
    CountingWriter counting(out, events, &event_labels);
    inner(counting);
  };
}

std::string RequestMetrics::render() const { return registry_->render(); }

}  // namespace flotilla::apiserver
