#include "apimachinery/openapi_v3.h"

#include <cctype>
#include <cstdio>
#include <deque>
#include <nlohmann/json.hpp>
#include <set>

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

constexpr const char* kSchemaPrefix = "#/components/schemas/";
constexpr const char* kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

json refTo(const std::string& name) { return json{{"$ref", kSchemaPrefix + name}}; }

// Collects the component schemas a document needs, converting built-in types on demand.
class SchemaCollector {
 public:
  explicit SchemaCollector(json* schemas) : schemas_(schemas) {}

  // Adds a built-in type (and everything it references); returns false when unknown.
  bool add(const std::string& name) {
    const TypeInfo* t = BuiltinSchema::instance().findType(name);
    if (!t) return false;
    if (seen_.insert(name).second) pending_.push_back(t);
    return true;
  }

  void drain() {
    while (!pending_.empty()) {
      const TypeInfo* t = pending_.front();
      pending_.pop_front();
      (*schemas_)[t->name] = typeSchema(*t);
    }
  }

 private:
  json typeSchema(const TypeInfo& t) {
    json s = {{"type", "object"}};
    json props = json::object();
    json required = json::array();
    for (const FieldInfo& f : t.fields) {
      json p = valueSchema(f.value, f.pointer);
      if (!f.value.enum_name.empty()) addEnum(p, f.value.enum_name);
      if (!f.patch_strategy.empty()) p["x-kubernetes-patch-strategy"] = f.patch_strategy;
      if (!f.patch_merge_key.empty()) p["x-kubernetes-patch-merge-key"] = f.patch_merge_key;
      if (!f.list_type.empty()) p["x-kubernetes-list-type"] = f.list_type;
      if (!f.list_map_keys.empty()) p["x-kubernetes-list-map-keys"] = f.list_map_keys;
      if (!f.map_type.empty()) p["x-kubernetes-map-type"] = f.map_type;
      if (!f.default_json.empty()) p["default"] = json::parse(f.default_json);
      props[f.json_name] = std::move(p);
      // kube-openapi: required unless +optional or omitempty.
      if (f.required || (!f.optional && !f.omitempty)) required.push_back(f.json_name);
    }
    s["properties"] = std::move(props);
    if (!required.empty()) s["required"] = std::move(required);
    if (t.atomic_struct) s["x-kubernetes-map-type"] = "atomic";
    if (!t.kind.empty()) {
      s["x-kubernetes-group-version-kind"] =
          json::array({{{"group", t.group}, {"kind", t.kind}, {"version", t.version}}});
    }
    return s;
  }

  void addEnum(json& p, const std::string& enum_name) {
    const auto* values = BuiltinSchema::instance().enumValues(enum_name);
    if (!values) return;
    json* target = &p;
    if (p.contains("items")) target = &p["items"];  // +enum on a list's items
    if (target->value("type", "") == "string") (*target)["enum"] = *values;
  }

  json special(const char* key) {
    const json& specials = BuiltinSchema::instance().specialTypes();
    auto it = specials.find(key);
    if (it == specials.end() || !it->contains("openapi")) return {{"type", "object"}};
    const std::string name = it->at("openapi").get<std::string>();
    if (seen_.insert(name).second) {
      json s = it->value("openapiSchema", json::object());
      if (it->contains("oneOf")) {
        json one_of = json::array();
        for (const json& type : it->at("oneOf")) one_of.push_back({{"type", type}});
        s.erase("type");
        s["oneOf"] = std::move(one_of);
      }
      (*schemas_)[name] = std::move(s);
    }
    return refTo(name);
  }

  json valueSchema(const ValueType& v, bool pointer) {
    switch (v.type) {
      case FieldType::String:
        return {{"type", "string"}};
      case FieldType::Bytes:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldType::Int32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldType::Int64:
        return {{"type", "integer"}, {"format", "int64"}};
      case FieldType::Bool:
        return {{"type", "boolean"}};
      case FieldType::Double:
        return {{"type", "number"}, {"format", "double"}};
      case FieldType::Ref: {
        if (!v.ref) return {{"type", "object"}};
        add(v.ref->name);
        if (pointer) return refTo(v.ref->name);
        // Non-pointer structs: kube-openapi wraps the ref and defaults it to {}.
        return {{"allOf", json::array({refTo(v.ref->name)})}, {"default", json::object()}};
      }
      case FieldType::Array: {
        json s = {{"type", "array"}};
        s["items"] = v.element ? valueSchema(*v.element, false) : json::object();
        if (v.element && !v.element->enum_name.empty()) {
          addEnum(s["items"], v.element->enum_name);
        }
        return s;
      }
      case FieldType::Map: {
        json s = {{"type", "object"}};
        s["additionalProperties"] = v.element ? valueSchema(*v.element, false) : json::object();
        return s;
      }
      case FieldType::Quantity:
        return special("quantity");
      case FieldType::Time:
        return special("time");
      case FieldType::MicroTime:
        return special("microtime");
      case FieldType::Duration:
        return special("duration");
      case FieldType::IntOrString:
        return special("intOrString");
      case FieldType::RawExtension:
        return special("rawExtension");
      case FieldType::FieldsV1:
        return special("fieldsV1");
      case FieldType::Any:
        return {{"x-kubernetes-preserve-unknown-fields", true}};
    }
    return json::object();
  }

  json* schemas_;
  std::set<std::string> seen_;
  std::deque<const TypeInfo*> pending_;
};

std::string camel(std::string_view s) {
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '.' || c == '-') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

// Operation id stem as kube-apiserver spells it: "AppsV1", "CoreV1", "RbacAuthorizationV1".
std::string groupVersionStem(std::string_view group, std::string_view version) {
  std::string g(group);
  const std::string suffix = ".k8s.io";
  if (g.size() > suffix.size() && g.compare(g.size() - suffix.size(), suffix.size(), suffix) == 0) {
    g.resize(g.size() - suffix.size());
  }
  return camel(g.empty() ? "core" : g) + camel(version);
}

json queryParam(const char* name, const char* type = "string") {
  return {{"name", name}, {"in", "query"}, {"schema", {{"type", type}}}};
}

json pathParam(const char* name) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
}

json okResponse(const std::string& schema_name) {
  json content = json::object();
  if (!schema_name.empty()) {
    content["application/json"] = {{"schema", refTo(schema_name)}};
  }
  json ok = {{"description", "OK"}};
  if (!content.empty()) ok["content"] = std::move(content);
  return {{"200", std::move(ok)}, {"401", {{"description", "Unauthorized"}}}};
}

json gvk(std::string_view group, std::string_view version, std::string_view kind) {
  return {{"group", group}, {"version", version}, {"kind", kind}};
}

struct PathSpec {
  std::string group, version, kind, plural;
  bool namespaced = true;
  std::string schema;       // component name of the kind ("" = none)
  std::string list_schema;  // component name of the list kind
  std::vector<std::string> subresources;
  // GVK and schema of the scale subresource.
  std::string scale_group = "autoscaling", scale_version = "v1", scale_schema;
};

// Adds the collection, item and subresource paths of one resource.
void addPaths(json& paths, const PathSpec& r) {
  const std::string base = "/" + openApiV3Path(r.group, r.version) +
                           (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural;
  const std::string stem =
      groupVersionStem(r.group, r.version) + (r.namespaced ? "Namespaced" : "") + r.kind;
  const json kind_gvk = gvk(r.group, r.version, r.kind);
  json common = json::array();
  if (r.namespaced) common.push_back(pathParam("namespace"));
  common.push_back(queryParam("pretty"));

  auto op = [&](const std::string& verb, const std::string& action, const std::string& schema,
                const json& op_gvk, json params) {
    json o = {{"operationId", verb + stem},
              {"x-kubernetes-action", action},
              {"x-kubernetes-group-version-kind", op_gvk},
              {"responses", okResponse(schema)}};
    if (!params.empty()) o["parameters"] = std::move(params);
    return o;
  };
  const json write_params = json::array(
      {queryParam("dryRun"), queryParam("fieldManager"), queryParam("fieldValidation")});
  json patch_params = write_params;
  patch_params.push_back(queryParam("force", "boolean"));

  json collection = {{"parameters", common}};
  collection["get"] =
      op("list", "list", r.list_schema, kind_gvk,
         json::array({queryParam("labelSelector"), queryParam("fieldSelector"),
                      queryParam("limit", "integer"), queryParam("continue"),
                      queryParam("resourceVersion"), queryParam("watch", "boolean")}));
  collection["post"] = op("create", "post", r.schema, kind_gvk, write_params);
  paths[base] = std::move(collection);

  json item_params = common;
  item_params.insert(item_params.begin(), pathParam("name"));
  json item = {{"parameters", item_params}};
  item["get"] = op("read", "get", r.schema, kind_gvk, json::array());
  item["put"] = op("replace", "put", r.schema, kind_gvk, write_params);
  item["patch"] = op("patch", "patch", r.schema, kind_gvk, patch_params);
  item["delete"] =
      op("delete", "delete", "", kind_gvk,
         json::array({queryParam("dryRun"), queryParam("gracePeriodSeconds", "integer"),
                      queryParam("propagationPolicy")}));
  paths[base + "/{name}"] = std::move(item);

  for (const std::string& sub : r.subresources) {
    json sub_gvk = kind_gvk;
    std::string schema = r.schema;
    std::string suffix;
    if (sub == "status") {
      suffix = "Status";
    } else if (sub == "scale") {
      suffix = "Scale";
      sub_gvk = gvk(r.scale_group, r.scale_version, "Scale");
      schema = r.scale_schema;
    } else {
      continue;
    }
    json s = {{"parameters", item_params}};
    s["get"] = op("read", "get", schema, sub_gvk, json::array());
    s["put"] = op("replace", "put", schema, sub_gvk, write_params);
    s["patch"] = op("patch", "patch", schema, sub_gvk, patch_params);
    for (const char* verb : {"get", "put", "patch"}) {
      s[verb]["operationId"] = s[verb]["operationId"].get<std::string>() + suffix;
    }
    paths[base + "/{name}/" + sub] = std::move(s);
  }
}

json emptyDocument() {
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
          {"paths", json::object()},
          {"components", {{"schemas", json::object()}}}};
}

// Common meta types every document references from its operations.
void addMetaTypes(SchemaCollector& collector) {
  for (const char* name : {"ObjectMeta", "ListMeta", "Status", "DeleteOptions", "Patch"}) {
    collector.add(std::string(kMeta) + name);
  }
}

std::string reversedGroup(std::string_view group) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= group.size()) {
    size_t dot = group.find('.', start);
    if (dot == std::string_view::npos) dot = group.size();
    parts.push_back(group.substr(start, dot - start));
    start = dot + 1;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out += '.';
    out += *it;
  }
  return out;
}

}  // namespace

ServedResource servedResourceFor(const ResourceInfo& info) {
  ServedResource r;
  r.group = info.group;
  r.version = info.version;
  r.kind = info.kind;
  r.plural = info.resource;
  r.namespaced = info.namespaced;
  for (const SubresourceInfo& sub : info.subresources) r.subresources.push_back(sub.name);
  return r;
}

std::string openApiV3Path(std::string_view group, std::string_view version) {
  if (group.empty()) return "api/" + std::string(version);
  return "apis/" + std::string(group) + "/" + std::string(version);
}

json buildBuiltinOpenApiV3(std::string_view group, std::string_view version,
                           const std::vector<ServedResource>& resources) {
  json doc = emptyDocument();
  json& schemas = doc["components"]["schemas"];
  SchemaCollector collector(&schemas);
  addMetaTypes(collector);
  const BuiltinSchema& builtin = BuiltinSchema::instance();
  for (const ServedResource& r : resources) {
    if (r.group != group || r.version != version) continue;
    PathSpec spec;
    spec.group = r.group;
    spec.version = r.version;
    spec.kind = r.kind;
    spec.plural = r.plural;
    spec.namespaced = r.namespaced;
    spec.subresources = r.subresources;
    if (const TypeInfo* t = builtin.findKind(r.group, r.version, r.kind)) {
      collector.add(t->name);
      spec.schema = t->name;
    }
    if (const TypeInfo* list = builtin.findKind(r.group, r.version, r.kind + "List")) {
      collector.add(list->name);
      spec.list_schema = list->name;
    }
    if (const ResourceInfo* info = builtin.findResource(r.group, r.version, r.plural)) {
      for (const SubresourceInfo& sub : info->subresources) {
        if (sub.name != "scale" || sub.kind.empty()) continue;
        spec.scale_group = sub.group;
        spec.scale_version = sub.version;
        if (const TypeInfo* scale = builtin.findKind(sub.group, sub.version, sub.kind)) {
          collector.add(scale->name);
          spec.scale_schema = scale->name;
        }
      }
    }
    addPaths(doc["paths"], spec);
  }
  collector.drain();
  return doc;
}

json buildCrdOpenApiV3(std::string_view group, std::string_view version,
                       const std::vector<CrdKindSchema>& kinds) {
  json doc = emptyDocument();
  json& schemas = doc["components"]["schemas"];
  SchemaCollector collector(&schemas);
  addMetaTypes(collector);
  collector.add("io.k8s.api.autoscaling.v1.Scale");
  const std::string prefix = reversedGroup(group) + "." + std::string(version) + ".";
  for (const CrdKindSchema& k : kinds) {
    json s = k.schema && k.schema->is_object() ? *k.schema : json::object();
    if (!s.contains("type")) s["type"] = "object";
    if (!s.contains("properties")) s["x-kubernetes-preserve-unknown-fields"] = true;
    json& props = s["properties"];
    if (!props.is_object()) props = json::object();
    props["apiVersion"] = {{"type", "string"}};
    props["kind"] = {{"type", "string"}};
    props["metadata"] = refTo(std::string(kMeta) + "ObjectMeta");
    s["x-kubernetes-group-version-kind"] = json::array({gvk(group, version, k.kind)});
    const std::string name = prefix + k.kind;
    schemas[name] = std::move(s);

    const std::string list_kind = k.list_kind.empty() ? k.kind + "List" : k.list_kind;
    const std::string list_name = prefix + list_kind;
    schemas[list_name] = {
        {"type", "object"},
        {"required", json::array({"items"})},
        {"properties",
         {{"apiVersion", {{"type", "string"}}},
          {"kind", {{"type", "string"}}},
          {"items", {{"type", "array"}, {"items", refTo(name)}}},
          {"metadata", refTo(std::string(kMeta) + "ListMeta")}}},
        {"x-kubernetes-group-version-kind", json::array({gvk(group, version, list_kind)})}};

    PathSpec spec;
    spec.group = std::string(group);
    spec.version = std::string(version);
    spec.kind = k.kind;
    spec.plural = k.plural;
    spec.namespaced = k.namespaced;
    spec.schema = name;
    spec.list_schema = list_name;
    if (k.status_subresource) spec.subresources.push_back("status");
    if (k.scale_subresource) {
      spec.subresources.push_back("scale");
      spec.scale_schema = "io.k8s.api.autoscaling.v1.Scale";
    }
    addPaths(doc["paths"], spec);
  }
  collector.drain();
  return doc;
}

std::string openApiDocumentHash(const json& doc) {
  const std::string text = doc.dump();
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(h));
  return buf;
}

json buildOpenApiV3Index(const std::vector<std::pair<std::string, std::string>>& path_hashes) {
  json paths = json::object();
  for (const auto& [path, hash] : path_hashes) {
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash}};
  }
  return {{"paths", std::move(paths)}};
}

}  // namespace flotilla::apimachinery
