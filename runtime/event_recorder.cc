#include "runtime/event_recorder.h"

#include <cstdio>

namespace flotilla::runtime {

namespace {
const client::GroupVersionResource kEvents{"", "v1", "events"};
}

EventRecorder::EventRecorder(client::ClientPtr client, std::string component, core::ClockPtr clock,
                             std::chrono::seconds aggregation_window)
    : client_(std::move(client)),
      component_(std::move(component)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      window_(aggregation_window) {}

core::Status EventRecorder::record(const client::Object& involved, EventType type,
                                   const std::string& reason, const std::string& message) {
  const std::string type_name = type == EventType::Normal ? "Normal" : "Warning";
  const std::string ns = involved.namespaceName().empty() ? "default" : involved.namespaceName();
  const auto now = clock_->now();
  const std::string ts = core::formatRfc3339(clock_->wallNow());
  const Key key{involved.uid().empty() ? involved.key() : involved.uid(), involved.kind(),
                type_name, reason, message};

  std::unique_lock lock(mu_);
  auto it = seen_.find(key);
  if (it != seen_.end() && now - it->second.last < window_) {
    Seen& s = it->second;
    const int64_t count = s.count + 1;
    const std::string name = s.event_name;
    const std::string ev_ns = s.event_namespace;
    lock.unlock();
    nlohmann::json patch = {{"count", count}, {"lastTimestamp", ts}};
    auto r = client_->patch(kEvents, ev_ns, name, client::PatchType::Merge, patch.dump(), {}, "");
    lock.lock();
    if (r) {
      s.count = count;
      s.last = now;
      return core::Status::ok();
    }
    if (r.status().code() != core::Code::NotFound) return r.status();
    seen_.erase(key);  // the Event was deleted (TTL): start a new one
  }
  lock.unlock();

  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "%llx",
                static_cast<unsigned long long>(
                    clock_->wallNow().time_since_epoch().count()));
  const std::string name = involved.name() + "." + suffix;
  nlohmann::json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", name}, {"namespace", ns}}},
      {"involvedObject",
       {{"kind", involved.kind()},
        {"namespace", involved.namespaceName()},
        {"name", involved.name()},
        {"uid", involved.uid()},
        {"apiVersion", involved.apiVersion()},
        {"resourceVersion", involved.resourceVersion()}}},
      {"reason", reason},
      {"message", message},
      {"type", type_name},
      {"source", {{"component", component_}}},
      {"reportingComponent", component_},
      {"firstTimestamp", ts},
      {"lastTimestamp", ts},
      {"count", 1}};
  auto created = client_->create(kEvents, ns, event, {});
  if (!created) return created.status();
  lock.lock();
  seen_[key] = Seen{name, ns, 1, now};
  return core::Status::ok();
}

}  // namespace flotilla::runtime
