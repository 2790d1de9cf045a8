#include "core/status.h"

namespace flotilla::core {

const char* codeName(Code code) {
  switch (code) {
    case Code::Ok: return "Ok";
    case Code::InvalidArgument: return "InvalidArgument";
    case Code::Invalid: return "Invalid";
    case Code::NotFound: return "NotFound";
    case Code::AlreadyExists: return "AlreadyExists";
    case Code::Conflict: return "Conflict";
    case Code::Gone: return "Gone";
    case Code::Unauthenticated: return "Unauthenticated";
    case Code::PermissionDenied: return "PermissionDenied";
    case Code::MethodNotAllowed: return "MethodNotAllowed";
    case Code::UnsupportedMediaType: return "UnsupportedMediaType";
    case Code::TooLarge: return "TooLarge";
    case Code::TooManyRequests: return "TooManyRequests";
    case Code::FailedPrecondition: return "FailedPrecondition";
    case Code::Timeout: return "Timeout";
    case Code::Unavailable: return "Unavailable";
    case Code::Internal: return "Internal";
  }
  return "Unknown";
}

bool isRetryable(Code code) {
  return code == Code::Unavailable || code == Code::Conflict || code == Code::TooManyRequests ||
         code == Code::Timeout || code == Code::Internal;
}

std::string Status::toString() const {
  if (isOk()) return "OK";
  std::string out = std::string(codeName(code_)) + ": " + message_;
  for (const auto& c : causes_) {
    out += "; " + c.field + ": " + c.message;
  }
  return out;
}

}  // namespace flotilla::core
