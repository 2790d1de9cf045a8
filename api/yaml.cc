#include "api/yaml.h"

#include <regex>

#include <yaml-cpp/yaml.h>

namespace flotilla::api {

namespace {

bool isNullScalar(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

const std::regex& intRegex() {
  static const std::regex r("^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$");
  return r;
}
const std::regex& floatRegex() {
  static const std::regex r(
      "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\\.(inf|Inf|INF)$|"
      "^\\.(nan|NaN|NAN)$");
  return r;
}

Json scalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  // Quoted scalars and explicitly tagged strings carry the "!" / "!!str" tag.
  if (node.Tag() != "?") return s;
  if (isNullScalar(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, intRegex())) {
    try {
      if (s.rfind("0x", 0) == 0) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 16));
      if (s.rfind("0o", 0) == 0) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 8));
      if (s[0] != '-') {
        size_t pos = 0;
        unsigned long long u = std::stoull(s[0] == '+' ? s.substr(1) : s, &pos);
        if (u <= static_cast<unsigned long long>(INT64_MAX)) return static_cast<int64_t>(u);
        return static_cast<uint64_t>(u);
      }
      return static_cast<int64_t>(std::stoll(s));
    } catch (const std::exception&) {
      // Out of range integers fall through to floats like Go's yaml.
    }
  }
  if (std::regex_match(s, floatRegex())) {
    if (s.find("inf") != std::string::npos || s.find("Inf") != std::string::npos ||
        s.find("INF") != std::string::npos || s.find("nan") != std::string::npos ||
        s.find("NaN") != std::string::npos || s.find("NAN") != std::string::npos) {
      return s;  // JSON has no representation; keep the text.
    }
    try {
      return std::stod(s);
    } catch (const std::exception&) {
      return s;
    }
  }
  return s;
}

Json nodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalarToJson(node);
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& child : node) out.push_back(nodeToJson(child));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = nodeToJson(kv.second);
      return out;
    }
  }
  return nullptr;
}

bool needsQuoting(const std::string& s) {
  if (s.empty()) return true;
  if (isNullScalar(s)) return true;
  static const char* kWords[] = {"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
                                 "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                                 "y", "Y", "n", "N"};
  for (const char* w : kWords) {
    if (s == w) return true;
  }
  return std::regex_match(s, intRegex()) || std::regex_match(s, floatRegex());
}

void emit(YAML::Emitter& out, const Json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out << YAML::Key;
      if (needsQuoting(it.key())) out << YAML::DoubleQuoted;
      out << it.key() << YAML::Value;
      emit(out, it.value());
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& e : j) emit(out, e);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (needsQuoting(s)) out << YAML::DoubleQuoted;
    out << s;
  } else if (j.is_boolean()) {
    out << (j.get<bool>() ? "true" : "false");
  } else if (j.is_null()) {
    out << YAML::Null;
  } else {
    out << j.dump();
  }
}

}  // namespace

core::Result<Json> yamlToJson(const std::string& text) {
  try {
    return nodeToJson(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return core::invalidArgument(std::string("invalid YAML: ") + e.what());
  }
}

core::Result<std::vector<Json>> yamlDocumentsToJson(const std::string& text) {
  try {
    std::vector<Json> out;
    for (const auto& doc : YAML::LoadAll(text)) {
      Json j = nodeToJson(doc);
      if (!j.is_null()) out.push_back(std::move(j));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return core::invalidArgument(std::string("invalid YAML: ") + e.what());
  }
}

std::string jsonToYaml(const Json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  if ((value.is_object() || value.is_array()) && value.empty()) {
    return value.is_object() ? "{}\n" : "[]\n";
  }
  emit(out, value);
  std::string s = out.c_str();
  if (s.empty() || s.back() != '\n') s += '\n';
  return s;
}

}  // namespace flotilla::api
