// Drift: how the Flotilla-managed EndpointSlices a consumer cluster actually holds for one
// multi-cluster service differ from what it should hold (mcs/endpoints' desiredConsumerSlices
// over the providers' current slices). A slice is missing (desired, absent), extra (present, not
// desired: its source slice or provider is gone) or stale (present with other endpoints, ports or
// labels). "Stale" uses the sync controller's own test (mcs/imports needsWrite), so the checker
// and the sync never disagree about whether a slice needs writing.
//
// Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::mcs {

using Json = nlohmann::json;

enum class DriftKind { Missing, Extra, Stale };
const char* driftKindName(DriftKind kind);  // "missing", "extra", "stale"

struct SliceDrift {
  DriftKind kind = DriftKind::Missing;
  std::string slice;  // the consumer slice's name
  // Ready addresses the consumer lacks / holds without a ready provider endpoint behind them.
  std::vector<std::string> missing_addresses;
  std::vector<std::string> extra_addresses;
  bool operator==(const SliceDrift&) const = default;
};

struct ConsumerDrift {
  std::string consumer;
  std::vector<SliceDrift> slices;  // sorted by slice name
  bool empty() const { return slices.empty(); }
  int count(DriftKind kind) const;
  // "missing slice imported-a-web-x (2 endpoints); stale slice ... (lacks 10.0.0.3)".
  std::string describe() const;
};

// `desired` and `actual` are the consumer's slices of one service in one mode (actual selected by
// managedSliceSelector). Order does not matter.
ConsumerDrift compareConsumerSlices(const std::string& consumer, const std::vector<Json>& desired,
                                    const std::vector<Json>& actual);

}  // namespace flotilla::mcs
