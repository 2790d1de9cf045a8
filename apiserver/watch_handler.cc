// WATCH for ApiHandler: a chunked stream of newline-delimited JSON events (kube-api.md §6).
// Starting points follow kube-apiserver: no resourceVersion (or "0") sends the current state as
// synthetic ADDED events first; a resourceVersion N replays every change after N, or one ERROR
// event with 410 Expired when N has been compacted away. Selector transitions turn into ADDED /
// DELETED, bookmarks are sent only when asked for.
#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "apimachinery/json_dump.h"
#include "apimachinery/json_parse.h"
#include "apiserver/api_handler.h"
#include "apiserver/api_status.h"
#include "apiserver/json_splice.h"
#include "apiserver/list_filter.h"
#include "apiserver/object_strategy.h"
#include "apiserver/request_info.h"
#include "apiserver/table_output.h"

namespace flotilla::apiserver {

namespace {

std::string eventLine(const char* type, const Json& object) {
  std::string line = "{\"type\":\"";
  line += type;
  line += "\",\"object\":";
  apimachinery::appendJson(line, object);
  line += "}\n";
  return line;
}

// Appends an event around an object already serialised (stored bytes with the revision spliced
// in) to `out`.
void appendRawEventLine(std::string& out, const char* type, const std::string& object_text) {
  out.reserve(out.size() + object_text.size() + 32);
  out += "{\"type\":\"";
  out += type;
  out += "\",\"object\":";
  out += object_text;
  out += "}\n";
}

// The labels text of a stored object (empty when its metadata has none); nullopt when it has no
// metadata object. Labels sort early in metadata, so the scan stops long before managedFields.
std::optional<std::string_view> storedLabels(std::string_view stored) {
  const auto meta = topLevelMember(stored, "metadata");
  if (!meta || meta->empty() || meta->front() != '{') return std::nullopt;
  const auto labels = topLevelMember(*meta, "labels");
  return labels ? *labels : std::string_view();
}

// What a label-only filter reads of an object: {"metadata":{"labels":...}}.
std::optional<Json> labelsOnly(std::string_view labels) {
  Json meta = Json::object();
  if (!labels.empty()) {
    Json parsed = apimachinery::parseJsonOrDiscarded(labels);
    if (parsed.is_discarded()) return std::nullopt;
    meta["labels"] = std::move(parsed);
  }
  return Json{{"metadata", std::move(meta)}};
}

// The event a selective watcher sees for a change: selector transitions turn into ADDED/DELETED;
// null when the object neither matches now nor did before.
const char* selectiveEventType(storage::EventType type, bool now_matches, bool was_matching) {
  if (type == storage::EventType::Delete) return now_matches ? "DELETED" : nullptr;
  if (now_matches) return was_matching ? "MODIFIED" : "ADDED";
  return was_matching ? "DELETED" : nullptr;
}

std::string errorLine(const core::Status& st) {
  Json status = Json::parse(statusJson(st));
  return eventLine("ERROR", status);
}

}  // namespace

HandlerResult ApiHandler::handleWatch(const HttpRequest& req, const ServedResourcePtr& rp,
                                      const std::string& ns, const std::string& name) {
  const ServedResource& r = *rp;
  std::string field_selector = req.queryValue("fieldSelector");
  if (!name.empty()) {
    field_selector = field_selector.empty() ? "metadata.name=" + name
                                            : field_selector + ",metadata.name=" + name;
  }
  auto filter_r = makeListFilter(r, req.queryValue("labelSelector"), field_selector);
  if (!filter_r.isOk()) return {statusResponse(filter_r.status()), nullptr};
  ObjectFilter filter = *filter_r;
  const bool bookmarks = parseBool(req.queryValue("allowWatchBookmarks"), false);
  const bool table = wantsTable(req);
  // Label (and metadata field) selectors are decided on metadata alone; the event text is then
  // spliced from the stored bytes, so a selective watcher never parses spec and status.
  const bool metadata_filter = !table && fieldSelectorReadsOnlyMetadata(field_selector);
  // A label selector alone reads only metadata.labels: no other part of metadata is parsed.
  const bool labels_filter = metadata_filter && field_selector.empty();
  const std::string include_object = tableIncludeObject(req);
  std::chrono::seconds timeout = options_.max_watch_timeout;
  if (req.hasQuery("timeoutSeconds")) {
    try {
      long long t = std::stoll(req.queryValue("timeoutSeconds"));
      if (t > 0) timeout = std::min(timeout, std::chrono::seconds(t));
    } catch (...) {
      return {statusResponse(core::invalidArgument("timeoutSeconds must be an integer")), nullptr};
    }
  } else {
    // kube-apiserver picks a random timeout so that watches do not all reconnect at once.
    static thread_local std::mt19937 rng{std::random_device{}()};
    timeout = std::chrono::seconds(timeout.count() / 2 +
                                   static_cast<long>(rng() % static_cast<unsigned>(timeout.count() / 2 + 1)));
  }
  const std::string rv_text = req.queryValue("resourceVersion");
  const bool send_initial_explicit = req.hasQuery("sendInitialEvents");
  const bool send_initial = send_initial_explicit
                                ? parseBool(req.queryValue("sendInitialEvents"), false)
                                : (rv_text.empty() || rv_text == "0");
  int64_t start_rev = 0;
  if (!rv_text.empty() && rv_text != "0") {
    try {
      start_rev = std::stoll(rv_text);
    } catch (...) {
      return {statusResponse(core::invalidArgument("invalid resourceVersion \"" + rv_text + "\"")),
              nullptr};
    }
  }
  std::vector<Json> initial;
  if (send_initial) {
    ListParams lp;
    lp.filter = filter;
    auto listed = store_.list(r, ns, lp);
    if (!listed.isOk()) return {statusResponse(listed.status()), nullptr};
    initial = std::move(listed->items);
    start_rev = listed->revision;
  }
  auto watch = store_.storage().watch(ObjectStore::collectionPrefix(r, ns), start_rev);

  HandlerResult result;
  result.response.content_type = "application/json";
  const auto now_fn = [this] { return clock_->wallNow(); };
  result.stream = [this, rp, filter, bookmarks, table, metadata_filter, labels_filter,
                   include_object, timeout,
                   initial = std::move(initial), watch = std::make_shared<decltype(watch)>(std::move(watch)),
                   start_rev, send_initial, send_initial_explicit, now_fn](ChunkWriter& out) mutable {
    const ServedResource& r = *rp;
    bool first_table = true;
    auto render = [&](const char* type, const Json& obj) {
      if (!table) return eventLine(type, obj);
      Json t = buildTable(r, {obj}, "", now_fn(), include_object,
                          obj["metadata"].value("resourceVersion", ""));
      if (!first_table) t.erase("columnDefinitions");
      first_table = false;
      return eventLine(type, t);
    };
    if (!watch->isOk()) {
      out.write(errorLine(watch->status()));
      return;
    }
    // The initial objects, and then the events of each storage batch, go out as one chunk (one
    // send instead of one per event); a large batch is flushed every kFlushBytes.
    constexpr std::size_t kFlushBytes = 256 * 1024;
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return true;
      const bool ok = out.write(pending);
      pending.clear();
      return ok;
    };
    auto emit = [&](const std::string& line) {
      pending += line;
      return pending.size() < kFlushBytes || flush();
    };
    auto emit_raw = [&](const char* type, const std::string& object_text) {
      appendRawEventLine(pending, type, object_text);
      return pending.size() < kFlushBytes || flush();
    };
    for (const auto& obj : initial) {
      if (!emit(render("ADDED", obj))) return;
    }
    if (!flush()) return;
    int64_t last_rev = start_rev;
    if (send_initial && send_initial_explicit && bookmarks) {
      Json bm = {{"kind", r.kind},
                 {"apiVersion", r.apiVersion()},
                 {"metadata",
                  {{"resourceVersion", std::to_string(last_rev)},
                   {"annotations", {{"k8s.io/initial-events-end", "true"}}}}}};
      if (!out.write(eventLine("BOOKMARK", bm))) return;
    }
    storage::Watch& w = *watch->value();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto next_bookmark = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    // Asking the socket whether the client hung up costs a system call: while events flow, a
    // failed write says so, so it is asked when the watch is idle and at most once a second.
    auto checked_peer = std::chrono::steady_clock::now();
    bool idle = true;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto now = std::chrono::steady_clock::now();
      if (idle || now - checked_peer >= std::chrono::seconds(1)) {
        checked_peer = now;
        if (out.connectionClosed()) break;
      }
      auto events = w.next(std::chrono::milliseconds(500));
      if (!events.isOk()) {
        out.write(errorLine(events.status().code() == core::Code::Gone
                                ? core::Status(core::Code::Gone,
                                               "too old resource version: " +
                                                   std::to_string(start_rev))
                                : events.status()));
        break;
      }
      idle = events->empty();
      for (const auto& ev : *events) {
        last_rev = ev.revision;
        if (!filter && !table && ev.value) {
          // Unfiltered JSON watch: splice the revision into the stored text, no parsing.
          auto text = spliceResourceVersion(*ev.value, ev.revision);
          if (text) {
            const char* type = ev.type == storage::EventType::Delete ? "DELETED"
                               : ev.prev_value                       ? "MODIFIED"
                                                                     : "ADDED";
            if (!emit_raw(type, *text)) return;
            continue;
          }
        }
        if (filter && labels_filter && ev.value) {
          const auto labels = storedLabels(*ev.value);
          const auto meta = labels ? labelsOnly(*labels) : std::nullopt;
          auto text = meta ? spliceResourceVersion(*ev.value, ev.revision) : std::nullopt;
          if (text) {
            const bool now_matches = filter(*meta);
            bool was_matching = false;
            if (ev.type == storage::EventType::Put && ev.prev_value) {
              const auto prev_labels = storedLabels(*ev.prev_value);
              if (prev_labels && *prev_labels == *labels) {
                was_matching = now_matches;
              } else if (prev_labels) {
                const auto prev = labelsOnly(*prev_labels);
                was_matching = prev && filter(*prev);
              }
            }
            const char* type = selectiveEventType(ev.type, now_matches, was_matching);
            if (type == nullptr) continue;
            if (!emit_raw(type, *text)) return;
            continue;
          }
        }
        if (filter && metadata_filter && ev.value) {
          auto meta = ObjectStore::decodeMetadata(*ev.value);
          auto text = meta.isOk() ? spliceResourceVersion(*ev.value, ev.revision) : std::nullopt;
          if (text) {
            const bool now_matches = filter(*meta);
            bool was_matching = false;
            if (ev.type == storage::EventType::Put && ev.prev_value) {
              // Most updates leave metadata alone (status writes): then the previous version
              // matched exactly when this one does, and is not parsed.
              const auto now_meta = metadataWithoutManagedFields(*ev.value);
              const auto prev_meta = metadataWithoutManagedFields(*ev.prev_value);
              if (now_meta && prev_meta && *now_meta == *prev_meta) {
                was_matching = now_matches;
              } else {
                auto prev = ObjectStore::decodeMetadata(*ev.prev_value);
                was_matching = prev.isOk() && filter(*prev);
              }
            }
            const char* type = selectiveEventType(ev.type, now_matches, was_matching);
            if (type == nullptr) continue;
            if (!emit_raw(type, *text)) return;
            continue;
          }
        }
        if (ev.type == storage::EventType::Put) {
          auto obj = ObjectStore::decode(*ev.value, ev.revision);
          if (!obj.isOk()) continue;
          const bool now_matches = !filter || filter(*obj);
          bool was_matching = false;
          if (ev.prev_value) {
            auto prev = ObjectStore::decode(*ev.prev_value, ev.revision);
            was_matching = prev.isOk() && (!filter || filter(*prev));
          }
          const char* type = nullptr;
          if (now_matches) {
            type = was_matching ? "MODIFIED" : "ADDED";
          } else if (was_matching) {
            type = "DELETED";
          }
          if (type != nullptr && !emit(render(type, *obj))) return;
        } else {
          if (!ev.value) continue;
          auto obj = ObjectStore::decode(*ev.value, ev.revision);
          if (!obj.isOk()) continue;
          if (filter && !filter(*obj)) continue;
          if (!emit(render("DELETED", *obj))) return;
        }
      }
      if (!flush()) return;
      if (bookmarks && std::chrono::steady_clock::now() >= next_bookmark) {
        next_bookmark = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        Json bm = {{"kind", r.kind},
                   {"apiVersion", r.apiVersion()},
                   {"metadata", {{"resourceVersion", std::to_string(last_rev)}}}};
        if (!out.write(eventLine("BOOKMARK", bm))) return;
      }
    }
    w.cancel();
  };
  return result;
}

}  // namespace flotilla::apiserver
