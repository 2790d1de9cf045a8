// Kubeconfig loading: clusters, users and contexts from one file or from a KUBECONFIG list of
// files merged the way kubectl does (the first file that defines a name wins, and the first
// non-empty current-context wins), plus the in-cluster service-account configuration. The result
// is a RestConfig with every credential read and decoded, so the transport never touches files.
// Errors name the file, the context and the field at fault.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/rest_config.h"
#include "core/status.h"

namespace flotilla::client {

struct KubeconfigCluster {
  std::string server;
  std::string certificate_authority;       // path, relative to source_file's directory
  std::string certificate_authority_data;  // base64 PEM
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string source_file;
};

struct KubeconfigUser {
  std::string token;
  std::string token_file;
  std::string client_certificate;
  std::string client_certificate_data;
  std::string client_key;
  std::string client_key_data;
  std::string source_file;
};

struct KubeconfigContext {
  std::string cluster;
  std::string user;
  std::string namespace_name;
  std::string source_file;
};

struct Kubeconfig {
  std::map<std::string, KubeconfigCluster> clusters;
  std::map<std::string, KubeconfigUser> users;
  std::map<std::string, KubeconfigContext> contexts;
  std::string current_context;
  std::vector<std::string> files;  // in merge order

  // Resolves a context (empty = current-context) into a RestConfig.
  core::Result<RestConfig> restConfig(const std::string& context = "") const;
};

// Parses one kubeconfig file.
core::Result<Kubeconfig> loadKubeconfigFile(const std::string& path);
// Parses YAML text; `origin` names it in errors and anchors relative paths.
core::Result<Kubeconfig> parseKubeconfig(const std::string& yaml_text, const std::string& origin);
// Loads a ':'-separated list of files (the KUBECONFIG rule: missing files are skipped, the first
// definition of each name wins). Fails when no file could be read.
core::Result<Kubeconfig> loadKubeconfigList(const std::string& list);
// KUBECONFIG if set, else $HOME/.kube/config; then restConfig(context).
core::Result<RestConfig> loadDefaultRestConfig(const std::string& context = "");

struct InClusterPaths {
  std::string token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// KUBERNETES_SERVICE_HOST/PORT plus the service account files.
core::Result<RestConfig> inClusterConfig(const InClusterPaths& paths = {},
                                         const EnvLookup& env = {});

// Base64 (standard alphabet, padding optional, whitespace ignored); nullopt when malformed.
std::optional<std::string> base64Decode(const std::string& in);
std::string base64Encode(const std::string& in);

}  // namespace flotilla::client
