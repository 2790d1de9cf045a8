// HttpTransport: the one seam between the REST client and the network. RestClient builds
// requests and interprets responses; a transport only moves bytes. The production transport is
// Boost.Beast over a pool of keep-alive connections with one TLS context per transport (kept
// behind this interface, invisible to the rest of the tree); tests use a scripted fake.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/cancellation.h"
#include "client/rest_config.h"
#include "core/status.h"

namespace flotilla::client {

struct HttpRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string target;  // path and query, e.g. "/api/v1/namespaces/a/configmaps?limit=5"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // send(): the longest the exchange (connecting included) may take, capped by the transport's
  // configured timeout; 0 = the configured timeout. stream(): the longest the stream may stay
  // open, 0 = no limit.
  std::chrono::milliseconds timeout{30000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // A failure to connect, a TLS error or a timeout is a non-OK Status (Unavailable/Timeout); any
  // HTTP response, whatever its status, is a value.
  virtual core::Result<HttpResponse> send(const HttpRequest& request) = 0;
  // For 2xx responses, body bytes go to on_data as they arrive (until the server ends the body,
  // on_data returns false, or cancel fires) and the returned response has an empty body. For
  // other statuses the body is collected into the response.
  virtual core::Result<HttpResponse> stream(
      const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
      Cancellation* cancel) = 0;
};
using HttpTransportPtr = std::shared_ptr<HttpTransport>;

// The production transport for config.server (Beast, TLS per config). InvalidArgument when the
// URL or the TLS material does not load.
core::Result<HttpTransportPtr> makeHttpTransport(const RestConfig& config);

}  // namespace flotilla::client
