#include "apiserver/discovery.h"

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

using Json = nlohmann::json;

namespace {

Json resourceEntry(const ServedResource& r) {
  Json e = {{"name", r.plural},
            {"singularName", r.singular},
            {"namespaced", r.namespaced},
            {"kind", r.kind},
            {"verbs", r.verbs}};
  if (!r.short_names.empty()) e["shortNames"] = r.short_names;
  if (!r.categories.empty()) e["categories"] = r.categories;
  return e;
}

Json resourceList(const ResourceRegistry& registry, const std::string& group,
                  const std::string& version) {
  Json resources = Json::array();
  for (const auto& r : registry.all()) {
    if (r->group != group || r->version != version) continue;
    resources.push_back(resourceEntry(*r));
    if (r->has_status) {
      resources.push_back({{"name", r->plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", r->namespaced},
                           {"kind", r->kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
    if (r->has_scale) {
      resources.push_back({{"name", r->plural + "/scale"},
                           {"singularName", ""},
                           {"namespaced", r->namespaced},
                           {"group", "autoscaling"},
                           {"version", "v1"},
                           {"kind", "Scale"},
                           {"verbs", {"get", "patch", "update"}}});
    }
    if (r->group.empty() && r->plural == "namespaces") {
      resources.push_back({{"name", "namespaces/finalize"},
                           {"singularName", ""},
                           {"namespaced", false},
                           {"kind", "Namespace"},
                           {"verbs", {"update"}}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", resources}};
}

Json groupEntry(const std::string& group, const std::vector<std::string>& versions) {
  Json vs = Json::array();
  for (const auto& v : versions) vs.push_back({{"groupVersion", group + "/" + v}, {"version", v}});
  return {{"name", group},
          {"versions", vs},
          {"preferredVersion", {{"groupVersion", group + "/" + versions.front()},
                                {"version", versions.front()}}}};
}

Json aggregatedResource(const ServedResource& r) {
  Json e = {{"resource", r.plural},
            {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
            {"scope", r.namespaced ? "Namespaced" : "Cluster"},
            {"singularResource", r.singular},
            {"verbs", r.verbs}};
  if (!r.short_names.empty()) e["shortNames"] = r.short_names;
  if (!r.categories.empty()) e["categories"] = r.categories;
  Json subs = Json::array();
  if (r.has_status) {
    subs.push_back({{"subresource", "status"},
                    {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                    {"verbs", {"get", "patch", "update"}}});
  }
  if (r.has_scale) {
    subs.push_back({{"subresource", "scale"},
                    {"responseKind", {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}},
                    {"verbs", {"get", "patch", "update"}}});
  }
  if (!subs.empty()) e["subresources"] = subs;
  return e;
}

Json aggregatedList(const ResourceRegistry& registry, bool core, const std::string& api_version) {
  Json items = Json::array();
  auto all = registry.all();
  for (const auto& [group, versions] : registry.groups()) {
    if (group.empty() != core) continue;
    Json vs = Json::array();
    for (const auto& v : versions) {
      Json resources = Json::array();
      for (const auto& r : all) {
        if (r->group == group && r->version == v) resources.push_back(aggregatedResource(*r));
      }
      vs.push_back({{"version", v}, {"freshness", "Current"}, {"resources", resources}});
    }
    items.push_back({{"metadata", {{"name", group}}}, {"versions", vs}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", api_version},
          {"metadata", Json::object()},
          {"items", items}};
}

// Which aggregated form (if any) the Accept header asks for first.
std::string aggregatedVersionWanted(const std::string& accept) {
  std::size_t pos = 0;
  while (pos < accept.size()) {
    std::size_t end = accept.find(',', pos);
    std::string part = accept.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.find("g=apidiscovery.k8s.io") != std::string::npos &&
        part.find("as=APIGroupDiscoveryList") != std::string::npos) {
      if (part.find("v=v2beta1") != std::string::npos) return "v2beta1";
      if (part.find("v=v2") != std::string::npos) return "v2";
    }
    if (part.find("application/json") != std::string::npos &&
        part.find("g=") == std::string::npos) {
      return "";  // plain JSON preferred before any aggregated form
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

std::string trimSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

void setJson(HttpResponse* out, const Json& body) {
  out->status = 200;
  out->content_type = "application/json";
  out->body = body.dump();
}

}  // namespace

bool serveDiscovery(const ResourceRegistry& registry, const DiscoveryOptions& options,
                    const HttpRequest& req, HttpResponse* out) {
  const std::string path = trimSlash(req.path);
  if (path == "/api" || path == "/apis") {
    const bool core = path == "/api";
    const std::string agg = aggregatedVersionWanted(req.header("accept"));
    if (!agg.empty()) {
      const std::string api_version = "apidiscovery.k8s.io/" + agg;
      setJson(out, aggregatedList(registry, core, api_version));
      out->content_type =
          "application/json;g=apidiscovery.k8s.io;v=" + agg + ";as=APIGroupDiscoveryList";
      out->headers["Vary"] = "Accept";
      return true;
    }
    if (core) {
      setJson(out, {{"kind", "APIVersions"},
                    {"versions", {"v1"}},
                    {"serverAddressByClientCIDRs",
                     {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", options.server_address}}}}});
    } else {
      Json groups = Json::array();
      for (const auto& [group, versions] : registry.groups()) {
        if (group.empty()) continue;
        groups.push_back(groupEntry(group, versions));
      }
      setJson(out, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
    }
    out->headers["Vary"] = "Accept";
    return true;
  }
  if (path == "/api/v1") {
    setJson(out, resourceList(registry, "", "v1"));
    return true;
  }
  if (path.rfind("/apis/", 0) != 0) return false;
  std::string rest = path.substr(6);
  auto slash = rest.find('/');
  const std::string group = rest.substr(0, slash);
  for (const auto& [g, versions] : registry.groups()) {
    if (g != group || g.empty()) continue;
    if (slash == std::string::npos) {
      Json entry = groupEntry(g, versions);
      entry["kind"] = "APIGroup";
      entry["apiVersion"] = "v1";
      setJson(out, entry);
      return true;
    }
    const std::string version = rest.substr(slash + 1);
    if (version.find('/') != std::string::npos) return false;
    for (const auto& v : versions) {
      if (v == version) {
        setJson(out, resourceList(registry, group, version));
        return true;
      }
    }
    return false;
  }
  return false;
}

}  // namespace flotilla::apiserver
