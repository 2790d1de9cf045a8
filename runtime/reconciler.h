// Reconciler: the one method a controller implements. It receives the key of an object (never
// the event that caused it: reconcilers are level-triggered and idempotent), reads the world from
// caches, makes it right, and returns either
//  * an error — retried with per-key exponential backoff, unless it is terminal (bad input that
//    no retry can fix: InvalidArgument, Invalid, or anything wrapped with terminalError()), or
//  * a result, optionally asking to be called again after requeue_after (e.g. to re-check a
//    timeout). There is deliberately no "requeue now" flag.
// A missing object is success: the reconciler is done with it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"

namespace flotilla::runtime {

struct Request {
  std::string namespace_name;
  std::string name;
  std::string key() const { return namespace_name.empty() ? name : namespace_name + "/" + name; }
  // "ns/name" or "name".
  static Request fromKey(const std::string& key) {
    auto slash = key.find('/');
    if (slash == std::string::npos) return {"", key};
    return {key.substr(0, slash), key.substr(slash + 1)};
  }
};

struct ReconcileResult {
  std::optional<std::chrono::nanoseconds> requeue_after;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual core::Result<ReconcileResult> reconcile(const Request& request) = 0;
};
using ReconcilerPtr = std::shared_ptr<Reconciler>;

inline constexpr const char* kTerminalCause = "Terminal";
// Marks an error as not worth retrying.
inline core::Status terminalError(core::Status status) {
  status.mutableCauses().push_back({kTerminalCause, "terminal error", ""});
  return status;
}
inline bool isTerminal(const core::Status& status) {
  if (status.code() == core::Code::InvalidArgument || status.code() == core::Code::Invalid) {
    return true;
  }
  for (const auto& c : status.causes()) {
    if (c.type == kTerminalCause) return true;
  }
  return false;
}

// Adapts a lambda to the interface.
class FuncReconciler final : public Reconciler {
 public:
  using Fn = std::function<core::Result<ReconcileResult>(const Request&)>;
  explicit FuncReconciler(Fn fn) : fn_(std::move(fn)) {}
  core::Result<ReconcileResult> reconcile(const Request& r) override { return fn_(r); }

 private:
  Fn fn_;
};

}  // namespace flotilla::runtime
