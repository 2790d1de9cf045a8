// A minimal blocking HTTP/1.1 client (Boost.Beast, plain TCP, keep-alive) for benchmarks, plus a
// streaming reader for watch responses.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace flotilla::bench {

struct HttpReply {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(std::string host, int port);
  ~HttpClient();
  HttpReply request(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json",
                    const std::string& accept = "application/json");
  // Streams a chunked response, calling on_line for every complete line until it returns false
  // or the stream ends.
  void stream(const std::string& target, const std::function<bool(const std::string&)>& on_line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flotilla::bench
