// FakeHttpTransport: a scripted HttpTransport for RestClient tests. Responses are queued per
// call (or produced by a handler), every request is recorded, and stream() replays a list of
// body chunks so tests can split watch events across chunk boundaries at will.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "client/http_transport.h"

namespace flotilla::client {

class FakeHttpTransport final : public HttpTransport {
 public:
  using Handler = std::function<core::Result<HttpResponse>(const HttpRequest&)>;

  void enqueue(core::Result<HttpResponse> r) {
    std::lock_guard lock(mu_);
    responses_.push_back(std::move(r));
  }
  void enqueue(int status, std::string body, std::map<std::string, std::string> headers = {}) {
    enqueue(HttpResponse{status, std::move(headers), std::move(body)});
  }
  void setHandler(Handler h) {
    std::lock_guard lock(mu_);
    handler_ = std::move(h);
  }
  // The next stream() call returns `status` and delivers these chunks.
  void enqueueStream(int status, std::vector<std::string> chunks) {
    std::lock_guard lock(mu_);
    streams_.push_back({status, std::move(chunks)});
  }

  core::Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (!responses_.empty()) {
      auto r = std::move(responses_.front());
      responses_.pop_front();
      return r;
    }
    if (handler_) return handler_(request);
    return HttpResponse{404, {}, R"({"kind":"Status","reason":"NotFound","code":404})"};
  }

  core::Result<HttpResponse> stream(const HttpRequest& request,
                                    const std::function<bool(std::string_view)>& on_data,
                                    Cancellation*) override {
    Stream s;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      if (streams_.empty()) return core::Status(core::Code::Unavailable, "no scripted stream");
      s = std::move(streams_.front());
      streams_.pop_front();
    }
    HttpResponse out;
    out.status = s.status;
    for (const auto& c : s.chunks) {
      if (s.status >= 300) {
        out.body += c;
        continue;
      }
      if (!on_data(c)) break;
    }
    return out;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  struct Stream {
    int status = 200;
    std::vector<std::string> chunks;
  };
  mutable std::mutex mu_;
  std::deque<core::Result<HttpResponse>> responses_;
  std::deque<Stream> streams_;
  Handler handler_;
  std::vector<HttpRequest> requests_;
};

}  // namespace flotilla::client
