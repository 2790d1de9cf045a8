// OpenAPI v3 documents served at /openapi/v3 and /openapi/v3/<api|apis/group>/<version>.
//
// kubectl 1.32 reads them for three things: to learn that the server validates fields (a `patch`
// operation carrying x-kubernetes-group-version-kind and a `fieldValidation` query parameter for
// every kind; then kubectl sends fieldValidation=Strict and skips client-side validation), for
// `kubectl explain` (components.schemas, with x-kubernetes-group-version-kind on each kind's
// schema), and for client-side apply/edit. Built-in schemas come from BuiltinSchema: properties
// with types, $ref, items, additionalProperties, enums, defaults, required lists, and the patch and
// list extensions. Patch operations deliberately carry no strategic-merge requestBody, so kubectl
// computes client-side apply patches from its compiled-in types (see kube-api.md §3.2).
//
// Documents are pure functions of their inputs; building one walks a few hundred types, so the API
// server should cache them and rebuild only when the served set (or a CRD) changes.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "apimachinery/builtin_schema.h"

namespace flotilla::apimachinery {

// One resource the server serves under a group-version.
struct ServedResource {
  std::string group;  // "" for core
  std::string version;
  std::string kind;
  std::string plural;
  bool namespaced = true;
  // Subresources to describe; "status" and "scale" get paths, others are ignored.
  std::vector<std::string> subresources;
};

// Convenience: a ServedResource for an entry of BuiltinSchema::resources().
ServedResource servedResourceFor(const ResourceInfo& info);

// "api/v1" for the core group, "apis/<group>/<version>" otherwise (the key in the v3 root index).
std::string openApiV3Path(std::string_view group, std::string_view version);

// The document for one group-version of built-in types. `resources` are the resources served in
// that group-version (others are ignored). Kinds unknown to BuiltinSchema get a path but a
// free-form schema.
nlohmann::json buildBuiltinOpenApiV3(std::string_view group, std::string_view version,
                                     const std::vector<ServedResource>& resources);

// One custom resource kind of a CRD version.
struct CrdKindSchema {
  std::string kind;
  std::string list_kind;  // "" = kind + "List"
  std::string plural;
  bool namespaced = true;
  bool status_subresource = false;
  bool scale_subresource = false;
  // The version's openAPIV3Schema (JSON object); nullptr or null = preserve unknown fields.
  const nlohmann::json* schema = nullptr;
};

// The document for a custom group-version: each kind's schema wrapped with apiVersion, kind and an
// ObjectMeta metadata, plus list schemas, meta types and patch paths. Schema names follow
// kube-apiserver: the reversed group, version and kind ("com.example.v1.Widget").
nlohmann::json buildCrdOpenApiV3(std::string_view group, std::string_view version,
                                 const std::vector<CrdKindSchema>& kinds);

// A stable hash of a document: 16 upper-case hex digits of FNV-1a 64 over its compact JSON text.
// It changes whenever the content changes, which is what client caches (keyed on ?hash=) need.
std::string openApiDocumentHash(const nlohmann::json& doc);

// The /openapi/v3 root index: {"paths": {"<path>": {"serverRelativeURL":
// "/openapi/v3/<path>?hash=<hash>"}}}. Input: (path, hash) pairs.
nlohmann::json buildOpenApiV3Index(
    const std::vector<std::pair<std::string, std::string>>& path_hashes);

}  // namespace flotilla::apimachinery
