// libFuzzer target: arbitrary bytes -> YAML/JSON -> typed policies, clusters and bindings ->
// validation -> encode. Decoding must never crash or throw, and encoding a decoded object and
// decoding it again must reproduce the same JSON (the unknown-field round trip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "api/validation.h"
#include "api/work_types.h"
#include "api/yaml.h"

namespace {

template <class T>
void roundTrip(const flotilla::api::Json& j) {
  auto decoded = flotilla::api::fromJson<T>(j);
  if (!decoded) return;
  const flotilla::api::Json once = flotilla::api::toJson(*decoded);
  auto again = flotilla::api::fromJson<T>(once);
  if (!again || flotilla::api::toJson(*again) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = flotilla::api::yamlToJson(text);
  if (!doc) return 0;
  using namespace flotilla::api;
  roundTrip<PropagationPolicy>(*doc);
  roundTrip<OverridePolicy>(*doc);
  roundTrip<Cluster>(*doc);
  roundTrip<ResourceBinding>(*doc);
  if (auto pp = fromJson<PropagationPolicy>(*doc)) (void)validatePropagationPolicy(*pp);
  if (auto op = fromJson<OverridePolicy>(*doc)) (void)validateOverridePolicy(*op);
  if (auto c = fromJson<Cluster>(*doc)) (void)validateCluster(*c);
  (void)jsonToYaml(*doc);
  return 0;
}
