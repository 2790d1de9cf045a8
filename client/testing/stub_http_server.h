// StubHttpServer: a tiny plain-HTTP server on 127.0.0.1 (port chosen at run time) whose answers
// come from a test's handler. Used where the real API server cannot be made to misbehave on
// demand, e.g. to answer 429 with Retry-After.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace flotilla::client::testing {

struct StubRequest {
  std::string method;
  std::string target;
  std::string body;
};

struct StubResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
};

class StubHttpServer {
 public:
  using Handler = std::function<StubResponse(const StubRequest&)>;
  explicit StubHttpServer(Handler handler);
  ~StubHttpServer();
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<StubRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace flotilla::client::testing
