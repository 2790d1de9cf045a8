// Cause builders and tolerant field readers shared by the MCS validators (not a public API). The
// field-error builders are the Karmada validators' own (api/validation_internal.h), so MCS and
// policy rejections read the same (kube-apiserver's field.Error texts); only notFound, which no
// policy rule needs, is added here.
#pragma once

#include <string>

#include "api/validation_internal.h"
#include "mcs/validation/validation.h"

namespace flotilla::mcs::detail {

using api::validation::duplicate;
using api::validation::forbidden;
using api::validation::invalid;
using api::validation::notSupported;
using api::validation::required;
void notFound(Causes& out, const std::string& field, const std::string& value,
              const std::string& detail);

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
