// Plain HTTP request/response values exchanged between the transport (http_server.h) and the API
// handlers, so that handler code never sees Boost.Beast.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace flotilla::apiserver {

// Who made the request, as established by authentication.
struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
};

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string target;  // raw path with query
  std::string path;    // decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;     // lower-cased names
  std::string body;
  std::string remote;  // peer address, for logs
  UserInfo user;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool hasQuery(const std::string& name) const { return query.count(name) > 0; }
  std::string queryValue(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::vector<std::string> warnings;  // emitted as `Warning: 299 - "text"`
  std::string body;
};

// A streaming response (watch): the handler writes chunks until it returns. write() returns false
// once the client has gone away; connectionClosed() lets a handler notice a client that left while
// no events were flowing.
class ChunkWriter {
 public:
  virtual ~ChunkWriter() = default;
  virtual bool write(std::string_view chunk) = 0;
  virtual bool connectionClosed() = 0;
};

// What a handler produces: a complete response, or a stream started with the given headers.
struct HandlerResult {
  HttpResponse response;
  // When set, the server sends response headers with chunked encoding and calls stream.
  std::function<void(ChunkWriter&)> stream;
};

using Handler = std::function<HandlerResult(HttpRequest&)>;

}  // namespace flotilla::apiserver
