#include "apimachinery/quantity.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

constexpr const char* kFormatError =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr const char* kSuffixError = "unable to parse quantity's suffix";

constexpr Int128 pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// |nanos| never exceeds this (10^27 units), which leaves room for sums without overflow.
constexpr Int128 kLimit = pow10(36);
constexpr Int128 kNano = pow10(9);

Int128 clampToLimit(Int128 v) { return std::max(-kLimit, std::min(kLimit, v)); }

std::string toDecimal(Int128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  // Work with the magnitude as unsigned so that no value overflows.
  UInt128 m = neg ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
  std::string out;
  while (m > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  if (neg) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

// Rounds |v| / d up (away from zero).
Int128 divAwayFromZero(Int128 v, Int128 d) {
  const Int128 q = v / d;
  return v % d == 0 ? q : (v > 0 ? q + 1 : q - 1);
}

int64_t saturate(Int128 v) {
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

struct Suffix {
  int base = 10;  // 10 or 2
  int exponent = 0;
  Quantity::Format format = Quantity::Format::DecimalSI;
};

bool interpretSuffix(std::string_view s, Suffix* out) {
  static const std::pair<std::string_view, int> kDecimal[] = {
      {"", 0},  {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3},
      {"M", 6}, {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18}};
  static const std::pair<std::string_view, int> kBinary[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30},
                                                             {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (const auto& [name, exp] : kDecimal) {
    if (s == name) {
      *out = {10, exp, Quantity::Format::DecimalSI};
      return true;
    }
  }
  for (const auto& [name, exp] : kBinary) {
    if (s == name) {
      *out = {2, exp, Quantity::Format::BinarySI};
      return true;
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    std::string_view digits = s.substr(1);
    bool neg = false;
    if (digits[0] == '+' || digits[0] == '-') {
      neg = digits[0] == '-';
      digits.remove_prefix(1);
    }
    if (digits.empty() || digits.size() > 4) return false;
    int e = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      e = e * 10 + (c - '0');
    }
    *out = {10, neg ? -e : e, Quantity::Format::DecimalExponent};
    return true;
  }
  return false;
}

}  // namespace

core::Result<Quantity> Quantity::parse(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  // The number: digits with at most one '.', at least one digit.
  Int128 mantissa = 0;
  int exp10 = 0;  // value = mantissa * 10^exp10
  bool seen_dot = false;
  bool any_digit = false;
  bool dropped_nonzero = false;
  const std::size_t number_start = i;
  for (; i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.'); ++i) {
    if (text[i] == '.') {
      if (seen_dot) return core::invalidArgument(kFormatError);
      seen_dot = true;
      continue;
    }
    any_digit = true;
    const int d = text[i] - '0';
    if (mantissa < pow10(35)) {
      mantissa = mantissa * 10 + d;
      if (seen_dot) --exp10;
    } else {
      // Too many significant digits to keep: integer digits scale the value, fraction digits
      // only matter for rounding up.
      if (!seen_dot) ++exp10;
      dropped_nonzero = dropped_nonzero || d != 0;
    }
  }
  if (!any_digit || i == number_start) return core::invalidArgument(kFormatError);
  const std::string_view suffix_text = text.substr(i);
  // The suffix must at least look like [eEinumkKMGTP]*[-+]?[0-9]* to get the suffix error.
  std::size_t j = 0;
  while (j < suffix_text.size() &&
         std::string_view("eEinumkKMGTP").find(suffix_text[j]) != std::string_view::npos) {
    ++j;
  }
  if (j < suffix_text.size() && (suffix_text[j] == '+' || suffix_text[j] == '-')) ++j;
  while (j < suffix_text.size() && suffix_text[j] >= '0' && suffix_text[j] <= '9') ++j;
  if (j != suffix_text.size()) return core::invalidArgument(kFormatError);
  Suffix suffix;
  if (!interpretSuffix(suffix_text, &suffix)) return core::invalidArgument(kSuffixError);

  // nanos = mantissa * 10^(exp10 + 9) * (2^exponent for binary suffixes)
  Int128 value = mantissa;
  if (suffix.base == 2) {
    for (int k = 0; k < suffix.exponent; ++k) {
      value *= 2;
      if (value > kLimit)
        return core::invalidArgument("quantity is too large: " + std::string(text));
    }
  } else {
    exp10 += suffix.exponent;
  }
  int shift = exp10 + 9;
  if (value == 0) {
    shift = 0;
  }
  while (shift > 0) {
    value *= 10;
    --shift;
    if (value > kLimit) return core::invalidArgument("quantity is too large: " + std::string(text));
  }
  bool remainder = dropped_nonzero;
  while (shift < 0 && value != 0) {
    remainder = remainder || value % 10 != 0;
    value /= 10;
    ++shift;
  }
  // Precision finer than a nano-unit rounds away from zero.
  if (remainder) value += 1;
  if (value > kLimit) return core::invalidArgument("quantity is too large: " + std::string(text));
  return Quantity(negative ? -value : value, value == 0 ? Format::DecimalSI : suffix.format);
}

core::Result<Quantity> Quantity::fromJson(const nlohmann::json& v) {
  if (v.is_string()) return parse(v.get<std::string>());
  if (v.is_number_integer()) return parse(v.dump());
  if (v.is_number_float()) {
    // JSON floats such as 0.5 or 1e3 use the same grammar once printed without a '+'.
    std::string s = v.dump();
    s.erase(std::remove(s.begin(), s.end(), '+'), s.end());
    return parse(s);
  }
  return core::invalidArgument("a quantity must be a string or a number");
}

Quantity Quantity::fromMilli(int64_t milli, Format format) {
  return Quantity(static_cast<Int128>(milli) * 1'000'000, format);
}

Quantity Quantity::fromValue(int64_t value, Format format) {
  return Quantity(static_cast<Int128>(value) * kNano, format);
}

int64_t Quantity::value() const { return saturate(divAwayFromZero(nanos_, kNano)); }

int64_t Quantity::milliValue() const { return saturate(divAwayFromZero(nanos_, 1'000'000)); }

double Quantity::approximate() const {
  return static_cast<double>(nanos_) / static_cast<double>(kNano);
}

Quantity& Quantity::add(const Quantity& other) {
  nanos_ = clampToLimit(nanos_ + other.nanos_);
  return *this;
}

Quantity& Quantity::sub(const Quantity& other) {
  nanos_ = clampToLimit(nanos_ - other.nanos_);
  return *this;
}

Quantity Quantity::neg() const { return Quantity(-nanos_, format_); }

std::string Quantity::toString() const {
  if (nanos_ == 0) return "0";
  Format format = format_;
  if (format == Format::BinarySI) {
    // Small or fractional binary quantities print in decimal to avoid rounding.
    if ((nanos_ > -1024 * kNano && nanos_ < 1024 * kNano) || nanos_ % kNano != 0) {
      format = Format::DecimalSI;
    } else {
      static const char* kBinary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      Int128 units = nanos_ / kNano;
      int k = 0;
      while (k < 6 && units % 1024 == 0) {
        units /= 1024;
        ++k;
      }
      return toDecimal(units) + kBinary[k];
    }
  }
  Int128 mantissa = nanos_;
  int exp = -9;
  while (mantissa % 10 == 0) {
    mantissa /= 10;
    ++exp;
  }
  // Exponents are shown in steps of three (m, "", k, M, ...), lowering to the step below.
  const int r = ((exp % 3) + 3) % 3;
  for (int k = 0; k < r; ++k) mantissa *= 10;
  exp -= r;
  if (format == Format::DecimalExponent) {
    return exp == 0 ? toDecimal(mantissa) : toDecimal(mantissa) + "e" + std::to_string(exp);
  }
  static const std::pair<int, const char*> kDecimal[] = {{-9, "n"}, {-6, "u"}, {-3, "m"}, {0, ""},
                                                         {3, "k"},  {6, "M"},  {9, "G"},  {12, "T"},
                                                         {15, "P"}, {18, "E"}};
  for (const auto& [e, name] : kDecimal) {
    if (e == exp) return toDecimal(mantissa) + name;
  }
  return toDecimal(mantissa) + "e" + std::to_string(exp);
}

}  // namespace flotilla::apimachinery
