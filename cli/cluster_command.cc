// `flotilla cordon`, `uncordon` and `taint`: scheduling taints on member clusters, like
// karmadactl. Cordon adds `cluster.karmada.io/unschedulable:NoSchedule`; taint takes kubectl's
// `key[=value]:Effect` (add) and `key[=value]:Effect-` / `key-` (remove) specs.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/flags.h"
#include "cli/host_client.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "controllers/membership/registration.h"
#include "controllers/wire/karmada_names.h"
#include "core/clock.h"

namespace flotilla::cli {
namespace {

std::vector<FlagSpec> commonFlags() {
  return {{"kubeconfig", "kubeconfig of the host (Flotilla) API server", ""},
          {"context", "context in --kubeconfig", ""},
          {"overwrite", "replace the value of an existing taint", "", true}};
}

int runTaints(const char* command, const std::vector<std::string>& args, bool cordon_mode,
              bool cordon) {
  Flags flags(command, cordon_mode ? "NAME --kubeconfig HOST"
                                   : "NAME key[=value]:Effect[-]... --kubeconfig HOST",
              commonFlags());
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "%s: %s\n", command, st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  const auto& pos = flags.positional();
  if (pos.empty() || (cordon_mode && pos.size() != 1) || (!cordon_mode && pos.size() < 2)) {
    std::fprintf(stderr, "%s: usage: flotilla %s %s\n", command, command,
                 cordon_mode ? "NAME" : "NAME key[=value]:Effect[-]...");
    return 2;
  }
  std::vector<controllers::TaintSpec> specs;
  if (cordon_mode) {
    specs.push_back({controllers::kTaintUnschedulable, "", "NoSchedule", !cordon});
  } else {
    for (size_t i = 1; i < pos.size(); ++i) {
      auto spec = controllers::parseTaintSpec(pos[i]);
      if (!spec) {
        std::fprintf(stderr, "%s: %s\n", command, spec.status().message().c_str());
        return 2;
      }
      specs.push_back(*spec);
    }
  }
  auto host = hostClientFromFlags(flags);
  if (!host) {
    std::fprintf(stderr, "%s: %s\n", command, host.status().toString().c_str());
    return 1;
  }
  core::RealClock clock;
  auto s = controllers::updateClusterTaints(**host, pos[0], specs, flags.getBool("overwrite"),
                                            core::formatRfc3339(clock.wallNow()));
  // Uncordoning a cluster that is not cordoned is not an error.
  if (!s.isOk() && !(cordon_mode && !cordon && s.code() == core::Code::NotFound &&
                     s.message().rfind("taint", 0) == 0)) {
    std::fprintf(stderr, "%s: %s\n", command, s.toString().c_str());
    return 1;
  }
  if (cordon_mode) {
    std::printf("cluster/%s %s\n", pos[0].c_str(), cordon ? "cordoned" : "uncordoned");
  } else {
    std::printf("cluster/%s tainted\n", pos[0].c_str());
  }
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("cordon", "Mark a member cluster unschedulable",
                 [](const std::vector<std::string>& a) { return runTaints("cordon", a, true, true); });
FLOTILLA_COMMAND("uncordon", "Mark a member cluster schedulable again",
                 [](const std::vector<std::string>& a) {
                   return runTaints("uncordon", a, true, false);
                 });
FLOTILLA_COMMAND("taint", "Add or remove taints on a member cluster",
                 [](const std::vector<std::string>& a) { return runTaints("taint", a, false, false); });

}  // namespace flotilla::cli
