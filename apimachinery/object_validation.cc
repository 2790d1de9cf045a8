#include "apimachinery/object_validation.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kDns1123LabelMaxLength = 63;
constexpr std::size_t kDns1123SubdomainMaxLength = 253;
constexpr std::size_t kQualifiedNameMaxLength = 63;
constexpr std::size_t kLabelValueMaxLength = 63;
constexpr std::size_t kTotalAnnotationSizeLimit = 256 * 1024;

constexpr const char* kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr const char* kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr const char* kDns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr const char* kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr const char* kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

constexpr const char* kDns1123LabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character";
constexpr const char* kDns1123SubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr const char* kDns1035LabelMsg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character";
constexpr const char* kQualifiedNameMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr const char* kLabelValueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";

// apimachinery's RegexError: the message, examples and the regex, with its odd double spaces.
std::string regexError(const std::string& msg, const std::string& fmt,
                       std::initializer_list<const char*> examples) {
  std::string out = msg + " (e.g. ";
  bool first = true;
  for (const char* e : examples) {
    if (!first) out += " or ";
    first = false;
    out += std::string("'") + e + "', ";
  }
  return out + "regex used for validation is '" + fmt + "')";
}

std::string maxLenError(std::size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

bool lowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool anyAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool matchesDns1123Label(const std::string& s) {
  if (s.empty() || !lowerAlnum(s.front()) || !lowerAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lowerAlnum(c) || c == '-'; });
}

bool matchesDns1123Subdomain(const std::string& s) {
  std::size_t pos = 0;
  while (true) {
    std::size_t dot = s.find('.', pos);
    if (!matchesDns1123Label(s.substr(pos, dot == std::string::npos ? dot : dot - pos))) {
      return false;
    }
    if (dot == std::string::npos) return true;
    pos = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], i.e. non-empty.
bool matchesQualifiedNamePart(const std::string& s) {
  if (s.empty() || !anyAlnum(s.front()) || !anyAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return anyAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string lowered(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string stringOr(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void addInvalid(std::vector<core::Cause>& out, const std::string& field, const Json& value,
                const std::string& detail) {
  out.push_back({"FieldValueInvalid", invalidValueMessage(value, detail), field});
}

}  // namespace

std::vector<std::string> dns1123SubdomainErrors(const std::string& s) {
  std::vector<std::string> errs;
  if (s.size() > kDns1123SubdomainMaxLength)
    errs.push_back(maxLenError(kDns1123SubdomainMaxLength));
  if (!matchesDns1123Subdomain(s)) {
    errs.push_back(regexError(kDns1123SubdomainMsg, kDns1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> dns1123LabelErrors(const std::string& s) {
  std::vector<std::string> errs;
  if (s.size() > kDns1123LabelMaxLength) errs.push_back(maxLenError(kDns1123LabelMaxLength));
  if (!matchesDns1123Label(s)) {
    errs.push_back(regexError(kDns1123LabelMsg, kDns1123LabelFmt, {"my-name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> dns1035LabelErrors(const std::string& s) {
  std::vector<std::string> errs;
  if (s.size() > kDns1123LabelMaxLength) errs.push_back(maxLenError(kDns1123LabelMaxLength));
  if (!matchesDns1123Label(s) || !(s.front() >= 'a' && s.front() <= 'z')) {
    errs.push_back(regexError(kDns1035LabelMsg, kDns1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

std::vector<std::string> qualifiedNameErrors(const std::string& s) {
  std::vector<std::string> errs;
  const std::size_t slashes = static_cast<std::size_t>(std::count(s.begin(), s.end(), '/'));
  std::string name = s;
  if (slashes > 1) {
    errs.push_back(
        "a qualified name " +
        regexError(kQualifiedNameMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (slashes == 1) {
    const std::size_t slash = s.find('/');
    const std::string prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      for (const auto& m : dns1123SubdomainErrors(prefix)) errs.push_back("prefix part " + m);
    }
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kQualifiedNameMaxLength) {
    errs.push_back("name part " + maxLenError(kQualifiedNameMaxLength));
  }
  if (!matchesQualifiedNamePart(name)) {
    errs.push_back("name part " + regexError(kQualifiedNameMsg, kQualifiedNameFmt,
                                             {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> labelValueErrors(const std::string& s) {
  std::vector<std::string> errs;
  if (s.size() > kLabelValueMaxLength) errs.push_back(maxLenError(kLabelValueMaxLength));
  if (!s.empty() && !matchesQualifiedNamePart(s)) {
    errs.push_back(regexError(kLabelValueMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

std::vector<std::string> pathSegmentNameErrors(const std::string& s) {
  if (s == "." || s == "..") return {"may not be '" + s + "'"};
  std::vector<std::string> errs;
  for (const char* bad : {"/", "%"}) {
    if (s.find(bad) != std::string::npos)
      errs.push_back(std::string("may not contain '") + bad + "'");
  }
  return errs;
}

NameRule nameRuleFor(const std::string& group, const std::string& resource) {
  if (group.empty() && resource == "namespaces") return NameRule::Dns1123Label;
  if (group.empty() && resource == "services") return NameRule::Dns1035Label;
  if (group == "rbac.authorization.k8s.io") return NameRule::PathSegment;
  if (group.empty() && resource == "persistentvolumes") return NameRule::PathSegment;
  return NameRule::Dns1123Subdomain;
}

std::vector<std::string> nameErrors(NameRule rule, const std::string& name) {
  switch (rule) {
    case NameRule::Dns1123Subdomain:
      return dns1123SubdomainErrors(name);
    case NameRule::Dns1123Label:
      return dns1123LabelErrors(name);
    case NameRule::Dns1035Label:
      return dns1035LabelErrors(name);
    case NameRule::PathSegment:
      return pathSegmentNameErrors(name);
  }
  return {};
}

std::string jsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string invalidValueMessage(const Json& value, const std::string& detail) {
  std::string shown;
  if (value.is_null()) {
    shown = "\"null\"";
  } else {
    shown = jsonText(value);
  }
  std::string out = "Invalid value: " + shown;
  if (!detail.empty()) out += ": " + detail;
  return out;
}

std::vector<core::Cause> validateObjectMeta(const Json& meta, bool namespaced, NameRule rule) {
  std::vector<core::Cause> causes;
  if (!meta.is_object()) {
    causes.push_back({"FieldValueInvalid", "Invalid value: must be an object", "metadata"});
    return causes;
  }
  const std::string generate_name = stringOr(meta, "generateName");
  if (!generate_name.empty()) {
    // Validated as a prefix: a trailing '-' is fine because random characters follow it.
    std::string masked = generate_name;
    if (masked.back() == '-') masked.back() = 'a';
    for (const auto& m : nameErrors(rule, masked)) {
      addInvalid(causes, "metadata.generateName", generate_name, m);
    }
  }
  const std::string name = stringOr(meta, "name");
  if (name.empty()) {
    causes.push_back({"FieldValueRequired", "Required value: name or generateName is required",
                      "metadata.name"});
  } else {
    for (const auto& m : nameErrors(rule, name)) addInvalid(causes, "metadata.name", name, m);
  }
  if (namespaced) {
    const std::string ns = stringOr(meta, "namespace");
    if (ns.empty()) {
      causes.push_back({"FieldValueRequired", "Required value", "metadata.namespace"});
    } else {
      for (const auto& m : dns1123LabelErrors(ns)) addInvalid(causes, "metadata.namespace", ns, m);
    }
  }
  if (auto gen = meta.find("generation");
      gen != meta.end() && gen->is_number() && gen->get<double>() < 0) {
    addInvalid(causes, "metadata.generation", *gen, "must be greater than or equal to 0");
  }
  if (auto labels = meta.find("labels"); labels != meta.end() && labels->is_object()) {
    for (const auto& [k, v] : labels->items()) {
      for (const auto& m : qualifiedNameErrors(k)) addInvalid(causes, "metadata.labels", k, m);
      const std::string value = v.is_string() ? v.get<std::string>() : jsonText(v);
      for (const auto& m : labelValueErrors(value)) {
        addInvalid(causes, "metadata.labels", value, m);
      }
    }
  }
  if (auto ann = meta.find("annotations"); ann != meta.end() && ann->is_object()) {
    std::size_t total = 0;
    for (const auto& [k, v] : ann->items()) {
      // Annotation keys are case-insensitive qualified names.
      for (const auto& m : qualifiedNameErrors(lowered(k))) {
        addInvalid(causes, "metadata.annotations", k, m);
      }
      total += k.size() + (v.is_string() ? v.get<std::string>().size() : jsonText(v).size());
    }
    if (total > kTotalAnnotationSizeLimit) {
      causes.push_back(
          {"FieldValueTooLong",
           "Too long: may not be more than " + std::to_string(kTotalAnnotationSizeLimit) + " bytes",
           "metadata.annotations"});
    }
  }
  if (auto refs = meta.find("ownerReferences"); refs != meta.end() && refs->is_array()) {
    int controllers = 0;
    for (const auto& ref : *refs) {
      if (!ref.is_object()) continue;
      const std::string base = "metadata.ownerReferences";
      if (stringOr(ref, "apiVersion").empty()) {
        addInvalid(causes, base + ".apiVersion", "", "version must not be empty");
      }
      for (const char* f : {"kind", "name", "uid"}) {
        if (stringOr(ref, f).empty()) addInvalid(causes, base + "." + f, "", "must not be empty");
      }
      if (auto c = ref.find("controller"); c != ref.end() && c->is_boolean() && c->get<bool>()) {
        ++controllers;
      }
    }
    if (controllers > 1) {
      causes.push_back({"FieldValueInvalid",
                        "Invalid value: " + jsonText(*refs) +
                            ": Only one reference can have Controller set to true",
                        "metadata.ownerReferences"});
    }
  }
  if (auto fins = meta.find("finalizers"); fins != meta.end() && fins->is_array()) {
    bool orphan = false;
    bool foreground = false;
    for (const auto& f : *fins) {
      const std::string value = f.is_string() ? f.get<std::string>() : jsonText(f);
      for (const auto& m : qualifiedNameErrors(value)) {
        addInvalid(causes, "metadata.finalizers", value, m);
      }
      orphan = orphan || value == "orphan";
      foreground = foreground || value == "foregroundDeletion";
    }
    if (orphan && foreground) {
      addInvalid(causes, "metadata.finalizers", *fins,
                 "finalizer orphan and foregroundDeletion cannot be both set");
    }
  }
  return causes;
}

std::vector<core::Cause> validateObjectMeta(const Json& meta, bool namespaced, bool label_name) {
  return validateObjectMeta(meta, namespaced,
                            label_name ? NameRule::Dns1123Label : NameRule::Dns1123Subdomain);
}

std::string generateName(const std::string& prefix, const std::function<uint32_t()>& random) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out = prefix.substr(0, std::min(prefix.size(), kMaxGeneratedNamePrefix));
  for (std::size_t i = 0; i < kGeneratedNameRandomLength; ++i) {
    const uint32_t r = random ? random() : 0;
    out.push_back(kAlphabet[r % kAlphabet.size()]);
  }
  return out;
}

}  // namespace flotilla::apimachinery
