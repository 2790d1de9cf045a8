#include "apiserver/api_status.h"

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

using core::Code;

int httpCodeFor(Code code) {
  switch (code) {
    case Code::Ok: return 200;
    case Code::InvalidArgument: return 400;
    case Code::Invalid: return 422;
    case Code::NotFound: return 404;
    case Code::AlreadyExists: return 409;
    case Code::Conflict: return 409;
    case Code::FailedPrecondition: return 409;
    case Code::Gone: return 410;
    case Code::Unauthenticated: return 401;
    case Code::PermissionDenied: return 403;
    case Code::MethodNotAllowed: return 405;
    case Code::UnsupportedMediaType: return 415;
    case Code::TooLarge: return 413;
    case Code::TooManyRequests: return 429;
    case Code::Timeout: return 504;
    case Code::Unavailable: return 503;
    case Code::Internal: return 500;
  }
  return 500;
}

const char* reasonFor(Code code) {
  switch (code) {
    case Code::Ok: return "";
    case Code::InvalidArgument: return "BadRequest";
    case Code::Invalid: return "Invalid";
    case Code::NotFound: return "NotFound";
    case Code::AlreadyExists: return "AlreadyExists";
    case Code::Conflict: return "Conflict";
    case Code::FailedPrecondition: return "Conflict";
    case Code::Gone: return "Expired";
    case Code::Unauthenticated: return "Unauthorized";
    case Code::PermissionDenied: return "Forbidden";
    case Code::MethodNotAllowed: return "MethodNotAllowed";
    case Code::UnsupportedMediaType: return "UnsupportedMediaType";
    case Code::TooLarge: return "RequestEntityTooLarge";
    case Code::TooManyRequests: return "TooManyRequests";
    case Code::Timeout: return "Timeout";
    case Code::Unavailable: return "ServiceUnavailable";
    case Code::Internal: return "InternalError";
  }
  return "InternalError";
}

namespace {
nlohmann::json statusObject(const core::Status& status, const StatusDetails* details) {
  nlohmann::json out = {{"kind", "Status"},
                        {"apiVersion", "v1"},
                        {"metadata", nlohmann::json::object()},
                        {"status", "Failure"},
                        {"message", status.message()},
                        {"reason", reasonFor(status.code())},
                        {"code", httpCodeFor(status.code())}};
  nlohmann::json d = nlohmann::json::object();
  if (details != nullptr) {
    if (!details->name.empty()) d["name"] = details->name;
    if (!details->group.empty()) d["group"] = details->group;
    if (!details->kind.empty()) d["kind"] = details->kind;
    if (!details->uid.empty()) d["uid"] = details->uid;
  }
  if (!status.causes().empty()) {
    nlohmann::json causes = nlohmann::json::array();
    for (const auto& c : status.causes()) {
      nlohmann::json cause = {{"message", c.message}};
      if (!c.type.empty()) cause["reason"] = c.type;
      if (!c.field.empty()) cause["field"] = c.field;
      causes.push_back(std::move(cause));
    }
    d["causes"] = std::move(causes);
  }
  if (!d.empty()) out["details"] = std::move(d);
  return out;
}
}  // namespace

std::string statusJson(const core::Status& status, const StatusDetails* details) {
  return statusObject(status, details).dump();
}

HttpResponse statusResponse(const core::Status& status, const StatusDetails* details) {
  HttpResponse r;
  r.status = httpCodeFor(status.code());
  r.body = statusJson(status, details);
  return r;
}

std::string successStatusJson(const StatusDetails& details) {
  nlohmann::json d = {{"name", details.name}, {"kind", details.kind}, {"uid", details.uid}};
  if (!details.group.empty()) d["group"] = details.group;
  nlohmann::json out = {{"kind", "Status"},     {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                        {"status", "Success"}, {"details", d}};
  return out.dump();
}

}  // namespace flotilla::apiserver
