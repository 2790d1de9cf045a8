#include "client/rest_mapper.h"

namespace flotilla::client {

namespace {
std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

core::Status addGroupVersion(Client& client, const std::string& group, const std::string& version,
                             std::vector<ApiResource>* out) {
  const std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  auto doc = client.getPath(path);
  if (!doc) return doc.status().withContext("discovery " + path);
  auto res = doc->find("resources");
  if (res == doc->end() || !res->is_array()) return core::Status::ok();
  std::vector<ApiResource> found;
  for (const auto& r : *res) {
    if (!r.is_object()) continue;
    const std::string name = r.value("name", "");
    if (name.empty()) continue;
    if (auto slash = name.find('/'); slash != std::string::npos) {
      const std::string parent = name.substr(0, slash);
      for (auto& f : found) {
        if (f.gvr.resource == parent) f.subresources.push_back(name.substr(slash + 1));
      }
      continue;
    }
    ApiResource a;
    a.gvr = {group, version, name};
    a.kind = r.value("kind", "");
    a.singular_name = r.value("singularName", "");
    a.namespaced = r.value("namespaced", false);
    a.verbs = strings(r, "verbs");
    a.short_names = strings(r, "shortNames");
    found.push_back(std::move(a));
  }
  out->insert(out->end(), found.begin(), found.end());
  return core::Status::ok();
}
}  // namespace

core::Result<std::vector<ApiResource>> discoverResources(Client& client) {
  std::vector<ApiResource> out;
  auto api = client.getPath("/api");
  if (api) {
    for (const auto& v : strings(*api, "versions")) {
      FLOTILLA_RETURN_IF_ERROR(addGroupVersion(client, "", v, &out));
    }
  } else if (api.status().code() != core::Code::NotFound) {
    return api.status().withContext("discovery /api");
  }
  auto apis = client.getPath("/apis");
  if (!apis) return apis.status().withContext("discovery /apis");
  auto groups = apis->find("groups");
  if (groups != apis->end() && groups->is_array()) {
    for (const auto& g : *groups) {
      const std::string name = g.value("name", "");
      std::vector<std::string> versions;
      std::string preferred;
      if (auto p = g.find("preferredVersion"); p != g.end() && p->is_object()) {
        preferred = p->value("version", "");
      }
      if (!preferred.empty()) versions.push_back(preferred);
      if (auto vs = g.find("versions"); vs != g.end() && vs->is_array()) {
        for (const auto& v : *vs) {
          const std::string ver = v.value("version", "");
          if (!ver.empty() && ver != preferred) versions.push_back(ver);
        }
      }
      for (const auto& v : versions) {
        auto st = addGroupVersion(client, name, v, &out);
        // A group-version that fails (e.g. an aggregated API down) must not hide the others.
        if (!st.isOk() && st.code() != core::Code::NotFound) return st;
      }
    }
  }
  return out;
}

RestMapper::RestMapper(ClientPtr client, core::ClockPtr clock,
                       std::chrono::milliseconds min_refresh_interval)
    : client_(std::move(client)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      min_refresh_interval_(min_refresh_interval) {}

core::Status RestMapper::refresh() {
  auto resources = discoverResources(*client_);
  if (!resources) return resources.status();
  std::lock_guard lock(mu_);
  resources_ = std::move(resources).value();
  loaded_ = true;
  last_refresh_ = clock_->now();
  return core::Status::ok();
}

template <typename Pred>
core::Result<ResourceMapping> RestMapper::find(const Pred& pred, const std::string& what) {
  for (int pass = 0; pass < 2; ++pass) {
    bool need_refresh;
    {
      std::lock_guard lock(mu_);
      for (const auto& r : resources_) {
        if (pred(r)) {
          return ResourceMapping{r.gvr, {r.gvr.group, r.gvr.version, r.kind}, r.namespaced};
        }
      }
      need_refresh = !loaded_ || pass == 0;
      if (loaded_ && clock_->now() - last_refresh_ < min_refresh_interval_) need_refresh = false;
    }
    if (!need_refresh) break;
    FLOTILLA_RETURN_IF_ERROR(refresh());
  }
  return core::notFound("no resource mapping for " + what);
}

core::Result<ResourceMapping> RestMapper::mappingForKind(const GroupVersionKind& gvk) {
  return find(
      [&](const ApiResource& r) {
        return r.kind == gvk.kind && r.gvr.group == gvk.group &&
               (gvk.version.empty() || r.gvr.version == gvk.version);
      },
      "kind " + gvk.groupVersion() + "/" + gvk.kind);
}

core::Result<ResourceMapping> RestMapper::mappingForGvr(const GroupVersionResource& gvr) {
  return find(
      [&](const ApiResource& r) {
        return r.gvr.resource == gvr.resource && r.gvr.group == gvr.group &&
               (gvr.version.empty() || r.gvr.version == gvr.version);
      },
      "resource " + gvr.toString());
}

core::Result<ResourceMapping> RestMapper::mappingForResource(const std::string& name) {
  std::string base = name;
  std::string group;
  bool has_group = false;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    base = name.substr(0, dot);
    group = name.substr(dot + 1);
    has_group = true;
  }
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return find(
      [&](const ApiResource& r) {
        if (has_group && r.gvr.group != group) return false;
        if (r.gvr.resource == base || r.singular_name == base || lower(r.kind) == base) return true;
        for (const auto& s : r.short_names) {
          if (s == base) return true;
        }
        return false;
      },
      "resource " + name);
}

}  // namespace flotilla::client
