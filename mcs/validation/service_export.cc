// ServiceExport (mcs-api v0.1.0) has no spec: what can be wrong is its name and the Service it
// exports. The Service is checked only where it is visible (context.service).
#include "mcs/validation/causes.h"

namespace flotilla::mcs {

using namespace detail;  // NOLINT: the cause builders read better unqualified

Causes validateExportable(const Json& service) {
  Causes out;
  const std::string type = text(member(service, "spec"), "type");
  if (type == "ExternalName") {
    forbidden(out, "spec.type",
              "a Service of type ExternalName cannot be exported: it has no endpoints to share "
              "with the cluster set");
  }
  return out;
}

ExportBlock exportBlock(const Json& service) {
  const Causes causes = validateExportable(service);
  if (causes.empty()) return {};
  const Json& meta = member(service, "metadata");
  const std::string key = text(meta, "namespace") + "/" + text(meta, "name");
  return {"ExternalNameNotSupported", "Service " + key + " is of type ExternalName: it has no "
                                      "endpoints to export to the cluster set"};
}

Causes validateServiceExport(const Json& export_obj, const McsContext& context) {
  Causes out;
  serviceName(out, export_obj);
  if (context.service != nullptr) {
    for (auto c : validateExportable(*context.service)) {
      // The object at fault is the Service; say so in the path.
      c.field = "metadata.name";
      c.message = "Forbidden: Service \"" + text(member(*context.service, "metadata"), "name") +
                  "\" is of type ExternalName and cannot be exported: it has no endpoints to "
                  "share with the cluster set";
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace flotilla::mcs
