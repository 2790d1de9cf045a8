// RestConfig: everything the REST client needs to reach one API server (address, credentials,
// trust, throttling and timeouts), whether it came from a kubeconfig file or from the in-cluster
// service account. Credentials are held as PEM text so that the transport never reads files.
#pragma once

#include <chrono>
#include <string>

namespace flotilla::client {

struct RestConfig {
  std::string server;  // "https://127.0.0.1:6443" or "http://..."
  std::string bearer_token;
  std::string token_file;  // re-read on 401 when set (rotated service account tokens)
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string default_namespace = "default";
  std::string user_agent = "flotilla/0.1";

  // Client-side throttle (token bucket); qps <= 0 disables it.
  double qps = 50;
  int burst = 100;
  // Per request (not for watches, which use their own timeout).
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
  // Retries of idempotent requests on 429, 5xx and connection errors.
  int max_retries = 5;
  std::chrono::milliseconds retry_base_delay = std::chrono::milliseconds(100);
  std::chrono::milliseconds retry_max_delay = std::chrono::seconds(5);

  bool isHttps() const { return server.rfind("https://", 0) == 0; }
};

}  // namespace flotilla::client
