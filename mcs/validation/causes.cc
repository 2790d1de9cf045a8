#include "mcs/validation/causes.h"

#include <arpa/inet.h>

#include <cctype>

#include "apimachinery/object_validation.h"

namespace flotilla::mcs {

// The name rules are apimachinery's (the API server's own), re-exported for the status command.
bool isDns1123Label(const std::string& s) { return apimachinery::isDns1123Label(s); }

bool isDns1035Label(const std::string& s) {
  return apimachinery::dns1035LabelErrors(s).empty();
}

bool isValidIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

namespace detail {

void notFound(Causes& out, const std::string& field, const std::string& value,
              const std::string& detail) {
  out.push_back({"FieldValueNotFound", "Not found: \"" + value + "\": " + detail, field});
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
