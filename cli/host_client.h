// The host client a CLI command builds from its --kubeconfig/--context flags (the default
// kubeconfig rules when --kubeconfig is empty). Commands are composition roots; this is the one
// place they turn those flags into a concrete REST client.
#pragma once

#include <optional>

#include "cli/flags.h"
#include "client/client.h"
#include "core/status.h"

namespace flotilla::cli {

// `max_retries` overrides the kubeconfig's retry count (e.g. 1 to fail fast on a dead host).
core::Result<client::ClientPtr> hostClientFromFlags(const Flags& flags,
                                                    std::optional<int> max_retries = {});

}  // namespace flotilla::cli
