#include "mcs/consistency/drift.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "mcs/endpoints/consumer_slices.h"
#include "mcs/imports/object_diff.h"

namespace flotilla::mcs {
namespace {

std::string sliceName(const Json& slice) {
  if (!slice.is_object() || !slice.contains("metadata") || !slice["metadata"].is_object()) {
    return "";
  }
  const Json& n = slice["metadata"].value("name", Json());
  return n.is_string() ? n.get<std::string>() : "";
}

std::vector<std::string> minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

const char* driftKindName(DriftKind kind) {
  switch (kind) {
    case DriftKind::Missing:
      return "missing";
    case DriftKind::Extra:
      return "extra";
    case DriftKind::Stale:
      return "stale";
  }
  return "unknown";
}

int ConsumerDrift::count(DriftKind kind) const {
  return static_cast<int>(
      std::count_if(slices.begin(), slices.end(), [kind](const SliceDrift& s) {
        return s.kind == kind;
      }));
}

std::string ConsumerDrift::describe() const {
  std::string out;
  for (const auto& s : slices) {
    if (!out.empty()) out += "; ";
    out += std::string(driftKindName(s.kind)) + " slice " + s.slice;
    std::vector<std::string> parts;
    if (!s.missing_addresses.empty()) parts.push_back("lacks " + joined(s.missing_addresses));
    if (!s.extra_addresses.empty()) parts.push_back("holds " + joined(s.extra_addresses));
    if (!parts.empty()) out += " (" + joined(parts) + ")";
  }
  return out;
}

ConsumerDrift compareConsumerSlices(const std::string& consumer, const std::vector<Json>& desired,
                                    const std::vector<Json>& actual) {
  std::map<std::string, const Json*> want, have;
  for (const auto& s : desired) want[sliceName(s)] = &s;
  for (const auto& s : actual) have[sliceName(s)] = &s;
  ConsumerDrift out;
  out.consumer = consumer;
  for (const auto& [name, slice] : want) {
    auto it = have.find(name);
    const auto want_addresses = readyAddresses({*slice});
    if (it == have.end()) {
      out.slices.push_back({DriftKind::Missing, name, want_addresses, {}});
    } else if (needsWrite(*slice, *it->second)) {
      const auto have_addresses = readyAddresses({*it->second});
      out.slices.push_back({DriftKind::Stale, name, minus(want_addresses, have_addresses),
                            minus(have_addresses, want_addresses)});
    }
  }
  for (const auto& [name, slice] : have) {
    if (!want.count(name)) {
      out.slices.push_back({DriftKind::Extra, name, {}, readyAddresses({*slice})});
    }
  }
  std::sort(out.slices.begin(), out.slices.end(),
            [](const SliceDrift& a, const SliceDrift& b) { return a.slice < b.slice; });
  return out;
}

}  // namespace flotilla::mcs
