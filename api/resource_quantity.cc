#include "api/resource_quantity.h"

#include <limits>

#include "apimachinery/quantity.h"

namespace flotilla::api {

namespace {
__extension__ using I128 = __int128;  // exact intermediate products

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t saturate(I128 v) {
  if (v > kMax) return kMax;
  if (v < -kMax) return -kMax;
  return static_cast<int64_t>(v);
}
}  // namespace

int64_t ParsedQuantity::value() const {
  if (milli >= 0) return milli / 1000 + (milli % 1000 != 0 ? 1 : 0);
  return milli / 1000;
}

core::Result<ParsedQuantity> parseQuantity(const std::string& text) {
  auto q = apimachinery::Quantity::parse(text);
  if (!q) return q.status();
  ParsedQuantity out;
  out.milli = q->milliValue();
  out.format = q->format() == apimachinery::Quantity::Format::BinarySI ? QuantityFormat::BinarySI
                                                                       : QuantityFormat::DecimalSI;
  return out;
}

std::string formatQuantity(int64_t milli, QuantityFormat format) {
  return apimachinery::Quantity::fromMilli(milli, format == QuantityFormat::BinarySI
                                                      ? apimachinery::Quantity::Format::BinarySI
                                                      : apimachinery::Quantity::Format::DecimalSI)
      .toString();
}

namespace {
template <class Combine>
core::Status combine(ResourceList& a, const ResourceList& b, Combine fn) {
  for (const auto& [name, text] : b) {
    auto rhs = parseQuantity(text);
    if (!rhs) return rhs.status().withContext(name);
    auto it = a.find(name);
    if (it == a.end()) {
      a[name] = text;
      continue;
    }
    auto lhs = parseQuantity(it->second);
    if (!lhs) return lhs.status().withContext(name);
    // Like resource.Quantity.Add, the result keeps the left operand's format.
    it->second = formatQuantity(fn(lhs->milli, rhs->milli), lhs->format);
  }
  return core::Status::ok();
}
}  // namespace

core::Status addResourceList(ResourceList& a, const ResourceList& b) {
  return combine(a, b, [](int64_t x, int64_t y) { return saturate(static_cast<I128>(x) + y); });
}

core::Status maxResourceList(ResourceList& a, const ResourceList& b) {
  return combine(a, b, [](int64_t x, int64_t y) { return x > y ? x : y; });
}

}  // namespace flotilla::api
