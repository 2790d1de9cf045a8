#include "apimachinery/protobuf_codec.h"

#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "apimachinery/go_format.h"
#include "apimachinery/quantity.h"

namespace flotilla::apimachinery {
namespace {

using core::Result;
using core::Status;
using nlohmann::json;

constexpr std::string_view kMagic("k8s\0", 4);
// Built-in types nest about 15 messages deep; the limit only stops hostile input.
constexpr int kMaxDepth = 64;
// Embedded JSON (RawExtension, FieldsV1) nesting limit, to keep later recursive walks safe.
constexpr int kMaxJsonDepth = 1000;

enum Wire : int {
  kVarint = 0,
  kFixed64 = 1,
  kBytes = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5
};

Status malformed(std::string_view what) {
  return core::invalidArgument("invalid protobuf body: " + std::string(what));
}

// A bounds-checked cursor over one message's bytes.
class Reader {
 public:
  explicit Reader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}
  bool done() const { return p_ >= end_; }

  bool varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return false;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;  // more than 10 bytes
  }
  bool tag(uint64_t* number, int* wire) {
    uint64_t t;
    if (!varint(&t)) return false;
    *number = t >> 3;
    *wire = static_cast<int>(t & 7);
    return *number != 0;
  }
  bool bytes(std::string_view* out) {
    uint64_t len;
    if (!varint(&len)) return false;
    if (len > static_cast<uint64_t>(end_ - p_)) return false;
    *out = std::string_view(p_, static_cast<size_t>(len));
    p_ += len;
    return true;
  }
  bool fixed(size_t n, uint64_t* out) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
      v |= static_cast<uint64_t>(static_cast<uint8_t>(p_[i])) << (8 * i);
    p_ += n;
    *out = v;
    return true;
  }
  // Skips a value of the given wire type; groups are not used by Kubernetes and are rejected.
  bool skip(int wire) {
    uint64_t ignored;
    std::string_view ignored_bytes;
    switch (wire) {
      case kVarint:
        return varint(&ignored);
      case kFixed64:
        return fixed(8, &ignored);
      case kBytes:
        return bytes(&ignored_bytes);
      case kFixed32:
        return fixed(4, &ignored);
      default:
        return false;
    }
  }

 private:
  const char* p_;
  const char* end_;
};

Status wrongWire(const std::string& field, int wire) {
  return malformed("wrong wire type " + std::to_string(wire) + " for field " + field);
}

// Reads a length-delimited payload for `field` from the reader.
Status readPayload(Reader& r, int wire, const std::string& field, std::string_view* out) {
  if (wire != kBytes) return wrongWire(field, wire);
  if (!r.bytes(out)) return malformed("truncated length-delimited field " + field);
  return Status::ok();
}

Status readScalarVarint(Reader& r, int wire, const std::string& field, uint64_t* out) {
  if (wire != kVarint) return wrongWire(field, wire);
  if (!r.varint(out)) return malformed("truncated varint in field " + field);
  return Status::ok();
}

Result<json> parseEmbeddedJson(std::string_view text, const std::string& field) {
  bool too_deep = false;
  json::parser_callback_t guard = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  json out = json::parse(text.begin(), text.end(), guard, /*allow_exceptions=*/false);
  if (too_deep) return malformed("embedded JSON in " + field + " is nested too deeply");
  if (out.is_discarded()) return malformed("embedded JSON in " + field + " is not valid JSON");
  return out;
}

class Decoder {
 public:
  Result<json> message(const TypeInfo& type, std::string_view data, int depth);

 private:
  Status parseInto(const TypeInfo& type, const ProtoLayout& layout, std::string_view data,
                   json& obj, int depth);
  Status field(const FieldInfo& f, int wire, Reader& r, json& obj, int depth);
  // Decodes one value of type `v` whose wire value starts at the reader.
  Result<json> value(const ValueType& v, int wire, Reader& r, const std::string& name, int depth);
  Result<json> special(const ValueType& v, std::string_view payload, const std::string& name,
                       int depth);
  Result<json> zeroValue(const ValueType& v, int depth);
  Status finalize(const TypeInfo& type, json& obj, int depth);
};

Result<json> Decoder::message(const TypeInfo& type, std::string_view data, int depth) {
  if (depth > kMaxDepth) return malformed("message nesting exceeds the maximum depth");
  json obj = json::object();
  FLOTILLA_RETURN_IF_ERROR(parseInto(type, type.proto_layout, data, obj, depth));
  FLOTILLA_RETURN_IF_ERROR(finalize(type, obj, depth));
  return obj;
}

Status Decoder::parseInto(const TypeInfo& type, const ProtoLayout& layout, std::string_view data,
                          json& obj, int depth) {
  if (depth > kMaxDepth) return malformed("message nesting exceeds the maximum depth");
  Reader r(data);
  while (!r.done()) {
    uint64_t number;
    int wire;
    if (!r.tag(&number, &wire)) return malformed("bad field tag in " + type.go_name);
    const ProtoLayout::Slot* slot = layout.find(number);
    if (slot && slot->embedded) {
      std::string_view payload;
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, type.go_name, &payload));
      FLOTILLA_RETURN_IF_ERROR(parseInto(type, *slot->embedded, payload, obj, depth + 1));
    } else if (slot && slot->field) {
      FLOTILLA_RETURN_IF_ERROR(field(*slot->field, wire, r, obj, depth));
    } else if (!r.skip(wire)) {  // unknown fields are skipped, as Go's unmarshallers do
      return malformed("cannot skip field " + std::to_string(number) + " in " + type.go_name);
    }
  }
  return Status::ok();
}

Status Decoder::field(const FieldInfo& f, int wire, Reader& r, json& obj, int depth) {
  const ValueType& v = f.value;
  const std::string& name = f.json_name;
  if (v.type == FieldType::Array && v.element) {
    json& arr = obj[name];
    if (!arr.is_array()) arr = json::array();
    const ValueType& elem = *v.element;
    if (v.proto_wrapper > 0) {
      std::string_view payload;
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      Reader inner(payload);
      while (!inner.done()) {
        uint64_t number;
        int w;
        if (!inner.tag(&number, &w)) return malformed("bad field tag in " + name);
        if (number != static_cast<uint64_t>(v.proto_wrapper)) {
          if (!inner.skip(w)) return malformed("cannot skip field in " + name);
          continue;
        }
        auto item = value(elem, w, inner, name, depth + 1);
        if (!item) return item.status();
        arr.push_back(std::move(item).value());
      }
      return Status::ok();
    }
    const bool varint_elem = elem.type == FieldType::Int32 || elem.type == FieldType::Int64 ||
                             elem.type == FieldType::Bool;
    if (varint_elem && wire == kBytes) {  // packed encoding: accepted as proto parsers do
      std::string_view payload;
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      Reader inner(payload);
      while (!inner.done()) {
        auto item = value(elem, kVarint, inner, name, depth + 1);
        if (!item) return item.status();
        arr.push_back(std::move(item).value());
      }
      return Status::ok();
    }
    auto item = value(elem, wire, r, name, depth + 1);
    if (!item) return item.status();
    arr.push_back(std::move(item).value());
    return Status::ok();
  }
  if (v.type == FieldType::Map && v.element) {
    std::string_view payload;
    FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
    Reader entry(payload);
    std::string key;
    std::optional<json> val;
    while (!entry.done()) {
      uint64_t number;
      int w;
      if (!entry.tag(&number, &w)) return malformed("bad map entry in " + name);
      if (number == 1) {
        std::string_view k;
        FLOTILLA_RETURN_IF_ERROR(readPayload(entry, w, name, &k));
        key = sanitizeUtf8(k);
      } else if (number == 2) {
        auto item = value(*v.element, w, entry, name, depth + 1);
        if (!item) return item.status();
        val = std::move(item).value();
      } else if (!entry.skip(w)) {
        return malformed("bad map entry in " + name);
      }
    }
    if (!val) {
      auto zero = zeroValue(*v.element, depth + 1);
      if (!zero) return zero.status();
      val = std::move(zero).value();
    }
    json& map = obj[name];
    if (!map.is_object()) map = json::object();
    map[key] = std::move(*val);
    return Status::ok();
  }
  auto item = value(v, wire, r, name, depth);
  if (!item) return item.status();
  obj[name] = std::move(item).value();
  return Status::ok();
}

Result<json> Decoder::value(const ValueType& v, int wire, Reader& r, const std::string& name,
                            int depth) {
  uint64_t raw;
  std::string_view payload;
  switch (v.type) {
    case FieldType::String:
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      return json(sanitizeUtf8(payload));
    case FieldType::Bytes:
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      return json(base64Encode(payload));
    case FieldType::Int32:
      FLOTILLA_RETURN_IF_ERROR(readScalarVarint(r, wire, name, &raw));
      return json(static_cast<int32_t>(static_cast<uint32_t>(raw)));
    case FieldType::Int64:
      FLOTILLA_RETURN_IF_ERROR(readScalarVarint(r, wire, name, &raw));
      return json(static_cast<int64_t>(raw));
    case FieldType::Bool:
      FLOTILLA_RETURN_IF_ERROR(readScalarVarint(r, wire, name, &raw));
      return json(raw != 0);
    case FieldType::Double: {
      if (wire != kFixed64) return wrongWire(name, wire);
      if (!r.fixed(8, &raw)) return malformed("truncated double in field " + name);
      double d;
      std::memcpy(&d, &raw, sizeof d);
      return json(d);
    }
    case FieldType::Ref:
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      if (!v.ref) return json(nullptr);
      return message(*v.ref, payload, depth + 1);
    case FieldType::Array: {  // only as a map value, always wrapped (ExtraValue)
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      json arr = json::array();
      Reader inner(payload);
      while (!inner.done()) {
        uint64_t number;
        int w;
        if (!inner.tag(&number, &w)) return malformed("bad field tag in " + name);
        if (!v.element || number != static_cast<uint64_t>(v.proto_wrapper ? v.proto_wrapper : 1)) {
          if (!inner.skip(w)) return malformed("cannot skip field in " + name);
          continue;
        }
        auto item = value(*v.element, w, inner, name, depth + 1);
        if (!item) return item.status();
        arr.push_back(std::move(item).value());
      }
      if (arr.empty()) return json(nullptr);  // Go leaves the slice nil
      return arr;
    }
    case FieldType::Any:
      if (!r.skip(wire)) return malformed("cannot skip field " + name);
      return json(nullptr);
    default:
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, name, &payload));
      return special(v, payload, name, depth + 1);
  }
}

// Quantity, Time, MicroTime, Duration, IntOrString, RawExtension, FieldsV1 and nested maps.
Result<json> Decoder::special(const ValueType& v, std::string_view payload, const std::string& name,
                              int depth) {
  if (depth > kMaxDepth) return malformed("message nesting exceeds the maximum depth");
  if ((v.type == FieldType::Time || v.type == FieldType::MicroTime) && payload.empty()) {
    return json(nullptr);  // the zero time
  }
  uint64_t ints[4] = {0, 0, 0, 0};
  std::optional<std::string_view> texts[4];
  Reader r(payload);
  while (!r.done()) {
    uint64_t number;
    int wire;
    if (!r.tag(&number, &wire)) return malformed("bad field tag in " + name);
    if (number >= 1 && number <= 3 && wire == kVarint) {
      if (!r.varint(&ints[number])) return malformed("truncated varint in " + name);
    } else if (number >= 1 && number <= 3 && wire == kBytes) {
      std::string_view b;
      if (!r.bytes(&b)) return malformed("truncated field in " + name);
      texts[number] = b;
    } else if (!r.skip(wire)) {
      return malformed("cannot skip field in " + name);
    }
  }
  switch (v.type) {
    case FieldType::Quantity: {
      // An empty quantity text is the zero Quantity, which Go renders as "0".
      if (!texts[1] || texts[1]->empty()) return json("0");
      // Go parses the text and writes it back in canonical form ("1024Mi" -> "1Gi").
      auto quantity = Quantity::parse(*texts[1]);
      if (!quantity) return malformed(name + ": " + quantity.status().message());
      return json(quantity->toString());
    }
    case FieldType::Time:
    case FieldType::MicroTime: {
      auto text = formatGoTime(static_cast<int64_t>(ints[1]),
                               static_cast<int32_t>(static_cast<uint32_t>(ints[2])),
                               v.type == FieldType::MicroTime);
      if (!text) return malformed(name + ": " + text.status().message());
      return json(std::move(text).value());
    }
    case FieldType::Duration:
      return json(formatGoDuration(static_cast<int64_t>(ints[1])));
    case FieldType::IntOrString: {
      if (ints[1] == 0) return json(static_cast<int32_t>(static_cast<uint32_t>(ints[2])));
      if (ints[1] == 1) return json(texts[3] ? sanitizeUtf8(*texts[3]) : std::string());
      return malformed("impossible IntOrString type in " + name);
    }
    case FieldType::RawExtension:
    case FieldType::FieldsV1: {
      if (!texts[1] || texts[1]->empty()) return json(nullptr);
      if (hasProtobufMagic(*texts[1])) {  // nested protobuf object (watch frames)
        auto env = parseProtobufEnvelope(*texts[1]);
        if (!env) return env.status();
        const TypeInfo* t =
            BuiltinSchema::instance().findKindForApiVersion(env->api_version, env->kind);
        if (!t || t->proto.empty()) return malformed("unknown embedded kind in " + name);
        auto obj = message(*t, env->raw, depth + 1);
        if (!obj) return obj.status();
        if (!env->kind.empty()) (*obj)["kind"] = env->kind;
        if (!env->api_version.empty()) (*obj)["apiVersion"] = env->api_version;
        return obj;
      }
      return parseEmbeddedJson(*texts[1], name);
    }
    default:
      return json(nullptr);
  }
}

// The JSON of a Go zero value of type `v` in a non-pointer position.
Result<json> Decoder::zeroValue(const ValueType& v, int depth) {
  switch (v.type) {
    case FieldType::String:
      return json("");
    case FieldType::Int32:
    case FieldType::Int64:
    case FieldType::Double:
    case FieldType::IntOrString:
      return json(0);
    case FieldType::Bool:
      return json(false);
    case FieldType::Quantity:
      return json("0");
    case FieldType::Duration:
      return json("0s");
    case FieldType::Ref:
      if (!v.ref) return json(nullptr);
      return message(*v.ref, {}, depth + 1);
    default:
      return json(nullptr);  // nil slices, maps, bytes; zero times; empty raw JSON
  }
}

bool isEmptyGoValue(const ValueType& v, const json& value) {
  switch (v.type) {
    case FieldType::String:
    case FieldType::Bytes:
      return value.is_string() && value.get_ref<const std::string&>().empty();
    case FieldType::Int32:
    case FieldType::Int64:
    case FieldType::Double:
      return value.is_number() && value == 0;
    case FieldType::Bool:
      return value.is_boolean() && !value.get<bool>();
    case FieldType::Array:
    case FieldType::Map:
      return value.is_null() || value.empty();
    default:
      return false;  // structs (including the special types) are never "empty" to Go
  }
}

// Applies Go's presence rules to the fields collected from the wire.
Status Decoder::finalize(const TypeInfo& type, json& obj, int depth) {
  for (const FieldInfo& f : type.fields) {
    auto it = obj.find(f.json_name);
    if (it != obj.end()) {
      if (f.value.type == FieldType::Array && it->is_array() && it->empty()) {
        *it = nullptr;  // a wrapper message with no items leaves the slice nil
      }
      const bool is_nil_collection =
          it->is_null() && (f.value.type == FieldType::Array || f.value.type == FieldType::Map);
      if (f.omitempty && ((!f.pointer && isEmptyGoValue(f.value, *it)) || is_nil_collection)) {
        obj.erase(it);
      }
      continue;
    }
    if (f.pointer) {
      if (!f.omitempty) obj[f.json_name] = nullptr;
      continue;
    }
    switch (f.value.type) {
      case FieldType::String:
      case FieldType::Bytes:
      case FieldType::Int32:
      case FieldType::Int64:
      case FieldType::Double:
      case FieldType::Bool:
      case FieldType::Array:
      case FieldType::Map:
      case FieldType::Any:
        if (f.omitempty) continue;
        break;
      default:
        break;  // structs are always written
    }
    if (f.value.type == FieldType::Bytes || f.value.type == FieldType::Array ||
        f.value.type == FieldType::Map) {
      obj[f.json_name] = nullptr;
      continue;
    }
    auto zero = zeroValue(f.value, depth);
    if (!zero) return zero.status();
    obj[f.json_name] = std::move(zero).value();
  }
  return Status::ok();
}

}  // namespace

bool hasProtobufMagic(std::string_view body) {
  return body.size() >= kMagic.size() && body.substr(0, kMagic.size()) == kMagic;
}

Result<ProtobufEnvelope> parseProtobufEnvelope(std::string_view body) {
  if (!hasProtobufMagic(body)) return malformed("missing the k8s\\0 prefix");
  Reader r(body.substr(kMagic.size()));
  ProtobufEnvelope env;
  while (!r.done()) {
    uint64_t number;
    int wire;
    if (!r.tag(&number, &wire)) return malformed("bad field tag in runtime.Unknown");
    if (number >= 1 && number <= 4) {
      std::string_view payload;
      FLOTILLA_RETURN_IF_ERROR(readPayload(r, wire, "runtime.Unknown", &payload));
      if (number == 1) {
        Reader tm(payload);
        while (!tm.done()) {
          uint64_t n;
          int w;
          if (!tm.tag(&n, &w)) return malformed("bad field tag in typeMeta");
          if (n == 1 || n == 2) {
            std::string_view s;
            FLOTILLA_RETURN_IF_ERROR(readPayload(tm, w, "typeMeta", &s));
            (n == 1 ? env.api_version : env.kind) = sanitizeUtf8(s);
          } else if (!tm.skip(w)) {
            return malformed("bad field in typeMeta");
          }
        }
      } else if (number == 2) {
        env.raw = payload;
      } else {
        (number == 3 ? env.content_encoding : env.content_type) = sanitizeUtf8(payload);
      }
    } else if (!r.skip(wire)) {
      return malformed("bad field in runtime.Unknown");
    }
  }
  return env;
}

Result<json> decodeProtobufObject(std::string_view body, const TypeInfo* expected) {
  auto env = parseProtobufEnvelope(body);
  if (!env) return env.status();
  const TypeInfo* type = expected;
  if (!env->kind.empty()) {
    type = BuiltinSchema::instance().findKindForApiVersion(env->api_version, env->kind);
  }
  if (!type || type->proto.empty()) {
    return Status(core::Code::UnsupportedMediaType,
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json, application/yaml");
  }
  if (!env->content_encoding.empty()) {
    return core::invalidArgument("unsupported protobuf content encoding \"" +
                                 env->content_encoding + "\"");
  }
  Decoder decoder;
  auto obj = decoder.message(*type, env->raw, 0);
  if (!obj) return obj.status();
  if (!env->kind.empty()) {
    (*obj)["apiVersion"] = env->api_version;
    (*obj)["kind"] = env->kind;
  }
  return obj;
}

Result<json> decodeProtobufMessage(const TypeInfo& type, std::string_view bytes) {
  Decoder decoder;
  return decoder.message(type, bytes, 0);
}

}  // namespace flotilla::apimachinery
