#include "client/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace flotilla::client {

namespace {

core::Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Status(core::Code::NotFound, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string resolvePath(const std::string& path, const std::string& source_file) {
  if (path.empty() || path[0] == '/' || source_file.empty()) return path;
  return dirOf(source_file) + "/" + path;
}

std::string scalar(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  if (!v || !v.IsScalar()) return "";
  return v.as<std::string>();
}

bool boolean(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  if (!v || !v.IsScalar()) return false;
  const std::string s = v.as<std::string>();
  return s == "true" || s == "True" || s == "TRUE";
}

core::Status fieldError(const std::string& origin, const std::string& what) {
  return core::invalidArgument("kubeconfig " + origin + ": " + what);
}

// Reads either inline base64 data or a file; `field` names the pair in errors.
core::Result<std::string> readPem(const std::string& data, const std::string& path,
                                  const std::string& source_file, const std::string& where,
                                  const std::string& field) {
  if (!data.empty()) {
    auto decoded = base64Decode(data);
    if (!decoded) {
      return core::invalidArgument("kubeconfig " + source_file + ": " + where + ": " + field +
                                   "-data is not valid base64");
    }
    return *decoded;
  }
  if (path.empty()) return std::string();
  const std::string full = resolvePath(path, source_file);
  auto content = readFile(full);
  if (!content) {
    return core::invalidArgument("kubeconfig " + source_file + ": " + where + ": " + field +
                                 ": cannot read " + full);
  }
  return content.value();
}

}  // namespace

std::optional<std::string> base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return std::nullopt;
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling single character
  return out;
}

std::string base64Encode(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

core::Result<Kubeconfig> parseKubeconfig(const std::string& yaml_text, const std::string& origin) {
  Kubeconfig cfg;
  cfg.files.push_back(origin);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return fieldError(origin, std::string("invalid YAML: ") + e.what());
  }
  if (!root || root.IsNull()) return cfg;  // an empty file is a valid, empty kubeconfig
  if (!root.IsMap()) return fieldError(origin, "top level is not a mapping");
  try {
    cfg.current_context = scalar(root, "current-context");
    auto each = [&](const char* list, const char* inner,
                    const std::function<core::Status(const std::string&, const YAML::Node&)>& fn)
        -> core::Status {
      const YAML::Node items = root[list];
      if (!items || items.IsNull()) return core::Status::ok();
      if (!items.IsSequence()) return fieldError(origin, std::string(list) + " is not a list");
      int index = 0;
      for (const auto& item : items) {
        const std::string name = scalar(item, "name");
        if (name.empty()) {
          return fieldError(origin, std::string(list) + "[" + std::to_string(index) +
                                        "].name is required");
        }
        const YAML::Node body = item[inner];
        if (body && !body.IsMap() && !body.IsNull()) {
          return fieldError(origin, std::string(list) + "[" + name + "]." + inner +
                                        " is not a mapping");
        }
        FLOTILLA_RETURN_IF_ERROR(fn(name, body ? body : YAML::Node(YAML::NodeType::Map)));
        ++index;
      }
      return core::Status::ok();
    };
    FLOTILLA_RETURN_IF_ERROR(each("clusters", "cluster", [&](const std::string& name,
                                                             const YAML::Node& c) {
      KubeconfigCluster k;
      k.server = scalar(c, "server");
      k.certificate_authority = scalar(c, "certificate-authority");
      k.certificate_authority_data = scalar(c, "certificate-authority-data");
      k.insecure_skip_tls_verify = boolean(c, "insecure-skip-tls-verify");
      k.tls_server_name = scalar(c, "tls-server-name");
      k.source_file = origin;
      cfg.clusters.emplace(name, std::move(k));
      return core::Status::ok();
    }));
    FLOTILLA_RETURN_IF_ERROR(each("users", "user", [&](const std::string& name,
                                                       const YAML::Node& u) {
      KubeconfigUser k;
      k.token = scalar(u, "token");
      k.token_file = scalar(u, "tokenFile");
      k.client_certificate = scalar(u, "client-certificate");
      k.client_certificate_data = scalar(u, "client-certificate-data");
      k.client_key = scalar(u, "client-key");
      k.client_key_data = scalar(u, "client-key-data");
      k.source_file = origin;
      cfg.users.emplace(name, std::move(k));
      return core::Status::ok();
    }));
    FLOTILLA_RETURN_IF_ERROR(each("contexts", "context", [&](const std::string& name,
                                                             const YAML::Node& c) {
      KubeconfigContext k;
      k.cluster = scalar(c, "cluster");
      k.user = scalar(c, "user");
      k.namespace_name = scalar(c, "namespace");
      k.source_file = origin;
      cfg.contexts.emplace(name, std::move(k));
      return core::Status::ok();
    }));
  } catch (const YAML::Exception& e) {
    return fieldError(origin, std::string("unexpected structure: ") + e.what());
  }
  return cfg;
}

core::Result<Kubeconfig> loadKubeconfigFile(const std::string& path) {
  auto text = readFile(path);
  if (!text) return core::Status(core::Code::NotFound, "kubeconfig " + path + ": cannot read file");
  return parseKubeconfig(text.value(), path);
}

core::Result<Kubeconfig> loadKubeconfigList(const std::string& list) {
  Kubeconfig merged;
  std::stringstream ss(list);
  std::string path;
  bool any = false;
  while (std::getline(ss, path, ':')) {
    if (path.empty()) continue;
    auto one = loadKubeconfigFile(path);
    if (!one) {
      if (one.status().code() == core::Code::NotFound) continue;  // kubectl skips missing files
      return one.status();
    }
    any = true;
    merged.files.push_back(path);
    // emplace keeps the existing entry: the first file that names something wins.
    for (auto& [k, v] : one->clusters) merged.clusters.emplace(k, v);
    for (auto& [k, v] : one->users) merged.users.emplace(k, v);
    for (auto& [k, v] : one->contexts) merged.contexts.emplace(k, v);
    if (merged.current_context.empty()) merged.current_context = one->current_context;
  }
  if (!any) return core::Status(core::Code::NotFound, "kubeconfig: no readable file in " + list);
  return merged;
}

core::Result<RestConfig> Kubeconfig::restConfig(const std::string& context) const {
  const std::string files_text = files.empty() ? "<none>" : files.front();
  const std::string name = context.empty() ? current_context : context;
  if (name.empty()) {
    return core::invalidArgument("kubeconfig " + files_text +
                                 ": current-context is not set and no context was given");
  }
  auto ctx_it = contexts.find(name);
  if (ctx_it == contexts.end()) {
    return core::invalidArgument("kubeconfig " + files_text + ": context \"" + name +
                                 "\" not found");
  }
  const KubeconfigContext& ctx = ctx_it->second;
  const std::string where = "context \"" + name + "\"";
  auto cl_it = clusters.find(ctx.cluster);
  if (cl_it == clusters.end()) {
    return core::invalidArgument("kubeconfig " + ctx.source_file + ": " + where +
                                 ": field cluster: cluster \"" + ctx.cluster + "\" not found");
  }
  const KubeconfigCluster& cl = cl_it->second;
  RestConfig rc;
  rc.server = cl.server;
  while (!rc.server.empty() && rc.server.back() == '/') rc.server.pop_back();
  if (rc.server.rfind("https://", 0) != 0 && rc.server.rfind("http://", 0) != 0) {
    return core::invalidArgument("kubeconfig " + cl.source_file + ": " + where + ": cluster \"" +
                                 ctx.cluster + "\": field server: \"" + cl.server +
                                 "\" must start with https:// or http://");
  }
  rc.insecure_skip_tls_verify = cl.insecure_skip_tls_verify;
  rc.tls_server_name = cl.tls_server_name;
  if (cl.insecure_skip_tls_verify &&
      (!cl.certificate_authority.empty() || !cl.certificate_authority_data.empty())) {
    return core::invalidArgument(
        "kubeconfig " + cl.source_file + ": " + where + ": cluster \"" + ctx.cluster +
        "\": field insecure-skip-tls-verify cannot be combined with certificate-authority");
  }
  auto ca = readPem(cl.certificate_authority_data, cl.certificate_authority, cl.source_file,
                    where + ": cluster \"" + ctx.cluster + "\"", "certificate-authority");
  if (!ca) return ca.status();
  rc.ca_pem = ca.value();
  if (!ctx.namespace_name.empty()) rc.default_namespace = ctx.namespace_name;

  if (!ctx.user.empty()) {
    auto u_it = users.find(ctx.user);
    if (u_it == users.end()) {
      return core::invalidArgument("kubeconfig " + ctx.source_file + ": " + where +
                                   ": field user: user \"" + ctx.user + "\" not found");
    }
    const KubeconfigUser& u = u_it->second;
    const std::string uwhere = where + ": user \"" + ctx.user + "\"";
    rc.bearer_token = u.token;
    if (rc.bearer_token.empty() && !u.token_file.empty()) {
      rc.token_file = resolvePath(u.token_file, u.source_file);
      auto tok = readFile(rc.token_file);
      if (!tok) {
        return core::invalidArgument("kubeconfig " + u.source_file + ": " + uwhere +
                                     ": field tokenFile: cannot read " + rc.token_file);
      }
      rc.bearer_token = tok.value();
      while (!rc.bearer_token.empty() &&
             (rc.bearer_token.back() == '\n' || rc.bearer_token.back() == '\r')) {
        rc.bearer_token.pop_back();
      }
    }
    auto cert = readPem(u.client_certificate_data, u.client_certificate, u.source_file, uwhere,
                        "client-certificate");
    if (!cert) return cert.status();
    auto key = readPem(u.client_key_data, u.client_key, u.source_file, uwhere, "client-key");
    if (!key) return key.status();
    if (cert->empty() != key->empty()) {
      return core::invalidArgument("kubeconfig " + u.source_file + ": " + uwhere +
                                   ": client-certificate and client-key must be given together");
    }
    rc.client_cert_pem = cert.value();
    rc.client_key_pem = key.value();
  }
  return rc;
}

core::Result<RestConfig> loadDefaultRestConfig(const std::string& context) {
  std::string list;
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    list = env;
  } else if (const char* home = std::getenv("HOME")) {
    list = std::string(home) + "/.kube/config";
  }
  auto cfg = loadKubeconfigList(list);
  if (!cfg) return cfg.status();
  return cfg->restConfig(context);
}

core::Result<RestConfig> inClusterConfig(const InClusterPaths& paths, const EnvLookup& env) {
  EnvLookup lookup = env ? env : [](const std::string& k) -> std::optional<std::string> {
    const char* v = std::getenv(k.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  auto host = lookup("KUBERNETES_SERVICE_HOST");
  auto port = lookup("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return core::Status(core::Code::FailedPrecondition,
                        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                        "must be set");
  }
  RestConfig rc;
  const bool ipv6 = host->find(':') != std::string::npos;
  rc.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  auto token = readFile(paths.token);
  if (!token) return core::invalidArgument("in-cluster config: cannot read token " + paths.token);
  rc.bearer_token = token.value();
  while (!rc.bearer_token.empty() && rc.bearer_token.back() == '\n') rc.bearer_token.pop_back();
  rc.token_file = paths.token;
  auto ca = readFile(paths.ca);
  if (!ca) return core::invalidArgument("in-cluster config: cannot read CA " + paths.ca);
  rc.ca_pem = ca.value();
  if (auto ns = readFile(paths.namespace_file); ns && !ns->empty()) {
    rc.default_namespace = ns.value();
    while (!rc.default_namespace.empty() && rc.default_namespace.back() == '\n') {
      rc.default_namespace.pop_back();
    }
  }
  return rc;
}

}  // namespace flotilla::client
