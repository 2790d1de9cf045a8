// Flotilla's cost model: what one replica of a workload costs per hour in each member cluster,
// from PriceBooks (flotilla.io PriceBook, cluster-scoped). Money is fixed-point: an int64 count of
// micro-units of the book's currency, so sums are exact and print the same everywhere.
//
// Prices are per unit-hour: cpu per core-hour, memory (and ephemeral-storage, storage,
// hugepages-*) per GiB-hour, every other (extended) resource per unit-hour. A replica costs
// Σ request[r] × price[r] (or limits with `billing: Limits`), rounded half-up to a micro-unit.
//
// Which rule prices a cluster: among every rule of every book whose `targetCluster` matches the
// cluster, the most specific wins — a rule that names the cluster in `clusterNames` beats a rule
// that selects it by labels/fields only, which beats a match-all rule (no or empty targetCluster).
// Ties go to the book whose name sorts first, then to the earlier rule in that book ("first
// matching rule"). A cluster no rule matches is unpriced.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "scheduler/model.h"

namespace flotilla::scheduler {

inline constexpr int64_t kMicrosPerUnit = 1'000'000;

// Parses a non-negative decimal ("0.0316", "12", "3.5e-2" is not accepted) into micro-units.
// More than six fractional digits is an error rather than a silent rounding.
core::Result<int64_t> parseMicros(std::string_view decimal);
// "1.234500" style: always six fractional digits, so output is byte-stable.
std::string formatMicros(int64_t micros);

enum class Billing { Requests, Limits };

enum class RuleSpecificity { MatchAll = 1, Selector = 2, Named = 3 };

struct PriceRule {
  std::optional<ClusterAffinity> target;      // nullopt = every cluster
  std::map<std::string, int64_t> prices;      // resource -> micro-units per unit-hour
  RuleSpecificity specificity() const;
};

struct PriceBook {
  std::string name;
  std::string currency;
  Billing billing = Billing::Requests;
  std::vector<PriceRule> rules;
};

// The price of one replica on one cluster, with where it came from.
struct ReplicaPrice {
  bool priced = false;
  int64_t hourly_micros = 0;
  std::string currency;
  std::string book;     // PriceBook name
  int32_t rule = -1;    // index into spec.rules
  RuleSpecificity specificity = RuleSpecificity::MatchAll;
  std::vector<std::string> unpriced_resources;  // requested but absent from the rule's prices
  // "PriceBook cheap-cloud rule 0 (clusterNames)" for explanations.
  std::string source() const;
};

class CostModel {
 public:
  CostModel() = default;
  explicit CostModel(std::vector<PriceBook> books);
  // rules_ points into books_: a copy re-derives it, a move keeps the heap buffer it points to.
  CostModel(const CostModel& other);
  CostModel& operator=(const CostModel& other);
  CostModel(CostModel&&) noexcept = default;
  CostModel& operator=(CostModel&&) noexcept = default;
  bool empty() const { return books_.empty(); }
  const std::vector<PriceBook>& books() const { return books_; }
  // `requests`/`limits` are one replica's resources (milli-units); nullptr means none.
  ReplicaPrice priceReplica(const Cluster& cluster, const estimator::ResourceList* requests,
                            const estimator::ResourceList* limits) const;

  // priceReplica in two steps, so a caller pricing one workload on many clusters computes each
  // rule's price once: which rule prices the cluster (a slot in [0, ruleCount()), or -1 when
  // none does), and the price of one replica under a rule.
  int32_t matchRule(const Cluster& cluster) const;
  ReplicaPrice priceRule(int32_t slot, const estimator::ResourceList* requests,
                         const estimator::ResourceList* limits) const;
  size_t ruleCount() const { return rules_.size(); }

 private:
  struct RuleSlot {
    const PriceBook* book;
    int32_t index;  // in book->rules
    RuleSpecificity specificity;
  };
  std::vector<PriceBook> books_;  // sorted by name
  std::vector<RuleSlot> rules_;   // every rule, by book then rule order
};

}  // namespace flotilla::scheduler
