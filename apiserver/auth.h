// Authentication for the HTTPS listener: static bearer tokens (a kube-apiserver style token file,
// `token,user,uid,"group1,group2"`) and client certificates signed by the server's CA. Over plain
// HTTP (loopback only) every request is the superuser, because kubectl sends no credentials there
// (kube-api.md §0.2).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "apiserver/http_types.h"
#include "core/status.h"

namespace flotilla::apiserver {

class Authenticator {
 public:
  // Loads (or creates, with one admin entry) DIR/tokens.csv. Returns the admin token.
  core::Result<std::string> loadTokens(const std::string& data_dir);
  void addToken(const std::string& token, UserInfo user);
  // Fills req.user. `cert_identity` is {CN, O...} of a verified client certificate, or empty.
  core::Status authenticate(HttpRequest& req, const std::vector<std::string>& cert_identity,
                            bool tls) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, UserInfo> tokens_;
};

}  // namespace flotilla::apiserver
