// EventRecorder: writes core/v1 Events about objects so `kubectl describe` shows what controllers
// did. Repeats of the same (object, type, reason, message) within the aggregation window are
// folded into one Event whose count and lastTimestamp grow, instead of a new Event each time —
// a controller stuck in a retry loop must not flood the API server.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "client/client.h"
#include "core/clock.h"

namespace flotilla::runtime {

enum class EventType { Normal, Warning };

class EventRecorder {
 public:
  EventRecorder(client::ClientPtr client, std::string component, core::ClockPtr clock = nullptr,
                std::chrono::seconds aggregation_window = std::chrono::minutes(10));

  // Writes (or aggregates into) an Event in the object's namespace ("default" when
  // cluster-scoped). Errors are returned, not thrown; callers usually only log them.
  core::Status record(const client::Object& involved, EventType type, const std::string& reason,
                      const std::string& message);

 private:
  struct Seen {
    std::string event_name;
    std::string event_namespace;
    int64_t count = 0;
    core::Clock::TimePoint last{};
  };
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;

  client::ClientPtr client_;
  std::string component_;
  core::ClockPtr clock_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::map<Key, Seen> seen_;
};

}  // namespace flotilla::runtime
