#include "apimachinery/object_validation.h"

#include <cctype>
#include <regex>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

bool isAlnumLower(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

std::string quoted(const Json& v) { return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump(); }

const char* kSubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* kLabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const char* kValueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const char* kQualifiedMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

}  // namespace

bool isDns1123Label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  if (!isAlnumLower(s.front()) || !isAlnumLower(s.back())) return false;
  for (char c : s) {
    if (!isAlnumLower(c) && c != '-') return false;
  }
  return true;
}

bool isDns1123Subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t dot = s.find('.', pos);
    std::string part = s.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (part.empty() || !isAlnumLower(part.front()) || !isAlnumLower(part.back())) return false;
    for (char c : part) {
      if (!isAlnumLower(c) && c != '-') return false;
    }
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return true;
}

bool isLabelValue(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool isQualifiedName(const std::string& s) {
  auto slash = s.find('/');
  std::string name = s;
  if (slash != std::string::npos) {
    if (!isDns1123Subdomain(s.substr(0, slash))) return false;
    name = s.substr(slash + 1);
  }
  return !name.empty() && isLabelValue(name);
}

std::vector<core::Cause> validateObjectMeta(const Json& meta, bool namespaced, bool label_name) {
  std::vector<core::Cause> causes;
  if (!meta.is_object()) {
    causes.push_back({"FieldValueInvalid", "Invalid value: must be an object", "metadata"});
    return causes;
  }
  const Json name = meta.value("name", Json());
  if (!name.is_string() || name.get<std::string>().empty()) {
    causes.push_back({"FieldValueRequired", "Required value: name or generateName is required",
                      "metadata.name"});
  } else {
    const std::string n = name.get<std::string>();
    const bool ok = label_name ? isDns1123Label(n) : isDns1123Subdomain(n);
    if (!ok) {
      std::string msg = "Invalid value: " + quoted(name) + ": ";
      if (label_name && n.size() > 63) {
        msg += "must be no more than 63 characters";
      } else if (n.size() > 253) {
        msg += "must be no more than 253 characters";
      } else {
        msg += label_name ? kLabelMsg : kSubdomainMsg;
      }
      causes.push_back({"FieldValueInvalid", msg, "metadata.name"});
    }
  }
  if (namespaced) {
    const Json ns = meta.value("namespace", Json());
    if (!ns.is_string() || ns.get<std::string>().empty()) {
      causes.push_back({"FieldValueRequired", "Required value", "metadata.namespace"});
    }
  }
  if (auto labels = meta.find("labels"); labels != meta.end() && !labels->is_null()) {
    if (!labels->is_object()) {
      causes.push_back({"FieldValueInvalid", "Invalid value: must be a map", "metadata.labels"});
    } else {
      for (const auto& [k, v] : labels->items()) {
        if (!isQualifiedName(k)) {
          causes.push_back({"FieldValueInvalid", "Invalid value: \"" + k + "\": " + kQualifiedMsg,
                            "metadata.labels"});
        }
        if (!v.is_string() || !isLabelValue(v.get<std::string>())) {
          causes.push_back({"FieldValueInvalid",
                            "Invalid value: " + quoted(v) + ": " + kValueMsg,
                            "metadata.labels"});
        }
      }
    }
  }
  if (auto ann = meta.find("annotations"); ann != meta.end() && !ann->is_null()) {
    if (!ann->is_object()) {
      causes.push_back({"FieldValueInvalid", "Invalid value: must be a map",
                        "metadata.annotations"});
    } else {
      std::size_t total = 0;
      for (const auto& [k, v] : ann->items()) {
        if (!isQualifiedName(k)) {
          causes.push_back({"FieldValueInvalid", "Invalid value: \"" + k + "\": " + kQualifiedMsg,
                            "metadata.annotations"});
        }
        if (!v.is_string()) {
          causes.push_back({"FieldValueInvalid", "Invalid value: annotation values must be strings",
                            "metadata.annotations"});
        } else {
          total += k.size() + v.get<std::string>().size();
        }
      }
      if (total > 256 * 1024) {
        causes.push_back({"FieldValueTooLong", "Too long: must have at most 262144 bytes",
                          "metadata.annotations"});
      }
    }
  }
  if (auto fins = meta.find("finalizers"); fins != meta.end() && fins->is_array()) {
    for (std::size_t i = 0; i < fins->size(); ++i) {
      const Json& f = (*fins)[i];
      if (!f.is_string() || !isQualifiedName(f.get<std::string>())) {
        causes.push_back({"FieldValueInvalid", "Invalid value: " + quoted(f) + ": " + kQualifiedMsg,
                          "metadata.finalizers[" + std::to_string(i) + "]"});
      }
    }
  }
  return causes;
}

}  // namespace flotilla::apimachinery
