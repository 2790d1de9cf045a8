#include "controllers/membership/member_clients.h"

#include "client/kubeconfig.h"

namespace flotilla::controllers {

namespace {

std::string secretValue(const nlohmann::json& secret, const std::string& key) {
  auto data = secret.find("data");
  if (data != secret.end() && data->is_object() && data->contains(key) &&
      (*data)[key].is_string()) {
    auto decoded = client::base64Decode((*data)[key].get<std::string>());
    if (decoded) return *decoded;
  }
  auto string_data = secret.find("stringData");
  if (string_data != secret.end() && string_data->is_object() && string_data->contains(key) &&
      (*string_data)[key].is_string()) {
    return (*string_data)[key].get<std::string>();
  }
  return "";
}

}  // namespace

core::Result<client::RestConfig> memberRestConfig(const nlohmann::json& cluster,
                                                  const nlohmann::json* secret) {
  const std::string name = cluster["metadata"].value("name", "");
  const nlohmann::json spec = cluster.value("spec", nlohmann::json::object());
  client::RestConfig config;
  config.server = spec.value("apiEndpoint", "");
  if (config.server.empty()) {
    return core::Status(core::Code::FailedPrecondition,
                        "cluster " + name + " has no spec.apiEndpoint");
  }
  config.insecure_skip_tls_verify = spec.value("insecureSkipTLSVerification", false);
  if (secret != nullptr) {
    config.bearer_token = secretValue(*secret, "token");
    config.ca_pem = secretValue(*secret, "caBundle");
  }
  // Members are probed often; fail fast instead of retrying a dead endpoint for seconds.
  config.max_retries = 1;
  config.timeout = std::chrono::seconds(10);
  // The execution controller's workers are the real bound on what we send a member; a 50 qps
  // bucket would cap a member at a few dozen Works per second.
  config.qps = 2000;
  config.burst = 4000;
  return config;
}

SecretMemberClients::SecretMemberClients(const client::Indexer& clusters,
                                         const client::Indexer& secrets, ClientFactory factory)
    : clusters_(clusters), secrets_(secrets), factory_(std::move(factory)) {}

core::Result<client::ClientPtr> SecretMemberClients::clientFor(const std::string& name) {
  client::ObjectPtr cluster = clusters_.get(name);
  if (!cluster) return core::notFound("cluster " + name + " not found");
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(name);
    if (it != cache_.end() && it->second.cluster_rv == cluster->resourceVersion()) {
      const Entry& e = it->second;
      if (e.secret_name.empty()) return e.client;
      client::ObjectPtr s = secrets_.get(e.secret_ns, e.secret_name);
      if (s && s->resourceVersion() == e.secret_rv) return e.client;
    }
  }
  const nlohmann::json& cj = cluster->json();
  client::ObjectPtr secret;
  if (cj.contains("spec") && cj["spec"].contains("secretRef")) {
    const auto& ref = cj["spec"]["secretRef"];
    const std::string ns = ref.value("namespace", "");
    const std::string secret_name = ref.value("name", "");
    secret = secrets_.get(ns, secret_name);
    // A client without the CA and token would fail every TLS handshake, and whoever keeps it
    // (member watches) would keep failing after the Secret arrives: refuse until it is cached.
    if (!secret) {
      return core::Status(core::Code::Unavailable, "credentials Secret " + ns + "/" +
                                                       secret_name + " of cluster " + name +
                                                       " is not in the cache yet");
    }
  }
  // Only what the client is built from counts: the Cluster's status changes with every probe,
  // and a new client would mean new connections, a new REST mapper and new member watches.
  const nlohmann::json spec = cj.value("spec", nlohmann::json::object());
  const std::string version = spec.value("apiEndpoint", "") + "|" +
                              (spec.value("insecureSkipTLSVerification", false) ? "1" : "0") +
                              "|" + (secret ? secret->uid() + "/" + secret->resourceVersion() : "");
  auto remember = [&](Entry& e) {
    e.cluster_rv = cluster->resourceVersion();
    e.secret_ns = secret ? secret->namespaceName() : "";
    e.secret_name = secret ? secret->name() : "";
    e.secret_rv = secret ? secret->resourceVersion() : "";
  };
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(name);
    if (it != cache_.end() && it->second.version == version) {
      remember(it->second);
      return it->second.client;
    }
  }
  auto config = memberRestConfig(cj, secret ? &secret->json() : nullptr);
  if (!config) return config.status();
  auto built = factory_(*config);
  if (!built) return built.status();
  std::lock_guard lock(mu_);
  Entry& e = cache_[name];
  e = Entry{version, *built, "", "", "", ""};
  remember(e);
  return *built;
}

}  // namespace flotilla::controllers
