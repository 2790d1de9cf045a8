#include "mcs/controllers/mcs_wiring.h"

#include <atomic>
#include <map>
#include <mutex>

#include "controllers/wire/karmada_names.h"
#include "mcs/controllers/mcs_sync_controller.h"
#include "mcs/imports/cluster_sets.h"

namespace flotilla::mcs {

using Json = nlohmann::json;

McsHandle::~McsHandle() {
  if (members) members->shutdown();
}

std::unique_ptr<McsHandle> addMcsControllers(runtime::Manager& manager, client::ClientPtr host,
                                             controllers::MemberClientsPtr member_clients,
                                             const McsWiringOptions& options) {
  auto& inf = manager.informers();
  auto clusters = inf.informerFor(controllers::kClustersGvr);
  auto imports = inf.informerFor(kServiceImportsGvr);
  auto services = inf.informerFor(kServicesGvr);
  client::InformerPtr mcss;
  if (options.serve_multi_cluster_services) mcss = inf.informerFor(kMultiClusterServicesGvr);

  // Member events arrive before the controller exists only in theory (caches start in the first
  // reconcile or Cluster event); the pointer is set right below.
  auto queue = std::make_shared<std::atomic<runtime::WorkQueue*>>(nullptr);
  client::InformerOptions member_defaults;
  member_defaults.max_backoff = std::chrono::milliseconds(2000);
  auto handle = std::make_unique<McsHandle>();
  handle->members = std::make_shared<MemberCaches>(
      member_clients,
      [queue](const std::string& key) {
        if (auto* q = queue->load()) q->add(key);
      },
      member_defaults);

  McsHostCaches caches{&clusters->indexer(), &imports->indexer(),
                       mcss ? &mcss->indexer() : nullptr, &services->indexer()};
  McsSyncOptions so;
  so.endpoint_grace = options.endpoint_grace;
  auto sync = std::make_shared<McsSyncController>(host, caches, handle->members, member_clients,
                                                  so);
  runtime::ControllerOptions co;
  co.name = "mcs-sync";
  co.workers = options.workers;
  auto& controller = manager.addController(co, sync);
  queue->store(&controller.queue());

  std::shared_ptr<MemberCaches> members = handle->members;
  const client::Indexer& cluster_cache = clusters->indexer();
  // Cluster status is rewritten on every probe; only joining, leaving and Ready flips matter.
  struct Seen {
    std::mutex mu;
    std::map<std::string, std::string> ready;  // cluster -> Ready status, "-" when gone
  };
  auto seen = std::make_shared<Seen>();
  controller.watch(*clusters, [members, sync, seen, &cluster_cache](const client::ObjectPtr& c) {
    std::string ready = "-";
    if (auto now = cluster_cache.get(c->name())) {
      (void)members->ensure(c->name());  // retried by reconciles when credentials lag
      ready = clusterReady(now->json()) ? "True" : "False";
    } else {
      members->remove(c->name());
    }
    {
      std::lock_guard lock(seen->mu);
      auto it = seen->ready.find(c->name());
      if (it != seen->ready.end() && it->second == ready) return std::vector<runtime::Request>{};
      seen->ready[c->name()] = ready;
    }
    std::vector<runtime::Request> out;
    for (const auto& k : sync->knownServiceKeys()) out.push_back(runtime::Request::fromKey(k));
    return out;
  });
  // A member client is built from the Cluster and its credentials Secret; the Secret may reach
  // this process after the Cluster (separate informers), and a cache started on the incomplete
  // client never syncs. Secret changes therefore re-ensure the caches of the clusters that name
  // the Secret (MemberCaches rebuilds a cache whose client changed).
  auto secrets = inf.informerFor(controllers::kSecretsGvr, controllers::kClusterNamespace);
  controller.watch(*secrets, [members, &cluster_cache](const client::ObjectPtr& s) {
    for (const auto& c : cluster_cache.list()) {
      const Json& spec = c->json().value("spec", Json::object());
      const Json& ref = spec.value("secretRef", Json::object());
      if (ref.value("namespace", "") == s->namespaceName() && ref.value("name", "") == s->name()) {
        (void)members->ensure(c->name());  // a failure is retried by the next reconcile
      }
    }
    return std::vector<runtime::Request>{};
  });
  controller.watch(*imports);
  if (mcss) {
    controller.watch(*mcss);
    const client::Indexer& mcs_cache = mcss->indexer();
    controller.watch(*services, [&mcs_cache](const client::ObjectPtr& s) {
      std::vector<runtime::Request> out;
      if (mcs_cache.get(s->namespaceName(), s->name())) {
        out.push_back({s->namespaceName(), s->name()});
      }
      return out;
    });
  }
  return handle;
}

}  // namespace flotilla::mcs
