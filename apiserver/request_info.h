// RequestInfo: what an API request is about, parsed from its URL and method the way
// kube-apiserver does (/api/v1/..., /apis/<group>/<version>/..., namespaces, subresources, verbs).
#pragma once

#include <string>

#include "apiserver/http_types.h"

namespace flotilla::apiserver {

struct RequestInfo {
  bool is_resource_request = false;
  std::string group;  // "" for the core group
  std::string version;
  std::string namespace_;  // "" for cluster-scoped requests or all namespaces
  std::string resource;    // plural
  std::string name;
  std::string subresource;
  // get, list, watch, create, update, patch, delete, deletecollection
  std::string verb;
};

// Parses req.path and method. Non-resource paths (/version, /apis, /openapi/...) come back with
// is_resource_request == false.
RequestInfo parseRequestInfo(const HttpRequest& req);

// Go's strconv.ParseBool: 1,t,T,TRUE,true,True / 0,f,F,FALSE,false,False. Others -> fallback.
bool parseBool(const std::string& text, bool fallback);

}  // namespace flotilla::apiserver
