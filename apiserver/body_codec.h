// Request-body codecs: turns a request body into a JSON object according to its Content-Type
// (JSON, YAML for apply, Kubernetes protobuf), and applies the four patch media types. This is the
// one place where the API server calls the apimachinery codecs, so handlers stay format-agnostic.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/http_types.h"
#include "apiserver/resource_registry.h"
#include "core/status.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

enum class PatchType { Json, Merge, Strategic, Apply };

// The media type of a request (parameters dropped, lower-cased); "" when absent.
std::string mediaType(const HttpRequest& req);

// Decodes a create/update body. No Content-Type means JSON (kubectl scale sends none).
core::Result<Json> decodeBody(const HttpRequest& req, const ServedResource& r);

// Maps a PATCH Content-Type to a patch type; UnsupportedMediaType otherwise (and for strategic
// merge on custom resources).
core::Result<PatchType> patchTypeFor(const HttpRequest& req, const ServedResource& r);

// Parses a patch body (JSON, or YAML for apply).
core::Result<Json> parsePatchBody(const std::string& body, PatchType type);

// Applies a JSON, merge or strategic merge patch (not Apply) to `current`.
core::Result<Json> applyPatch(const Json& current, const Json& patch, PatchType type,
                              const ServedResource& r);

// Keys that appear twice in one JSON object, as dotted paths (for strict field validation).
std::vector<std::string> duplicateJsonFields(const std::string& text);
// duplicateJsonFields(text) for text already parsed into `parsed` (parseJson(text)): counts the
// keys in the text and the members of the parse, which differ exactly when some object repeats a
// key (the parse keeps one); only then does it run the full pass that names them.
std::vector<std::string> duplicateJsonFields(const std::string& text, const Json& parsed);

// Parses JSON text, answering 400 with the parser's complaint.
core::Result<Json> parseJson(const std::string& text);

}  // namespace flotilla::apiserver
