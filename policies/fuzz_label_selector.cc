// libFuzzer target: label selectors in both forms policies use. The string grammar
// (`a=b,c in (x,y),!d`): an accepted selector prints in canonical form, and the canonical form
// parses back to itself. The metav1.LabelSelector object form: decoding, validation, matching
// and ClusterAffinity compilation/matching must be total (no crash, no exception), and a selector
// validation accepts must decode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "apimachinery/label_selector.h"
#include "policies/cluster_affinity.h"
#include "policies/selector_match.h"

namespace {

using flotilla::apimachinery::LabelSelector;

const std::map<std::string, std::string>& sampleLabels() {
  static const std::map<std::string, std::string> labels = {
      {"app", "web"}, {"tier", "2"}, {"env", "prod"}, {"a", ""}, {"x.io/y", "z"}};
  return labels;
}

void stringForm(const std::string& text) {
  auto parsed = LabelSelector::parse(text);
  if (!parsed) return;
  (void)parsed->matches(sampleLabels());
  const std::string canonical = parsed->toString();
  auto again = LabelSelector::parse(canonical);
  if (!again || again->toString() != canonical) std::abort();
  if (again->matches(sampleLabels()) != parsed->matches(sampleLabels())) std::abort();
}

void objectForm(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  const auto causes = flotilla::apimachinery::validateLabelSelector(j, "spec.selector");
  auto decoded = LabelSelector::fromJson(j);
  if (j.is_object() && causes.empty() && !decoded) std::abort();
  if (decoded) (void)decoded->matches(sampleLabels());
  (void)flotilla::policies::labelSelectorMatches(j, sampleLabels());
  (void)flotilla::policies::objectLabels(j);

  // The same bytes as a ClusterAffinity: compile and match must be total.
  if (!j.is_object()) return;
  auto affinity = flotilla::api::fromJson<flotilla::api::ClusterAffinity>(j);
  if (!affinity) return;
  flotilla::api::Cluster cluster;
  cluster.metadata.name = "member1";
  cluster.metadata.labels = sampleLabels();
  cluster.spec.provider = "aws";
  cluster.spec.zones = {"us-east-1a"};
  const bool via_api = flotilla::policies::clusterMatches(cluster, *affinity);
  auto compiled = flotilla::policies::compileClusterAffinity(*affinity);
  if (!compiled) {
    if (via_api) std::abort();  // an affinity that does not compile matches nothing
    return;
  }
  const std::vector<std::string> zones = cluster.allZones();
  const bool via_facts = flotilla::policies::clusterMatches(
      flotilla::policies::ClusterFacts{cluster.metadata.name, cluster.metadata.labels,
                                       cluster.spec.provider, cluster.spec.region, zones},
      *compiled);
  if (via_api != via_facts) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  stringForm(text);
  objectForm(text);
  return 0;
}
