#include "policies/overriders.h"

#include <cctype>

#include "api/yaml.h"
#include "policies/image_reference.h"
#include "policies/json_patch_ops.h"

namespace flotilla::policies {

namespace {

using api::Json;

std::string kindOf(const Json& object) {
  return object.is_object() && object.contains("kind") && object["kind"].is_string()
             ? object["kind"].get<std::string>()
             : "";
}

// Path of the containers list for the kinds Karmada's image/command/args overriders know.
// CronJob is deliberately absent (Karmada does not auto-detect it).
std::string containersPath(const std::string& kind) {
  if (kind == "Pod") return "/spec/containers";
  if (kind == "ReplicaSet" || kind == "Deployment" || kind == "DaemonSet" ||
      kind == "StatefulSet" || kind == "Job") {
    return "/spec/template/spec/containers";
  }
  return "";
}

core::Status validOperator(const std::string& op, bool allow_replace) {
  if (op == "add" || op == "remove" || (allow_replace && op == "replace")) {
    return core::Status::ok();
  }
  return core::invalidArgument("unsupported operator \"" + op + "\"");
}

}  // namespace

core::Status applyImageOverrider(Json& object, const api::ImageOverrider& o) {
  std::vector<std::string> paths;
  if (o.predicate) {
    paths.push_back(o.predicate->path);
  } else {
    const std::string base = containersPath(kindOf(object));
    if (base.empty()) return core::Status::ok();
    const Json* containers = findPointer(object, base);
    if (containers == nullptr || !containers->is_array()) return core::Status::ok();
    for (size_t i = 0; i < containers->size(); ++i) {
      paths.push_back(base + "/" + std::to_string(i) + "/image");
    }
  }
  std::vector<PatchOp> ops;
  for (const auto& path : paths) {
    const Json* image = findPointer(object, path);
    if (image == nullptr || !image->is_string()) {
      return core::invalidArgument("image at path " + path + " is missing or not a string");
    }
    auto ref = parseImageReference(image->get<std::string>());
    if (!ref) return ref.status();
    FLOTILLA_RETURN_IF_ERROR(applyImageEdit(*ref, o.component, o.operator_, o.value));
    ops.push_back({"replace", path, ref->toString()});
  }
  return applyPatch(object, ops);
}

core::Status applyCommandArgsOverrider(Json& object, const api::CommandArgsOverrider& o,
                                       const std::string& field) {
  FLOTILLA_RETURN_IF_ERROR(validOperator(o.operator_, /*allow_replace=*/false));
  const std::string base = containersPath(kindOf(object));
  if (base.empty()) return core::Status::ok();
  const Json* containers = findPointer(object, base);
  if (containers == nullptr || !containers->is_array()) return core::Status::ok();
  std::vector<PatchOp> ops;
  for (size_t i = 0; i < containers->size(); ++i) {
    const Json& c = (*containers)[i];
    if (!c.is_object() || c.value("name", Json()) != Json(o.container_name)) continue;
    std::vector<std::string> current;
    bool present = c.contains(field);
    if (present && c[field].is_array()) {
      for (const auto& e : c[field])
        current.push_back(e.is_string() ? e.get<std::string>() : api::safeDump(e));
    }
    std::vector<std::string> next;
    if (o.operator_ == "add") {
      next = current;
      next.insert(next.end(), o.value.begin(), o.value.end());
    } else {
      for (const auto& e : current) {
        bool drop = false;
        for (const auto& v : o.value) drop = drop || v == e;
        if (!drop) next.push_back(e);
      }
    }
    // Absent field -> add (even for remove, which then adds an empty list: Karmada quirk).
    ops.push_back(
        {present ? "replace" : "add", base + "/" + std::to_string(i) + "/" + field, Json(next)});
  }
  return applyPatch(object, ops);
}

core::Status applyLabelAnnotationOverrider(Json& object, const api::LabelAnnotationOverrider& o,
                                           const std::string& field) {
  FLOTILLA_RETURN_IF_ERROR(validOperator(o.operator_, /*allow_replace=*/true));
  if (!object.is_object()) return core::invalidArgument("object must be a JSON object");
  Json& meta = object["metadata"];
  if (meta.is_null()) meta = Json::object();
  if (!meta.is_object()) return core::invalidArgument("metadata must be an object");
  std::vector<PatchOp> ops;
  const bool has_map = meta.contains(field) && meta[field].is_object();
  if (o.operator_ == "add" && !has_map && !o.value.empty()) {
    ops.push_back({"add", "/metadata/" + field, Json::object()});
  }
  for (const auto& [key, value] : o.value) {
    const std::string path = "/metadata/" + field + "/" + escapePointerToken(key);
    const bool exists = has_map && meta[field].contains(key);
    if (o.operator_ == "add") {
      ops.push_back({"add", path, value});
    } else if (o.operator_ == "replace" && exists) {
      ops.push_back({"replace", path, value});
    } else if (o.operator_ == "remove" && exists) {
      ops.push_back({"remove", path, nullptr});
    }
  }
  return applyPatch(object, ops);
}

namespace {

bool isNumberLike(const std::string& s) {
  // [-+]?(digits|.digits|digits.digits?)([eE][-+]?digits)? with '_' allowed (YAML 1.1), 0x...
  if (s.rfind("0x", 0) == 0) return s.size() > 2;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t digits = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_'))
    ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_'))
      ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

// Strings go-yaml would read back as another type (YAML 1.1 booleans, numbers, null) or that
// cannot be written plain are single-quoted, as go-yaml v2 does.
bool yamlNeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  static const char* kWords[] = {"~",     "null",  "Null",  "NULL", "true", "True", "TRUE",
                                 "false", "False", "FALSE", "y",    "Y",    "yes",  "Yes",
                                 "YES",   "n",     "N",     "no",   "No",   "NO",   "on",
                                 "On",    "ON",    "off",   "Off",  "OFF",  ".inf", ".Inf",
                                 ".INF",  "-.inf", "+.inf", ".nan", ".NaN", ".NAN"};
  for (const char* w : kWords) {
    if (s == w) return true;
  }
  if (isNumberLike(s)) return true;
  const char first = s.front();
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(first) != std::string::npos) return true;
  if (s.back() == ' ' || first == ' ') return true;
  return s.find(": ") != std::string::npos || s.find(" #") != std::string::npos ||
         s.find('\n') != std::string::npos || s.find('\t') != std::string::npos;
}

std::string yamlScalar(const Json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!yamlNeedsQuotes(s)) return s;
    if (s.find('\n') != std::string::npos || s.find('\t') != std::string::npos)
      return api::safeDump(v);
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  if (v.is_null()) return "null";
  return api::safeDump(v);
}

void goYamlEmit(const Json& v, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {  // Json keeps keys sorted
      out += pad + yamlScalar(Json(it.key())) + ":";
      const Json& child = it.value();
      if (child.is_object() && !child.empty()) {
        out += "\n";
        goYamlEmit(child, indent + 2, out);
      } else if (child.is_array() && !child.empty()) {
        out += "\n";
        goYamlEmit(child, indent, out);
      } else {
        out += " " +
               (child.is_object()  ? std::string("{}")
                : child.is_array() ? std::string("[]")
                                   : yamlScalar(child)) +
               "\n";
      }
    }
  } else if (v.is_array()) {
    for (const auto& e : v) {
      if ((e.is_object() || e.is_array()) && !e.empty()) {
        std::string nested;
        goYamlEmit(e, indent + 2, nested);
        // Put the first line of the nested block after "- ".
        out += pad + "- " + nested.substr(static_cast<size_t>(indent) + 2);
      } else {
        out += pad + "- " +
               (e.is_object()  ? std::string("{}")
                : e.is_array() ? std::string("[]")
                               : yamlScalar(e)) +
               "\n";
      }
    }
  } else {
    out += pad + yamlScalar(v) + "\n";
  }
}

}  // namespace

std::string goYamlMarshal(const Json& value) {
  if (value.is_object() && value.empty()) return "{}\n";
  if (value.is_array() && value.empty()) return "[]\n";
  std::string out;
  goYamlEmit(value, 0, out);
  return out;
}

core::Status applyFieldOverrider(Json& object, const api::FieldOverrider& o) {
  const Json* field = findPointer(object, o.field_path);
  if (field == nullptr) {
    return core::invalidArgument("fieldOverrider: path " + o.field_path + " does not exist");
  }
  if (!field->is_string()) {
    return core::invalidArgument("fieldOverrider: value at " + o.field_path + " is not a string");
  }
  const std::string text = field->get<std::string>();
  const bool as_yaml = !o.yaml.empty();
  const auto& sub_ops = as_yaml ? o.yaml : o.json;
  std::vector<PatchOp> ops;
  for (const auto& s : sub_ops) {
    FLOTILLA_RETURN_IF_ERROR(validOperator(s.operator_, /*allow_replace=*/true));
    if (s.operator_ != "remove" && !s.value) {
      return core::invalidArgument("fieldOverrider: value is required for " + s.operator_);
    }
    ops.push_back({s.operator_, s.sub_path, s.value.value_or(Json())});
  }
  std::string rewritten;
  if (as_yaml) {
    auto doc = api::yamlToJson(text);
    if (!doc) return doc.status().withContext("fieldOverrider: " + o.field_path);
    Json j = *doc;
    FLOTILLA_RETURN_IF_ERROR(applyPatch(j, ops));
    rewritten = goYamlMarshal(j);
  } else {
    nlohmann::ordered_json j;
    try {
      j = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      return core::invalidArgument("fieldOverrider: " + o.field_path +
                                   " is not valid JSON: " + e.what());
    }
    FLOTILLA_RETURN_IF_ERROR(applyPatch(j, ops));
    rewritten = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  return applyPatch(object, {{"replace", o.field_path, rewritten}});
}

core::Status applyPlaintextOverriders(Json& object,
                                      const std::vector<api::PlaintextOverrider>& list) {
  std::vector<PatchOp> ops;
  for (const auto& p : list) {
    FLOTILLA_RETURN_IF_ERROR(validOperator(p.operator_, /*allow_replace=*/true));
    if (p.operator_ == "remove" && p.value && !p.value->is_null()) {
      return core::invalidArgument("plaintext: value must be empty for remove at " + p.path);
    }
    ops.push_back({p.operator_, p.path, p.value.value_or(Json())});
  }
  return applyPatch(object, ops);
}

core::Status applyOverriders(Json& object, const api::Overriders& o) {
  for (size_t i = 0; i < o.image_overrider.size(); ++i) {
    auto st = applyImageOverrider(object, o.image_overrider[i]);
    if (!st) return st.withContext("imageOverrider[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < o.command_overrider.size(); ++i) {
    auto st = applyCommandArgsOverrider(object, o.command_overrider[i], "command");
    if (!st) return st.withContext("commandOverrider[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < o.args_overrider.size(); ++i) {
    auto st = applyCommandArgsOverrider(object, o.args_overrider[i], "args");
    if (!st) return st.withContext("argsOverrider[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < o.labels_overrider.size(); ++i) {
    auto st = applyLabelAnnotationOverrider(object, o.labels_overrider[i], "labels");
    if (!st) return st.withContext("labelsOverrider[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < o.annotations_overrider.size(); ++i) {
    auto st = applyLabelAnnotationOverrider(object, o.annotations_overrider[i], "annotations");
    if (!st) return st.withContext("annotationsOverrider[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < o.field_overrider.size(); ++i) {
    auto st = applyFieldOverrider(object, o.field_overrider[i]);
    if (!st) return st.withContext("fieldOverrider[" + std::to_string(i) + "]");
  }
  if (!o.plaintext.empty()) {
    auto st = applyPlaintextOverriders(object, o.plaintext);
    if (!st) return st.withContext("plaintext");
  }
  return core::Status::ok();
}

}  // namespace flotilla::policies
