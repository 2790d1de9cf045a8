// Resource quantities as the typed API carries them: strings on the wire ("500m", "1Gi"), with a
// parse helper into exact milli-units and the Kubernetes canonical formatting used when sums are
// written back (BinarySI such as "1536Mi" when the inputs were binary, DecimalSI such as
// "1500m" or "2" otherwise). A thin milli-unit view over apimachinery::Quantity (the full
// resource.Quantity), which is what the interpreter and estimators need.
#pragma once

#include <cstdint>
#include <string>

#include "api/meta.h"
#include "core/status.h"

namespace flotilla::api {

enum class QuantityFormat { DecimalSI, BinarySI };

struct ParsedQuantity {
  int64_t milli = 0;  // value * 1000, rounded up like resource.Quantity.MilliValue; saturates
  QuantityFormat format = QuantityFormat::DecimalSI;
  // Whole units rounded up (resource.Quantity.Value).
  int64_t value() const;
};

core::Result<ParsedQuantity> parseQuantity(const std::string& text);
std::string formatQuantity(int64_t milli, QuantityFormat format);

// Sums b into a (per resource). Unparsable entries are an InvalidArgument naming the resource.
core::Status addResourceList(ResourceList& a, const ResourceList& b);
// a[r] = max(a[r], b[r]) per resource.
core::Status maxResourceList(ResourceList& a, const ResourceList& b);

}  // namespace flotilla::api
