#include "client/object.h"

#include <algorithm>

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
  auto obj = std::make_shared<Object>();
  const char* p = text.data();
  const char* end = text.data() + text.size();
  bool ok = true;
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

  const bool add_api_version = obj->api_version_.empty() && !api_version.empty();
  const bool add_kind = obj->kind_.empty() && !kind.empty();
  if (!add_api_version && !add_kind) {
    obj->raw_.assign(text);
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
    obj->raw_.reserve(prefix.size() + rest.size());
    obj->raw_.append(prefix).append(rest);
  }
  std::call_once(obj->raw_once_, [] {});
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
  obj->extractFromJson(json);
  obj->json_ = std::make_unique<nlohmann::json>(std::move(json));
  std::call_once(obj->json_once_, [] {});
  return obj;
}

const std::string* Object::label(std::string_view key) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), key,
                             [](const auto& kv, std::string_view k) { return kv.first < k; });
  if (it == labels_.end() || it->first != key) return nullptr;
  return &it->second;
}

const std::string& Object::raw() const {
  std::call_once(raw_once_, [this] { raw_ = json_->dump(); });
  return raw_;
}

const nlohmann::json& Object::json() const {
  std::call_once(json_once_, [this] {
    try {
      json_ = std::make_unique<nlohmann::json>(nlohmann::json::parse(raw_));
    } catch (const nlohmann::json::exception&) {
      // parse() validated the text already; keep a null tree rather than throw.
      json_ = std::make_unique<nlohmann::json>();
    }
  });
  return *json_;
}

}  // namespace flotilla::client
