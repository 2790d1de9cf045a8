#include "api/resource_quantity.h"

#include <cctype>
#include <limits>

namespace flotilla::api {

namespace {
__extension__ using I128 = __int128;  // exact intermediate products

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

I128 pow10(int n) {
  I128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

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
  auto bad = [&] {
    return core::invalidArgument("quantities must match the regular expression "
                                 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': \"" +
                                 text + "\"");
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  I128 mantissa = 0;
  int frac_len = 0;
  bool digits = false, dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
      if (mantissa < pow10(30)) {
        mantissa = mantissa * 10 + (c - '0');
        if (dot) ++frac_len;
      } else if (!dot) {
        return bad();
      }
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!digits) return bad();
  std::string suffix = text.substr(i);
  ParsedQuantity q;
  int binary_power = 0;  // 1024^k
  int exp10 = 0;
  if (suffix.empty()) {
  } else if (suffix.size() == 2 && suffix[1] == 'i') {
    static const std::string kBin = "KMGTPE";
    auto pos = kBin.find(suffix[0]);
    if (pos == std::string::npos) return bad();
    binary_power = static_cast<int>(pos) + 1;
    q.format = QuantityFormat::BinarySI;
  } else if (suffix.size() == 1 && std::string("numkMGTPE").find(suffix[0]) != std::string::npos) {
    switch (suffix[0]) {
      case 'n': exp10 = -9; break;
      case 'u': exp10 = -6; break;
      case 'm': exp10 = -3; break;
      case 'k': exp10 = 3; break;
      case 'M': exp10 = 6; break;
      case 'G': exp10 = 9; break;
      case 'T': exp10 = 12; break;
      case 'P': exp10 = 15; break;
      case 'E': exp10 = 18; break;
    }
  } else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string e = suffix.substr(1);
    if (e.empty() || e.size() > 4) return bad();
    size_t k = (e[0] == '+' || e[0] == '-') ? 1 : 0;
    if (k == e.size()) return bad();
    for (size_t j = k; j < e.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(e[j]))) return bad();
    }
    exp10 = std::stoi(e);
  } else {
    return bad();
  }
  // milli = mantissa * 1024^binary_power * 10^(exp10 + 3) / 10^frac_len, rounded up.
  I128 num = mantissa;
  for (int k = 0; k < binary_power; ++k) {
    num *= 1024;
    if (num > pow10(36)) break;
  }
  int shift = exp10 + 3 - frac_len;
  if (shift > 0) {
    if (shift > 36) shift = 36;
    num = num > pow10(36) ? num : num * pow10(shift);
  }
  I128 den = shift < 0 ? pow10(-shift > 36 ? 36 : -shift) : 1;
  I128 milli = num / den + (num % den != 0 ? 1 : 0);
  q.milli = saturate(negative ? -milli : milli);
  return q;
}

std::string formatQuantity(int64_t milli, QuantityFormat format) {
  if (milli == 0) return "0";
  std::string sign = milli < 0 ? "-" : "";
  I128 m = milli < 0 ? -static_cast<I128>(milli) : milli;
  auto str = [](I128 v) { return std::to_string(static_cast<int64_t>(v)); };
  if (m % 1000 != 0) return sign + str(m) + "m";
  I128 v = m / 1000;
  // Like resource.Quantity, binary values below 1024 print in decimal ("1k", not "1000").
  if (format == QuantityFormat::BinarySI && v >= 1024) {
    static const char* kSuffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int k = 0;
    while (k < 6 && v % 1024 == 0) {
      v /= 1024;
      ++k;
    }
    return sign + str(v) + kSuffix[k];
  }
  static const char* kSuffix[] = {"", "k", "M", "G", "T", "P", "E"};
  int k = 0;
  while (k < 6 && v % 1000 == 0) {
    v /= 1000;
    ++k;
  }
  return sign + str(v) + kSuffix[k];
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
