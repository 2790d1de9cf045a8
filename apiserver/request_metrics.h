// RequestMetrics: kube-apiserver's request metrics for `/metrics` — how many requests of which
// verb on which resource ended with which code, how long they took, how many watches are open and
// how many events they sent. Operators compare these across processes to see where a federation
// spends its requests (host vs members), and benchmarks count requests per propagated Work.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "apiserver/http_types.h"

namespace flotilla::runtime {
class MetricsRegistry;
class CounterFamily;
class GaugeFamily;
class HistogramFamily;
}  // namespace flotilla::runtime

namespace flotilla::apiserver {

class RequestMetrics {
 public:
  explicit RequestMetrics(std::shared_ptr<runtime::MetricsRegistry> registry);

  // Records a finished request. A streaming result (watch) is counted when it starts; its stream
  // function is wrapped so the open-watch gauge and the event counter follow it.
  void record(const HttpRequest& req, HandlerResult& result,
              std::chrono::steady_clock::duration elapsed);

  // The registry in Prometheus text format.
  std::string render() const;

 private:
  std::shared_ptr<runtime::MetricsRegistry> registry_;
  runtime::CounterFamily* requests_;
  runtime::HistogramFamily* durations_;
  runtime::GaugeFamily* longrunning_;
  runtime::CounterFamily* watch_events_;
};

}  // namespace flotilla::apiserver
