#include "controllers/wire/override_policies.h"

#include "api/codec.h"

namespace flotilla::controllers {

std::vector<api::OverridePolicy> decodeOverridePolicies(
    const std::vector<client::ObjectPtr>& objs) {
  std::vector<api::OverridePolicy> out;
  for (const auto& o : objs) {
    auto p = api::fromJson<api::OverridePolicy>(o->json());
    if (!p) continue;
    api::setDefaults(*p);
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace flotilla::controllers
