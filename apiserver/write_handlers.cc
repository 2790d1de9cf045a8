// Write verbs of ApiHandler: create, update (PUT), patch (JSON, merge, strategic, apply),
// delete and deletecollection, plus the scale and finalize subresources.
#include <algorithm>
#include <charconv>

#include "apimachinery/json_dump.h"
#include "apiserver/api_handler.h"
#include "apiserver/api_status.h"
#include "apiserver/body_codec.h"
#include "apiserver/field_managers.h"
#include "apiserver/json_splice.h"
#include "apiserver/list_filter.h"
#include "apiserver/object_strategy.h"
#include "apiserver/request_info.h"

namespace flotilla::apiserver {

namespace {

HttpResponse jsonResponse(int status, const Json& body, std::vector<std::string> warnings = {}) {
  HttpResponse r;
  r.status = status;
  r.body = apimachinery::dumpJson(body);
  r.warnings = std::move(warnings);
  return r;
}

// The response to a write that stored `obj` as `stored` (ObjectStore::encode of it): the stored
// bytes with the resourceVersion spliced in, so the object is not serialised a second time.
// Falls back to dumping when there are no stored bytes (dry run) or they cannot be spliced.
HttpResponse storedObjectResponse(int status, const Json& obj, const std::string& stored,
                                  std::vector<std::string> warnings) {
  if (!stored.empty()) {
    const auto meta = obj.find("metadata");
    const Json* rv = nullptr;
    if (meta != obj.end() && meta->is_object()) {
      if (auto it = meta->find("resourceVersion"); it != meta->end() && it->is_string()) rv = &*it;
    }
    int64_t revision = 0;
    if (rv != nullptr) {
      const std::string& text = rv->get_ref<const std::string&>();
      const char* end = text.data() + text.size();
      if (std::from_chars(text.data(), end, revision).ptr != end) revision = 0;
    }
    if (revision > 0) {
      if (auto body = spliceResourceVersion(stored, revision)) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(*body);
        r.warnings = std::move(warnings);
        return r;
      }
    }
  }
  return jsonResponse(status, obj, std::move(warnings));
}

struct WriteParams {
  bool dry_run = false;
  std::string manager;
  FieldValidation validation = FieldValidation::Warn;
  bool force = false;
};

core::Result<WriteParams> writeParams(const HttpRequest& req) {
  WriteParams p;
  const std::string dry = req.queryValue("dryRun");
  if (!dry.empty()) {
    if (dry != "All") {
      return core::invalidArgument("dryRun: Unsupported value: \"" + dry +
                                   "\": supported values: \"All\"");
    }
    p.dry_run = true;
  }
  p.manager = req.queryValue("fieldManager");
  if (p.manager.empty()) {
    std::string ua = req.header("user-agent");
    p.manager = ua.substr(0, ua.find('/'));
  }
  if (p.manager.size() > 128) {
    return core::Status(core::Code::Invalid, "fieldManager: Too long: must have at most 128 bytes",
                        {{"FieldValueTooLong", "must have at most 128 bytes", "fieldManager"}});
  }
  auto v = parseFieldValidation(req.queryValue("fieldValidation"));
  if (!v.isOk()) return v.status();
  p.validation = *v;
  p.force = parseBool(req.queryValue("force"), false);
  return p;
}

// Strict field validation rejects duplicate JSON fields. (Warn mode does not report them, so
// only Strict looks for them.)
core::Status checkDuplicates(const HttpRequest& req, const ServedResource& r,
                             FieldValidation mode, const Json& parsed) {
  if (mode != FieldValidation::Strict) return core::Status::ok();
  const std::string mt = mediaType(req);
  if (!mt.empty() && mt != "application/json") return core::Status::ok();
  auto dups = duplicateJsonFields(req.body, parsed);
  if (dups.empty()) return core::Status::ok();
  std::string msg = r.kind + " in version \"" + r.version + "\" cannot be handled as a " + r.kind +
                    ": strict decoding error: ";
  for (std::size_t i = 0; i < dups.size(); ++i) {
    msg += (i ? ", " : "") + std::string("duplicate field \"") + dups[i] + "\"";
  }
  return core::invalidArgument(msg);
}

// The body of a create or update: decoded by Content-Type, duplicate fields checked per
// fieldValidation, apiVersion/kind defaulted and the namespace matched against the URL.
core::Result<Json> decodeWriteBody(const HttpRequest& req, const ServedResource& r,
                                   const std::string& ns, FieldValidation validation) {
  auto body = decodeBody(req, r);
  if (!body.isOk()) return body.status();
  FLOTILLA_RETURN_IF_ERROR(checkDuplicates(req, r, validation, *body));
  Json obj = std::move(*body);
  FLOTILLA_RETURN_IF_ERROR(checkTypeAndNamespace(r, ns, obj));
  return obj;
}

// A /status write takes everything but status (and managedFields) from the stored object.
AdmitScope admitScopeFor(const std::string& subresource) {
  return subresource == "status" ? AdmitScope::StatusAndMetadata : AdmitScope::Object;
}

StatusDetails detailsFor(const ServedResource& r, const std::string& name) {
  return StatusDetails{name, r.group, r.plural, ""};
}

HttpResponse errorFor(const core::Status& st, const ServedResource& r, const std::string& name) {
  StatusDetails d = detailsFor(r, name);
  if (st.code() == core::Code::Invalid) d.kind = r.kind;
  return statusResponse(st, &d);
}

// Reads `.a.b` style paths used by scale subresources.
Json* pathPointer(Json& obj, const std::string& path, bool create) {
  Json* cur = &obj;
  std::size_t pos = path.rfind('.', 0) == 0 ? 1 : 0;
  while (pos <= path.size()) {
    std::size_t dot = path.find('.', pos);
    std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (part.empty()) break;
    if (!cur->is_object()) {
      if (!create) return nullptr;
      *cur = Json::object();
    }
    if (!cur->contains(part)) {
      if (!create) return nullptr;
      (*cur)[part] = Json();
    }
    cur = &(*cur)[part];
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return cur;
}

}  // namespace

HttpResponse ApiHandler::handleCreate(const HttpRequest& req, const ServedResource& r,
                                      const std::string& ns) {
  auto params = writeParams(req);
  if (!params.isOk()) return statusResponse(params.status());
  auto body = decodeWriteBody(req, r, ns, params->validation);
  if (!body.isOk()) return statusResponse(body.status());
  Json obj = std::move(*body);
  Json& meta = obj["metadata"];
  std::string name = meta.value("name", "");
  if (name.empty()) {
    const std::string prefix = meta.value("generateName", "");
    if (prefix.empty()) {
      return errorFor(invalidObject(r, "", {{"FieldValueRequired",
                                             "Required value: name or generateName is required",
                                             "metadata.name"}}),
                      r, "");
    }
    name = generateNameFrom(prefix);
    meta["name"] = name;
  }
  std::vector<std::string> warnings;
  core::Status admitted = admission_.admit(r, obj, nullptr, params->validation, &warnings);
  if (!admitted.isOk()) return errorFor(admitted, r, name);
  core::Status ns_ok = checkNamespaceWritable(r, ns);
  if (!ns_ok.isOk()) return errorFor(ns_ok, r, name);
  const auto now = clock_->wallNow();
  prepareForCreate(r, obj, now, newUuid());
  recordManagedUpdate(r, nullptr, obj, params->manager, "", now);
  std::string stored;
  auto created = store_.create(r, std::move(obj), params->dry_run, &stored);
  if (!created.isOk()) return errorFor(created.status(), r, name);
  return storedObjectResponse(201, *created, stored, std::move(warnings));
}

HttpResponse ApiHandler::handleUpdate(const HttpRequest& req, const ServedResource& r,
                                      const std::string& ns, const std::string& name,
                                      const std::string& subresource) {
  auto params = writeParams(req);
  if (!params.isOk()) return statusResponse(params.status());
  auto body = decodeWriteBody(req, r, ns, params->validation);
  if (!body.isOk()) return statusResponse(body.status());
  Json obj = std::move(*body);
  const std::string body_name = obj["metadata"].value("name", "");
  if (!body_name.empty() && body_name != name) {
    return statusResponse(core::invalidArgument(
        "the name of the object (" + body_name +
        ") does not match the name on the URL (" + name + ")"));
  }
  obj["metadata"]["name"] = name;
  const Json body_rv = obj["metadata"].value("resourceVersion", Json());
  if (r.is_custom && (!body_rv.is_string() || body_rv.get<std::string>().empty())) {
    return errorFor(invalidObject(r, name, {{"FieldValueInvalid",
                                             "Invalid value: 0x0: must be specified for an update",
                                             "metadata.resourceVersion"}}),
                    r, name);
  }
  std::vector<std::string> warnings;
  const auto now = clock_->wallNow();
  // The first attempt takes the decoded body itself; a retry after a concurrent write (rare: only
  // bodies without a resourceVersion retry) decodes the request again instead of every attempt
  // copying it.
  bool body_taken = false;
  std::string stored;
  auto mutate = [&](const Json& current,
                    const std::vector<std::string>& left_out) -> core::Result<Json> {
    Json next;
    if (!body_taken) {
      next = std::move(obj);
      body_taken = true;
    } else {
      auto again = decodeWriteBody(req, r, ns, FieldValidation::Ignore);
      if (!again.isOk()) return again.status();
      next = std::move(*again);
      next["metadata"]["name"] = name;
    }
    prepareForUpdate(r, current, next, subresource);
    if (!subresource.empty()) {
      // The precondition comes from the request body even for /status.
      next["metadata"]["resourceVersion"] = body_rv;
    }
    warnings.clear();
    FLOTILLA_RETURN_IF_ERROR(admission_.admit(r, next, &current, params->validation, &warnings,
                                              admitScopeFor(subresource)));
    recordManagedUpdate(r, &current, next, params->manager, subresource, now, left_out);
    return next;
  };
  // A status write (without a kind validator, which may read any member) leaves the spec as
  // stored text.
  auto updated =
      subresource == "status" && !params->dry_run && !admission_.hasValidator(r)
          ? store_.updateStatus(r, ns, name, mutate, &stored)
          : store_.update(
                r, ns, name, [&](const Json& current) { return mutate(current, {}); },
                params->dry_run, &stored);
  if (!updated.isOk()) return errorFor(updated.status(), r, name);
  return storedObjectResponse(200, *updated, stored, std::move(warnings));
}

HttpResponse ApiHandler::handlePatch(const HttpRequest& req, const ServedResource& r,
                                     const std::string& ns, const std::string& name,
                                     const std::string& subresource) {
  auto type = patchTypeFor(req, r);
  if (!type.isOk()) return statusResponse(type.status());
  if (*type == PatchType::Apply) return handleApply(req, r, ns, name, subresource);
  auto params = writeParams(req);
  if (!params.isOk()) return statusResponse(params.status());
  if (params->force) {
    return statusResponse(core::Status(core::Code::Invalid,
                                       "force: Forbidden: may not be specified for non-apply patch",
                                       {{"FieldValueForbidden",
                                         "may not be specified for non-apply patch", "force"}}));
  }
  auto patch = parsePatchBody(req.body, *type);
  if (!patch.isOk()) return statusResponse(patch.status());
  std::vector<std::string> warnings;
  const auto now = clock_->wallNow();
  std::string stored;
  auto updated = store_.update(
      r, ns, name,
      [&](const Json& current) -> core::Result<Json> {
        auto patched = applyPatch(current, *patch, *type, r);
        if (!patched.isOk()) return patched.status();
        Json next = std::move(*patched);
        if (!next.is_object()) return core::invalidArgument("the patched object is not an object");
        if (!next.contains("metadata") || !next["metadata"].is_object()) {
          next["metadata"] = Json::object();
        }
        // A patch that names a resourceVersion is a precondition; otherwise it applies to
        // whatever is current.
        Json wanted_rv = next["metadata"].value("resourceVersion", Json());
        const bool patch_sets_rv = wanted_rv != current["metadata"].value("resourceVersion", Json());
        FLOTILLA_RETURN_IF_ERROR(checkTypeAndNamespace(r, ns, next));
        next["metadata"]["name"] = name;
        prepareForUpdate(r, current, next, subresource);
        next["metadata"]["resourceVersion"] = patch_sets_rv ? wanted_rv : Json();
        warnings.clear();
        FLOTILLA_RETURN_IF_ERROR(admission_.admit(r, next, &current, params->validation, &warnings,
                                                  admitScopeFor(subresource)));
        recordManagedUpdate(r, &current, next, params->manager, subresource, now);
        return next;
      },
      params->dry_run, &stored);
  if (!updated.isOk()) return errorFor(updated.status(), r, name);
  return storedObjectResponse(200, *updated, stored, std::move(warnings));
}

HttpResponse ApiHandler::handleApply(const HttpRequest& req, const ServedResource& r,
                                     const std::string& ns, const std::string& name,
                                     const std::string& subresource) {
  auto params = writeParams(req);
  if (!params.isOk()) return statusResponse(params.status());
  if (req.queryValue("fieldManager").empty()) {
    return statusResponse(core::Status(
        core::Code::Invalid,
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for "
        "apply patch",
        {{"FieldValueRequired", "Required value: is required for apply patch", "fieldManager"}}));
  }
  auto applied_r = parsePatchBody(req.body, PatchType::Apply);
  if (!applied_r.isOk()) return statusResponse(applied_r.status());
  Json applied = std::move(*applied_r);
  if (!applied.is_object()) {
    return statusResponse(core::invalidArgument("the applied configuration must be an object"));
  }
  if (!applied.contains("apiVersion") || !applied.contains("kind")) {
    return statusResponse(core::invalidArgument(
        "apiVersion and kind must be set in the applied configuration"));
  }
  FLOTILLA_RETURN_IF_ERROR_RESPONSE(checkTypeAndNamespace(r, ns, applied));
  const std::string body_name = applied["metadata"].value("name", "");
  if (body_name != name) {
    return statusResponse(core::invalidArgument(
        "the name of the object (" + body_name + ") does not match the name on the URL (" +
        name + ")"));
  }
  std::vector<std::string> warnings;
  const auto now = clock_->wallNow();
  std::string stored;
  auto existing = store_.get(r, ns, name);
  if (!existing.isOk() && existing.status().code() != core::Code::NotFound) {
    return errorFor(existing.status(), r, name);
  }
  if (!existing.isOk()) {
    if (!subresource.empty()) return errorFor(existing.status(), r, name);
    auto created_obj = applyToNew(r, applied, params->manager, now);
    if (!created_obj.isOk()) return errorFor(created_obj.status(), r, name);
    Json obj = std::move(*created_obj);
    core::Status admitted = admission_.admit(r, obj, nullptr, params->validation, &warnings);
    if (!admitted.isOk()) return errorFor(admitted, r, name);
    core::Status ns_ok = checkNamespaceWritable(r, ns);
    if (!ns_ok.isOk()) return errorFor(ns_ok, r, name);
    prepareForCreate(r, obj, now, newUuid());
    auto created = store_.create(r, std::move(obj), params->dry_run, &stored);
    if (created.isOk()) return storedObjectResponse(201, *created, stored, std::move(warnings));
    if (created.status().code() != core::Code::AlreadyExists) {
      return errorFor(created.status(), r, name);
    }
    // Lost a race with another creator: fall through to apply onto the existing object.
  }
  auto updated = store_.update(
      r, ns, name,
      [&](const Json& current) -> core::Result<Json> {
        auto merged = applyToExisting(r, current, applied, params->manager, params->force,
                                      subresource, now);
        if (!merged.isOk()) return merged.status();
        Json next = std::move(*merged);
        Json wanted_rv = applied["metadata"].value("resourceVersion", Json());
        prepareForUpdate(r, current, next, subresource);
        next["metadata"]["resourceVersion"] = wanted_rv;
        warnings.clear();
        FLOTILLA_RETURN_IF_ERROR(admission_.admit(r, next, &current, params->validation, &warnings,
                                                  admitScopeFor(subresource)));
        return next;
      },
      params->dry_run, &stored);
  if (!updated.isOk()) return errorFor(updated.status(), r, name);
  return storedObjectResponse(200, *updated, stored, std::move(warnings));
}

HttpResponse ApiHandler::handleDelete(const HttpRequest& req, const ServedResource& r,
                                      const std::string& ns, const std::string& name) {
  DeleteParams params;
  Json options = Json::object();
  if (!req.body.empty()) {
    auto parsed = parseJson(req.body);
    if (!parsed.isOk()) return statusResponse(parsed.status());
    if (!parsed->is_object()) {
      return statusResponse(core::invalidArgument("DeleteOptions must be a JSON object"));
    }
    options = std::move(*parsed);
  }
  auto option = [&](const char* key) -> std::string {
    if (req.hasQuery(key)) return req.queryValue(key);
    auto it = options.find(key);
    if (it == options.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  params.propagation = option("propagationPolicy");
  if (!params.propagation.empty() && params.propagation != "Background" &&
      params.propagation != "Foreground" && params.propagation != "Orphan") {
    return statusResponse(core::Status(
        core::Code::Invalid,
        "propagationPolicy: Unsupported value: \"" + params.propagation +
            "\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
        {{"FieldValueNotSupported", "Unsupported value", "propagationPolicy"}}));
  }
  const std::string orphan = option("orphanDependents");
  if (params.propagation.empty() && !orphan.empty()) {
    params.propagation = parseBool(orphan, false) ? "Orphan" : "Background";
  }
  if (options.contains("preconditions") && options["preconditions"].is_object()) {
    params.precondition_uid = options["preconditions"].value("uid", "");
    params.precondition_rv = options["preconditions"].value("resourceVersion", "");
  }
  const std::string dry = option("dryRun");
  params.dry_run = dry == "All" || dry == "[\"All\"]";
  if (r.group.empty() && r.plural == "namespaces" &&
      (name == "default" || name == "kube-system" || name == "kube-public")) {
    return statusResponse(core::Status(core::Code::PermissionDenied,
                                       "namespaces \"" + name +
                                           "\" is forbidden: this namespace may not be deleted"));
  }
  auto outcome = store_.remove(r, ns, name, params);
  if (!outcome.isOk()) return errorFor(outcome.status(), r, name);
  if (!outcome->deleted || r.return_deleted_object) return jsonResponse(200, outcome->object);
  StatusDetails d{name, r.group, r.plural, objectUid(outcome->object)};
  HttpResponse resp;
  resp.status = 200;
  resp.body = successStatusJson(d);
  return resp;
}

HttpResponse ApiHandler::handleDeleteCollection(const HttpRequest& req, const ServedResource& r,
                                                const std::string& ns) {
  auto filter =
      makeListFilter(r, req.queryValue("labelSelector"), req.queryValue("fieldSelector"));
  if (!filter.isOk()) return statusResponse(filter.status());
  ListParams lp;
  lp.filter = *filter;
  auto items = store_.list(r, ns, lp);
  if (!items.isOk()) return statusResponse(items.status());
  DeleteParams params;
  params.propagation = req.queryValue("propagationPolicy");
  params.dry_run = req.queryValue("dryRun") == "All";
  Json deleted = Json::array();
  for (const auto& item : items->items) {
    auto outcome = store_.remove(r, objectNamespace(item), objectName(item), params);
    if (outcome.isOk()) deleted.push_back(outcome->object);
  }
  return jsonResponse(200, {{"kind", r.list_kind},
                            {"apiVersion", r.apiVersion()},
                            {"metadata", {{"resourceVersion", std::to_string(items->revision)}}},
                            {"items", deleted}});
}

HttpResponse ApiHandler::handleScale(const HttpRequest& req, const ServedResource& r,
                                     const std::string& ns, const std::string& name) {
  auto toScale = [&](const Json& obj) {
    Json copy = obj;
    Json* spec_replicas = pathPointer(copy, r.spec_replicas_path, false);
    Json* status_replicas = pathPointer(copy, r.status_replicas_path, false);
    std::string selector;
    if (!r.label_selector_path.empty()) {
      Json* sel = pathPointer(copy, r.label_selector_path, false);
      if (sel != nullptr && sel->is_string()) selector = sel->get<std::string>();
    } else if (copy.contains("spec") && copy["spec"].contains("selector")) {
      selector = labelSelectorString(copy["spec"]["selector"]);
    }
    Json meta = {{"name", objectName(obj)},
                 {"uid", objectUid(obj)},
                 {"resourceVersion", obj["metadata"].value("resourceVersion", "")},
                 {"creationTimestamp", obj["metadata"].value("creationTimestamp", Json())}};
    if (r.namespaced) meta["namespace"] = objectNamespace(obj);
    Json status = {{"replicas", status_replicas && status_replicas->is_number_integer()
                                    ? status_replicas->get<int64_t>()
                                    : 0}};
    if (!selector.empty()) status["selector"] = selector;
    return Json{{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata", meta},
                {"spec",
                 {{"replicas", spec_replicas && spec_replicas->is_number_integer()
                                   ? spec_replicas->get<int64_t>()
                                   : 0}}},
                {"status", status}};
  };
  if (req.method == "GET") {
    auto obj = store_.get(r, ns, name);
    if (!obj.isOk()) return errorFor(obj.status(), r, name);
    return jsonResponse(200, toScale(*obj));
  }
  if (req.method != "PUT" && req.method != "PATCH") {
    return statusResponse(core::Status(core::Code::MethodNotAllowed,
                                       "the scale subresource supports get, update and patch"));
  }
  Json body;
  PatchType type = PatchType::Merge;
  if (req.method == "PATCH") {
    std::string mt = mediaType(req);
    if (mt == "application/json-patch+json") {
      type = PatchType::Json;
    } else if (mt == "application/merge-patch+json" ||
               mt == "application/strategic-merge-patch+json") {
      type = PatchType::Merge;  // Scale has no lists: strategic merge equals merge patch
    } else {
      return statusResponse(core::Status(core::Code::UnsupportedMediaType,
                                         "the body of the request was in an unknown format - "
                                         "accepted media types include: "
                                         "application/json-patch+json, "
                                         "application/merge-patch+json, "
                                         "application/strategic-merge-patch+json"));
    }
  }
  auto parsed = parseJson(req.body);
  if (!parsed.isOk()) return statusResponse(parsed.status());
  body = std::move(*parsed);
  auto updated = store_.update(
      r, ns, name,
      [&](const Json& current) -> core::Result<Json> {
        Json scale = toScale(current);
        Json next_scale;
        if (req.method == "PUT") {
          next_scale = body;
          if (!next_scale.is_object()) return core::invalidArgument("Scale must be an object");
        } else {
          auto patched = applyPatch(scale, body, type, r);
          if (!patched.isOk()) return patched.status();
          next_scale = std::move(*patched);
        }
        const Json& replicas = next_scale.value("spec", Json::object()).value("replicas", Json());
        if (!replicas.is_number_integer() || replicas.get<int64_t>() < 0) {
          return core::Status(core::Code::Invalid,
                              "Scale.autoscaling \"" + name +
                                  "\" is invalid: spec.replicas: Invalid value: " +
                                  replicas.dump() + ": must be greater than or equal to 0",
                              {{"FieldValueInvalid", "must be greater than or equal to 0",
                                "spec.replicas"}});
        }
        Json next = current;
        *pathPointer(next, r.spec_replicas_path, true) = replicas;
        prepareForUpdate(r, current, next, "");
        std::string wanted_rv;
        if (next_scale.contains("metadata") && next_scale["metadata"].is_object()) {
          wanted_rv = next_scale["metadata"].value("resourceVersion", "");
        }
        next["metadata"]["resourceVersion"] =
            req.method == "PUT" && !wanted_rv.empty() ? Json(wanted_rv) : Json();
        return next;
      },
      false);
  if (!updated.isOk()) return errorFor(updated.status(), r, name);
  return jsonResponse(200, toScale(*updated));
}

HttpResponse ApiHandler::handleFinalize(const HttpRequest& req, const ServedResource& r,
                                        const std::string& name) {
  auto parsed = parseJson(req.body);
  if (!parsed.isOk()) return statusResponse(parsed.status());
  Json body = std::move(*parsed);
  auto updated = store_.update(
      r, "", name,
      [&](const Json& current) -> core::Result<Json> {
        Json next = current;
        Json fins = body.contains("spec") && body["spec"].is_object()
                        ? body["spec"].value("finalizers", Json::array())
                        : Json::array();
        next["spec"]["finalizers"] = fins;
        return next;
      },
      false);
  if (!updated.isOk()) return errorFor(updated.status(), r, name);
  return jsonResponse(200, *updated);
}

}  // namespace flotilla::apiserver
