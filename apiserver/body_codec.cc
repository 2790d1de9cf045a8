#include "apiserver/body_codec.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>

#include "api/yaml.h"
#include "apimachinery/builtin_schema.h"
#include "apimachinery/go_format.h"
#include "apimachinery/json_parse.h"
#include "apimachinery/json_patch.h"
#include "apimachinery/merge_patch.h"
#include "apimachinery/protobuf_codec.h"
#include "apimachinery/strategic_merge_patch.h"

namespace flotilla::apiserver {

std::string mediaType(const HttpRequest& req) {
  std::string ct = req.header("content-type");
  auto semi = ct.find(';');
  if (semi != std::string::npos) ct = ct.substr(0, semi);
  ct.erase(std::remove_if(ct.begin(), ct.end(), [](unsigned char c) { return std::isspace(c); }),
           ct.end());
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ct;
}

core::Result<Json> parseJson(const std::string& text) {
  // Valid JSON whose strings are valid UTF-8 (everything else in JSON is ASCII) needs no
  // sanitising: the fast parser accepts exactly that.
  if (auto fast = apimachinery::parseJsonFast(text)) return std::move(*fast);
  try {
    const std::string clean = apimachinery::sanitizeUtf8(text);
    if (clean.size() != text.size() || clean != text) {
      // Go's decoder replaces invalid UTF-8 with U+FFFD; do the same rather than fail later.
      return Json::parse(clean);
    }
    return Json::parse(text);
  } catch (const std::exception& e) {
    std::string what = e.what();
    // nlohmann prefixes messages with "[json.exception.parse_error.101] "; keep the useful part.
    auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    return core::invalidArgument("the request body is not valid JSON: " + what);
  }
}

core::Result<Json> decodeBody(const HttpRequest& req, const ServedResource& r) {
  const std::string mt = mediaType(req);
  if (mt.empty() || mt == "application/json" || mt == "*/*") {
    return parseJson(req.body);
  }
  if (mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml") {
    auto j = api::yamlToJson(req.body);
    if (!j.isOk()) return core::invalidArgument("the request body is not valid YAML: " +
                                                j.status().message());
    return j;
  }
  if (mt == apimachinery::kProtobufMediaType) {
    const apimachinery::TypeInfo* type = nullptr;
    if (!r.is_custom) {
      type = apimachinery::BuiltinSchema::instance().findKind(r.group, r.version, r.kind);
    }
    if (type == nullptr) {
      return core::Status(core::Code::UnsupportedMediaType,
                          "the body of the request was in an unknown format - accepted media "
                          "types include: application/json, application/yaml");
    }
    return apimachinery::decodeProtobufObject(req.body, type);
  }
  return core::Status(core::Code::UnsupportedMediaType,
                      "the body of the request was in an unknown format - accepted media types "
                      "include: application/json, application/yaml, "
                      "application/vnd.kubernetes.protobuf");
}

std::vector<std::string> duplicateJsonFields(const std::string& text) {
  // A SAX pass that remembers the keys of every open object: nlohmann's DOM parser silently keeps
  // the last duplicate, while kube-apiserver's strict decoding rejects it.
  struct Finder : nlohmann::json_sax<Json> {
    std::vector<std::pair<std::string, std::set<std::string>>> stack;
    std::vector<std::string> path;
    std::vector<std::string> dups;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
      stack.push_back({pending_, {}});
      return true;
    }
    bool key(string_t& k) override {
      auto& keys = stack.back().second;
      std::string prefix = stack.back().first;
      if (!keys.insert(k).second) dups.push_back(prefix.empty() ? k : prefix + "." + k);
      pending_ = prefix.empty() ? k : prefix + "." + k;
      return true;
    }
    bool end_object() override {
      stack.pop_back();
      return true;
    }
    bool start_array(std::size_t) override {
      stack.push_back({pending_, {}});
      return true;
    }
    bool end_array() override {
      stack.pop_back();
      return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
      return false;
    }
    std::string pending_;
  } finder;
  Json::sax_parse(text, &finder, nlohmann::json::input_format_t::json, false);
  return finder.dups;
}

namespace {

// Object keys in valid JSON text: strings followed by ':'. Only quotes are looked at, so the scan
// is a memchr per string.
std::size_t countJsonKeys(std::string_view text) {
  std::size_t keys = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const void* open = std::memchr(text.data() + i, '"', text.size() - i);
    if (open == nullptr) break;
    i = static_cast<std::size_t>(static_cast<const char*>(open) - text.data()) + 1;
    // Find the closing quote: one preceded by an even number of backslashes.
    while (true) {
      const void* close = std::memchr(text.data() + i, '"', text.size() - i);
      if (close == nullptr) return keys;
      const std::size_t q = static_cast<std::size_t>(static_cast<const char*>(close) - text.data());
      std::size_t b = q;
      while (b > i && text[b - 1] == '\\') --b;
      i = q + 1;
      if ((q - b) % 2 == 0) break;
    }
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' ||
                               text[i] == '\r')) {
      ++i;
    }
    if (i < text.size() && text[i] == ':') ++keys;
  }
  return keys;
}

std::size_t countMembers(const Json& v) {
  std::size_t n = 0;
  if (v.is_object()) {
    n += v.size();
    for (const auto& child : v) n += countMembers(child);
  } else if (v.is_array()) {
    for (const auto& child : v) n += countMembers(child);
  }
  return n;
}

}  // namespace

std::vector<std::string> duplicateJsonFields(const std::string& text, const Json& parsed) {
  if (countJsonKeys(text) == countMembers(parsed)) return {};
  return duplicateJsonFields(text);
}

core::Result<PatchType> patchTypeFor(const HttpRequest& req, const ServedResource& r) {
  const std::string mt = mediaType(req);
  if (mt == "application/json-patch+json") return PatchType::Json;
  if (mt == "application/merge-patch+json") return PatchType::Merge;
  if (mt == "application/apply-patch+yaml" || mt == "application/apply-patch+json") {
    return PatchType::Apply;
  }
  if (mt == "application/strategic-merge-patch+json" && !r.is_custom) return PatchType::Strategic;
  std::string accepted =
      "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
  if (!r.is_custom) accepted += ", application/strategic-merge-patch+json";
  return core::Status(core::Code::UnsupportedMediaType,
                      "the body of the request was in an unknown format - accepted media types "
                      "include: " + accepted);
}

core::Result<Json> parsePatchBody(const std::string& body, PatchType type) {
  if (type == PatchType::Apply) {
    auto j = api::yamlToJson(body);
    if (!j.isOk()) {
      return core::invalidArgument("error decoding YAML: " + j.status().message());
    }
    return j;
  }
  return parseJson(body);
}

core::Result<Json> applyPatch(const Json& current, const Json& patch, PatchType type,
                              const ServedResource& r) {
  switch (type) {
    case PatchType::Json:
      return apimachinery::applyJsonPatch(current, patch);
    case PatchType::Merge:
      if (!patch.is_object()) {
        return core::invalidArgument("a merge patch must be a JSON object");
      }
      return apimachinery::applyMergePatch(current, patch);
    case PatchType::Strategic:
      if (!patch.is_object()) {
        return core::invalidArgument("a strategic merge patch must be a JSON object");
      }
      return apimachinery::applyStrategicMergePatch(current, patch, r.schema);
    case PatchType::Apply:
      break;
  }
  return core::internalError("apply patches are handled by server-side apply");
}

}  // namespace flotilla::apiserver
