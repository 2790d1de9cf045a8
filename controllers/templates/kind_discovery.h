// Which resources the host serves are resource templates, and noticing new ones. At start the
// controller manager wires one detector per template kind; a KindDiscovery loop re-runs discovery
// every period and reports kinds that appeared since (a CRD established after start), so they are
// wired without a restart. Kinds that disappear keep their (idle) informer until the next restart.
#pragma once

#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "client/cancellation.h"
#include "client/client.h"
#include "client/rest_mapper.h"
#include "controllers/templates/template_store.h"

namespace flotilla::controllers {

// Pure: false for control-plane machinery (Karmada's own groups, events, leases, nodes, pods,
// namespaces — which the namespace controller handles — and so on), subresources and kinds that
// cannot be listed, watched and updated.
bool propagatableResource(const client::ApiResource& r);

// Pure: the propagatable resources of `served` (one version per group/resource: the first one
// discovery lists, i.e. the preferred one) that `known` does not have yet. Informers are unset.
std::vector<TemplateKind> newTemplateKinds(const std::vector<client::ApiResource>& served,
                                           const TemplateStore& known);

class KindDiscovery {
 public:
  using OnNewKind = std::function<void(TemplateKind)>;
  // Every `period`, discovers the host's resources and calls on_new (on the loop's thread) for
  // each template kind not in `known`; on_new is expected to add it there.
  KindDiscovery(client::ClientPtr host, const TemplateStore* known,
                std::chrono::milliseconds period, OnNewKind on_new);
  ~KindDiscovery();
  void start();
  void stop();
  // One discovery pass (also used by start()'s loop); returns how many kinds were new.
  core::Result<int> runOnce();

 private:
  client::ClientPtr host_;
  const TemplateStore* known_;
  std::chrono::milliseconds period_;
  OnNewKind on_new_;
  client::Cancellation stop_;
  std::thread thread_;
};

}  // namespace flotilla::controllers
