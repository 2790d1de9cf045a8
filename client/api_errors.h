// Kubernetes API errors as core::Status values: the mapping from a `Status` response body (its
// reason, code, message and details.causes) to a core::Code, and back for fakes. The code keeps
// the reason's meaning (NotFound, AlreadyExists, Conflict, Invalid with causes, Forbidden →
// PermissionDenied, Unauthorized → Unauthenticated, TooManyRequests, Gone/Expired → Gone, ...), and
// the message keeps the server's text prefixed by the reason, e.g.
// "Expired: too old resource version: 5 (101)".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace flotilla::client {

// From an HTTP status and its body (a Status object when the server follows the protocol).
core::Status statusFromResponse(int http_code, const std::string& body);
core::Status statusFromStatusObject(const nlohmann::json& status, int http_code);
// The Kubernetes reason for a code ("NotFound", "Forbidden", ...).
const char* reasonForCode(core::Code code);
int httpCodeFor(core::Code code);
// A Kubernetes Status body for a non-OK Status (used by fakes and stubs).
nlohmann::json statusObject(const core::Status& status);

inline bool isNotFound(const core::Status& s) { return s.code() == core::Code::NotFound; }
inline bool isConflict(const core::Status& s) { return s.code() == core::Code::Conflict; }
inline bool isAlreadyExists(const core::Status& s) {
  return s.code() == core::Code::AlreadyExists;
}
inline bool isGone(const core::Status& s) { return s.code() == core::Code::Gone; }

}  // namespace flotilla::client
