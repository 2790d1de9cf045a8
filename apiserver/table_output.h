// Server-side Table output (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the
// columns `kubectl get` prints, computed on the server like kube-apiserver's printers, plus CRD
// additionalPrinterColumns (kube-api.md §11).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/http_types.h"
#include "apiserver/resource_registry.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

bool wantsTable(const HttpRequest& req);
// includeObject: None, Metadata (default) or Object.
std::string tableIncludeObject(const HttpRequest& req);

Json buildTable(const ServedResource& r, const std::vector<Json>& objects,
                const std::string& continue_token, std::chrono::system_clock::time_point now,
                const std::string& include_object, const std::string& resource_version);

}  // namespace flotilla::apiserver
