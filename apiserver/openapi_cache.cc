#include "apiserver/openapi_cache.h"

#include <nlohmann/json.hpp>

#include "apimachinery/openapi_v3.h"
#include "apiserver/api_status.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

std::shared_ptr<const OpenApiCache::Snapshot> OpenApiCache::snapshot() {
  const uint64_t gen = registry_.generation();
  {
    std::lock_guard lock(mu_);
    if (snapshot_ && snapshot_->generation == gen) return snapshot_;
  }
  auto snap = std::make_shared<Snapshot>();
  snap->generation = gen;
  // Group the served resources by group-version.
  std::map<std::pair<std::string, std::string>, std::vector<ServedResourcePtr>> by_gv;
  for (const auto& r : registry_.all()) by_gv[{r->group, r->version}].push_back(r);
  std::vector<std::pair<std::string, std::string>> path_hashes;
  for (const auto& [gv, resources] : by_gv) {
    Json doc;
    bool custom = resources.front()->is_custom;
    if (custom) {
      std::vector<apimachinery::CrdKindSchema> kinds;
      std::vector<Json> schemas;
      schemas.reserve(resources.size());
      for (const auto& r : resources) {
        schemas.push_back(r->crd_version && r->crd_version->contains("schema")
                              ? (*r->crd_version)["schema"].value("openAPIV3Schema", Json())
                              : Json());
      }
      for (std::size_t i = 0; i < resources.size(); ++i) {
        const auto& r = resources[i];
        kinds.push_back({r->kind, r->list_kind, r->plural, r->namespaced, r->has_status,
                         r->has_scale, &schemas[i]});
      }
      doc = apimachinery::buildCrdOpenApiV3(gv.first, gv.second, kinds);
    } else {
      std::vector<apimachinery::ServedResource> served;
      for (const auto& r : resources) {
        apimachinery::ServedResource s{r->group, r->version, r->kind, r->plural, r->namespaced, {}};
        if (r->has_status) s.subresources.push_back("status");
        if (r->has_scale) s.subresources.push_back("scale");
        served.push_back(std::move(s));
      }
      doc = apimachinery::buildBuiltinOpenApiV3(gv.first, gv.second, served);
    }
    const std::string path = apimachinery::openApiV3Path(gv.first, gv.second);
    const std::string hash = apimachinery::openApiDocumentHash(doc);
    snap->docs[path] = {hash, doc.dump()};
    path_hashes.push_back({path, hash});
  }
  snap->index = apimachinery::buildOpenApiV3Index(path_hashes).dump();
  std::lock_guard lock(mu_);
  snapshot_ = snap;
  return snap;
}

HttpResponse OpenApiCache::serve(const HttpRequest& req) {
  auto snap = snapshot();
  HttpResponse r;
  if (req.path == "/openapi/v3") {
    r.body = snap->index;
    return r;
  }
  const std::string path = req.path.substr(std::string("/openapi/v3/").size());
  auto it = snap->docs.find(path);
  if (it == snap->docs.end()) {
    return statusResponse(
        core::Status(core::Code::NotFound, "the server could not find the requested resource"));
  }
  const std::string hash = req.queryValue("hash");
  if (!hash.empty() && hash != it->second.first) {
    r.status = 301;
    r.headers["Location"] = "/openapi/v3/" + path + "?hash=" + it->second.first;
    r.body = "";
    return r;
  }
  if (!hash.empty()) {
    r.headers["Cache-Control"] = "public, immutable";
    r.headers["Expires"] = "Thu, 25 Nov 2027 00:00:00 GMT";
  } else {
    r.headers["Cache-Control"] = "no-cache, private";
  }
  r.headers["Etag"] = "\"" + it->second.first + "\"";
  r.body = it->second.second;
  return r;
}

}  // namespace flotilla::apiserver
