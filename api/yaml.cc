#include "api/yaml.h"

#include <yaml-cpp/yaml.h>

#include <cctype>

namespace flotilla::api {

namespace {

bool isNullScalar(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool allOf(const std::string& s, size_t from, bool (*pred)(char)) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i) {
    if (!pred(s[i])) return false;
  }
  return true;
}
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isOctal(char c) { return c >= '0' && c <= '7'; }
bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// YAML 1.2 core schema, hand-written rather than std::regex: libstdc++'s regex recurses per
// character and overflows the stack on long hostile scalars.
bool isYamlInt(const std::string& s) {
  if (s.rfind("0o", 0) == 0) return allOf(s, 2, isOctal);
  if (s.rfind("0x", 0) == 0) return allOf(s, 2, isHex);
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return allOf(s, i, isDigit);
}

bool isYamlSpecialFloat(const std::string& s) {
  std::string body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body = body.substr(1);
  if (body == ".inf" || body == ".Inf" || body == ".INF") return true;
  return s == ".nan" || s == ".NaN" || s == ".NAN";
}

bool isYamlFloat(const std::string& s) {
  if (isYamlSpecialFloat(s)) return true;
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && isDigit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isDigit(s[i])) ++i, ++frac_digits;
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && isDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

Json scalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  // Quoted scalars and explicitly tagged strings carry the "!" / "!!str" tag.
  if (node.Tag() != "?") return s;
  if (isNullScalar(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (isYamlInt(s)) {
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
  if (isYamlFloat(s)) {
    if (isYamlSpecialFloat(s)) return s;  // JSON has no representation; keep the text.
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
                                 "YES",  "no",   "No",   "NO",    "on",    "On",    "ON",  "off",
                                 "Off",  "OFF",  "y",    "Y",     "n",     "N"};
  for (const char* w : kWords) {
    if (s == w) return true;
  }
  return isYamlInt(s) || isYamlFloat(s);
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
