// Reflection-light JSON codecs for the typed API. Every API struct lists its fields once with
// FLOTILLA_API_FIELDS(v("jsonName", member); ...) and gets a decoder that reports every type error
// as a core::Cause with its dotted field path, and an encoder that follows Go's `omitempty`.
// Keys a struct does not know are kept in its `unknown_fields` member and re-emitted on encode, so
// objects written by newer Karmada versions survive a read-modify-write through Flotilla.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/status.h"

namespace flotilla::api {

using Json = nlohmann::json;

// Fields tagged kAlways are emitted even when zero (Go fields without omitempty).
enum class Emit { OmitEmpty, Always };

// Declares `unknown_fields` plus the field visitor used by the generic codec.
#define FLOTILLA_API_FIELDS(...)        \
  ::flotilla::api::Json unknown_fields; \
  template <class V>                    \
  void visitFields(V& v) {              \
    __VA_ARGS__                         \
  }                                     \
  template <class V>                    \
  void visitFields(V& v) const {        \
    __VA_ARGS__                         \
  }

namespace codec {

// Decoding state: the current field path and every error found so far.
class DecodeContext {
 public:
  void push(const std::string& key);
  void pushIndex(size_t i);
  void pop() { path_.pop_back(); }
  std::string path() const;
  void error(const std::string& message, const std::string& type = "FieldValueTypeInvalid");
  const std::vector<core::Cause>& causes() const { return causes_; }

 private:
  std::vector<std::string> path_;
  std::vector<core::Cause> causes_;
};

template <class T>
concept ApiStruct = requires(T t, DecodeContext& v) {
  t.unknown_fields;
};

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsMap : std::false_type {};
template <class T>
struct IsMap<std::map<std::string, T>> : std::true_type {};

void decodeScalar(const Json& j, std::string& out, DecodeContext& ctx);
void decodeScalar(const Json& j, bool& out, DecodeContext& ctx);
void decodeScalar(const Json& j, int32_t& out, DecodeContext& ctx);
void decodeScalar(const Json& j, int64_t& out, DecodeContext& ctx);
void decodeScalar(const Json& j, uint64_t& out, DecodeContext& ctx);
void decodeScalar(const Json& j, double& out, DecodeContext& ctx);
inline void decodeScalar(const Json& j, Json& out, DecodeContext&) { out = j; }

template <class T>
void decodeValue(const Json& j, T& out, DecodeContext& ctx);

template <class T>
struct DecodeVisitor {
  const Json& j;
  DecodeContext& ctx;
  std::vector<std::string> consumed;
  template <class M>
  void operator()(const char* name, M& member, Emit = Emit::OmitEmpty) {
    consumed.emplace_back(name);
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return;
    ctx.push(name);
    decodeValue(*it, member, ctx);
    ctx.pop();
  }
};

template <class T>
void decodeValue(const Json& j, T& out, DecodeContext& ctx) {
  if constexpr (ApiStruct<T>) {
    if (!j.is_object()) {
      ctx.error("must be an object");
      return;
    }
    DecodeVisitor<T> v{j, ctx, {}};
    out.visitFields(v);
    Json unknown = Json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool known = false;
      for (const auto& k : v.consumed) known = known || k == it.key();
      if (!known) unknown[it.key()] = it.value();
    }
    out.unknown_fields = std::move(unknown);
  } else if constexpr (IsVector<T>::value) {
    if (!j.is_array()) {
      ctx.error("must be a list");
      return;
    }
    out.clear();
    out.resize(j.size());
    for (size_t i = 0; i < j.size(); ++i) {
      ctx.pushIndex(i);
      decodeValue(j[i], out[i], ctx);
      ctx.pop();
    }
  } else if constexpr (IsOptional<T>::value) {
    out.emplace();
    decodeValue(j, *out, ctx);
  } else if constexpr (IsMap<T>::value) {
    if (!j.is_object()) {
      ctx.error("must be an object");
      return;
    }
    out.clear();
    for (auto it = j.begin(); it != j.end(); ++it) {
      ctx.push(it.key());
      decodeValue(it.value(), out[it.key()], ctx);
      ctx.pop();
    }
  } else {
    decodeScalar(j, out, ctx);
  }
}

template <class T>
bool isEmpty(const T& v) {
  if constexpr (ApiStruct<T>) {
    return false;  // decided on the encoded form, see EncodeVisitor
  } else if constexpr (IsVector<T>::value || IsMap<T>::value) {
    return v.empty();
  } else if constexpr (IsOptional<T>::value) {
    return !v.has_value();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v.empty();
  } else if constexpr (std::is_same_v<T, Json>) {
    return v.is_null();
  } else {
    return v == T{};
  }
}

template <class T>
Json encodeValue(const T& v);

struct EncodeVisitor {
  Json& out;
  template <class M>
  void operator()(const char* name, const M& member, Emit emit = Emit::OmitEmpty) {
    if constexpr (ApiStruct<M>) {
      // Go never omits a struct value, but Karmada's types make every optional struct a
      // pointer; an empty non-pointer struct (status: {}) is dropped so input round-trips.
      Json encoded = encodeValue(member);
      if (emit == Emit::OmitEmpty && encoded.empty()) {
        out.erase(name);
      } else {
        out[name] = std::move(encoded);
      }
      return;
    }
    if (emit == Emit::OmitEmpty && isEmpty(member)) {
      out.erase(name);
      return;
    }
    out[name] = encodeValue(member);
  }
};

template <class T>
Json encodeValue(const T& v) {
  if constexpr (ApiStruct<T>) {
    Json out = v.unknown_fields.is_object() ? v.unknown_fields : Json::object();
    EncodeVisitor visitor{out};
    v.visitFields(visitor);
    return out;
  } else if constexpr (IsVector<T>::value) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(encodeValue(e));
    return out;
  } else if constexpr (IsOptional<T>::value) {
    return v.has_value() ? encodeValue(*v) : Json();
  } else if constexpr (IsMap<T>::value) {
    Json out = Json::object();
    for (const auto& [k, e] : v) out[k] = encodeValue(e);
    return out;
  } else {
    return Json(v);
  }
}

}  // namespace codec

// Decodes a typed object. Type errors come back as one InvalidArgument status listing every
// offending field.
template <class T>
core::Result<T> fromJson(const Json& j) {
  codec::DecodeContext ctx;
  T out{};
  codec::decodeValue(j, out, ctx);
  if (!ctx.causes().empty()) {
    std::string msg = ctx.causes().front().field + ": " + ctx.causes().front().message;
    return core::Status(core::Code::InvalidArgument, msg, ctx.causes());
  }
  return out;
}

template <class T>
Json toJson(const T& v) {
  return codec::encodeValue(v);
}

// Compact JSON text that never throws: invalid UTF-8 in strings is replaced (U+FFFD) instead of
// raising nlohmann's type_error, since values may come straight from user YAML.
inline std::string safeDump(const Json& v) {
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace flotilla::api
