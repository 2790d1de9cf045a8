// Kubernetes resource quantities (resource.Quantity): "100m", "1.5Gi", "2e3", "128974848", "129M".
// A Quantity holds its value exactly, in nano-units (the finest precision Kubernetes keeps; finer
// input is rounded away from zero like ParseQuantity does), plus the format it was written in, so
// that String() gives the canonical form kube-apiserver writes back ("1.5Gi" -> "1536Mi",
// "0.5" -> "500m", "2000" -> "2k"). Values are limited to about 10^27 units; larger input is an
// error rather than a silent wrap. Pure; used by the scheduler, the estimators and validation.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

class Quantity {
 public:
  enum class Format { DecimalSI, BinarySI, DecimalExponent };

  Quantity() = default;  // zero, DecimalSI

  // resource.ParseQuantity. Errors are InvalidArgument with kube's texts:
  // "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
  // and "unable to parse quantity's suffix".
  static core::Result<Quantity> parse(std::string_view text);
  // A JSON string or number (ResourceList values may be either on the wire).
  static core::Result<Quantity> fromJson(const nlohmann::json& value);
  static Quantity fromMilli(int64_t milli, Format format = Format::DecimalSI);
  static Quantity fromValue(int64_t value, Format format = Format::DecimalSI);

  // Whole units / milli-units, rounded away from zero and saturated to int64 (Value(),
  // MilliValue()).
  int64_t value() const;
  int64_t milliValue() const;
  double approximate() const;
  Format format() const { return format_; }
  bool isZero() const { return nanos_ == 0; }
  int sign() const { return nanos_ > 0 ? 1 : nanos_ < 0 ? -1 : 0; }

  // Arithmetic keeps this quantity's format (as resource.Quantity.Add does) and saturates at the
  // supported range.
  Quantity& add(const Quantity& other);
  Quantity& sub(const Quantity& other);
  Quantity neg() const;

  std::strong_ordering operator<=>(const Quantity& other) const { return nanos_ <=> other.nanos_; }
  bool operator==(const Quantity& other) const { return nanos_ == other.nanos_; }

  // The canonical string, as kube-apiserver serializes it.
  std::string toString() const;

 private:
  __extension__ using Int128 = __int128;
  Quantity(Int128 nanos, Format format) : nanos_(nanos), format_(format) {}
  Int128 nanos_ = 0;
  Format format_ = Format::DecimalSI;
};

}  // namespace flotilla::apimachinery
