#include "apimachinery/field_selector.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "apimachinery/object_validation.h"

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

// Resources that register their own field-label conversion in kube-apiserver, with the fields
// they accept beyond metadata.name/metadata.namespace. Keyed "group/resource".
const std::map<std::string, std::vector<std::string>>& conversionTable() {
  static const std::map<std::string, std::vector<std::string>> kFields = {
      {"/events",
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}},
      {"events.k8s.io/events",
       {"regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
        "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason",
        "reportingController", "type"}},
      {"/pods",
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}},
      {"/namespaces", {"status.phase"}},
      {"/secrets", {"type"}},
      {"/nodes", {"spec.unschedulable"}},
      {"/replicationcontrollers", {"status.replicas"}},
      {"apps/replicasets", {"status.replicas"}},
      {"batch/jobs", {"status.successful"}},
      {"certificates.k8s.io/certificatesigningrequests", {"spec.signerName"}},
  };
  return kFields;
}

const Json* walk(const Json& obj, const std::string& path) {
  const Json* cur = &obj;
  std::size_t pos = 0;
  while (true) {
    const std::size_t dot = path.find('.', pos);
    const std::string part = path.substr(pos, dot == std::string::npos ? dot : dot - pos);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) return cur;
    pos = dot + 1;
  }
}

std::string scalarText(const Json* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
  return jsonText(*v);
}

std::string escapeValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == ',' || c == '=') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// fields.UnescapeValue: only \\, \, and \= are escapes; a bare ',' or '=' is an error.
core::Result<std::string> unescapeValue(const std::string& s) {
  std::string out;
  bool in_slash = false;
  for (char c : s) {
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') {
        return core::invalidArgument(
            std::string("invalid field selector: invalid escape sequence: \\") + c);
      }
      out.push_back(c);
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      // Go prints the rune with %v, i.e. its code point.
      return core::invalidArgument("invalid field selector: unescaped character in value: " +
                                   std::to_string(static_cast<unsigned char>(c)));
    } else {
      out.push_back(c);
    }
  }
  if (in_slash) return core::invalidArgument("invalid field selector: invalid escape sequence: \\");
  return out;
}

// Splits on commas that are not escaped with a backslash.
std::vector<std::string> splitTerms(const std::string& s) {
  std::vector<std::string> terms;
  std::string cur;
  bool escaped = false;
  for (char c : s) {
    if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == ',') {
      terms.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur.push_back(c);
  }
  terms.push_back(std::move(cur));
  return terms;
}

}  // namespace

const std::vector<std::string>& extraSelectableFields(const std::string& group,
                                                      const std::string& resource) {
  static const std::vector<std::string> kNone;
  auto it = conversionTable().find(group + "/" + resource);
  return it == conversionTable().end() ? kNone : it->second;
}

core::Status checkSelectableField(const std::string& group, const std::string& resource,
                                  bool custom, const std::string& field,
                                  const std::vector<std::string>& selectable_fields) {
  if (field == "metadata.name" || field == "metadata.namespace") return core::Status::ok();
  auto it = custom ? conversionTable().end() : conversionTable().find(group + "/" + resource);
  if (it == conversionTable().end()) {
    if (custom && std::find(selectable_fields.begin(), selectable_fields.end(), field) !=
                      selectable_fields.end()) {
      return core::Status::ok();
    }
    std::string allowed = "\"metadata.name\", \"metadata.namespace\"";
    for (const auto& f : selectable_fields) allowed += ", \"" + f + "\"";
    return core::invalidArgument("\"" + field + "\" is not a known field selector: only " +
                                 allowed);
  }
  if (std::find(it->second.begin(), it->second.end(), field) == it->second.end()) {
    return core::invalidArgument("field label not supported: " + field);
  }
  return core::Status::ok();
}

std::string fieldValue(const std::string& resource, const Json& obj, const std::string& field) {
  if (resource == "pods") {
    const Json* v = walk(obj, field);
    if (field == "spec.hostNetwork")
      return v != nullptr && v->is_boolean() && v->get<bool>() ? "true" : "false";
    if (field == "spec.restartPolicy" && v == nullptr) return "Always";
    if (field == "spec.schedulerName" && v == nullptr) return "default-scheduler";
    if (field == "status.podIP" && v == nullptr) {
      // The first of status.podIPs when podIP itself is unset.
      const Json* ips = walk(obj, "status.podIPs");
      if (ips != nullptr && ips->is_array() && !ips->empty() && (*ips)[0].is_object()) {
        return scalarText(walk((*ips)[0], "ip"));
      }
    }
    return scalarText(v);
  }
  if (resource == "nodes" && field == "spec.unschedulable") {
    const Json* v = walk(obj, field);
    return v != nullptr && v->is_boolean() && v->get<bool>() ? "true" : "false";
  }
  if (resource == "namespaces" && field == "status.phase") {
    const Json* v = walk(obj, field);
    return v == nullptr ? "Active" : scalarText(v);
  }
  if (resource == "secrets" && field == "type") {
    const Json* v = walk(obj, field);
    return v == nullptr ? "Opaque" : scalarText(v);
  }
  if ((resource == "jobs" && field == "status.successful") ||
      ((resource == "replicasets" || resource == "replicationcontrollers") &&
       field == "status.replicas")) {
    const Json* v = walk(obj, field);
    return v == nullptr ? "0" : scalarText(v);
  }
  return fieldValue(obj, field);
}

std::string fieldValue(const Json& obj, const std::string& field) {
  if (field == "source") {
    // Events select `source` by the component that reported them.
    const Json* v = walk(obj, "source.component");
    if (v != nullptr) return scalarText(v);
    const Json* s = walk(obj, "source");
    return s != nullptr && s->is_string() ? s->get<std::string>() : "";
  }
  return scalarText(walk(obj, field));
}

core::Result<FieldSelector> FieldSelector::parse(const std::string& text) {
  FieldSelector sel;
  std::vector<std::string> parts = splitTerms(text);
  std::sort(parts.begin(), parts.end());
  for (const auto& part : parts) {
    if (part.empty()) continue;
    // The first operator occurrence wins, trying "!=", "==", "=" at each position like Go.
    std::size_t at = std::string::npos;
    std::size_t op_len = 0;
    bool equals = true;
    for (std::size_t i = 0; i < part.size() && at == std::string::npos; ++i) {
      if (part.compare(i, 2, "!=") == 0) {
        at = i, op_len = 2, equals = false;
      } else if (part.compare(i, 2, "==") == 0) {
        at = i, op_len = 2;
      } else if (part[i] == '=') {
        at = i, op_len = 1;
      }
    }
    if (at == std::string::npos) {
      return core::invalidArgument("invalid selector: '" + text + "'; can't understand '" + part +
                                   "'");
    }
    auto value = unescapeValue(part.substr(at + op_len));
    if (!value.isOk()) return value.status();
    sel.reqs_.push_back({part.substr(0, at), equals, std::move(*value)});
  }
  return sel;
}

core::Result<FieldSelector> FieldSelector::parse(const std::string& text, const std::string& group,
                                                 const std::string& resource, bool custom) {
  return parse(text, group, resource, custom, {});
}

core::Result<FieldSelector> FieldSelector::parse(
    const std::string& text, const std::string& group, const std::string& resource, bool custom,
    const std::vector<std::string>& selectable_fields) {
  auto sel = parse(text);
  if (!sel.isOk()) return sel;
  for (const auto& r : sel->reqs_) {
    FLOTILLA_RETURN_IF_ERROR(
        checkSelectableField(group, resource, custom, r.field, selectable_fields));
  }
  sel->group_ = group;
  sel->resource_ = resource;
  return sel;
}

bool FieldSelector::matches(const Json& obj) const {
  return std::all_of(reqs_.begin(), reqs_.end(), [&](const FieldRequirement& r) {
    const std::string v =
        resource_.empty() ? fieldValue(obj, r.field) : fieldValue(resource_, obj, r.field);
    return (v == r.value) == r.equals;
  });
}

bool FieldSelector::matches(const FieldExtractor& extract) const {
  return std::all_of(reqs_.begin(), reqs_.end(), [&](const FieldRequirement& r) {
    const std::string v = extract ? extract(r.field).value_or("") : std::string();
    return (v == r.value) == r.equals;
  });
}

std::string FieldSelector::toString() const {
  std::string out;
  for (const auto& r : reqs_) {
    out += (out.empty() ? "" : ",") + r.field + (r.equals ? "=" : "!=") + escapeValue(r.value);
  }
  return out;
}

}  // namespace flotilla::apimachinery
