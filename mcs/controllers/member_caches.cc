#include "mcs/controllers/member_caches.h"

#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {

bool MemberCache::synced() const {
  return exports->hasSynced() && services->hasSynced() && slices->hasSynced() &&
         imports->hasSynced();
}

std::string serviceKeyOf(const client::Object& o) {
  if (const std::string* s = o.label(kMcsServiceNameLabel)) {
    return client::objectKey(o.namespaceName(), *s);
  }
  if (o.kind() == "EndpointSlice") {
    const std::string* s = o.label(kServiceNameLabel);
    return s ? client::objectKey(o.namespaceName(), *s) : std::string();
  }
  return o.key();
}

MemberCaches::MemberCaches(controllers::MemberClientsPtr clients, OnEvent on_event,
                           client::InformerOptions defaults)
    : clients_(std::move(clients)), on_event_(std::move(on_event)), defaults_(defaults) {}

MemberCaches::~MemberCaches() { shutdown(); }

core::Status MemberCaches::ensure(const std::string& cluster) {
  // The member client is looked up every time: it is rebuilt when the Cluster's endpoint or its
  // credentials Secret changes, and a cache on a stale client would never sync.
  auto c = clients_->clientFor(cluster);
  if (!c) return c.status();
  {
    std::lock_guard lock(mu_);
    auto it = caches_.find(cluster);
    if (it != caches_.end() && it->second->client == *c) return core::Status();
  }
  auto cache = std::make_shared<MemberCache>();
  cache->cluster = cluster;
  cache->client = *c;
  cache->factory = std::make_unique<client::SharedInformerFactory>(*c, defaults_);
  cache->exports = cache->factory->informerFor(kServiceExportsGvr);
  cache->services = cache->factory->informerFor(kServicesGvr);
  cache->slices = cache->factory->informerFor(kEndpointSlicesGvr);
  cache->imports = cache->factory->informerFor(kServiceImportsGvr);
  cache->slices->addIndex(kSliceServiceIndex, [](const client::Object& o) {
    const std::string* s = o.label(kServiceNameLabel);
    return s ? std::vector<std::string>{client::objectKey(o.namespaceName(), *s)}
             : std::vector<std::string>{};
  });
  cache->slices->addIndex(kSliceMcsServiceIndex, [](const client::Object& o) {
    const std::string* s = o.label(kMcsServiceNameLabel);
    return s ? std::vector<std::string>{client::objectKey(o.namespaceName(), *s)}
             : std::vector<std::string>{};
  });
  auto notify = [fn = on_event_](const client::ObjectPtr& o) {
    if (!o) return;
    const std::string key = serviceKeyOf(*o);
    if (!key.empty()) fn(key);
  };
  const std::pair<client::InformerPtr, client::GroupVersionResource> watched[] = {
      {cache->exports, kServiceExportsGvr},
      {cache->services, kServicesGvr},
      {cache->slices, kEndpointSlicesGvr},
      {cache->imports, kServiceImportsGvr}};
  for (const auto& [inf, gvr] : watched) {
    // The echo of our own write: the reconcile that wrote it already saw this state.
    auto changed = [notify, own = own_writes_, cluster, resource = gvr.resource](
                       const client::ObjectPtr& o) {
      if (o && own->consume(cluster, resource, o->namespaceName(), o->name(),
                            o->resourceVersion())) {
        return;
      }
      notify(o);
    };
    inf->addEventHandler(
        {changed, [changed](const client::ObjectPtr&, const client::ObjectPtr& n) { changed(n); },
         notify});
  }
  std::shared_ptr<MemberCache> replaced;
  {
    std::lock_guard lock(mu_);
    auto it = caches_.find(cluster);
    if (it != caches_.end() && it->second->client == *c) return core::Status();  // raced
    if (it != caches_.end()) replaced = it->second;
    caches_[cluster] = cache;
  }
  // The new informers deliver every object as an add, so every service of this member is
  // revisited; the old ones stop (readers holding the old cache keep a consistent snapshot).
  if (replaced) replaced->factory->shutdown();
  cache->factory->start();
  return core::Status();
}

void MemberCaches::remove(const std::string& cluster) {
  std::shared_ptr<MemberCache> gone;
  {
    std::lock_guard lock(mu_);
    auto it = caches_.find(cluster);
    if (it == caches_.end()) return;
    gone = it->second;
    caches_.erase(it);
  }
  gone->factory->shutdown();
}

MemberCachePtr MemberCaches::get(const std::string& cluster) const {
  std::lock_guard lock(mu_);
  auto it = caches_.find(cluster);
  return it == caches_.end() ? nullptr : it->second;
}

std::vector<std::string> MemberCaches::clusters() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, c] : caches_) out.push_back(name);
  return out;
}

void MemberCaches::shutdown() {
  std::map<std::string, std::shared_ptr<MemberCache>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(caches_);
  }
  for (auto& [name, c] : all) c->factory->shutdown();
}

}  // namespace flotilla::mcs
