#include "controllers/templates/kind_discovery.h"

#include <spdlog/spdlog.h>

#include <set>

#include "core/logging.h"

namespace flotilla::controllers {

bool propagatableResource(const client::ApiResource& r) {
  static const std::set<std::string> kSkipGroups = {
      "cluster.karmada.io", "work.karmada.io", "policy.karmada.io", "config.karmada.io",
      "estimator.flotilla.io", "coordination.k8s.io", "events.k8s.io",
      "authentication.k8s.io", "authorization.k8s.io", "apiregistration.k8s.io",
      "flowcontrol.apiserver.k8s.io", "certificates.k8s.io", "admissionregistration.k8s.io",
      "discovery.k8s.io", "metrics.k8s.io", "search.karmada.io"};
  // apiextensions.k8s.io is propagatable: a ClusterPropagationPolicy selecting a
  // CustomResourceDefinition installs it in members (Karmada's way to ship CRDs with their CRs).
  static const std::set<std::string> kSkipCore = {
      "events", "nodes", "pods", "bindings", "componentstatuses", "endpoints", "namespaces",
      "replicationcontrollers", "podtemplates"};
  if (r.gvr.resource.find('/') != std::string::npos) return false;
  if (kSkipGroups.count(r.gvr.group)) return false;
  if (r.gvr.group.empty() && kSkipCore.count(r.gvr.resource)) return false;
  if (r.gvr.group == "apps" && (r.gvr.resource == "replicasets" ||
                                r.gvr.resource == "controllerrevisions")) {
    return false;
  }
  std::set<std::string> verbs(r.verbs.begin(), r.verbs.end());
  return verbs.count("list") && verbs.count("watch") && verbs.count("update");
}

std::vector<TemplateKind> newTemplateKinds(const std::vector<client::ApiResource>& served,
                                           const TemplateStore& known) {
  std::set<std::pair<std::string, std::string>> have;  // (group, resource)
  for (const auto& k : known.kinds()) have.insert({k.gvr.group, k.gvr.resource});
  std::vector<TemplateKind> out;
  for (const auto& r : served) {
    if (!propagatableResource(r) || !have.insert({r.gvr.group, r.gvr.resource}).second) continue;
    TemplateKind kind;
    kind.gvr = r.gvr;
    kind.gvk = {r.gvr.group, r.gvr.version, r.kind};
    kind.namespaced = r.namespaced;
    out.push_back(std::move(kind));
  }
  return out;
}

KindDiscovery::KindDiscovery(client::ClientPtr host, const TemplateStore* known,
                             std::chrono::milliseconds period, OnNewKind on_new)
    : host_(std::move(host)), known_(known), period_(period), on_new_(std::move(on_new)) {}

KindDiscovery::~KindDiscovery() { stop(); }

core::Result<int> KindDiscovery::runOnce() {
  auto served = client::discoverResources(*host_);
  if (!served) return served.status();
  int n = 0;
  for (auto& kind : newTemplateKinds(*served, *known_)) {
    core::logger("kind-discovery")->info("[{}] new template kind {}", kind.gvr.toString(),
                                         kind.gvk.kind);
    on_new_(std::move(kind));
    ++n;
  }
  return n;
}

void KindDiscovery::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    while (stop_.sleepFor(period_)) {
      auto r = runOnce();
      if (!r) {
        core::logger("kind-discovery")->warn("discovery failed: {}", r.status().toString());
      }
    }
  });
}

void KindDiscovery::stop() {
  stop_.cancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace flotilla::controllers
