#include "apiserver/admission.h"

#include <algorithm>

#include "apimachinery/builtin_defaults.h"
#include "apimachinery/builtin_schema.h"
#include "apimachinery/object_validation.h"
#include "apimachinery/unknown_fields.h"
#include "apimachinery/workload_defaults.h"
#include "apiserver/crd_support.h"

namespace flotilla::apiserver {

core::Result<FieldValidation> parseFieldValidation(const std::string& value) {
  if (value.empty() || value == "Warn") return FieldValidation::Warn;
  if (value == "Strict") return FieldValidation::Strict;
  if (value == "Ignore") return FieldValidation::Ignore;
  return core::invalidArgument("fieldValidation must be one of Ignore, Warn or Strict, got \"" +
                               value + "\"");
}

core::Status invalidObject(const ServedResource& r, const std::string& name,
                           std::vector<core::Cause> causes) {
  std::string kind = r.group.empty() ? r.kind : r.kind + "." + r.group;
  std::string msg = kind + " \"" + name + "\" is invalid: ";
  auto one = [](const core::Cause& c) { return c.field.empty() ? c.message : c.field + ": " + c.message; };
  if (causes.size() == 1) {
    msg += one(causes.front());
  } else {
    msg += "[";
    for (std::size_t i = 0; i < causes.size(); ++i) {
      if (i) msg += ", ";
      msg += one(causes[i]);
    }
    msg += "]";
  }
  return core::Status(core::Code::Invalid, msg, std::move(causes));
}

void Admission::registerValidator(const std::string& group, const std::string& kind,
                                  KindValidator fn) {
  std::lock_guard lock(mu_);
  validators_[group + "/" + kind] = std::move(fn);
}

core::Status Admission::checkUnknownFields(const ServedResource& r, Json& obj,
                                           FieldValidation mode,
                                           std::vector<std::string>* warnings) const {
  std::vector<std::string> unknown;
  if (r.is_custom) {
    unknown = pruneCustomResource(r, obj);
  } else if (r.schema != nullptr) {
    unknown = apimachinery::findUnknownFields(obj, *r.schema);
    if (!unknown.empty()) apimachinery::pruneUnknownFields(obj, *r.schema);
  }
  if (unknown.empty() || mode == FieldValidation::Ignore) return core::Status::ok();
  if (mode == FieldValidation::Warn) {
    for (const auto& f : unknown) warnings->push_back("unknown field \"" + f + "\"");
    return core::Status::ok();
  }
  std::string msg = r.kind + " in version \"" + r.version + "\" cannot be handled as a " + r.kind +
                    ": strict decoding error: ";
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    if (i) msg += ", ";
    msg += "unknown field \"" + unknown[i] + "\"";
  }
  return core::invalidArgument(msg);
}

namespace {

// The top-level members a status write may change (the others are the stored object's).
bool statusScoped(const std::string& member) {
  return member == "apiVersion" || member == "kind" || member == "metadata" || member == "status";
}

}  // namespace

core::Status Admission::admit(const ServedResource& r, Json& obj, const Json* old,
                              FieldValidation mode, std::vector<std::string>* warnings,
                              AdmitScope scope) const {
  if (scope == AdmitScope::StatusAndMetadata && old != nullptr && obj.is_object()) {
    // The other top-level members are the stored object's, admitted when they were written:
    // the schema checks skip them (kube-apiserver ratchets unchanged fields the same way), so a
    // status write does not prune, default and validate the spec again. Taken out and put back
    // by moving, not copying. (ObjectStore::updateStatus hands out objects without them.)
    std::vector<std::pair<std::string, Json>> held;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (!statusScoped(it.key())) held.emplace_back(it.key(), std::move(it.value()));
    }
    for (const auto& [key, value] : held) obj.erase(key);
    std::vector<core::Cause> causes;
    core::Status checked = schemaChecks(r, obj, mode, warnings, causes);
    for (auto& [key, value] : held) obj[key] = std::move(value);
    FLOTILLA_RETURN_IF_ERROR(checked);
    // What the schema says about the members left out (say, a required spec) is not this
    // write's doing.
    std::erase_if(causes, [](const core::Cause& c) {
      const std::string member = c.field.substr(0, c.field.find_first_of(".["));
      return !member.empty() && !statusScoped(member);
    });
    updateChecks(r, obj, old, causes);
    if (!causes.empty()) return invalidObject(r, objectNameOf(obj), std::move(causes));
    return core::Status::ok();
  }
  std::vector<core::Cause> causes;
  FLOTILLA_RETURN_IF_ERROR(schemaChecks(r, obj, mode, warnings, causes));
  updateChecks(r, obj, old, causes);
  if (!causes.empty()) return invalidObject(r, objectNameOf(obj), std::move(causes));
  return core::Status::ok();
}

std::string Admission::objectNameOf(Json& obj) {
  return obj["metadata"].contains("name") && obj["metadata"]["name"].is_string()
             ? obj["metadata"]["name"].get<std::string>()
             : std::string();
}

core::Status Admission::schemaChecks(const ServedResource& r, Json& obj, FieldValidation mode,
                                     std::vector<std::string>* warnings,
                                     std::vector<core::Cause>& causes) const {
  FLOTILLA_RETURN_IF_ERROR(checkUnknownFields(r, obj, mode, warnings));
  if (!r.is_custom && r.schema != nullptr) {
    auto type_causes = apimachinery::validateTypes(obj, *r.schema);
    if (!type_causes.empty()) {
      std::string msg = r.kind + " in version \"" + r.version + "\" cannot be handled as a " +
                        r.kind + ": " + type_causes.front().message;
      return core::Status(core::Code::InvalidArgument, msg, std::move(type_causes));
    }
  }
  if (!r.is_custom) {
    // Kubernetes defaults every write of a built-in kind (declarative +default markers, then the
    // hand-written SetDefaults_* functions), before validation.
    if (const auto* type = apimachinery::BuiltinSchema::instance().findKind(r.group, r.version,
                                                                           r.kind)) {
      apimachinery::applyMarkerDefaults(obj, *type);
    }
    apimachinery::applyWorkloadDefaults(r.group, r.kind, obj);
  }
  causes = apimachinery::validateObjectMeta(obj["metadata"], r.namespaced,
                                            apimachinery::nameRuleFor(r.group, r.plural));
  if (r.is_custom) {
    defaultCustomResource(r, obj);
    auto schema_causes = validateCustomResource(r, obj);
    causes.insert(causes.end(), schema_causes.begin(), schema_causes.end());
  }
  if (r.group == "apiextensions.k8s.io" && r.kind == "CustomResourceDefinition") {
    auto crd_causes = validateCrdObject(obj);
    causes.insert(causes.end(), crd_causes.begin(), crd_causes.end());
  }
  return core::Status::ok();
}

bool Admission::hasValidator(const ServedResource& r) const {
  std::lock_guard lock(mu_);
  return validators_.count(r.group + "/" + r.kind) > 0;
}

void Admission::updateChecks(const ServedResource& r, const Json& obj, const Json* old,
                             std::vector<core::Cause>& causes) const {
  if (old != nullptr && old->contains("metadata")) {
    // Once deletion started, no new finalizers may be added.
    if (old->at("metadata").contains("deletionTimestamp")) {
      const Json& before = (*old)["metadata"].value("finalizers", Json::array());
      const Json& after = obj["metadata"].value("finalizers", Json::array());
      for (const auto& f : after) {
        if (std::find(before.begin(), before.end(), f) == before.end()) {
          causes.push_back({"FieldValueForbidden",
                            "Forbidden: no new finalizers can be added if the object is being "
                            "deleted, found new finalizers [\"" +
                                (f.is_string() ? f.get<std::string>() : f.dump()) + "\"]",
                            "metadata.finalizers"});
          break;
        }
      }
    }
  }
  KindValidator validator;
  {
    std::lock_guard lock(mu_);
    auto it = validators_.find(r.group + "/" + r.kind);
    if (it != validators_.end()) validator = it->second;
  }
  if (validator) {
    auto extra = validator(obj, old);
    causes.insert(causes.end(), extra.begin(), extra.end());
  }
}

}  // namespace flotilla::apiserver
