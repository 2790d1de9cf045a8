#include "scheduler/cost_model.h"

#include <algorithm>
#include <cstdio>

#include "scheduler/cluster_affinity.h"

namespace flotilla::scheduler {

// 128-bit intermediate products keep money arithmetic exact (a GCC/Clang extension).
__extension__ typedef __int128 Int128;

core::Result<int64_t> parseMicros(std::string_view decimal) {
  if (decimal.empty()) return core::invalidArgument("empty price");
  int64_t whole = 0;
  int64_t frac = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  bool seen_digit = false;
  for (char c : decimal) {
    if (c == '.') {
      if (seen_dot) return core::invalidArgument("invalid price \"" + std::string(decimal) + "\"");
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return core::invalidArgument("invalid price \"" + std::string(decimal) +
                                   "\": want a non-negative decimal such as 0.0316");
    }
    seen_digit = true;
    if (seen_dot) {
      if (++frac_digits > 6) {
        return core::invalidArgument("price \"" + std::string(decimal) +
                                     "\" has more than 6 fractional digits");
      }
      frac = frac * 10 + (c - '0');
    } else {
      if (whole > (INT64_MAX / kMicrosPerUnit) / 10) {
        return core::invalidArgument("price \"" + std::string(decimal) + "\" is too large");
      }
      whole = whole * 10 + (c - '0');
    }
  }
  if (!seen_digit) return core::invalidArgument("invalid price \"" + std::string(decimal) + "\"");
  for (int i = frac_digits; i < 6; ++i) frac *= 10;
  return whole * kMicrosPerUnit + frac;
}

std::string formatMicros(int64_t micros) {
  const bool negative = micros < 0;
  const uint64_t v = negative ? static_cast<uint64_t>(-(micros + 1)) + 1 : micros;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", negative ? "-" : "",
                static_cast<unsigned long long>(v / kMicrosPerUnit),
                static_cast<unsigned long long>(v % kMicrosPerUnit));
  return buf;
}

RuleSpecificity PriceRule::specificity() const {
  if (!target) return RuleSpecificity::MatchAll;
  if (!target->cluster_names.empty()) return RuleSpecificity::Named;
  if (!target->label_selector.empty() || !target->field_selector.empty()) return RuleSpecificity::Selector;
  return RuleSpecificity::MatchAll;
}

std::string ReplicaPrice::source() const {
  if (!priced) return "";
  const char* how = specificity == RuleSpecificity::Named      ? "clusterNames"
                    : specificity == RuleSpecificity::Selector ? "selector"
                                                               : "match-all";
  return "PriceBook " + book + " rule " + std::to_string(rule) + " (" + how + ")";
}

CostModel::CostModel(std::vector<PriceBook> books) : books_(std::move(books)) {
  std::stable_sort(books_.begin(), books_.end(),
                   [](const PriceBook& a, const PriceBook& b) { return a.name < b.name; });
  for (const PriceBook& book : books_) {
    for (size_t i = 0; i < book.rules.size(); ++i) {
      rules_.push_back({&book, static_cast<int32_t>(i), book.rules[i].specificity()});
    }
  }
}

CostModel::CostModel(const CostModel& other) : CostModel(other.books_) {}

CostModel& CostModel::operator=(const CostModel& other) {
  if (this != &other) *this = CostModel(other.books_);
  return *this;
}

namespace {

// Memory-like resources are priced per GiB-hour; amounts are milli-bytes.
bool pricedPerGiB(const std::string& resource) {
  return resource == "memory" || resource == "ephemeral-storage" || resource == "storage" ||
         resource.rfind("hugepages-", 0) == 0;
}

constexpr Int128 kGiB = 1024LL * 1024 * 1024;

}  // namespace

int32_t CostModel::matchRule(const Cluster& cluster) const {
  int32_t best = -1;
  for (size_t slot = 0; slot < rules_.size(); ++slot) {
    const RuleSlot& r = rules_[slot];
    // Earlier book/rule wins ties.
    if (best >= 0 && r.specificity <= rules_[best].specificity) continue;
    const PriceRule& rule = r.book->rules[r.index];
    if (rule.target && !clusterMatches(cluster, *rule.target)) continue;
    best = static_cast<int32_t>(slot);
  }
  return best;
}

ReplicaPrice CostModel::priceReplica(const Cluster& cluster,
                                     const estimator::ResourceList* requests,
                                     const estimator::ResourceList* limits) const {
  return priceRule(matchRule(cluster), requests, limits);
}

ReplicaPrice CostModel::priceRule(int32_t slot, const estimator::ResourceList* requests,
                                  const estimator::ResourceList* limits) const {
  ReplicaPrice best;
  if (slot < 0 || static_cast<size_t>(slot) >= rules_.size()) return best;
  const RuleSlot& r = rules_[slot];
  const PriceBook& book = *r.book;
  const PriceRule& rule = book.rules[r.index];
  best.priced = true;
  best.currency = book.currency;
  best.book = book.name;
  best.rule = r.index;
  best.specificity = r.specificity;
  // Limits billing falls back to requests for resources without a limit (a container without a
  // limit may use up to its request's worth of guaranteed capacity at least).
  static const estimator::ResourceList kNothing;
  estimator::ResourceList merged;
  const estimator::ResourceList* billed_ptr = requests ? requests : &kNothing;
  if (book.billing == Billing::Limits && limits) {
    merged = *billed_ptr;
    for (const auto& [name, amount] : *limits) merged[name] = amount;
    billed_ptr = &merged;
  }
  const estimator::ResourceList& billed = *billed_ptr;
  // Σ amount_milli × price_micros / (1000 × unit), one rounding at the end.
  Int128 numerator = 0;
  for (const auto& [name, amount] : billed) {
    if (amount <= 0 || name == "pods") continue;
    auto price = rule.prices.find(name);
    if (price == rule.prices.end()) {
      best.unpriced_resources.push_back(name);
      continue;
    }
    const Int128 scale = pricedPerGiB(name) ? 1 : kGiB;
    numerator += static_cast<Int128>(amount) * price->second * scale;
  }
  const Int128 denominator = 1000 * kGiB;
  best.hourly_micros = static_cast<int64_t>((numerator + denominator / 2) / denominator);
  return best;
}

}  // namespace flotilla::scheduler
