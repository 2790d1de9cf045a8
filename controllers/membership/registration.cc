#include "controllers/membership/registration.h"

#include "api/work_types.h"
#include "client/kubeconfig.h"
#include "client/rest_mapper.h"
#include "controllers/execution/execution_controller.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {

namespace {

core::Status createOrUpdate(client::Client& c, const client::GroupVersionResource& gvr,
                            const std::string& ns, nlohmann::json object) {
  auto created = c.create(gvr, ns, object, {kFieldManager});
  if (created) return core::Status();
  if (created.status().code() != core::Code::AlreadyExists) return created.status();
  auto current = c.get(gvr, ns, object["metadata"].value("name", ""));
  if (!current) return current.status();
  nlohmann::json next = (*current)->json();
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == "metadata") {
      for (const char* m : {"labels", "annotations"}) {
        if (it->contains(m)) next["metadata"][m] = (*it)[m];
      }
    } else {
      next[it.key()] = it.value();
    }
  }
  auto updated = c.update(gvr, ns, next, {kFieldManager});
  return updated ? core::Status() : updated.status();
}

core::Status ensureNamespace(client::Client& c, const std::string& name) {
  auto created = c.create(kNamespacesGvr, "",
                          {{"apiVersion", "v1"}, {"kind", "Namespace"},
                           {"metadata", {{"name", name}}}},
                          {kFieldManager});
  if (!created && created.status().code() != core::Code::AlreadyExists) return created.status();
  return core::Status();
}

core::Status ignoreNotFound(core::Status s) {
  return s.code() == core::Code::NotFound ? core::Status() : s;
}

}  // namespace

core::Status joinCluster(client::Client& host, const JoinOptions& o) {
  if (o.name.empty() || o.name.size() > 48) {
    return core::invalidArgument("cluster name must have 1 to 48 characters");
  }
  if (o.member.server.empty()) return core::invalidArgument("the member has no server address");
  if (o.member.bearer_token.empty()) {
    return core::invalidArgument(
        "the member kubeconfig must authenticate with a bearer token (Push-mode clusters keep a "
        "token in their credentials Secret)");
  }
  FLOTILLA_RETURN_IF_ERROR(ensureNamespace(host, kClusterNamespace));
  nlohmann::json secret = {{"apiVersion", "v1"},
                           {"kind", "Secret"},
                           {"metadata", {{"name", o.name}, {"namespace", kClusterNamespace}}},
                           {"type", "Opaque"},
                           {"data", {{"token", client::base64Encode(o.member.bearer_token)}}}};
  if (!o.member.ca_pem.empty()) secret["data"]["caBundle"] = client::base64Encode(o.member.ca_pem);
  FLOTILLA_RETURN_IF_ERROR(createOrUpdate(host, kSecretsGvr, kClusterNamespace, secret));

  nlohmann::json spec = {{"syncMode", "Push"},
                         {"apiEndpoint", o.member.server},
                         {"secretRef", {{"namespace", kClusterNamespace}, {"name", o.name}}}};
  if (o.member.insecure_skip_tls_verify) spec["insecureSkipTLSVerification"] = true;
  if (!o.provider.empty()) spec["provider"] = o.provider;
  if (!o.region.empty()) spec["region"] = o.region;
  if (!o.zones.empty()) spec["zones"] = o.zones;
  if (!o.cluster_id.empty()) spec["id"] = o.cluster_id;
  nlohmann::json cluster = {{"apiVersion", "cluster.karmada.io/v1alpha1"},
                            {"kind", "Cluster"},
                            {"metadata", {{"name", o.name}}},
                            {"spec", spec}};
  if (!o.labels.empty()) cluster["metadata"]["labels"] = o.labels;
  FLOTILLA_RETURN_IF_ERROR(createOrUpdate(host, kClustersGvr, "", cluster));
  return ensureNamespace(host, api::executionNamespace(o.name));
}

core::Result<int> unjoinCluster(client::Client& host, client::Client* member,
                                const std::string& name) {
  const std::string es = api::executionNamespace(name);
  auto works = host.list(kWorksGvr, es, {});
  if (!works && works.status().code() != core::Code::NotFound) return works.status();
  int deleted = 0;
  std::unique_ptr<client::RestMapper> mapper;
  for (const auto& w : works ? works->items : std::vector<client::ObjectPtr>{}) {
    const nlohmann::json& wj = w->json();
    if (member != nullptr) {
      if (!mapper) mapper = std::make_unique<client::RestMapper>(client::ClientPtr(member, [](auto*) {}));
      for (const auto& m : wj["spec"]["workload"].value("manifests", nlohmann::json::array())) {
        auto mapping = mapper->mappingForKind(
            client::gvkFromApiVersion(m.value("apiVersion", ""), m.value("kind", "")));
        if (!mapping) continue;
        const std::string ns = mapping->namespaced ? m["metadata"].value("namespace", "") : "";
        if (m.value("kind", "") == "Namespace" && m.value("apiVersion", "") == "v1" &&
            isUndeletableNamespace(m["metadata"].value("name", ""))) {
          continue;
        }
        auto observed = member->get(mapping->gvr, ns, m["metadata"].value("name", ""));
        if (!observed || !managedByWork((*observed)->json(), es, w->name())) continue;
        core::Status s = member->remove(mapping->gvr, ns, (*observed)->name(), {});
        if (!s.isOk() && s.code() != core::Code::NotFound) return s;
        ++deleted;
      }
    }
    nlohmann::json next = wj;
    next["metadata"].erase("finalizers");
    auto updated = host.update(kWorksGvr, es, next, {kFieldManager});
    if (!updated && updated.status().code() != core::Code::NotFound) return updated.status();
    FLOTILLA_RETURN_IF_ERROR(ignoreNotFound(host.remove(kWorksGvr, es, w->name(), {})));
  }
  FLOTILLA_RETURN_IF_ERROR(ignoreNotFound(host.remove(kNamespacesGvr, "", es, {})));
  FLOTILLA_RETURN_IF_ERROR(ignoreNotFound(host.remove(kClustersGvr, "", name, {})));
  FLOTILLA_RETURN_IF_ERROR(
      ignoreNotFound(host.remove(kSecretsGvr, kClusterNamespace, name, {})));
  return deleted;
}

core::Result<TaintSpec> parseTaintSpec(const std::string& text) {
  TaintSpec t;
  std::string s = text;
  if (!s.empty() && s.back() == '-') {
    t.remove = true;
    s.pop_back();
  }
  const auto colon = s.rfind(':');
  std::string kv = s;
  if (colon != std::string::npos) {
    t.effect = s.substr(colon + 1);
    kv = s.substr(0, colon);
  } else if (!t.remove) {
    return core::invalidArgument("invalid taint spec " + text + ": want key[=value]:Effect");
  }
  const auto eq = kv.find('=');
  t.key = kv.substr(0, eq);
  if (eq != std::string::npos) t.value = kv.substr(eq + 1);
  if (t.key.empty()) return core::invalidArgument("invalid taint spec " + text + ": empty key");
  if (!t.effect.empty() && t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" &&
      t.effect != "NoExecute") {
    return core::invalidArgument("invalid taint effect " + t.effect +
                                 ", supported: NoSchedule, PreferNoSchedule, NoExecute");
  }
  return t;
}

core::Result<nlohmann::json> applyTaintSpecs(const nlohmann::json& taints,
                                             const std::vector<TaintSpec>& specs, bool overwrite,
                                             const std::string& now) {
  nlohmann::json out = taints.is_array() ? taints : nlohmann::json::array();
  for (const auto& spec : specs) {
    const auto matches = [&spec](const nlohmann::json& t) {
      return t.value("key", "") == spec.key &&
             (spec.effect.empty() || t.value("effect", "") == spec.effect);
    };
    if (spec.remove) {
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& t : out) {
        if (!matches(t)) kept.push_back(t);
      }
      if (kept.size() == out.size()) {
        return core::notFound("taint " + spec.key + (spec.effect.empty() ? "" : ":" + spec.effect) +
                              " not found");
      }
      out = std::move(kept);
      continue;
    }
    nlohmann::json next = {{"key", spec.key}, {"effect", spec.effect}};
    if (!spec.value.empty()) next["value"] = spec.value;
    if (spec.effect == "NoExecute") next["timeAdded"] = now;
    bool found = false;
    for (auto& t : out) {
      if (!matches(t)) continue;
      found = true;
      if (t.value("value", "") != spec.value) {
        if (!overwrite) {
          return core::Status(core::Code::AlreadyExists,
                              "taint " + spec.key + ":" + spec.effect +
                                  " already exists with a different value; use --overwrite");
        }
        t = next;
      }
    }
    if (!found) out.push_back(std::move(next));
  }
  return out;
}

core::Status updateClusterTaints(client::Client& host, const std::string& name,
                                 const std::vector<TaintSpec>& specs, bool overwrite,
                                 const std::string& now) {
  for (int attempt = 0;; ++attempt) {
    auto current = host.get(kClustersGvr, "", name);
    if (!current) return current.status();
    nlohmann::json next = (*current)->json();
    const nlohmann::json taints =
        next.value("spec", nlohmann::json::object()).value("taints", nlohmann::json::array());
    auto updated_taints = applyTaintSpecs(taints, specs, overwrite, now);
    if (!updated_taints) return updated_taints.status();
    if (*updated_taints == taints) return core::Status();
    next["spec"]["taints"] = *updated_taints;
    auto written = host.update(kClustersGvr, "", next, {kFieldManager});
    if (written) return core::Status();
    if (written.status().code() != core::Code::Conflict || attempt >= 5) return written.status();
  }
}

}  // namespace flotilla::controllers
