// Status and Result<T>: errors as values for all of Flotilla's core code.
//
// The codes are the canonical ones (see ../shared/style.md) extended with the few distinctions the
// Kubernetes API needs to express on the wire (Invalid vs BadRequest, Conflict vs AlreadyExists,
// Gone, UnsupportedMediaType, ...). A Status may carry field causes so that validation errors name
// every offending field. The code decides the retry policy: Unavailable, Conflict and
// TooManyRequests are retryable; InvalidArgument and Invalid are terminal.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace flotilla::core {

enum class Code {
  Ok,
  InvalidArgument,       // malformed input (HTTP 400 BadRequest)
  Invalid,               // well-formed but semantically invalid object (HTTP 422)
  NotFound,              // 404
  AlreadyExists,         // 409 AlreadyExists
  Conflict,              // 409 Conflict (stale resourceVersion, apply conflict)
  Gone,                  // 410 Expired (revision compacted)
  Unauthenticated,       // 401
  PermissionDenied,      // 403 Forbidden
  MethodNotAllowed,      // 405
  UnsupportedMediaType,  // 415
  TooLarge,              // 413 RequestEntityTooLarge
  TooManyRequests,       // 429
  FailedPrecondition,    // precondition not met (maps to 409 Conflict on the wire)
  Timeout,               // 504
  Unavailable,           // 503, retryable I/O
  Internal,              // 500
};

// A field-level cause, as Kubernetes reports it in Status.details.causes.
struct Cause {
  std::string type;     // FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, ...
  std::string message;  // human text, without the field path
  std::string field;    // dotted path such as spec.template.spec.containers[0].image
  bool operator==(const Cause&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Status(Code code, std::string message, std::vector<Cause> causes)
      : code_(code), message_(std::move(message)), causes_(std::move(causes)) {}

  static Status ok() { return {}; }

  bool isOk() const { return code_ == Code::Ok; }
  explicit operator bool() const { return isOk(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<Cause>& causes() const { return causes_; }
  std::vector<Cause>& mutableCauses() { return causes_; }

  // Prefixes the message with context ("loading kubeconfig x: ...").
  Status withContext(const std::string& context) const {
    return Status(code_, context + ": " + message_, causes_);
  }
  std::string toString() const;

 private:
  Code code_ = Code::Ok;
  std::string message_;
  std::vector<Cause> causes_;
};

const char* codeName(Code code);
bool isRetryable(Code code);

inline Status invalidArgument(std::string msg) { return {Code::InvalidArgument, std::move(msg)}; }
inline Status notFound(std::string msg) { return {Code::NotFound, std::move(msg)}; }
inline Status internalError(std::string msg) { return {Code::Internal, std::move(msg)}; }

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool isOk() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return isOk(); }

  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &std::get<T>(v_); }
  T* operator->() { return &std::get<T>(v_); }

  // The error; Status::ok() when a value is held.
  Status status() const { return isOk() ? Status::ok() : std::get<Status>(v_); }
  T valueOr(T fallback) const { return isOk() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace flotilla::core

// Early return on error, for functions returning Status or Result<U>.
#define FLOTILLA_RETURN_IF_ERROR(expr)            \
  do {                                            \
    ::flotilla::core::Status flotilla_st_ = (expr); \
    if (!flotilla_st_.isOk()) return flotilla_st_; \
  } while (false)
