#include "client/api_errors.h"

#include <map>

namespace flotilla::client {

namespace {
core::Code codeForReason(const std::string& reason, int http_code) {
  static const std::map<std::string, core::Code> kReasons = {
      {"NotFound", core::Code::NotFound},
      {"AlreadyExists", core::Code::AlreadyExists},
      {"Conflict", core::Code::Conflict},
      {"Invalid", core::Code::Invalid},
      {"BadRequest", core::Code::InvalidArgument},
      {"Forbidden", core::Code::PermissionDenied},
      {"Unauthorized", core::Code::Unauthenticated},
      {"TooManyRequests", core::Code::TooManyRequests},
      {"Gone", core::Code::Gone},
      {"Expired", core::Code::Gone},
      {"MethodNotAllowed", core::Code::MethodNotAllowed},
      {"UnsupportedMediaType", core::Code::UnsupportedMediaType},
      {"RequestEntityTooLarge", core::Code::TooLarge},
      {"Timeout", core::Code::Timeout},
      {"ServerTimeout", core::Code::Timeout},
      {"ServiceUnavailable", core::Code::Unavailable},
      {"InternalError", core::Code::Internal},
  };
  if (auto it = kReasons.find(reason); it != kReasons.end()) return it->second;
  switch (http_code) {
    case 400: return core::Code::InvalidArgument;
    case 401: return core::Code::Unauthenticated;
    case 403: return core::Code::PermissionDenied;
    case 404: return core::Code::NotFound;
    case 405: return core::Code::MethodNotAllowed;
    case 409: return core::Code::Conflict;
    case 410: return core::Code::Gone;
    case 413: return core::Code::TooLarge;
    case 415: return core::Code::UnsupportedMediaType;
    case 422: return core::Code::Invalid;
    case 429: return core::Code::TooManyRequests;
    case 503: return core::Code::Unavailable;
    case 504: return core::Code::Timeout;
    default: return http_code >= 500 ? core::Code::Internal : core::Code::InvalidArgument;
  }
}
}  // namespace

core::Status statusFromStatusObject(const nlohmann::json& st, int http_code) {
  std::string reason = st.value("reason", "");
  std::string message = st.value("message", "");
  int code = http_code;
  if (auto c = st.find("code"); c != st.end() && c->is_number_integer()) code = c->get<int>();
  std::vector<core::Cause> causes;
  if (auto d = st.find("details"); d != st.end() && d->is_object()) {
    if (auto cs = d->find("causes"); cs != d->end() && cs->is_array()) {
      for (const auto& c : *cs) {
        if (!c.is_object()) continue;
        causes.push_back({c.value("reason", ""), c.value("message", ""), c.value("field", "")});
      }
    }
  }
  const core::Code mapped = codeForReason(reason, code);
  if (reason.empty()) reason = reasonForCode(mapped);
  if (message.empty()) message = "the server responded with HTTP " + std::to_string(code);
  return core::Status(mapped, reason + ": " + message, std::move(causes));
}

core::Status statusFromResponse(int http_code, const std::string& body) {
  try {
    auto j = nlohmann::json::parse(body);
    if (j.is_object() && j.value("kind", "") == "Status") return statusFromStatusObject(j, http_code);
  } catch (const nlohmann::json::exception&) {
  }
  const core::Code code = codeForReason("", http_code);
  std::string text = body.substr(0, 256);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return core::Status(code, std::string(reasonForCode(code)) + ": HTTP " +
                                std::to_string(http_code) + (text.empty() ? "" : ": " + text));
}

const char* reasonForCode(core::Code code) {
  switch (code) {
    case core::Code::Ok: return "";
    case core::Code::InvalidArgument: return "BadRequest";
    case core::Code::Invalid: return "Invalid";
    case core::Code::NotFound: return "NotFound";
    case core::Code::AlreadyExists: return "AlreadyExists";
    case core::Code::Conflict: return "Conflict";
    case core::Code::Gone: return "Expired";
    case core::Code::Unauthenticated: return "Unauthorized";
    case core::Code::PermissionDenied: return "Forbidden";
    case core::Code::MethodNotAllowed: return "MethodNotAllowed";
    case core::Code::UnsupportedMediaType: return "UnsupportedMediaType";
    case core::Code::TooLarge: return "RequestEntityTooLarge";
    case core::Code::TooManyRequests: return "TooManyRequests";
    case core::Code::FailedPrecondition: return "Conflict";
    case core::Code::Timeout: return "Timeout";
    case core::Code::Unavailable: return "ServiceUnavailable";
    case core::Code::Internal: return "InternalError";
  }
  return "Unknown";
}

int httpCodeFor(core::Code code) {
  switch (code) {
    case core::Code::Ok: return 200;
    case core::Code::InvalidArgument: return 400;
    case core::Code::Invalid: return 422;
    case core::Code::NotFound: return 404;
    case core::Code::AlreadyExists:
    case core::Code::Conflict:
    case core::Code::FailedPrecondition: return 409;
    case core::Code::Gone: return 410;
    case core::Code::Unauthenticated: return 401;
    case core::Code::PermissionDenied: return 403;
    case core::Code::MethodNotAllowed: return 405;
    case core::Code::UnsupportedMediaType: return 415;
    case core::Code::TooLarge: return 413;
    case core::Code::TooManyRequests: return 429;
    case core::Code::Timeout: return 504;
    case core::Code::Unavailable: return 503;
    case core::Code::Internal: return 500;
  }
  return 500;
}

nlohmann::json statusObject(const core::Status& status) {
  nlohmann::json j = {{"kind", "Status"},
                      {"apiVersion", "v1"},
                      {"metadata", nlohmann::json::object()},
                      {"status", "Failure"},
                      {"message", status.message()},
                      {"reason", reasonForCode(status.code())},
                      {"code", httpCodeFor(status.code())}};
  if (!status.causes().empty()) {
    nlohmann::json causes = nlohmann::json::array();
    for (const auto& c : status.causes()) {
      causes.push_back({{"reason", c.type}, {"message", c.message}, {"field", c.field}});
    }
    j["details"] = {{"causes", causes}};
  }
  return j;
}

}  // namespace flotilla::client
