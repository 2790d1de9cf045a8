// Admission: everything that decides whether an object may be stored, run on every create, update
// and patch after the body has been decoded — unknown-field handling (fieldValidation
// Strict/Warn/Ignore), name and label syntax, custom-resource structural-schema pruning,
// defaulting and validation, and per-kind validators registered by other modules (Karmada
// policies, MCS objects). A rejected write changes nothing.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"
#include "core/status.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

enum class FieldValidation { Strict, Warn, Ignore };

// Parses the fieldValidation query value ("" = Warn, kube-apiserver's default for non-kubectl
// clients); InvalidArgument for other values.
core::Result<FieldValidation> parseFieldValidation(const std::string& value);

// A validator for one kind: returns every violation as a cause with its field path.
// `old` is null on create.
using KindValidator = std::function<std::vector<core::Cause>(const Json& obj, const Json* old)>;

// What an update may have changed: anything, or (a write through the status subresource, whose
// other top-level members prepareForUpdate took from the stored object) only status and
// metadata.
enum class AdmitScope { Object, StatusAndMetadata };

class Admission {
 public:
  // Validates `obj` (and normalises it: pruning, defaulting). Warnings collect Warn-mode messages.
  // With StatusAndMetadata (and `old`), the schema checks (unknown fields, pruning, defaulting,
  // type and schema validation) skip the members other than status and metadata, which are the
  // stored object's, and causes about those members are dropped: like kube-apiserver's
  // ratcheting, a stored spec that a later schema change made invalid does not block status
  // writes. `obj` may lack those members altogether (ObjectStore::updateStatus).
  core::Status admit(const ServedResource& r, Json& obj, const Json* old, FieldValidation mode,
                     std::vector<std::string>* warnings,
                     AdmitScope scope = AdmitScope::Object) const;
  void registerValidator(const std::string& group, const std::string& kind, KindValidator fn);
  // Whether a kind validator is registered for r's kind (it may read any member of the object).
  bool hasValidator(const ServedResource& r) const;

 private:
  core::Status checkUnknownFields(const ServedResource& r, Json& obj, FieldValidation mode,
                                  std::vector<std::string>* warnings) const;
  // Everything the schema decides (fills `causes`; an error for undecodable types).
  core::Status schemaChecks(const ServedResource& r, Json& obj, FieldValidation mode,
                            std::vector<std::string>* warnings,
                            std::vector<core::Cause>& causes) const;
  // What depends on the old object and the kind (finalizers during deletion, kind validators).
  void updateChecks(const ServedResource& r, const Json& obj, const Json* old,
                    std::vector<core::Cause>& causes) const;
  static std::string objectNameOf(Json& obj);
  mutable std::mutex mu_;
  std::map<std::string, KindValidator> validators_;  // "group/kind"
};

// The Invalid status kube-apiserver builds from field causes:
// `<Kind>[.<group>] "<name>" is invalid: <field>: <message>` (several joined as `[a, b]`).
core::Status invalidObject(const ServedResource& r, const std::string& name,
                           std::vector<core::Cause> causes);

}  // namespace flotilla::apiserver
