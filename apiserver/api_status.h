// Kubernetes `Status` responses: every API error leaves the server as a meta/v1 Status whose
// `code` equals the HTTP status and whose `reason` clients switch on (kube-api.md §5.9).
#pragma once

#include <string>

#include "apiserver/http_types.h"
#include "core/status.h"

namespace flotilla::apiserver {

// Status.details: which object the error is about. kind is the resource plural for most errors
// and the Kind for Invalid, as kube-apiserver does.
struct StatusDetails {
  std::string name;
  std::string group;
  std::string kind;
  std::string uid;
};

int httpCodeFor(core::Code code);
const char* reasonFor(core::Code code);

// Serialises a Status object (failure) for `status`.
std::string statusJson(const core::Status& status, const StatusDetails* details = nullptr);
HttpResponse statusResponse(const core::Status& status, const StatusDetails* details = nullptr);
// A `status: Success` body, as returned by DELETE for most resources.
std::string successStatusJson(const StatusDetails& details);

}  // namespace flotilla::apiserver

// Early return of a Status response from a handler when `expr` is not OK.
#define FLOTILLA_RETURN_IF_ERROR_RESPONSE(expr)                        \
  do {                                                                 \
    ::flotilla::core::Status flotilla_resp_st_ = (expr);               \
    if (!flotilla_resp_st_.isOk()) return statusResponse(flotilla_resp_st_); \
  } while (false)
