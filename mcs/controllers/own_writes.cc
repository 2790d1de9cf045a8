#include "mcs/controllers/own_writes.h"

namespace flotilla::mcs {

std::string OwnWrites::key(const std::string& cluster, const std::string& resource,
                           const std::string& ns, const std::string& name,
                           const std::string& resource_version) {
  std::string k;
  k.reserve(cluster.size() + resource.size() + ns.size() + name.size() +
            resource_version.size() + 4);
  // '\n' cannot occur in any of the parts, so the key is unambiguous.
  k.append(cluster).push_back('\n');
  k.append(resource).push_back('\n');
  k.append(ns).push_back('\n');
  k.append(name).push_back('\n');
  k.append(resource_version);
  return k;
}

void OwnWrites::record(const std::string& cluster, const std::string& resource,
                       const std::string& ns, const std::string& name,
                       const std::string& resource_version) {
  if (resource_version.empty()) return;
  std::string k = key(cluster, resource, ns, name, resource_version);
  std::lock_guard lock(mu_);
  if (!pending_.insert(k).second) return;
  order_.push_back(std::move(k));
  while (order_.size() > capacity_) {
    pending_.erase(order_.front());
    order_.pop_front();
  }
}

bool OwnWrites::consume(const std::string& cluster, const std::string& resource,
                        const std::string& ns, const std::string& name,
                        const std::string& resource_version) {
  if (resource_version.empty()) return false;
  const std::string k = key(cluster, resource, ns, name, resource_version);
  std::lock_guard lock(mu_);
  // The key stays in order_ until it ages out; pending_ is what counts.
  return pending_.erase(k) > 0;
}

std::size_t OwnWrites::size() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

}  // namespace flotilla::mcs
