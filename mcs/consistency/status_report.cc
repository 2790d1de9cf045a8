#include "mcs/consistency/status_report.h"

#include <algorithm>

namespace flotilla::mcs {
namespace {

std::string joined(const std::vector<std::string>& items, const char* sep = ",") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out.empty() ? "-" : out;
}

std::string endpointsText(const ServiceView& v) {
  std::vector<std::string> parts;
  for (const auto& [cluster, n] : v.provider_endpoints) {
    parts.push_back(cluster + "=" + std::to_string(n));
  }
  for (const auto& [cluster, n] : v.consumer_endpoints) {
    auto e = v.consumer_expected.find(cluster);
    const int expected = e == v.consumer_expected.end() ? n : e->second;
    parts.push_back(cluster + "<" + std::to_string(n) +
                    (expected == n ? "" : "/" + std::to_string(expected)));
  }
  return joined(parts);
}

std::string driftText(const ServiceView& v) {
  if (v.drift.empty()) return v.unchecked.empty() ? "none" : "unchecked";
  std::vector<std::string> parts;
  for (const auto& d : v.drift) {
    parts.push_back(d.consumer + ":" + std::to_string(d.slices.size()));
  }
  return joined(parts);
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + "   " : s + std::string(width - s.size() + 3, ' ');
}

}  // namespace

const char* modeName(ImportMode mode) {
  return mode == ImportMode::ServiceImport ? "ServiceImport" : "MultiClusterService";
}

std::string renderStatusTable(const std::vector<ServiceView>& views) {
  if (views.empty()) return "No multi-cluster services found.\n";
  std::vector<std::vector<std::string>> rows = {
      {"NAMESPACE", "NAME", "MODE", "PROVIDERS", "CONSUMERS", "ENDPOINTS", "CONFLICTS", "DRIFT"}};
  for (const auto& v : views) {
    rows.push_back({v.target.namespace_name, v.target.service, modeName(v.target.mode),
                    joined(v.providers), joined(v.consumers), endpointsText(v),
                    std::to_string(v.conflicts.size()), driftText(v)});
  }
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += i + 1 == r.size() ? r[i] : pad(r[i], widths[i]);
    }
    out += line + "\n";
  }
  out += "(ENDPOINTS: provider=ready endpoints in its own slices; consumer<held[/expected])\n";
  for (const auto& v : views) {
    if (v.conflicts.empty() && v.drift.empty() && v.unchecked.empty()) continue;
    out += "\n" + v.key() + " (" + modeName(v.target.mode) + "):\n";
    for (const auto& c : v.conflicts) out += "  conflict: " + c + "\n";
    for (const auto& d : v.drift) out += "  drift in " + d.consumer + ": " + d.describe() + "\n";
    for (const auto& u : v.unchecked) out += "  not checked: " + u + "\n";
  }
  return out;
}

Json statusJson(const std::vector<ServiceView>& views) {
  Json items = Json::array();
  for (const auto& v : views) {
    Json clusters = Json::object();
    for (const auto& [c, n] : v.provider_endpoints) clusters[c]["providedEndpoints"] = n;
    for (const auto& [c, n] : v.consumer_endpoints) clusters[c]["importedEndpoints"] = n;
    for (const auto& [c, n] : v.consumer_expected) clusters[c]["expectedEndpoints"] = n;
    Json drift = Json::array();
    for (const auto& d : v.drift) {
      Json slices = Json::array();
      for (const auto& s : d.slices) {
        slices.push_back({{"slice", s.slice},
                          {"kind", driftKindName(s.kind)},
                          {"missingAddresses", s.missing_addresses},
                          {"extraAddresses", s.extra_addresses}});
      }
      drift.push_back({{"consumer", d.consumer}, {"slices", slices}});
    }
    items.push_back({{"namespace", v.target.namespace_name},
                     {"name", v.target.service},
                     {"mode", modeName(v.target.mode)},
                     {"providers", v.providers},
                     {"sources", v.sources},
                     {"consumers", v.consumers},
                     {"clusters", clusters},
                     {"conflicts", v.conflicts},
                     {"drift", drift},
                     {"unchecked", v.unchecked}});
  }
  return {{"services", items}};
}

}  // namespace flotilla::mcs
