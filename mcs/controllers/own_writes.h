// OwnWrites: the resourceVersions the MCS sync itself just wrote into member clusters, so that
// the member informers can drop the echoes of those writes instead of enqueueing the service
// again. A readiness flip is written to every consumer (ten members, ten echoes), and each echo
// used to cost a full reconcile that only found nothing to do.
//
// Only an event carrying exactly a recorded (cluster, resource, namespace/name, resourceVersion)
// is dropped, once; anything else anyone writes still enqueues. An echo that arrives before the
// write's response was recorded is simply not dropped (one extra, harmless reconcile).
// Bounded: past `capacity` entries the oldest are forgotten.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

namespace flotilla::mcs {

class OwnWrites {
 public:
  explicit OwnWrites(std::size_t capacity = 65536) : capacity_(capacity) {}

  void record(const std::string& cluster, const std::string& resource, const std::string& ns,
              const std::string& name, const std::string& resource_version);
  // True (and forgets it) when this exact version was recorded.
  bool consume(const std::string& cluster, const std::string& resource, const std::string& ns,
               const std::string& name, const std::string& resource_version);
  std::size_t size() const;

 private:
  static std::string key(const std::string& cluster, const std::string& resource,
                          const std::string& ns, const std::string& name,
                          const std::string& resource_version);
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> pending_;
  std::deque<std::string> order_;  // insertion order, for the bound (may hold consumed keys)
};

}  // namespace flotilla::mcs
