#include "apiserver/request_info.h"

#include <vector>

namespace flotilla::apiserver {

namespace {
std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}
}  // namespace

bool parseBool(const std::string& text, bool fallback) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" ||
      text == "False") {
    return false;
  }
  return fallback;
}

RequestInfo parseRequestInfo(const HttpRequest& req) {
  RequestInfo info;
  auto parts = splitPath(req.path);
  std::size_t i = 0;
  if (parts.empty()) return info;
  if (parts[0] == "api") {
    if (parts.size() < 3) return info;  // /api, /api/v1 are discovery
    info.version = parts[1];
    i = 2;
  } else if (parts[0] == "apis") {
    if (parts.size() < 4) return info;  // /apis, /apis/g, /apis/g/v
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    return info;
  }
  info.is_resource_request = true;
  // Optional legacy /watch/ prefix.
  bool watch_prefix = false;
  if (parts[i] == "watch") {
    watch_prefix = true;
    ++i;
    if (i >= parts.size()) {
      info.is_resource_request = false;
      return info;
    }
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
  // namespaces/<ns>/<resource>/... unless <resource> is a subresource of the namespace itself.
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    info.namespace_ = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (!rest.empty()) info.resource = rest[0];
  if (rest.size() >= 2) info.name = rest[1];
  if (rest.size() >= 3) info.subresource = rest[2];
  if (rest.size() > 3) {
    // Deeper paths (pods/x/proxy/...) are not served.
    info.subresource += "/" + rest[3];
  }

  const std::string& m = req.method;
  if (m == "GET" || m == "HEAD") {
    bool watch = watch_prefix || parseBool(req.queryValue("watch"), false);
    if (info.name.empty()) {
      info.verb = watch ? "watch" : "list";
    } else {
      info.verb = watch ? "watch" : "get";
    }
  } else if (m == "POST") {
    info.verb = "create";
  } else if (m == "PUT") {
    info.verb = "update";
  } else if (m == "PATCH") {
    info.verb = "patch";
  } else if (m == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = "unknown";
  }
  return info;
}

}  // namespace flotilla::apiserver
