#include "mcs/consistency/federation_reader.h"

#include <algorithm>
#include <future>

#include "controllers/wire/karmada_names.h"
#include "mcs/controllers/member_caches.h"

namespace flotilla::mcs {
namespace {

// Lists `gvr`; a resource the server does not serve reads as empty.
core::Result<std::vector<Json>> listAll(client::Client& c, const client::GroupVersionResource& gvr,
                                        const std::string& ns, bool optional) {
  auto listed = c.list(gvr, ns);
  if (!listed) {
    if (optional && listed.status().code() == core::Code::NotFound) return std::vector<Json>{};
    return listed.status().withContext("listing " + gvr.resource);
  }
  std::vector<Json> out;
  out.reserve(listed->items.size());
  for (const auto& o : listed->items) out.push_back(o->json());
  return out;
}

core::Status readMember(client::Client& c, const std::string& ns, MemberState& m) {
  auto exports = listAll(c, kServiceExportsGvr, ns, true);
  if (!exports) return exports.status();
  auto services = listAll(c, kServicesGvr, ns, false);
  if (!services) return services.status();
  auto imports = listAll(c, kServiceImportsGvr, ns, true);
  if (!imports) return imports.status();
  auto slices = listAll(c, kEndpointSlicesGvr, ns, false);
  if (!slices) return slices.status();
  m.service_exports = std::move(*exports);
  m.services = std::move(*services);
  m.service_imports = std::move(*imports);
  m.endpoint_slices = std::move(*slices);
  return core::Status::ok();
}

}  // namespace

core::Result<FederationState> readFederation(client::Client& host,
                                             controllers::MemberClients& members,
                                             const ReadOptions& options) {
  FederationState state;
  auto clusters = listAll(host, controllers::kClustersGvr, "", false);
  if (!clusters) return clusters.status();
  auto imports = listAll(host, kServiceImportsGvr, options.namespace_name, true);
  if (!imports) return imports.status();
  auto mcss = listAll(host, kMultiClusterServicesGvr, options.namespace_name, true);
  if (!mcss) return mcss.status();
  auto exports = listAll(host, kServiceExportsGvr, options.namespace_name, true);
  if (!exports) return exports.status();
  state.service_imports = std::move(*imports);
  state.multi_cluster_services = std::move(*mcss);
  state.service_exports = std::move(*exports);
  state.members.resize(clusters->size());
  // Members are read concurrently: one slow or unreachable member (its client's timeouts) must
  // not stretch the whole check by ten.
  std::vector<std::future<void>> reads;
  for (std::size_t i = 0; i < clusters->size(); ++i) {
    MemberState& m = state.members[i];
    m.name = (*clusters)[i]["metadata"].value("name", "");
    m.cluster = std::move((*clusters)[i]);
    reads.push_back(std::async(std::launch::async, [&members, &m, &options] {
      auto c = members.clientFor(m.name);
      core::Status st = c ? readMember(**c, options.namespace_name, m) : c.status();
      if (!st.isOk()) {
        m.reachable = false;
        m.error = st.message();
        m.service_exports.clear();
        m.services.clear();
        m.service_imports.clear();
        m.endpoint_slices.clear();
      }
    }));
  }
  for (auto& r : reads) r.get();
  std::sort(state.members.begin(), state.members.end(),
            [](const MemberState& a, const MemberState& b) { return a.name < b.name; });
  return state;
}

}  // namespace flotilla::mcs
