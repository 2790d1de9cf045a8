#include "storage/etcd_codec.h"

#include <nlohmann/json.hpp>

#include "storage/base64.h"
#include "storage/key_range.h"

namespace flotilla::storage::etcd_codec {
namespace {

using nlohmann::json;

// The gateway writes int64 as strings but accepts and sometimes emits numbers.
int64_t intField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return 0;
  if (it->is_string()) return std::stoll(it->get<std::string>());
  if (it->is_number()) return it->get<int64_t>();
  return 0;
}

bool boolField(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::string bytesField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return {};
  auto decoded = base64Decode(it->get<std::string>());
  if (!decoded) throw std::runtime_error(std::string("field ") + name + " is not base64");
  return *decoded;
}

KeyValue keyValue(const json& kv) {
  return KeyValue{bytesField(kv, "key"), bytesField(kv, "value"), intField(kv, "create_revision"),
                  intField(kv, "mod_revision")};
}

std::vector<KeyValue> keyValues(const json& object, const char* name) {
  std::vector<KeyValue> out;
  auto it = object.find(name);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& kv : *it) out.push_back(keyValue(kv));
  return out;
}

int64_t headerRevision(const json& reply) {
  auto it = reply.find("header");
  return it == reply.end() ? 0 : intField(*it, "revision");
}

// Parses `body` and runs `decode`, turning parse failures into Internal errors.
template <typename T, typename F>
core::Result<T> parse(const std::string& body, F decode) {
  try {
    json reply = json::parse(body);
    if (reply.contains("error")) return decodeError(200, body);
    return decode(reply);
  } catch (const std::exception& e) {
    return core::internalError(std::string("decoding etcd reply: ") + e.what());
  }
}

json compare(const std::string& key, int64_t expected) {
  // expected 0 means "the key exists", i.e. create_revision > 0.
  if (expected == 0) {
    return {{"target", "CREATE"},
            {"result", "GREATER"},
            {"key", base64Encode(key)},
            {"create_revision", "0"}};
  }
  return {{"target", "MOD"},
          {"result", "EQUAL"},
          {"key", base64Encode(key)},
          {"mod_revision", std::to_string(expected)}};
}

json getRequest(const std::string& key) {
  return {{"request_range", {{"key", base64Encode(key)}}}};
}

// A txn whose success branch puts `value`. The value can be large; base64 needs no JSON
// escaping, so it is appended directly instead of going through the serializer.
std::string txnWithPut(const json& condition, const std::string& key, const std::string& value,
                       const json& failure) {
  std::string out = "{\"compare\":[" + condition.dump() +
                    "],\"success\":[{\"request_put\":{\"key\":\"" + base64Encode(key) +
                    "\",\"value\":\"";
  out += base64Encode(value);
  out += "\"}}],\"failure\":" + failure.dump() + "}";
  return out;
}

}  // namespace

std::string rangeEndFor(const std::string& prefix) {
  auto end = prefixEnd(prefix);
  return end ? *end : std::string(1, '\0');
}

std::string encodeRange(const std::string& key, const std::string& range_end, int64_t limit,
                        int64_t revision, bool count_only) {
  json request = {{"key", base64Encode(key)}};
  if (!range_end.empty()) request["range_end"] = base64Encode(range_end);
  if (limit > 0) request["limit"] = std::to_string(limit);
  if (revision > 0) request["revision"] = std::to_string(revision);
  if (count_only) request["count_only"] = true;
  return request.dump();
}

std::string encodeCreate(const std::string& key, const std::string& value) {
  json condition = {{"target", "CREATE"},
                    {"result", "EQUAL"},
                    {"key", base64Encode(key)},
                    {"create_revision", "0"}};
  return txnWithPut(condition, key, value, json::array());
}

std::string encodeUpdate(const std::string& key, const std::string& value, int64_t expected) {
  return txnWithPut(compare(key, expected), key, value, json::array({getRequest(key)}));
}

std::string encodeDelete(const std::string& key, int64_t expected) {
  json request = {
      {"compare", json::array({compare(key, expected)})},
      {"success",
       json::array({{{"request_delete_range", {{"key", base64Encode(key)}, {"prev_kv", true}}}}})},
      {"failure", json::array({getRequest(key)})}};
  return request.dump();
}

std::string encodeCompaction(int64_t revision) {
  return json{{"revision", std::to_string(revision)}, {"physical", false}}.dump();
}

std::string encodeWatchCreate(const std::string& key, const std::string& range_end,
                              int64_t start_revision) {
  json create = {{"key", base64Encode(key)},
                 {"range_end", base64Encode(range_end)},
                 {"start_revision", std::to_string(start_revision)},
                 {"prev_kv", true}};
  return json{{"create_request", create}}.dump();
}

core::Status decodeError(int http_status, const std::string& body) {
  std::string message = body;
  int64_t code = 0;
  try {
    json reply = json::parse(body);
    const json& error =
        reply.contains("error") && reply["error"].is_object() ? reply["error"] : reply;
    if (error.contains("message") && error["message"].is_string()) {
      message = error["message"].get<std::string>();
    } else if (error.contains("error") && error["error"].is_string()) {
      message = error["error"].get<std::string>();
    }
    code = intField(error, "code");
  } catch (const std::exception&) {
    // Not JSON (a proxy or a dying server): classify by HTTP status below.
  }
  message = "etcd: " + message;
  if (message.find("required revision has been compacted") != std::string::npos) {
    return core::Status(core::Code::Gone, message);
  }
  // etcd's own limit (--max-request-bytes), or gRPC's just above it.
  if (message.find("request is too large") != std::string::npos ||
      message.find("message larger than max") != std::string::npos) {
    return core::Status(core::Code::TooLarge, message);
  }
  if (message.find("future revision") != std::string::npos) {
    return core::invalidArgument(message);
  }
  // gRPC codes: 3 InvalidArgument, 4 DeadlineExceeded, 8 ResourceExhausted, 14 Unavailable.
  switch (code) {
    case 3:
      return core::invalidArgument(message);
    case 4:
    case 14:
      return core::Status(core::Code::Unavailable, message);
    case 8:
      return core::Status(core::Code::TooManyRequests, message);
    default:
      break;
  }
  if (http_status >= 500 && code == 0) return core::Status(core::Code::Unavailable, message);
  return core::internalError(message);
}

core::Result<RangeReply> decodeRange(const std::string& body) {
  return parse<RangeReply>(body, [](const json& reply) -> core::Result<RangeReply> {
    return RangeReply{headerRevision(reply), keyValues(reply, "kvs"), boolField(reply, "more"),
                      intField(reply, "count")};
  });
}

core::Result<TxnReply> decodeTxn(const std::string& body) {
  return parse<TxnReply>(body, [](const json& reply) -> core::Result<TxnReply> {
    TxnReply out;
    out.revision = headerRevision(reply);
    out.succeeded = boolField(reply, "succeeded");
    if (auto it = reply.find("responses"); it != reply.end() && it->is_array()) {
      for (const auto& response : *it) {
        if (auto range = response.find("response_range"); range != response.end()) {
          out.range_kvs = keyValues(*range, "kvs");
        }
        if (auto del = response.find("response_delete_range"); del != response.end()) {
          out.prev_kvs = keyValues(*del, "prev_kvs");
        }
      }
    }
    return out;
  });
}

core::Result<int64_t> decodeHeaderRevision(const std::string& body) {
  return parse<int64_t>(
      body, [](const json& reply) -> core::Result<int64_t> { return headerRevision(reply); });
}

core::Result<WatchMessage> decodeWatch(const std::string& line) {
  try {
    json message = json::parse(line);
    if (message.contains("error")) return decodeError(200, message["error"].dump());
    const json& result = message.at("result");
    WatchMessage out;
    out.created = boolField(result, "created");
    out.canceled = boolField(result, "canceled");
    out.compact_revision = intField(result, "compact_revision");
    if (auto reason = result.find("cancel_reason"); reason != result.end()) {
      out.cancel_reason = reason->get<std::string>();
    }
    if (auto events = result.find("events"); events != result.end() && events->is_array()) {
      for (const auto& item : *events) {
        Event event;
        KeyValue kv = keyValue(item.at("kv"));
        std::optional<KeyValue> prev;
        if (auto it = item.find("prev_kv"); it != item.end() && it->is_object()) {
          prev = keyValue(*it);
        }
        event.key = std::move(kv.key);
        event.revision = kv.mod_revision;
        if (prev) event.prev_value = std::make_shared<const std::string>(std::move(prev->value));
        auto type = item.find("type");
        if (type != item.end() && type->is_string() && type->get<std::string>() == "DELETE") {
          event.type = EventType::Delete;
          // Without prev_kv (its revision compacted meanwhile) the last value is unknown.
          event.value = event.prev_value ? event.prev_value : std::make_shared<const std::string>();
          event.create_revision = prev ? prev->create_revision : 0;
        } else {
          event.type = EventType::Put;
          event.value = std::make_shared<const std::string>(std::move(kv.value));
          event.create_revision = kv.create_revision;
        }
        out.events.push_back(std::move(event));
      }
    }
    return out;
  } catch (const std::exception& e) {
    return core::internalError(std::string("decoding etcd watch message: ") + e.what());
  }
}

}  // namespace flotilla::storage::etcd_codec
