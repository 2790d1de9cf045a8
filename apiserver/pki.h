// PKI for the API server's HTTPS listener: at first start, a self-signed CA and a serving
// certificate (ECDSA P-256, SHA-256, SANs for 127.0.0.1 and localhost) are generated under the data
// directory with OpenSSL and reused on later starts; clients trust the CA via admin.kubeconfig.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace flotilla::apiserver {

struct ServingPki {
  std::string ca_cert_pem;
  std::string ca_key_pem;
  std::string cert_pem;
  std::string key_pem;
};

// Loads DIR/pki/{ca,serving}.{crt,key}, generating whatever is missing. `hosts` are the names and
// IP addresses the serving certificate must cover.
core::Result<ServingPki> loadOrCreatePki(const std::string& data_dir,
                                         const std::vector<std::string>& hosts);

// Issues a client certificate signed by the CA (CN = user, O = groups), for kubeconfigs that
// authenticate with certificates (used by tests and `flotilla join`).
core::Result<std::pair<std::string, std::string>> issueClientCertificate(
    const ServingPki& pki, const std::string& user, const std::vector<std::string>& groups);

// A random URL-safe token of `bytes` random bytes (hex encoded).
std::string randomToken(std::size_t bytes = 32);

}  // namespace flotilla::apiserver
