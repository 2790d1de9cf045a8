#include "apimachinery/field_selector.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

// Extra selectable fields per "group/resource" beyond metadata.name and metadata.namespace.
const std::map<std::string, std::set<std::string>>& extraFields() {
  static const std::map<std::string, std::set<std::string>> kFields = {
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
        "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName"}},
      {"/namespaces", {"status.phase"}},
      {"/secrets", {"type"}},
      {"/nodes", {"spec.unschedulable"}},
      {"batch/jobs", {"status.successful"}},
      {"/replicationcontrollers", {"status.replicas"}},
      {"apps/replicasets", {"status.replicas"}},
  };
  return kFields;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  std::size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

std::string fieldValue(const Json& obj, const std::string& field) {
  if (field == "source" && obj.contains("source") && obj["source"].is_object()) {
    // Events' `source` selector compares the component.
    return obj["source"].value("component", "");
  }
  const Json* cur = &obj;
  std::size_t pos = 0;
  while (pos <= field.size()) {
    std::size_t dot = field.find('.', pos);
    std::string part = field.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (!cur->is_object()) return "";
    auto it = cur->find(part);
    if (it == cur->end()) {
      // Unset booleans select as "false", as Go's zero values do.
      if (field == "spec.unschedulable" || field == "spec.hostNetwork") return "false";
      return "";
    }
    cur = &*it;
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  if (cur->is_number()) return cur->dump();
  if (cur->is_null()) return "";
  return cur->dump();
}

core::Result<FieldSelector> FieldSelector::parse(const std::string& text, const std::string& group,
                                                 const std::string& resource, bool custom) {
  FieldSelector sel;
  sel.group_ = group;
  sel.resource_ = resource;
  std::string rest = text;
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    std::size_t comma = rest.find(',', pos);
    std::string part =
        trim(rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (!part.empty()) {
      FieldRequirement req;
      std::size_t op;
      if ((op = part.find("!=")) != std::string::npos) {
        req.equals = false;
        req.field = trim(part.substr(0, op));
        req.value = trim(part.substr(op + 2));
      } else if ((op = part.find("==")) != std::string::npos) {
        req.field = trim(part.substr(0, op));
        req.value = trim(part.substr(op + 2));
      } else if ((op = part.find('=')) != std::string::npos) {
        req.field = trim(part.substr(0, op));
        req.value = trim(part.substr(op + 1));
      } else {
        return core::invalidArgument("invalid selector: '" + text +
                                     "'; can't understand '" + part + "'");
      }
      bool supported = req.field == "metadata.name" || req.field == "metadata.namespace";
      if (!supported && !custom) {
        auto it = extraFields().find(group + "/" + resource);
        supported = it != extraFields().end() && it->second.count(req.field) > 0;
      }
      if (!supported) {
        if (custom) {
          return core::invalidArgument("\"" + req.field +
                                       "\" is not a known field selector: only \"metadata.name\", "
                                       "\"metadata.namespace\"");
        }
        return core::invalidArgument("field label not supported: " + req.field);
      }
      sel.reqs_.push_back(std::move(req));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return sel;
}

bool FieldSelector::matches(const Json& obj) const {
  for (const auto& r : reqs_) {
    const bool eq = fieldValue(obj, r.field) == r.value;
    if (eq != r.equals) return false;
  }
  return true;
}

}  // namespace flotilla::apimachinery
