#include "runtime/own_writes.h"

#include <algorithm>

namespace flotilla::runtime {

namespace {
// Versions remembered per key: a cache that far behind is reconciled from as it is.
constexpr std::size_t kMaxChain = 16;
}  // namespace

client::ObjectPtr OwnWrites::freshest(const std::string& key, const client::ObjectPtr& cached) {
  std::lock_guard lock(mu_);
  if (entries_.empty()) return cached;
  auto it = entries_.find(key);
  if (it == entries_.end()) return cached;
  if (cached) {
    const auto& replaced = it->second.replaced;
    if (std::find(replaced.begin(), replaced.end(), cached->resourceVersion()) != replaced.end()) {
      return it->second.latest;
    }
  }
  entries_.erase(it);
  return cached;
}

void OwnWrites::record(const std::string& key, const std::string& base_version,
                       const client::ObjectPtr& written) {
  if (!written || base_version.empty() || written->resourceVersion() == base_version) return;
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.emplace(key, Entry{{base_version}, written});
    return;
  }
  Entry& e = it->second;
  // A write based on our previous write extends the chain: the cache may still hold any version
  // before it. A write based on anything else starts a new one.
  if (e.latest && e.latest->resourceVersion() == base_version) {
    e.replaced.push_back(base_version);
    if (e.replaced.size() > kMaxChain) e.replaced.erase(e.replaced.begin());
  } else {
    e.replaced.assign(1, base_version);
  }
  e.latest = written;
}

std::size_t OwnWrites::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace flotilla::runtime
