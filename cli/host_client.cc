#include "cli/host_client.h"

#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace flotilla::cli {

core::Result<client::ClientPtr> hostClientFromFlags(const Flags& flags,
                                                    std::optional<int> max_retries) {
  core::Result<client::RestConfig> rc = core::Status(core::Code::NotFound, "");
  if (flags.get("kubeconfig").empty()) {
    rc = client::loadDefaultRestConfig(flags.get("context"));
  } else {
    auto kc = client::loadKubeconfigFile(flags.get("kubeconfig"));
    if (!kc) return kc.status();
    rc = kc->restConfig(flags.get("context"));
  }
  if (!rc) return rc.status();
  if (max_retries) rc->max_retries = *max_retries;
  auto rest = client::RestClient::create(*rc);
  if (!rest) return rest.status();
  return client::ClientPtr(*rest);
}

}  // namespace flotilla::cli
