#include "apiserver/karmada_admission.h"

#include "api/codec.h"
#include "api/validation.h"

namespace flotilla::apiserver {

namespace {

// Decodes into the typed API (decode errors are causes too), then runs the rule set.
template <class T, class Fn>
KindValidator typed(Fn validate) {
  return [validate](const Json& obj, const Json* old) -> std::vector<core::Cause> {
    auto decoded = api::fromJson<T>(obj);
    if (!decoded.isOk()) {
      auto causes = decoded.status().causes();
      if (causes.empty()) causes.push_back({"FieldValueInvalid", decoded.status().message(), ""});
      return causes;
    }
    const T* previous = nullptr;
    T old_value;
    if (old != nullptr) {
      auto o = api::fromJson<T>(*old);
      if (o.isOk()) {
        old_value = std::move(*o);
        previous = &old_value;
      }
    }
    return validate(*decoded, previous);
  };
}

}  // namespace

void registerKarmadaValidators(Admission& admission) {
  auto propagation = typed<api::PropagationPolicy>(
      [](const api::PropagationPolicy& p, const api::PropagationPolicy* old) {
        return old ? api::validatePropagationPolicyUpdate(*old, p)
                   : api::validatePropagationPolicy(p);
      });
  admission.registerValidator("policy.karmada.io", "PropagationPolicy", propagation);
  admission.registerValidator("policy.karmada.io", "ClusterPropagationPolicy", propagation);
  auto overrides = typed<api::OverridePolicy>(
      [](const api::OverridePolicy& p, const api::OverridePolicy*) {
        return api::validateOverridePolicy(p);
      });
  admission.registerValidator("policy.karmada.io", "OverridePolicy", overrides);
  admission.registerValidator("policy.karmada.io", "ClusterOverridePolicy", overrides);
  admission.registerValidator(
      "policy.karmada.io", "ClusterTaintPolicy",
      typed<api::ClusterTaintPolicy>([](const api::ClusterTaintPolicy& p,
                                        const api::ClusterTaintPolicy*) {
        return api::validateClusterTaintPolicy(p);
      }));
  admission.registerValidator(
      "cluster.karmada.io", "Cluster",
      typed<api::Cluster>([](const api::Cluster& c, const api::Cluster*) {
        return api::validateCluster(c);
      }));
  admission.registerValidator(
      "estimator.flotilla.io", "PriceBook",
      typed<api::PriceBook>([](const api::PriceBook& b, const api::PriceBook*) {
        return api::validatePriceBook(b);
      }));
}

}  // namespace flotilla::apiserver
