// MetricsServer: a tiny HTTP/1.1 server (Boost.Beast, one I/O thread) for a controller process's
// /metrics (Prometheus text from a MetricsRegistry), /healthz and /readyz. It binds 127.0.0.1 by
// default; port 0 picks a free port (see port()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "runtime/metrics_registry.h"

namespace flotilla::runtime {

struct MetricsServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::function<bool()> healthy;  // default: always
  std::function<bool()> ready;    // default: always
};

class MetricsServer {
 public:
  static core::Result<std::unique_ptr<MetricsServer>> start(MetricsRegistryPtr registry,
                                                            MetricsServerOptions options);
  virtual ~MetricsServer() = default;
  virtual uint16_t port() const = 0;
  virtual void stop() = 0;
};

}  // namespace flotilla::runtime
