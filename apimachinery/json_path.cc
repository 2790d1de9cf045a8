#include "apimachinery/json_path.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

using Json = nlohmann::json;

enum class StepKind { Field, Wildcard, Index, Slice, Filter, Recursive };

struct JsonPathStep {
  StepKind kind = StepKind::Field;
  std::string name;     // Field
  long long index = 0;  // Index
  bool has_start = false, has_end = false;
  long long start = 0, end = 0;  // Slice
  std::vector<std::string> lhs;  // Filter: field names after '@'
  std::string op;                // Filter: "" = existence
  Json literal;                  // Filter: right-hand side
};

namespace {

constexpr int kMaxDepth = 512;

core::Status syntax(const std::string& expr, const std::string& why) {
  return core::invalidArgument("invalid JSONPath \"" + expr + "\": " + why);
}

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' ||
         c == '/' || static_cast<unsigned char>(c) >= 0x80;
}

bool parseInt(const std::string& s, long long* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Parses "@.a.b", "@", "@['x']" into field names.
bool parseRelative(const std::string& text, std::vector<std::string>* out) {
  if (text.empty() || text[0] != '@') return false;
  std::size_t i = 1;
  while (i < text.size()) {
    if (text[i] == '.') {
      const std::size_t start = ++i;
      while (i < text.size() && isNameChar(text[i])) ++i;
      if (i == start) return false;
      out->push_back(text.substr(start, i - start));
    } else if (text[i] == '[' && i + 1 < text.size() &&
               (text[i + 1] == '\'' || text[i + 1] == '"')) {
      const char q = text[i + 1];
      const std::size_t close = text.find(q, i + 2);
      if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ']') {
        return false;
      }
      out->push_back(text.substr(i + 2, close - i - 2));
      i = close + 2;
    } else {
      return false;
    }
  }
  return true;
}

bool parseLiteral(const std::string& text, Json* out) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    *out = text.substr(1, text.size() - 2);
    return true;
  }
  if (text == "true" || text == "false") {
    *out = text == "true";
    return true;
  }
  if (text == "null") {
    *out = nullptr;
    return true;
  }
  long long i = 0;
  if (parseInt(text, &i)) {
    *out = i;
    return true;
  }
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(d)) {
    *out = d;
    return true;
  }
  return false;
}

core::Result<JsonPathStep> parseFilter(const std::string& expr, const std::string& body) {
  JsonPathStep step;
  step.kind = StepKind::Filter;
  static const char* kOps[] = {"==", "!=", "<=", ">=", "<", ">"};
  std::size_t at = std::string::npos;
  for (const char* op : kOps) {
    const std::size_t p = body.find(op);
    if (p != std::string::npos && (at == std::string::npos || p < at)) {
      at = p;
      step.op = op;
    }
  }
  const std::string left = trim(at == std::string::npos ? body : body.substr(0, at));
  if (!parseRelative(left, &step.lhs)) return syntax(expr, "unsupported filter \"" + body + "\"");
  if (at != std::string::npos) {
    const std::string right = trim(body.substr(at + step.op.size()));
    if (!parseLiteral(right, &step.literal)) {
      return syntax(expr, "unsupported filter value \"" + right + "\"");
    }
  }
  return step;
}

core::Result<JsonPathStep> parseBracket(const std::string& expr, const std::string& body) {
  JsonPathStep step;
  const std::string b = trim(body);
  if (b == "*") {
    step.kind = StepKind::Wildcard;
    return step;
  }
  if (b.size() >= 2 && (b.front() == '\'' || b.front() == '"') && b.back() == b.front()) {
    step.kind = StepKind::Field;
    step.name = b.substr(1, b.size() - 2);
    return step;
  }
  if (b.size() >= 3 && b[0] == '?' && b[1] == '(' && b.back() == ')') {
    return parseFilter(expr, trim(b.substr(2, b.size() - 3)));
  }
  if (const std::size_t colon = b.find(':'); colon != std::string::npos) {
    step.kind = StepKind::Slice;
    const std::string s = trim(b.substr(0, colon));
    std::string e = trim(b.substr(colon + 1));
    if (const std::size_t c2 = e.find(':'); c2 != std::string::npos) {
      if (trim(e.substr(c2 + 1)) != "" && trim(e.substr(c2 + 1)) != "1") {
        return syntax(expr, "slice steps other than 1 are not supported");
      }
      e = trim(e.substr(0, c2));
    }
    if (!s.empty() && !(step.has_start = parseInt(s, &step.start)))
      return syntax(expr, "bad slice");
    if (!e.empty() && !(step.has_end = parseInt(e, &step.end))) return syntax(expr, "bad slice");
    return step;
  }
  step.kind = StepKind::Index;
  if (!parseInt(b, &step.index)) return syntax(expr, "bad array index \"" + b + "\"");
  return step;
}

const Json* child(const Json& v, const std::string& name) {
  if (!v.is_object()) return nullptr;
  auto it = v.find(name);
  return it == v.end() ? nullptr : &*it;
}

bool compare(const Json& a, const std::string& op, const Json& b) {
  if (op == "==")
    return a == b || (a.is_number() && b.is_number() && a.get<double>() == b.get<double>());
  if (op == "!=") return !compare(a, "==", b);
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return op == "<" ? x < y : op == "<=" ? x <= y : op == ">" ? x > y : x >= y;
  }
  if (a.is_string() && b.is_string()) {
    const auto& x = a.get_ref<const std::string&>();
    const auto& y = b.get_ref<const std::string&>();
    return op == "<" ? x < y : op == "<=" ? x <= y : op == ">" ? x > y : x >= y;
  }
  return false;
}

void descendants(const Json& v, std::vector<const Json*>* out, int depth) {
  if (depth > kMaxDepth) return;
  out->push_back(&v);
  if (v.is_object() || v.is_array()) {
    for (const auto& c : v) descendants(c, out, depth + 1);
  }
}

void applyStep(const JsonPathStep& step, const Json& v, std::vector<const Json*>* out) {
  switch (step.kind) {
    case StepKind::Field:
      if (const Json* c = child(v, step.name)) out->push_back(c);
      return;
    case StepKind::Wildcard:
      if (v.is_object() || v.is_array()) {
        for (const auto& c : v) out->push_back(&c);
      }
      return;
    case StepKind::Index: {
      if (!v.is_array()) return;
      const long long n = static_cast<long long>(v.size());
      const long long i = step.index < 0 ? step.index + n : step.index;
      if (i >= 0 && i < n) out->push_back(&v[static_cast<std::size_t>(i)]);
      return;
    }
    case StepKind::Slice: {
      if (!v.is_array()) return;
      const long long n = static_cast<long long>(v.size());
      auto clamp = [n](long long x) { return std::max(0LL, std::min(n, x < 0 ? x + n : x)); };
      const long long s = step.has_start ? clamp(step.start) : 0;
      const long long e = step.has_end ? clamp(step.end) : n;
      for (long long i = s; i < e; ++i) out->push_back(&v[static_cast<std::size_t>(i)]);
      return;
    }
    case StepKind::Filter: {
      std::vector<const Json*> items;
      if (v.is_array()) {
        for (const auto& c : v) items.push_back(&c);
      } else {
        items.push_back(&v);
      }
      for (const Json* item : items) {
        const Json* cur = item;
        for (const auto& f : step.lhs) {
          cur = cur ? child(*cur, f) : nullptr;
        }
        if (cur == nullptr) continue;
        if (step.op.empty() || compare(*cur, step.op, step.literal)) out->push_back(item);
      }
      return;
    }
    case StepKind::Recursive:
      descendants(v, out, 0);
      return;
  }
}

// Go's %v of a float64 (strconv 'g' with the shortest digits): exponent form when the decimal
// exponent is below -4 or at least 6, e.g. 1e+06 but 123456.
std::string goFloat(double d) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  if (ec != std::errc()) return "0";
  std::string sci(buf, p);
  const std::size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  const int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.' && c != '-') digits.push_back(c);
  }
  const bool neg = d < 0;
  std::string out;
  if (exp < -4 || exp >= 6) {
    out = mant + "e" + (exp < 0 ? "-" : "+") + (std::abs(exp) < 10 ? "0" : "") +
          std::to_string(std::abs(exp));
    return out;
  }
  if (exp < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exp) + 1 >= digits.size()) {
    out = digits + std::string(static_cast<std::size_t>(exp) + 1 - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<std::size_t>(exp) + 1) + "." +
          digits.substr(static_cast<std::size_t>(exp) + 1);
  }
  return neg ? "-" + out : out;
}

std::string goText(const Json& v, int depth) {
  if (depth > kMaxDepth) return "...";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "<nil>";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) return goFloat(v.get<double>());
  if (v.is_number()) return v.dump();
  std::string out = v.is_object() ? "map[" : "[";
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!first) out += " ";
    first = false;
    if (v.is_object()) out += it.key() + ":";
    out += goText(*it, depth + 1);
  }
  return out + "]";
}

}  // namespace

JsonPath::JsonPath() = default;
JsonPath::~JsonPath() = default;
JsonPath::JsonPath(const JsonPath&) = default;
JsonPath& JsonPath::operator=(const JsonPath&) = default;
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;

core::Result<JsonPath> JsonPath::parse(const std::string& expression) {
  JsonPath path;
  path.expression_ = expression;
  std::string e = trim(expression);
  if (e.size() >= 2 && e.front() == '{' && e.back() == '}') e = trim(e.substr(1, e.size() - 2));
  std::size_t i = 0;
  if (i < e.size() && e[i] == '$') ++i;
  while (i < e.size()) {
    const char c = e[i];
    if (c == '.') {
      if (i + 1 < e.size() && e[i + 1] == '.') {
        auto step = std::make_shared<JsonPathStep>();
        step->kind = StepKind::Recursive;
        path.steps_.push_back(step);
        ++i;  // the second '.' starts the following field
        continue;
      }
      const std::size_t start = ++i;
      if (i < e.size() && e[i] == '*') {
        auto step = std::make_shared<JsonPathStep>();
        step->kind = StepKind::Wildcard;
        path.steps_.push_back(step);
        ++i;
        continue;
      }
      while (i < e.size() && isNameChar(e[i])) ++i;
      if (i == start) {
        if (i >= e.size()) break;  // a trailing "." selects the current value, as in "{.}"
        return syntax(expression, "unexpected character '" + std::string(1, e[i]) + "'");
      }
      auto step = std::make_shared<JsonPathStep>();
      step->name = e.substr(start, i - start);
      path.steps_.push_back(step);
    } else if (c == '[') {
      // Find the matching ']' outside of quotes.
      std::size_t j = i + 1;
      char quote = 0;
      int nesting = 0;
      for (; j < e.size(); ++j) {
        if (quote) {
          if (e[j] == quote) quote = 0;
        } else if (e[j] == '\'' || e[j] == '"') {
          quote = e[j];
        } else if (e[j] == '(') {
          ++nesting;
        } else if (e[j] == ')') {
          --nesting;
        } else if (e[j] == ']' && nesting <= 0) {
          break;
        }
      }
      if (j >= e.size()) return syntax(expression, "unterminated '['");
      auto step = parseBracket(expression, e.substr(i + 1, j - i - 1));
      if (!step.isOk()) return step.status();
      path.steps_.push_back(std::make_shared<JsonPathStep>(std::move(*step)));
      i = j + 1;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else {
      return syntax(expression, "unexpected character '" + std::string(1, c) + "'");
    }
  }
  return path;
}

std::vector<const Json*> JsonPath::find(const Json& root) const {
  std::vector<const Json*> cur = {&root};
  for (const auto& step : steps_) {
    std::vector<const Json*> next;
    for (const Json* v : cur) applyStep(*step, *v, &next);
    cur = std::move(next);
    if (cur.empty()) break;
  }
  return cur;
}

std::string jsonPathText(const Json& value) { return goText(value, 0); }

}  // namespace flotilla::apimachinery
