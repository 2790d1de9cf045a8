// Cause builders and tolerant field readers shared by the MCS validators (not a public API). The
// messages follow kube-apiserver's field.Error texts so kubectl output looks familiar.
#pragma once

#include <initializer_list>
#include <string>

#include "mcs/validation/validation.h"

namespace flotilla::mcs::detail {

void required(Causes& out, const std::string& field);
void invalid(Causes& out, const std::string& field, const std::string& value,
             const std::string& detail);
void forbidden(Causes& out, const std::string& field, const std::string& detail);
void duplicate(Causes& out, const std::string& field, const std::string& value);
void notFound(Causes& out, const std::string& field, const std::string& value,
              const std::string& detail);
void notSupported(Causes& out, const std::string& field, const std::string& value,
                  std::initializer_list<const char*> supported);

// Readers that never throw: a wrong type reads as absent.
const Json& member(const Json& obj, const char* name);
std::string text(const Json& obj, const char* name);
// A JSON value as it would appear in a message (strings unquoted).
std::string show(const Json& value);

// metadata.name must be a DNS-1035 label (it names a Service).
void serviceName(Causes& out, const Json& obj);
// One port entry: port 1-65535; name a DNS-1123 label when set.
void portEntry(Causes& out, const Json& port, const std::string& path, bool schema_checked);
// Cluster names: DNS-1123 labels, no duplicates, known to the host when the context says which.
void clusterName(Causes& out, const std::string& name, const std::string& path,
                 const McsContext& context);

}  // namespace flotilla::mcs::detail
