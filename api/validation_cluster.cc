// Validation of Cluster (karmada.md §1.3) and Flotilla's PriceBook.
#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "api/resource_quantity.h"
#include "api/validation.h"
#include "api/validation_internal.h"

namespace flotilla::api {

using namespace validation;

namespace {

std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// "scheme://host[:port][/path]" with no user-info, query or fragment.
std::string checkEndpoint(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return "must be a URL with a scheme";
  const std::string rest = url.substr(scheme_end + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string::npos) return "user info is not allowed";
  if (url.find('?') != std::string::npos) return "query is not allowed";
  if (url.find('#') != std::string::npos) return "fragment is not allowed";
  std::string host = authority;
  if (!host.empty() && host[0] == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty()) return "host must be set";
  return "";
}

void resourceModels(Causes& out, const std::vector<ResourceModel>& models) {
  const std::string path = "spec.resourceModels";
  if (models.empty()) return;
  std::set<uint64_t> grades;
  for (size_t i = 0; i < models.size(); ++i) {
    if (!grades.insert(models[i].grade).second) {
      duplicate(out, idx(path, i) + ".grade", std::to_string(models[i].grade));
    }
  }
  std::vector<size_t> order(models.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return models[a].grade < models[b].grade; });
  auto parse = [&](const std::string& q, const std::string& field) -> std::optional<int64_t> {
    auto p = parseQuantity(q);
    if (!p) {
      invalid(out, field, q, "must be a valid quantity");
      return std::nullopt;
    }
    return p->milli;
  };
  const auto& first = models[order[0]].ranges;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    const auto& ranges = models[i].ranges;
    const std::string p = idx(path, i) + ".ranges";
    bool same = ranges.size() == first.size();
    for (size_t r = 0; same && r < ranges.size(); ++r) same = ranges[r].name == first[r].name;
    if (!same) {
      invalid(out, p, "",
              "every resource model must list the same resource names in the same order");
      continue;
    }
    for (size_t r = 0; r < ranges.size(); ++r) {
      const std::string rp = idx(p, r);
      auto min = parse(ranges[r].min, rp + ".min");
      auto max = parse(ranges[r].max, rp + ".max");
      if (!min || !max) continue;
      if (*max <= *min) invalid(out, rp + ".max", ranges[r].max, "max must be greater than min");
      if (k == 0 && *min != 0)
        invalid(out, rp + ".min", ranges[r].min, "the min of the first grade must be 0");
      if (k + 1 == order.size() && *max != std::numeric_limits<int64_t>::max()) {
        invalid(out, rp + ".max", ranges[r].max, "the max of the last grade must be MaxInt64");
      }
      if (k + 1 < order.size()) {
        const auto& next = models[order[k + 1]].ranges;
        if (r < next.size()) {
          auto next_min = parseQuantity(next[r].min);
          if (next_min && next_min->milli != *max) {
            invalid(out, rp + ".max", ranges[r].max,
                    "must equal the min of the next grade (grades must be contiguous)");
          }
        }
      }
    }
  }
}

void append(Causes& out, Causes more) { out.insert(out.end(), more.begin(), more.end()); }

}  // namespace

Causes validateCluster(const Cluster& cluster) {
  Causes out;
  const auto& spec = cluster.spec;
  const auto& name = cluster.metadata.name;
  if (name.empty()) {
    required(out, "metadata.name");
  } else if (name.size() > 48) {
    invalid(out, "metadata.name", name, "must be no more than 48 characters");
  } else if (!isDns1123Subdomain(name)) {
    invalid(out, "metadata.name", name, "must be a lowercase RFC 1123 subdomain");
  }
  if (spec.id.size() > 128000)
    invalid(out, "spec.id", "", "must be no more than 128000 characters");
  if (spec.sync_mode.empty()) {
    required(out, "spec.syncMode");
  } else if (!oneOf(spec.sync_mode, {kSyncModePush, kSyncModePull})) {
    notSupported(out, "spec.syncMode", spec.sync_mode, {"Push", "Pull"});
  }
  if (!spec.api_endpoint.empty()) {
    if (auto why = checkEndpoint(spec.api_endpoint); !why.empty()) {
      invalid(out, "spec.apiEndpoint", spec.api_endpoint, why);
    }
  }
  if (!spec.proxy_url.empty()) {
    const auto scheme = spec.proxy_url.substr(0, spec.proxy_url.find("://"));
    if (spec.proxy_url.find("://") == std::string::npos ||
        !oneOf(scheme, {"http", "https", "socks5"})) {
      invalid(out, "spec.proxyURL", spec.proxy_url, "scheme must be http, https or socks5");
    }
  }
  if (!isLabelValue(spec.provider))
    invalid(out, "spec.provider", spec.provider, "must be a valid label value");
  if (!isLabelValue(spec.region))
    invalid(out, "spec.region", spec.region, "must be a valid label value");
  if (!isLabelValue(spec.zone)) invalid(out, "spec.zone", spec.zone, "must be a valid label value");
  for (size_t i = 0; i < spec.zones.size(); ++i) {
    if (!isLabelValue(spec.zones[i]))
      invalid(out, idx("spec.zones", i), spec.zones[i], "must be a valid label value");
  }
  if (!spec.zone.empty() && !spec.zones.empty()) {
    invalid(out, "spec.zone", spec.zone, "zone and zones cannot co-exist");
  }
  for (size_t i = 0; i < spec.taints.size(); ++i) {
    const auto& t = spec.taints[i];
    const std::string p = idx("spec.taints", i);
    if (t.key.empty()) {
      required(out, p + ".key");
    } else if (!isQualifiedName(t.key)) {
      invalid(out, p + ".key", t.key, "must be a valid label key");
    }
    if (!isLabelValue(t.value)) invalid(out, p + ".value", t.value, "must be a valid label value");
    if (!oneOf(t.effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"})) {
      notSupported(out, p + ".effect", t.effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"});
    }
  }
  resourceModels(out, spec.resource_models);
  return out;
}

Causes validatePriceBook(const PriceBook& book) {
  Causes out;
  const auto& spec = book.spec;
  if (book.metadata.name.empty()) required(out, "metadata.name");
  if (spec.currency.empty()) required(out, "spec.currency");
  if (!spec.billing.empty() && !oneOf(spec.billing, {kBillingRequests, kBillingLimits})) {
    notSupported(out, "spec.billing", spec.billing, {"Requests", "Limits"});
  }
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    const auto& rule = spec.rules[i];
    const std::string p = idx("spec.rules", i);
    append(out, validateClusterAffinity(rule.target_cluster, p + ".targetCluster"));
    if (rule.prices.empty()) required(out, p + ".prices");
    for (const auto& [resource, price] : rule.prices) {
      const std::string f = p + ".prices[" + resource + "]";
      if (!isQualifiedName(resource)) invalid(out, f, resource, "must be a valid resource name");
      // A non-negative decimal: digits with an optional fraction, never exponent or sign.
      const auto dot = price.find('.');
      const std::string whole = price.substr(0, dot);
      const std::string frac = dot == std::string::npos ? "1" : price.substr(dot + 1);
      auto digits = [](const std::string& s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      if (!digits(whole) || !digits(frac)) {
        invalid(out, f, price, "must be a non-negative decimal such as \"0.031\"");
      }
    }
  }
  return out;
}

}  // namespace flotilla::api
