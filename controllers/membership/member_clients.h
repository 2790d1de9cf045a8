// MemberClients: how controllers reach a member cluster's API server. Push-mode clusters name
// their endpoint in `spec.apiEndpoint` and their credentials in the Secret `spec.secretRef`
// (keys `token`, `caBundle`); SecretMemberClients builds one client per cluster from those and
// rebuilds it when the endpoint, the TLS choice or the Secret changes. Tests use
// StaticMemberClients.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "client/rest_config.h"
#include "core/status.h"

namespace flotilla::controllers {

class MemberClients {
 public:
  virtual ~MemberClients() = default;
  // NotFound when the cluster is unknown, FailedPrecondition when its credentials are unusable.
  virtual core::Result<client::ClientPtr> clientFor(const std::string& cluster) = 0;
};
using MemberClientsPtr = std::shared_ptr<MemberClients>;

// The RestConfig of a Push-mode cluster from its Cluster object and credentials Secret.
core::Result<client::RestConfig> memberRestConfig(const nlohmann::json& cluster,
                                                  const nlohmann::json* secret);

// Builds concrete clients; supplied by the composition root.
using ClientFactory = std::function<core::Result<client::ClientPtr>(const client::RestConfig&)>;

class SecretMemberClients final : public MemberClients {
 public:
  // `clusters` and `secrets` are informer caches on the host (secrets of karmada-cluster).
  SecretMemberClients(const client::Indexer& clusters, const client::Indexer& secrets,
                      ClientFactory factory);
  core::Result<client::ClientPtr> clientFor(const std::string& cluster) override;

 private:
  struct Entry {
    std::string version;  // endpoint, TLS choice and secret uid/RV the client was built from
    client::ClientPtr client;
    // The Cluster and Secret versions `version` was last derived from: while they stand, so does
    // the client, without reading the Cluster again (every pass over every Work asks).
    std::string cluster_rv;
    std::string secret_ns, secret_name, secret_rv;  // secret_name empty: no secretRef
  };
  const client::Indexer& clusters_;
  const client::Indexer& secrets_;
  ClientFactory factory_;
  std::mutex mu_;
  std::map<std::string, Entry> cache_;
};

class StaticMemberClients final : public MemberClients {
 public:
  void set(const std::string& cluster, client::ClientPtr c) {
    std::lock_guard lock(mu_);
    clients_[cluster] = std::move(c);
  }
  core::Result<client::ClientPtr> clientFor(const std::string& cluster) override {
    std::lock_guard lock(mu_);
    auto it = clients_.find(cluster);
    if (it == clients_.end()) return core::notFound("no client for cluster " + cluster);
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, client::ClientPtr> clients_;
};

}  // namespace flotilla::controllers
