#include "client/decode.h"

#include <cstring>

#include "client/json_scan.h"

namespace flotilla::client {

namespace {
std::string stringOrEmpty(std::string_view literal) {
  if (literal.empty() || literal.front() != '"') return {};
  if (literal.find('\\') == std::string_view::npos) {
    return std::string(literal.substr(1, literal.size() - 2));
  }
  return json_scan::decodeString(literal).value_or("");
}
}  // namespace

core::Result<ObjectList> decodeList(std::string_view body, bool drop_managed_fields) {
  ObjectList list;
  std::string api_version, kind;
  std::string_view items;
  const char* p = body.data();
  const char* end = body.data() + body.size();
  const bool ok = json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    if (k == "apiVersion") {
      api_version = stringOrEmpty(v);
    } else if (k == "kind") {
      kind = stringOrEmpty(v);
    } else if (k == "items") {
      items = v;
    } else if (k == "metadata" && !v.empty() && v.front() == '{') {
      const char* mp = v.data();
      return json_scan::forEachMember(mp, v.data() + v.size(), [&](std::string_view mk,
                                                                   std::string_view mv) {
        if (mk == "resourceVersion") list.resource_version = stringOrEmpty(mv);
        else if (mk == "continue") list.continue_token = stringOrEmpty(mv);
        else if (mk == "remainingItemCount" && !mv.empty() && mv.front() != 'n') {
          list.remaining_item_count = std::stoll(std::string(mv));
        }
        return true;
      });
    }
    return true;
  });
  if (!ok) return core::invalidArgument("malformed list body");
  std::string item_kind = kind;
  if (item_kind.size() > 4 && item_kind.compare(item_kind.size() - 4, 4, "List") == 0) {
    item_kind.resize(item_kind.size() - 4);
  } else {
    item_kind.clear();
  }
  if (!items.empty() && items.front() == '[') {
    const char* ip = items.data();
    core::Status err;
    const bool items_ok = json_scan::forEachElement(ip, items.data() + items.size(),
                                                    [&](std::string_view item) {
      auto obj = drop_managed_fields
                     ? Object::parseWithoutManagedFields(item, api_version, item_kind)
                     : Object::parse(item, api_version, item_kind);
      if (!obj) {
        err = obj.status();
        return false;
      }
      list.items.push_back(std::move(obj).value());
      return true;
    });
    if (!items_ok) return err.isOk() ? core::invalidArgument("malformed list items") : err;
  }
  return list;
}

namespace {
// The API server writes events as {"type":"ADDED","object":{...}}; recognising that shape lets
// the object be scanned once (by Object::parse, which validates it) instead of twice.
bool fastSplitEvent(std::string_view line, std::string_view* type, std::string_view* object) {
  constexpr std::string_view kPrefix = "{\"type\":\"";
  constexpr std::string_view kObject = "\",\"object\":";
  if (line.substr(0, kPrefix.size()) != kPrefix) return false;
  const auto type_end = line.find('"', kPrefix.size());
  if (type_end == std::string_view::npos || type_end - kPrefix.size() > 16) return false;
  if (line.substr(type_end, kObject.size()) != kObject) return false;
  std::size_t last = line.size();
  while (last > 0 && (line[last - 1] == ' ' || line[last - 1] == '\r' || line[last - 1] == '\t')) {
    --last;
  }
  if (last == 0 || line[last - 1] != '}') return false;
  *type = line.substr(kPrefix.size(), type_end - kPrefix.size());
  const std::size_t obj_begin = type_end + kObject.size();
  *object = line.substr(obj_begin, last - 1 - obj_begin);
  return !object->empty() && object->front() == '{' && object->back() == '}';
}
}  // namespace

namespace {
core::Result<WatchEvent> makeEvent(const std::string& type, std::string_view object,
                                   bool drop_managed_fields) {
  WatchEvent ev;
  if (type == "ADDED") ev.type = WatchEventType::Added;
  else if (type == "MODIFIED") ev.type = WatchEventType::Modified;
  else if (type == "DELETED") ev.type = WatchEventType::Deleted;
  else if (type == "BOOKMARK") ev.type = WatchEventType::Bookmark;
  else if (type == "ERROR") ev.type = WatchEventType::Error;
  else return core::invalidArgument("unknown watch event type \"" + type + "\"");
  if (object.empty() || object.front() != '{') {
    return core::invalidArgument("watch event without object");
  }
  // Error events carry a Status, bookmarks nothing worth dropping.
  auto obj = drop_managed_fields && ev.type != WatchEventType::Error
                 ? Object::parseWithoutManagedFields(object)
                 : Object::parse(object);
  if (!obj) return obj.status();
  ev.object = std::move(obj).value();
  return ev;
}
}  // namespace

core::Result<WatchEvent> decodeWatchEvent(std::string_view line, bool drop_managed_fields) {
  std::string_view fast_type, fast_object;
  if (fastSplitEvent(line, &fast_type, &fast_object)) {
    auto ev = makeEvent(std::string(fast_type), fast_object, drop_managed_fields);
    if (ev) return ev;
    // Unusual member order or extra members: fall back to the general scan.
  }
  std::string type;
  std::string_view object;
  const char* p = line.data();
  const char* end = line.data() + line.size();
  const bool ok = json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    if (k == "type") type = stringOrEmpty(v);
    else if (k == "object") object = v;
    return true;
  });
  if (!ok) return core::invalidArgument("malformed watch event");
  return makeEvent(type, object, drop_managed_fields);
}

core::Status WatchDecoder::feed(std::string_view data,
                                const std::function<bool(WatchEvent&&)>& handler,
                                bool* keep_going) {
  *keep_going = true;
  // Complete lines inside `data` are decoded in place; only the tail is copied.
  std::size_t start = 0;
  while (start < data.size()) {
    const void* nl = std::memchr(data.data() + start, '\n', data.size() - start);
    if (!nl) break;
    const std::size_t pos = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
    std::string_view line;
    if (!pending_.empty()) {
      pending_.append(data.data() + start, pos - start);
      line = pending_;
    } else {
      line = data.substr(start, pos - start);
    }
    start = pos + 1;
    const bool blank = line.find_first_not_of(" \r\t") == std::string_view::npos;
    if (!blank) {
      auto ev = decodeWatchEvent(line, drop_managed_fields_);
      if (!ev) {
        pending_.clear();
        return ev.status().withContext("watch stream");
      }
      if (!handler(std::move(ev).value())) {
        *keep_going = false;
        pending_.clear();
        return core::Status::ok();
      }
    }
    pending_.clear();
  }
  pending_.append(data.data() + start, data.size() - start);
  return core::Status::ok();
}

}  // namespace flotilla::client
