#include "client/object.h"

#include <algorithm>

#include "apimachinery/json_parse.h"
#include "client/json_scan.h"

namespace flotilla::client {

namespace {
bool setString(std::string_view literal, std::string* out) {
  if (literal.empty() || literal.front() != '"') return true;  // null or non-string: leave empty
  // Fast path: no escapes.
  if (literal.find('\\') == std::string_view::npos) {
    out->assign(literal.data() + 1, literal.size() - 2);
    return true;
  }
  auto decoded = json_scan::decodeString(literal);
  if (!decoded) return false;
  *out = std::move(*decoded);
  return true;
}
}  // namespace

core::Result<ObjectPtr> Object::parse(std::string_view text, std::string_view api_version,
                                      std::string_view kind) {
  return parseText(text, api_version, kind, false);
}

core::Result<ObjectPtr> Object::parseWithoutManagedFields(std::string_view text,
                                                          std::string_view api_version,
                                                          std::string_view kind) {
  return parseText(text, api_version, kind, true);
}

core::Result<ObjectPtr> Object::parseText(std::string_view text, std::string_view api_version,
                                          std::string_view kind, bool drop_managed_fields) {
  auto obj = std::make_shared<Object>();
  const char* p = text.data();
  const char* end = text.data() + text.size();
  bool ok = true;
  // With drop_managed_fields: the span of `"managedFields": [...]` in metadata, and the end of
  // the member before it (if any), for the comma to drop with it.
  const char* managed_from = nullptr;
  const char* managed_to = nullptr;
  const char* previous_end = nullptr;
  const bool scanned = json_scan::forEachMember(p, end, [&](std::string_view key,
                                                            std::string_view value) {
    if (key == "apiVersion") {
      ok = ok && setString(value, &obj->api_version_);
    } else if (key == "kind") {
      ok = ok && setString(value, &obj->kind_);
    } else if (key == "metadata" && !value.empty() && value.front() == '{') {
      const char* mp = value.data();
      ok = ok && json_scan::forEachMember(mp, value.data() + value.size(), [&](std::string_view mk,
                                                                           std::string_view mv) {
        if (drop_managed_fields) {
          if (mk == "managedFields" && managed_from == nullptr) {
            managed_from = mk.data() - 1;
            managed_to = mv.data() + mv.size();
            return true;
          }
          if (managed_from == nullptr) previous_end = mv.data() + mv.size();
        }
        if (mk == "name") return setString(mv, &obj->name_);
        if (mk == "namespace") return setString(mv, &obj->namespace_);
        if (mk == "uid") return setString(mv, &obj->uid_);
        if (mk == "resourceVersion") return setString(mv, &obj->resource_version_);
        if (mk == "deletionTimestamp") {
          obj->deleting_ = !mv.empty() && mv.front() == '"';
          return true;
        }
        if (mk == "labels" && !mv.empty() && mv.front() == '{') {
          const char* lp = mv.data();
          return json_scan::forEachMember(lp, mv.data() + mv.size(), [&](std::string_view lk,
                                                                         std::string_view lv) {
            std::string k, v;
            if (lk.find('\\') != std::string_view::npos) {
              auto d = json_scan::decodeString(
                  std::string_view(lk.data() - 1, lk.size() + 2));
              if (!d) return false;
              k = std::move(*d);
            } else {
              k.assign(lk);
            }
            if (!setString(lv, &v)) return false;
            obj->labels_.emplace_back(std::move(k), std::move(v));
            return true;
          });
        }
        return true;
      });
    }
    return ok;
  });
  if (!scanned || !ok) return core::invalidArgument("malformed JSON object");
  json_scan::skipSpace(p, end);
  if (p != end) return core::invalidArgument("trailing data after JSON object");
  std::sort(obj->labels_.begin(), obj->labels_.end());

  if (drop_managed_fields) {
    obj->no_managed_fields_ = true;
    if (managed_from != nullptr) {
      const char* after = managed_to;
      json_scan::skipSpace(after, end);
      if (after < end && *after == ',') {
        managed_to = after + 1;  // `"managedFields":[..],`: drop the comma that follows
      } else if (previous_end != nullptr) {
        managed_from = previous_end;  // last member: drop the comma before it
      }
    }
  }
  // The text from `from` to the end, without the managedFields span when there is one.
  auto append_kept = [&](std::string& out, const char* from) {
    if (managed_from == nullptr || managed_from < from) {
      out.append(from, static_cast<std::size_t>(end - from));
      return;
    }
    out.append(from, static_cast<std::size_t>(managed_from - from));
    out.append(managed_to, static_cast<std::size_t>(end - managed_to));
  };
  const std::size_t dropped =
      managed_from == nullptr ? 0 : static_cast<std::size_t>(managed_to - managed_from);

  const bool add_api_version = obj->api_version_.empty() && !api_version.empty();
  const bool add_kind = obj->kind_.empty() && !kind.empty();
  if (!add_api_version && !add_kind) {
    if (managed_from == nullptr) {
      obj->raw_.assign(text);
    } else {
      obj->raw_.reserve(text.size() - dropped);
      append_kept(obj->raw_, text.data());
    }
  } else {
    // Typed list items may omit apiVersion/kind; splice them in so that the object is complete.
    const char* body = text.data();
    json_scan::skipSpace(body, end);
    std::string prefix = "{";
    if (add_api_version) {
      obj->api_version_.assign(api_version);
      prefix += "\"apiVersion\":" + nlohmann::json(obj->api_version_).dump() + ",";
    }
    if (add_kind) {
      obj->kind_.assign(kind);
      prefix += "\"kind\":" + nlohmann::json(obj->kind_).dump() + ",";
    }
    std::string_view rest(body + 1, static_cast<std::size_t>(end - body - 1));
    const char* r = rest.data();
    json_scan::skipSpace(r, end);
    if (r < end && *r == '}') prefix.pop_back();  // empty object: no trailing comma
    obj->raw_.reserve(prefix.size() + rest.size() - dropped);
    obj->raw_.append(prefix);
    append_kept(obj->raw_, rest.data());
  }
  obj->raw_ready_.store(true, std::memory_order_release);
  return ObjectPtr(std::move(obj));
}

void Object::extractFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return;
  auto str = [](const nlohmann::json& o, const char* k, std::string* out) {
    auto it = o.find(k);
    if (it != o.end() && it->is_string()) *out = it->get<std::string>();
  };
  str(j, "apiVersion", &api_version_);
  str(j, "kind", &kind_);
  auto m = j.find("metadata");
  if (m == j.end() || !m->is_object()) return;
  str(*m, "name", &name_);
  str(*m, "namespace", &namespace_);
  str(*m, "uid", &uid_);
  str(*m, "resourceVersion", &resource_version_);
  auto dt = m->find("deletionTimestamp");
  deleting_ = dt != m->end() && dt->is_string();
  auto l = m->find("labels");
  if (l != m->end() && l->is_object()) {
    for (auto it = l->begin(); it != l->end(); ++it) {
      if (it.value().is_string()) labels_.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  std::sort(labels_.begin(), labels_.end());
}

ObjectPtr Object::fromJson(nlohmann::json json) {
  auto obj = std::make_shared<Object>();
  obj->from_tree_ = true;
  obj->extractFromJson(json);
  obj->json_ = std::make_shared<const nlohmann::json>(std::move(json));
  obj->json_built_.store(true, std::memory_order_release);
  return obj;
}

const std::string* Object::label(std::string_view key) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), key,
                             [](const auto& kv, std::string_view k) { return kv.first < k; });
  if (it == labels_.end() || it->first != key) return nullptr;
  return &it->second;
}

const std::string& Object::raw() const {
  if (raw_ready_.load(std::memory_order_acquire)) return raw_;
  std::call_once(raw_once_, [this] {
    raw_ = json_->dump();
    raw_ready_.store(true, std::memory_order_release);
  });
  return raw_;
}

namespace {
// The fast parser gives the tree nlohmann's would; parse() validated the text already, and a text
// neither accepts becomes a null tree rather than an exception.
nlohmann::json parsedOrNull(std::string_view text) {
  nlohmann::json j = apimachinery::parseJsonOrDiscarded(text);
  return j.is_discarded() ? nlohmann::json() : std::move(j);
}
}  // namespace

const nlohmann::json& Object::json() const {
  if (json_built_.load(std::memory_order_acquire)) return *json_;
  std::call_once(json_once_, [this] {
    json_ = std::make_shared<const nlohmann::json>(parsedOrNull(raw_));
    json_built_.store(true, std::memory_order_release);
  });
  return *json_;
}

std::shared_ptr<const nlohmann::json> Object::tree() const {
  if (json_built_.load(std::memory_order_acquire)) return json_;
  return std::make_shared<const nlohmann::json>(parsedOrNull(raw()));
}

namespace {
// The value span of member `key` of the object at `text`; empty when absent or not an object.
std::string_view memberSpan(std::string_view text, std::string_view key) {
  const char* p = text.data();
  const char* end = p + text.size();
  json_scan::skipSpace(p, end);
  if (p == end || *p != '{') return {};
  std::string_view found;
  json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    // Keys arrive undecoded; an escaped one ("\/" is legal JSON) is compared decoded.
    if (k.find('\\') == std::string_view::npos) {
      if (k != key) return true;
    } else {
      auto decoded = json_scan::decodeString(std::string_view(k.data() - 1, k.size() + 2));
      if (!decoded || *decoded != key) return true;
    }
    found = v;
    return false;
  });
  return found;
}
}  // namespace

ObjectPtr Object::withoutManagedFields(const ObjectPtr& self) {
  if (!self || self->from_tree_ || self->no_managed_fields_) return self;
  const std::string& text = self->raw();
  const std::string_view metadata = memberSpan(text, "metadata");
  if (metadata.empty() || metadata.front() != '{') return self;
  // The span of `"managedFields": [...]` and one adjoining comma.
  const char* from = nullptr;
  const char* to = nullptr;
  const char* previous_end = nullptr;  // end of the member before it, if any
  const char* p = metadata.data();
  const char* end = metadata.data() + metadata.size();
  json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    if (k == "managedFields") {
      from = k.data() - 1;
      to = v.data() + v.size();
      return false;
    }
    previous_end = v.data() + v.size();
    return true;
  });
  if (from == nullptr) return self;
  const char* text_end = text.data() + text.size();
  const char* after = to;
  json_scan::skipSpace(after, text_end);
  if (after < text_end && *after == ',') {
    to = after + 1;  // `"managedFields":[..],` — drop the comma that follows
  } else if (previous_end != nullptr) {
    from = previous_end;  // last member: drop the comma before it
  }
  // Removing managedFields changes none of the fields parse() extracted: carry them over rather
  // than scan the text a second time (informers of member objects do this on every event).
  auto obj = std::make_shared<Object>();
  obj->api_version_ = self->api_version_;
  obj->kind_ = self->kind_;
  obj->name_ = self->name_;
  obj->namespace_ = self->namespace_;
  obj->uid_ = self->uid_;
  obj->resource_version_ = self->resource_version_;
  obj->labels_ = self->labels_;
  obj->deleting_ = self->deleting_;
  obj->no_managed_fields_ = true;
  obj->raw_.reserve(text.size() - static_cast<std::size_t>(to - from));
  obj->raw_.append(text.data(), static_cast<std::size_t>(from - text.data()));
  obj->raw_.append(to, static_cast<std::size_t>(text_end - to));
  obj->raw_ready_.store(true, std::memory_order_release);
  return ObjectPtr(std::move(obj));
}

std::string_view Object::rawMember(std::initializer_list<std::string_view> path) const {
  std::string_view span = raw();
  for (std::string_view key : path) {
    span = memberSpan(span, key);
    if (span.empty()) return {};
  }
  return span;
}

std::optional<std::string> Object::annotation(std::string_view key) const {
  if (from_tree_) {
    // Built from a tree (fromJson): read it there rather than dump a text to keep.
    const nlohmann::json& j = *json_;
    if (!j.is_object()) return std::nullopt;
    auto m = j.find("metadata");
    if (m == j.end() || !m->is_object()) return std::nullopt;
    auto a = m->find("annotations");
    if (a == m->end() || !a->is_object()) return std::nullopt;
    auto v = a->find(std::string(key));
    if (v == a->end() || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
  }
  const std::string_view metadata = memberSpan(raw(), "metadata");
  if (metadata.empty()) return std::nullopt;
  const std::string_view annotations = memberSpan(metadata, "annotations");
  if (annotations.empty()) return std::nullopt;
  const std::string_view value = memberSpan(annotations, key);
  if (value.empty() || value.front() != '"') return std::nullopt;
  if (value.find('\\') == std::string_view::npos) {
    return std::string(value.substr(1, value.size() - 2));
  }
  return json_scan::decodeString(value);
}

}  // namespace flotilla::client
