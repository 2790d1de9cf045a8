#include "mcs/validation/causes.h"

#include <arpa/inet.h>

#include <cctype>

namespace flotilla::mcs {

bool isDns1123Label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(c == '-' && i != 0 && i + 1 != s.size())) return false;
  }
  return true;
}

bool isDns1035Label(const std::string& s) {
  return isDns1123Label(s) && s[0] >= 'a' && s[0] <= 'z';
}

bool isValidIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

namespace detail {

void required(Causes& out, const std::string& field) {
  out.push_back({"FieldValueRequired", "Required value", field});
}

void invalid(Causes& out, const std::string& field, const std::string& value,
             const std::string& detail) {
  out.push_back({"FieldValueInvalid", "Invalid value: \"" + value + "\": " + detail, field});
}

void forbidden(Causes& out, const std::string& field, const std::string& detail) {
  out.push_back({"FieldValueForbidden", "Forbidden: " + detail, field});
}

void duplicate(Causes& out, const std::string& field, const std::string& value) {
  out.push_back({"FieldValueDuplicate", "Duplicate value: \"" + value + "\"", field});
}

void notFound(Causes& out, const std::string& field, const std::string& value,
              const std::string& detail) {
  out.push_back({"FieldValueNotFound", "Not found: \"" + value + "\": " + detail, field});
}

void notSupported(Causes& out, const std::string& field, const std::string& value,
                  std::initializer_list<const char*> supported) {
  std::string list;
  for (const char* s : supported) list += (list.empty() ? "\"" : ", \"") + std::string(s) + "\"";
  out.push_back({"FieldValueNotSupported",
                 "Unsupported value: \"" + value + "\": supported values: " + list, field});
}

const Json& member(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string text(const Json& obj, const char* name) {
  const Json& v = member(obj, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string show(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void serviceName(Causes& out, const Json& obj) {
  const std::string name = text(member(obj, "metadata"), "name");
  // An empty name is reported by the generic ObjectMeta validation.
  if (!name.empty() && !isDns1035Label(name)) {
    invalid(out, "metadata.name", name,
            "must name a Service: a DNS-1035 label (at most 63 lowercase letters, digits or '-', "
            "starting with a letter and ending with a letter or digit)");
  }
}

void portEntry(Causes& out, const Json& port, const std::string& path, bool schema_checked) {
  const Json& number = member(port, "port");
  if (number.is_null()) {
    if (!schema_checked) required(out, path + ".port");
  } else if (!number.is_number_integer()) {
    if (!schema_checked) invalid(out, path + ".port", show(number), "must be an integer");
  } else {
    const auto n = number.get<int64_t>();
    if (n < 1 || n > 65535) {
      invalid(out, path + ".port", std::to_string(n), "must be between 1 and 65535, inclusive");
    }
  }
  const std::string name = text(port, "name");
  if (!name.empty() && !isDns1123Label(name)) {
    invalid(out, path + ".name", name,
            "a port name must be a DNS-1123 label (lowercase letters, digits or '-', at most 63)");
  }
}

void clusterName(Causes& out, const std::string& name, const std::string& path,
                 const McsContext& context) {
  if (name.empty()) {
    required(out, path);
    return;
  }
  // A registered Cluster is referable whatever its spelling (Cluster names may be subdomains).
  const bool known = context.known_clusters && context.known_clusters->count(name);
  if (!known && !isDns1123Label(name)) {
    invalid(out, path, name,
            "a cluster name must be a DNS-1123 label (lowercase letters, digits or '-', at most "
            "63)");
    return;
  }
  if (context.known_clusters && !known) {
    notFound(out, path, name, "no Cluster of that name is registered with the host");
  }
}

}  // namespace detail
}  // namespace flotilla::mcs
