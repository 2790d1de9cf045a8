#include "apiserver/auth.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "apiserver/pki.h"

namespace flotilla::apiserver {

namespace {

std::vector<std::string> splitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

UserInfo superuser() { return {"system:admin", "", {"system:masters", "system:authenticated"}}; }

}  // namespace

core::Result<std::string> Authenticator::loadTokens(const std::string& data_dir) {
  const std::filesystem::path path = std::filesystem::path(data_dir) / "tokens.csv";
  std::string admin_token;
  if (!std::filesystem::exists(path)) {
    admin_token = randomToken(32);
    std::ofstream out(path);
    if (!out) return core::Status(core::Code::Unavailable, "cannot write " + path.string());
    out << admin_token << ",system:admin,admin,\"system:masters\"\n";
    out.close();
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  }
  std::ifstream in(path);
  if (!in) return core::Status(core::Code::Unavailable, "cannot read " + path.string());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto fields = splitCsvLine(line);
    if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) {
      return core::invalidArgument(path.string() + ":" + std::to_string(line_no) +
                                   ": expected token,user[,uid[,groups]]");
    }
    UserInfo user{fields[1], fields.size() > 2 ? fields[2] : "", {}};
    if (fields.size() > 3) user.groups = splitComma(fields[3]);
    user.groups.push_back("system:authenticated");
    if (admin_token.empty() && user.username == "system:admin") admin_token = fields[0];
    addToken(fields[0], std::move(user));
  }
  if (admin_token.empty()) {
    return core::invalidArgument(path.string() + ": no system:admin token");
  }
  return admin_token;
}

void Authenticator::addToken(const std::string& token, UserInfo user) {
  std::lock_guard lock(mu_);
  tokens_[token] = std::move(user);
}

core::Status Authenticator::authenticate(HttpRequest& req,
                                         const std::vector<std::string>& cert_identity,
                                         bool tls) const {
  if (!tls) {
    req.user = superuser();
    return core::Status::ok();
  }
  const std::string auth = req.header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    std::lock_guard lock(mu_);
    auto it = tokens_.find(auth.substr(7));
    if (it != tokens_.end()) {
      req.user = it->second;
      return core::Status::ok();
    }
    return core::Status(core::Code::Unauthenticated, "Unauthorized");
  }
  if (!cert_identity.empty() && !cert_identity.front().empty()) {
    req.user.username = cert_identity.front();
    req.user.groups.assign(cert_identity.begin() + 1, cert_identity.end());
    req.user.groups.push_back("system:authenticated");
    return core::Status::ok();
  }
  // Health and version endpoints stay open, as kube-apiserver's defaults allow anonymous reads
  // of them for probes.
  if (req.path == "/healthz" || req.path == "/livez" || req.path == "/readyz" ||
      req.path == "/version" || req.path == "/version/") {
    return core::Status::ok();
  }
  return core::Status(core::Code::Unauthenticated, "Unauthorized");
}

}  // namespace flotilla::apiserver
