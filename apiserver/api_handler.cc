#include "apiserver/api_handler.h"

#include "apimachinery/json_dump.h"
#include "apiserver/api_status.h"
#include "apiserver/body_codec.h"
#include "apiserver/discovery.h"
#include "apiserver/list_filter.h"
#include "apiserver/object_strategy.h"
#include "apiserver/openapi_cache.h"
#include "apiserver/request_metrics.h"
#include "apiserver/request_info.h"
#include "apiserver/table_output.h"
#include "core/logging.h"
#include "spdlog/spdlog.h"

namespace flotilla::apiserver {

namespace {

HttpResponse jsonResponse(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = apimachinery::dumpJson(body);
  return r;
}

HttpResponse textResponse(int status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = text;
  return r;
}

HttpResponse notFoundPath() {
  return statusResponse(
      core::Status(core::Code::NotFound, "the server could not find the requested resource"));
}

// Appends a protobuf field: tag, then a varint or a length-delimited payload.
void protoVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void protoBytes(std::string& out, int field, const std::string& payload) {
  protoVarint(out, static_cast<uint64_t>(field) << 3 | 2);
  protoVarint(out, payload.size());
  out += payload;
}

// /openapi/v2 in the gnostic protobuf form client-go expects (openapi.v2.Document: swagger=1,
// info=2 {title=1, version=2}, paths=8). It carries no definitions: clients that validate
// against it (helm 3 by default) skip kinds they find no schema for, and the server itself
// validates every write (strict field validation, CRD schemas). kubectl prefers /openapi/v3.
HttpResponse openApiV2Document(const std::string& version) {
  std::string info;
  protoBytes(info, 1, "Flotilla");
  protoBytes(info, 2, version);
  std::string doc;
  protoBytes(doc, 1, "2.0");
  protoBytes(doc, 2, info);
  protoBytes(doc, 8, "");
  HttpResponse r;
  r.content_type = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
  r.body = std::move(doc);
  return r;
}

std::string trimTrailingSlash(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace

ApiHandler::ApiHandler(ApiHandlerOptions options, ResourceRegistry& registry, ObjectStore& store,
                       core::ClockPtr clock)
    : options_(std::move(options)),
      registry_(registry),
      store_(store),
      clock_(std::move(clock)),
      openapi_(std::make_unique<OpenApiCache>(registry)),
      metrics_(std::make_unique<RequestMetrics>(options_.metrics)) {}

ApiHandler::~ApiHandler() = default;

HandlerResult ApiHandler::handle(HttpRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  HandlerResult result = route(req);
  metrics_->record(req, result, std::chrono::steady_clock::now() - start);
  return result;
}

HandlerResult ApiHandler::route(HttpRequest& req) {
  req.path = trimTrailingSlash(req.path);
  bool handled = false;
  HttpResponse r = handleNonResource(req, &handled);
  if (handled) return {std::move(r), nullptr};
  return handleResource(req);
}

HttpResponse ApiHandler::handleNonResource(const HttpRequest& req, bool* handled) {
  *handled = true;
  const std::string& p = req.path;
  if (p == "/version") {
    return jsonResponse(200, {{"major", "1"},
                              {"minor", "32"},
                              {"gitVersion", options_.git_version},
                              {"gitCommit", "flotilla"},
                              {"gitTreeState", "clean"},
                              {"buildDate", "2026-11-25T00:00:00Z"},
                              {"goVersion", "go1.23.0"},
                              {"compiler", "gc"},
                              {"platform", "linux/amd64"}});
  }
  if (p == "/healthz" || p == "/livez" || p == "/readyz" || p.rfind("/healthz/", 0) == 0 ||
      p.rfind("/livez/", 0) == 0 || p.rfind("/readyz/", 0) == 0) {
    auto rev = store_.currentRevision();
    if (!rev.isOk() && p.rfind("/livez", 0) != 0) {
      return textResponse(500, "[-]storage failed: " + rev.status().message() + "\n");
    }
    return textResponse(200, "ok");
  }
  if (p == "/metrics") {
    HttpResponse r = textResponse(200, metrics_->render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  }
  if (p == "/openapi/v2") return openApiV2Document(options_.git_version);
  if (p == "/openapi/v3" || p.rfind("/openapi/v3/", 0) == 0) {
    return openapi_->serve(req);
  }
  HttpResponse out;
  if (p == "/api" || p == "/apis" || p == "/api/v1" ||
      (p.rfind("/apis/", 0) == 0 && std::count(p.begin(), p.end(), '/') <= 3)) {
    if (serveDiscovery(registry_, {options_.server_address}, req, &out)) return out;
    return notFoundPath();
  }
  *handled = false;
  return out;
}

HandlerResult ApiHandler::handleResource(HttpRequest& req) {
  RequestInfo info = parseRequestInfo(req);
  if (!info.is_resource_request || info.resource.empty()) return {notFoundPath(), nullptr};
  ServedResourcePtr r = registry_.find(info.group, info.version, info.resource);
  if (!r) return {notFoundPath(), nullptr};
  if (!r->namespaced && !info.namespace_.empty()) return {notFoundPath(), nullptr};
  const std::string& ns = info.namespace_;
  const std::string& name = info.name;
  const std::string& sub = info.subresource;

  auto verbAllowed = [&](const std::string& verb) {
    return std::find(r->verbs.begin(), r->verbs.end(), verb) != r->verbs.end();
  };
  auto methodNotAllowed = [&]() {
    return HandlerResult{statusResponse(core::Status(
                             core::Code::MethodNotAllowed,
                             info.verb + " is not supported on resources of kind \"" +
                                 r->plural + "\"")),
                         nullptr};
  };

  try {
    if (!sub.empty()) {
      if (sub == "status" && r->has_status) {
        if (info.verb == "get") return {handleGet(req, *r, ns, name), nullptr};
        if (info.verb == "update") return {handleUpdate(req, *r, ns, name, "status"), nullptr};
        if (info.verb == "patch") return {handlePatch(req, *r, ns, name, "status"), nullptr};
        return methodNotAllowed();
      }
      if (sub == "scale" && r->has_scale) return {handleScale(req, *r, ns, name), nullptr};
      if (sub == "finalize" && r->group.empty() && r->plural == "namespaces" &&
          info.verb == "update") {
        return {handleFinalize(req, *r, name), nullptr};
      }
      return {notFoundPath(), nullptr};
    }
    if (!verbAllowed(info.verb)) return methodNotAllowed();
    if (info.verb == "get") return {handleGet(req, *r, ns, name), nullptr};
    if (info.verb == "list") return {handleList(req, *r, ns), nullptr};
    if (info.verb == "watch") return handleWatch(req, r, ns, name);
    if (info.verb == "create") {
      if (!name.empty()) return methodNotAllowed();
      return {handleCreate(req, *r, ns), nullptr};
    }
    if (info.verb == "update") return {handleUpdate(req, *r, ns, name, ""), nullptr};
    if (info.verb == "patch") return {handlePatch(req, *r, ns, name, ""), nullptr};
    if (info.verb == "delete") return {handleDelete(req, *r, ns, name), nullptr};
    if (info.verb == "deletecollection") return {handleDeleteCollection(req, *r, ns), nullptr};
  } catch (const std::exception& e) {
    core::logger("apiserver")->error("{} {}: unexpected error: {}", req.method, req.target,
                                     e.what());
    return {statusResponse(core::internalError(e.what())), nullptr};
  }
  return methodNotAllowed();
}

HttpResponse ApiHandler::renderObject(const HttpRequest& req, const ServedResource& r,
                                      const Json& obj, int status) {
  if (wantsTable(req)) {
    return jsonResponse(status, buildTable(r, {obj}, "", clock_->wallNow(),
                                           tableIncludeObject(req), obj["metadata"].value("resourceVersion", "")));
  }
  return jsonResponse(status, obj);
}

HttpResponse ApiHandler::handleGet(const HttpRequest& req, const ServedResource& r,
                                   const std::string& ns, const std::string& name) {
  auto obj = store_.get(r, ns, name);
  if (!obj.isOk()) {
    StatusDetails d{name, r.group, r.plural, ""};
    return statusResponse(obj.status(), &d);
  }
  return renderObject(req, r, *obj, 200);
}

HttpResponse ApiHandler::handleList(const HttpRequest& req, const ServedResource& r,
                                    const std::string& ns) {
  ListParams params;
  auto filter = makeListFilter(r, req.queryValue("labelSelector"), req.queryValue("fieldSelector"));
  if (!filter.isOk()) return statusResponse(filter.status());
  params.filter = *filter;
  if (req.hasQuery("limit")) {
    try {
      params.limit = std::stoll(req.queryValue("limit"));
    } catch (...) {
      return statusResponse(core::invalidArgument("limit must be an integer"));
    }
    if (params.limit < 0) params.limit = 0;
  }
  params.continue_token = req.queryValue("continue");
  const std::string rv = req.queryValue("resourceVersion");
  if (!rv.empty() && rv != "0") {
    try {
      params.min_revision = std::stoll(rv);
    } catch (...) {
      return statusResponse(core::invalidArgument("invalid resourceVersion \"" + rv + "\""));
    }
    params.exact_revision = req.queryValue("resourceVersionMatch") == "Exact";
  }
  const bool table = wantsTable(req);
  params.raw = !table;
  auto out = store_.list(r, ns, params);
  if (!out.isOk()) return statusResponse(out.status());
  const std::string list_rv = std::to_string(out->revision);
  if (table) {
    return jsonResponse(200, buildTable(r, out->items, out->continue_token, clock_->wallNow(),
                                        tableIncludeObject(req), list_rv));
  }
  Json meta = {{"resourceVersion", list_rv}};
  if (!out->continue_token.empty()) meta["continue"] = out->continue_token;
  if (out->remaining && *out->remaining > 0) meta["remainingItemCount"] = *out->remaining;
  if (params.raw && !params.filter) {
    // Assemble the list from the stored texts without parsing them.
    HttpResponse resp;
    std::size_t total = 256;
    for (const auto& item : out->raw_items) total += item.size() + 1;
    resp.body.reserve(total);
    resp.body += "{\"apiVersion\":\"" + r.apiVersion() + "\",\"items\":[";
    for (std::size_t i = 0; i < out->raw_items.size(); ++i) {
      if (i) resp.body.push_back(',');
      resp.body += out->raw_items[i];
    }
    resp.body += "],\"kind\":\"" + r.list_kind + "\",\"metadata\":" + meta.dump() + "}";
    return resp;
  }
  Json items = Json::array();
  for (auto& item : out->items) items.push_back(std::move(item));
  return jsonResponse(200, {{"kind", r.list_kind},
                            {"apiVersion", r.apiVersion()},
                            {"metadata", meta},
                            {"items", std::move(items)}});
}

core::Status ApiHandler::checkNamespaceWritable(const ServedResource& r, const std::string& ns) {
  if (!r.namespaced) return core::Status::ok();
  ServedResourcePtr nsr = registry_.find("", "v1", "namespaces");
  // Runs on every create: only the namespace's metadata is parsed.
  auto kv = store_.storage().get(ObjectStore::keyFor(*nsr, "", ns));
  if (!kv.isOk()) {
    if (kv.status().code() == core::Code::NotFound) {
      return core::Status(core::Code::NotFound, "namespaces \"" + ns + "\" not found");
    }
    return kv.status();
  }
  auto obj = ObjectStore::decodeMetadata(kv->value);
  if (!obj.isOk()) return obj.status();
  if (hasDeletionTimestamp(*obj)) {
    return core::Status(core::Code::PermissionDenied,
                        r.plural + " is forbidden: unable to create new content in namespace " +
                            ns + " because it is being terminated",
                        {{"NamespaceTerminating",
                          "namespace " + ns + " is being terminated", "metadata.namespace"}});
  }
  return core::Status::ok();
}

}  // namespace flotilla::apiserver
