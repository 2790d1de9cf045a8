// The individual overriders of an OverridePolicy rule (karmada.md §2b), applied to one rendered
// manifest in Karmada's fixed order: image -> command -> args -> labels -> annotations -> field
// -> plaintext. Every entry becomes an RFC 6902 patch applied at once (later entries see earlier
// results); the plaintext list is one atomic patch applied last. Errors name the overrider and
// entry so the caller can report ApplyOverridePolicyFailed.
#pragma once

#include "api/policy_types.h"
#include "core/status.h"

namespace flotilla::policies {

core::Status applyOverriders(api::Json& object, const api::Overriders& overriders);

// Exposed for tests and for the fuzz target.
core::Status applyImageOverrider(api::Json& object, const api::ImageOverrider& o);
core::Status applyCommandArgsOverrider(api::Json& object, const api::CommandArgsOverrider& o,
                                       const std::string& field /* command | args */);
core::Status applyLabelAnnotationOverrider(api::Json& object,
                                           const api::LabelAnnotationOverrider& o,
                                           const std::string& field /* labels | annotations */);
core::Status applyFieldOverrider(api::Json& object, const api::FieldOverrider& o);
core::Status applyPlaintextOverriders(api::Json& object,
                                      const std::vector<api::PlaintextOverrider>& list);

// sigs.k8s.io/yaml-style output (sorted keys, 2-space indent, lists at their key's indent), the
// form Karmada writes back into a fieldOverrider's YAML string.
std::string goYamlMarshal(const api::Json& value);

}  // namespace flotilla::policies
