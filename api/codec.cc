#include "api/codec.h"

#include <limits>

namespace flotilla::api::codec {

void DecodeContext::push(const std::string& key) {
  if (path_.empty()) {
    path_.push_back(key);
  } else {
    path_.push_back("." + key);
  }
}

void DecodeContext::pushIndex(size_t i) { path_.push_back("[" + std::to_string(i) + "]"); }

std::string DecodeContext::path() const {
  std::string out;
  for (const auto& p : path_) out += p;
  return out;
}

void DecodeContext::error(const std::string& message, const std::string& type) {
  causes_.push_back({type, message, path()});
}

void decodeScalar(const Json& j, std::string& out, DecodeContext& ctx) {
  if (!j.is_string()) {
    ctx.error("must be a string");
    return;
  }
  out = j.get<std::string>();
}

void decodeScalar(const Json& j, bool& out, DecodeContext& ctx) {
  if (!j.is_boolean()) {
    ctx.error("must be a boolean");
    return;
  }
  out = j.get<bool>();
}

namespace {
template <class I>
void decodeInteger(const Json& j, I& out, DecodeContext& ctx) {
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<I>::max())) {
      ctx.error("integer out of range");
      return;
    }
    out = static_cast<I>(v);
    return;
  }
  if (j.is_number_integer()) {
    auto v = j.get<int64_t>();
    if constexpr (std::is_signed_v<I>) {
      if (v < static_cast<int64_t>(std::numeric_limits<I>::min()) ||
          v > static_cast<int64_t>(std::numeric_limits<I>::max())) {
        ctx.error("integer out of range");
        return;
      }
    } else {
      if (v < 0) {
        ctx.error("must be non-negative");
        return;
      }
    }
    out = static_cast<I>(v);
    return;
  }
  if (j.is_number_float()) {
    // Go's encoding/json accepts 3.0 for an int field but not 3.5.
    double d = j.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) {
      out = static_cast<I>(d);
      return;
    }
  }
  ctx.error("must be an integer");
}
}  // namespace

void decodeScalar(const Json& j, int32_t& out, DecodeContext& ctx) { decodeInteger(j, out, ctx); }
void decodeScalar(const Json& j, int64_t& out, DecodeContext& ctx) { decodeInteger(j, out, ctx); }
void decodeScalar(const Json& j, uint64_t& out, DecodeContext& ctx) { decodeInteger(j, out, ctx); }

void decodeScalar(const Json& j, double& out, DecodeContext& ctx) {
  if (!j.is_number()) {
    ctx.error("must be a number");
    return;
  }
  out = j.get<double>();
}

}  // namespace flotilla::api::codec
