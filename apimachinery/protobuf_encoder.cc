#include "apimachinery/protobuf_encoder.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "apimachinery/go_format.h"

namespace flotilla::apimachinery {
namespace {

using core::Result;
using core::Status;
using nlohmann::json;

constexpr int kMaxDepth = 64;

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void putTag(std::string& out, int number, int wire) {
  putVarint(out, (static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(wire));
}

void putBytes(std::string& out, int number, std::string_view payload) {
  putTag(out, number, 2);
  putVarint(out, payload.size());
  out.append(payload);
}

void putVarintField(std::string& out, int number, uint64_t v) {
  putTag(out, number, 0);
  putVarint(out, v);
}

Status mismatch(const std::string& field, const char* want, const json& got) {
  return core::invalidArgument("cannot encode " + std::string(got.type_name()) + " as " + want +
                               " for field " + field);
}

class Encoder {
 public:
  Result<std::string> message(const TypeInfo& type, const json& obj, int depth);

 private:
  Status layout(const ProtoLayout& layout, const json& obj, std::string& out, int depth);
  Status field(const FieldInfo& f, const json* value, std::string& out, int depth);
  // Appends one value of type `v` as field `number` (scalars get their own tag; messages are
  // length-prefixed).
  Status value(const ValueType& v, int number, const json& value, const std::string& name,
               std::string& out, int depth);
  Result<std::string> special(const ValueType& v, const json& value, const std::string& name,
                              int depth);
};

Result<std::string> Encoder::message(const TypeInfo& type, const json& obj, int depth) {
  if (depth > kMaxDepth) return core::invalidArgument("object nesting exceeds the maximum depth");
  if (!obj.is_null() && !obj.is_object()) return mismatch(type.go_name, "object", obj);
  std::string out;
  static const json kEmpty = json::object();
  FLOTILLA_RETURN_IF_ERROR(layout(type.proto_layout, obj.is_null() ? kEmpty : obj, out, depth));
  return out;
}

Status Encoder::layout(const ProtoLayout& layout, const json& obj, std::string& out, int depth) {
  for (size_t number = 1; number < layout.slots.size(); ++number) {
    const ProtoLayout::Slot& slot = layout.slots[number];
    if (slot.embedded) {  // an inlined Go struct: always written, fields from the same object
      std::string inner;
      FLOTILLA_RETURN_IF_ERROR(this->layout(*slot.embedded, obj, inner, depth + 1));
      putBytes(out, static_cast<int>(number), inner);
    } else if (slot.field) {
      auto it = obj.find(slot.field->json_name);
      FLOTILLA_RETURN_IF_ERROR(field(*slot.field, it == obj.end() ? nullptr : &*it, out, depth));
    }
  }
  return Status::ok();
}

Status Encoder::field(const FieldInfo& f, const json* v, std::string& out, int depth) {
  const bool unset = v == nullptr || v->is_null();
  const ValueType& t = f.value;
  const std::string& name = f.json_name;
  if (t.type == FieldType::Array) {
    if (unset) return Status::ok();
    if (!v->is_array()) return mismatch(name, "array", *v);
    if (!t.element) return Status::ok();
    if (t.proto_wrapper > 0) {
      std::string inner;
      for (const json& item : *v) {
        FLOTILLA_RETURN_IF_ERROR(value(*t.element, t.proto_wrapper, item, name, inner, depth));
      }
      putBytes(out, f.proto_number, inner);
      return Status::ok();
    }
    for (const json& item : *v) {
      FLOTILLA_RETURN_IF_ERROR(value(*t.element, f.proto_number, item, name, out, depth));
    }
    return Status::ok();
  }
  if (t.type == FieldType::Map) {
    if (unset) return Status::ok();
    if (!v->is_object()) return mismatch(name, "object", *v);
    if (!t.element) return Status::ok();
    // nlohmann objects iterate in key order, which is the order Go's marshallers sort to.
    for (auto it = v->begin(); it != v->end(); ++it) {
      std::string entry;
      putBytes(entry, 1, it.key());
      FLOTILLA_RETURN_IF_ERROR(value(*t.element, 2, it.value(), name, entry, depth));
      putBytes(out, f.proto_number, entry);
    }
    return Status::ok();
  }
  if (unset) {
    if (f.pointer) return Status::ok();
    if (t.type == FieldType::Bytes || t.type == FieldType::RawExtension ||
        t.type == FieldType::FieldsV1 || t.type == FieldType::Any) {
      if (t.type == FieldType::RawExtension) putBytes(out, f.proto_number, "");
      return Status::ok();  // nil []byte is not written; an unset RawExtension is an empty message
    }
    static const json kNull;
    return value(t, f.proto_number, kNull, name, out, depth);  // the zero value is written
  }
  return value(t, f.proto_number, *v, name, out, depth);
}

Status Encoder::value(const ValueType& t, int number, const json& v, const std::string& name,
                      std::string& out, int depth) {
  switch (t.type) {
    case FieldType::String:
      if (v.is_null()) return putBytes(out, number, ""), Status::ok();
      if (!v.is_string()) return mismatch(name, "string", v);
      putBytes(out, number, v.get_ref<const std::string&>());
      return Status::ok();
    case FieldType::Bytes: {
      if (v.is_null()) return putBytes(out, number, ""), Status::ok();
      if (!v.is_string()) return mismatch(name, "base64 string", v);
      auto raw = base64Decode(v.get_ref<const std::string&>());
      if (!raw) return raw.status().withContext(name);
      putBytes(out, number, *raw);
      return Status::ok();
    }
    case FieldType::Int32:
    case FieldType::Int64: {
      if (v.is_null()) return putVarintField(out, number, 0), Status::ok();
      if (!v.is_number_integer()) return mismatch(name, "integer", v);
      int64_t n =
          v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
      if (t.type == FieldType::Int32) n = static_cast<int32_t>(n);
      putVarintField(out, number, static_cast<uint64_t>(n));  // negatives sign-extend to 10 bytes
      return Status::ok();
    }
    case FieldType::Bool:
      if (!v.is_null() && !v.is_boolean()) return mismatch(name, "boolean", v);
      putVarintField(out, number, v.is_boolean() && v.get<bool>() ? 1 : 0);
      return Status::ok();
    case FieldType::Double: {
      if (!v.is_null() && !v.is_number()) return mismatch(name, "number", v);
      const double d = v.is_number() ? v.get<double>() : 0.0;
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      putTag(out, number, 1);
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i) & 0xFF));
      return Status::ok();
    }
    case FieldType::Ref: {
      if (!t.ref) return Status::ok();
      auto inner = message(*t.ref, v, depth + 1);
      if (!inner) return inner.status();
      putBytes(out, number, *inner);
      return Status::ok();
    }
    case FieldType::Array: {  // wrapped list as a map value (ExtraValue)
      std::string inner;
      if (!v.is_null()) {
        if (!v.is_array()) return mismatch(name, "array", v);
        for (const json& item : v) {
          if (t.element) {
            FLOTILLA_RETURN_IF_ERROR(value(*t.element, t.proto_wrapper > 0 ? t.proto_wrapper : 1,
                                           item, name, inner, depth + 1));
          }
        }
      }
      putBytes(out, number, inner);
      return Status::ok();
    }
    case FieldType::Any:
      return Status::ok();
    default: {
      auto inner = special(t, v, name, depth + 1);
      if (!inner) return inner.status();
      putBytes(out, number, *inner);
      return Status::ok();
    }
  }
}

Result<std::string> Encoder::special(const ValueType& t, const json& v, const std::string& name,
                                     int depth) {
  if (depth > kMaxDepth) return core::invalidArgument("object nesting exceeds the maximum depth");
  std::string out;
  switch (t.type) {
    case FieldType::Quantity:
      if (v.is_string()) {
        putBytes(out, 1, v.get_ref<const std::string&>());
      } else if (v.is_number()) {
        putBytes(out, 1, v.dump());
      } else if (v.is_null()) {
        putBytes(out, 1, "0");
      } else {
        return mismatch(name, "quantity", v);
      }
      return out;
    case FieldType::Time:
    case FieldType::MicroTime: {
      if (v.is_null()) return out;  // the zero time is an empty message
      if (!v.is_string()) return mismatch(name, "time string", v);
      auto parsed = parseGoTime(v.get_ref<const std::string&>());
      if (!parsed) return parsed.status().withContext(name);
      putVarintField(out, 1, static_cast<uint64_t>(parsed->seconds));
      // Time keeps whole seconds; MicroTime keeps microseconds.
      const int64_t nanos = t.type == FieldType::MicroTime ? parsed->nanos / 1000 * 1000 : 0;
      putVarintField(out, 2,
                     static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(nanos))));
      return out;
    }
    case FieldType::Duration: {
      int64_t nanos = 0;
      if (v.is_string()) {
        auto parsed = parseGoDuration(v.get_ref<const std::string&>());
        if (!parsed) return parsed.status().withContext(name);
        nanos = *parsed;
      } else if (!v.is_null()) {
        return mismatch(name, "duration string", v);
      }
      putVarintField(out, 1, static_cast<uint64_t>(nanos));
      return out;
    }
    case FieldType::IntOrString: {
      int64_t type = 0, int_val = 0;
      std::string str_val;
      if (v.is_string()) {
        type = 1;
        str_val = v.get<std::string>();
      } else if (v.is_number_integer()) {
        int_val = static_cast<int32_t>(v.get<int64_t>());
      } else if (!v.is_null()) {
        return mismatch(name, "integer or string", v);
      }
      putVarintField(out, 1, static_cast<uint64_t>(type));
      putVarintField(out, 2, static_cast<uint64_t>(int_val));
      putBytes(out, 3, str_val);
      return out;
    }
    case FieldType::RawExtension:
    case FieldType::FieldsV1:
      if (!v.is_null()) putBytes(out, 1, v.dump());
      return out;
    default:
      return out;
  }
}

}  // namespace

Result<std::string> encodeProtobufMessage(const TypeInfo& type, const json& obj) {
  Encoder encoder;
  return encoder.message(type, obj, 0);
}

Result<std::string> encodeProtobufObject(const json& obj, const TypeInfo* type) {
  if (!obj.is_object()) return core::invalidArgument("only objects can be encoded as protobuf");
  const std::string api_version = obj.value("apiVersion", "");
  const std::string kind = obj.value("kind", "");
  if (!kind.empty()) {
    type = BuiltinSchema::instance().findKindForApiVersion(api_version, kind);
  }
  if (!type || type->proto.empty()) {
    return Status(core::Code::UnsupportedMediaType,
                  "no protobuf form for kind \"" + kind + "\" in version \"" + api_version + "\"");
  }
  Encoder encoder;
  auto raw = encoder.message(*type, obj, 0);
  if (!raw) return raw.status();
  std::string type_meta;
  putBytes(type_meta, 1, api_version);
  putBytes(type_meta, 2, kind);
  std::string out("k8s\0", 4);
  putBytes(out, 1, type_meta);
  putBytes(out, 2, *raw);
  putBytes(out, 3, "");
  putBytes(out, 4, "");
  return out;
}

}  // namespace flotilla::apimachinery
