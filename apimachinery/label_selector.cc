#include "apimachinery/label_selector.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/';
}

core::Status parseError(const std::string& text, const std::string& why) {
  return core::invalidArgument("unable to parse requirement: " + why + " in \"" + text + "\"");
}

// A small tokenizer for the selector grammar.
class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool done() {
    skipSpace();
    return pos_ >= s_.size();
  }
  char peek() {
    skipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  bool consume(const std::string& tok) {
    skipSpace();
    if (s_.compare(pos_, tok.size(), tok) == 0) {
      pos_ += tok.size();
      return true;
    }
    return false;
  }
  std::string word() {
    skipSpace();
    std::size_t start = pos_;
    while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // Keywords "in"/"notin" must be followed by space or '('.
  bool keyword(const std::string& kw) {
    skipSpace();
    if (s_.compare(pos_, kw.size(), kw) != 0) return false;
    std::size_t after = pos_ + kw.size();
    if (after < s_.size() && isNameChar(s_[after])) return false;
    pos_ = after;
    return true;
  }

 private:
  const std::string& s_;
  std::size_t pos_ = 0;
};

bool validLabelValue(const std::string& v) {
  if (v.size() > 63) return false;
  if (v.empty()) return true;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  return std::all_of(v.begin(), v.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool validLabelKey(const std::string& k) {
  if (k.empty()) return false;
  std::string name = k;
  auto slash = k.find('/');
  if (slash != std::string::npos) {
    std::string prefix = k.substr(0, slash);
    name = k.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 253) return false;
    for (char c : prefix) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
        return false;
      }
    }
  }
  return !name.empty() && validLabelValue(name);
}

}  // namespace

bool Requirement::matches(const std::map<std::string, std::string>& labels) const {
  auto it = labels.find(key);
  const bool has = it != labels.end();
  switch (op) {
    case SelectorOp::Equals:
    case SelectorOp::In:
      return has && std::find(values.begin(), values.end(), it->second) != values.end();
    case SelectorOp::NotEquals:
    case SelectorOp::NotIn:
      return !has || std::find(values.begin(), values.end(), it->second) == values.end();
    case SelectorOp::Exists:
      return has;
    case SelectorOp::DoesNotExist:
      return !has;
    case SelectorOp::GreaterThan:
    case SelectorOp::LessThan: {
      if (!has || values.size() != 1) return false;
      try {
        long long lv = std::stoll(it->second);
        long long rv = std::stoll(values.front());
        return op == SelectorOp::GreaterThan ? lv > rv : lv < rv;
      } catch (...) {
        return false;
      }
    }
  }
  return false;
}

core::Result<LabelSelector> LabelSelector::parse(const std::string& text) {
  std::vector<Requirement> reqs;
  Lexer lx(text);
  if (lx.done()) return LabelSelector();
  while (true) {
    Requirement req;
    if (lx.consume("!")) {
      req.key = lx.word();
      req.op = SelectorOp::DoesNotExist;
      if (!validLabelKey(req.key)) return parseError(text, "invalid label key \"" + req.key + "\"");
    } else {
      req.key = lx.word();
      if (!validLabelKey(req.key)) {
        return parseError(text, "invalid label key \"" + req.key + "\"");
      }
      char c = lx.peek();
      if (c == ',' || c == '\0') {
        req.op = SelectorOp::Exists;
      } else if (lx.consume("==") || lx.consume("=")) {
        req.op = SelectorOp::Equals;
        req.values = {lx.word()};
      } else if (lx.consume("!=")) {
        req.op = SelectorOp::NotEquals;
        req.values = {lx.word()};
      } else if (lx.consume(">")) {
        req.op = SelectorOp::GreaterThan;
        req.values = {lx.word()};
      } else if (lx.consume("<")) {
        req.op = SelectorOp::LessThan;
        req.values = {lx.word()};
      } else if (lx.keyword("notin") || false) {
        req.op = SelectorOp::NotIn;
      } else if (lx.keyword("in")) {
        req.op = SelectorOp::In;
      } else {
        return parseError(text, "found '" + std::string(1, c) +
                                    "', expected: in, notin, =, ==, !=, gt, lt");
      }
      if (req.op == SelectorOp::In || req.op == SelectorOp::NotIn) {
        if (!lx.consume("(")) return parseError(text, "expected '(' after set operator");
        while (true) {
          std::string v = lx.word();
          req.values.push_back(v);
          if (lx.consume(",")) continue;
          if (lx.consume(")")) break;
          return parseError(text, "expected ',' or ')' in value set");
        }
      }
      for (const auto& v : req.values) {
        if ((req.op == SelectorOp::GreaterThan || req.op == SelectorOp::LessThan)) {
          if (v.empty() || !std::all_of(v.begin(), v.end(), [](char ch) {
                return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-';
              })) {
            return parseError(text, "for 'gt', 'lt' operators, the value must be an integer");
          }
        } else if (!validLabelValue(v)) {
          return parseError(text, "invalid label value: \"" + v + "\"");
        }
      }
    }
    std::sort(req.values.begin(), req.values.end());
    reqs.push_back(std::move(req));
    if (lx.done()) break;
    if (!lx.consume(",")) return parseError(text, "expected ','");
  }
  std::sort(reqs.begin(), reqs.end(),
            [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  return LabelSelector(std::move(reqs));
}

core::Result<LabelSelector> LabelSelector::fromJson(const nlohmann::json& selector,
                                                    bool nothing_if_null) {
  if (selector.is_null()) {
    LabelSelector s;
    s.nothing_ = nothing_if_null;
    return s;
  }
  if (!selector.is_object()) return core::invalidArgument("label selector must be an object");
  std::vector<Requirement> reqs;
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && !ml->is_null()) {
    if (!ml->is_object()) return core::invalidArgument("matchLabels must be an object");
    for (const auto& [k, v] : ml->items()) {
      if (!v.is_string()) return core::invalidArgument("matchLabels." + k + " must be a string");
      if (!validLabelKey(k)) return core::invalidArgument("invalid label key \"" + k + "\"");
      reqs.push_back({k, SelectorOp::Equals, {v.get<std::string>()}});
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && !me->is_null()) {
    if (!me->is_array()) return core::invalidArgument("matchExpressions must be a list");
    for (const auto& e : *me) {
      if (!e.is_object() || !e.contains("key") || !e["key"].is_string() ||
          !e.contains("operator") || !e["operator"].is_string()) {
        return core::invalidArgument("matchExpressions entries need key and operator");
      }
      Requirement req;
      req.key = e["key"].get<std::string>();
      const std::string op = e["operator"].get<std::string>();
      if (e.contains("values") && e["values"].is_array()) {
        for (const auto& v : e["values"]) {
          if (v.is_string()) req.values.push_back(v.get<std::string>());
        }
      }
      if (op == "In") {
        req.op = SelectorOp::In;
      } else if (op == "NotIn") {
        req.op = SelectorOp::NotIn;
      } else if (op == "Exists") {
        req.op = SelectorOp::Exists;
      } else if (op == "DoesNotExist") {
        req.op = SelectorOp::DoesNotExist;
      } else {
        return core::invalidArgument("\"" + op + "\" is not a valid label selector operator");
      }
      if ((req.op == SelectorOp::In || req.op == SelectorOp::NotIn) && req.values.empty()) {
        return core::invalidArgument("values: Required value: must be specified when `operator` "
                                     "is 'In' or 'NotIn'");
      }
      if ((req.op == SelectorOp::Exists || req.op == SelectorOp::DoesNotExist) &&
          !req.values.empty()) {
        return core::invalidArgument("values: Forbidden: may not be specified when `operator` is "
                                     "'Exists' or 'DoesNotExist'");
      }
      std::sort(req.values.begin(), req.values.end());
      reqs.push_back(std::move(req));
    }
  }
  return LabelSelector(std::move(reqs));
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  if (nothing_) return false;
  return std::all_of(reqs_.begin(), reqs_.end(),
                     [&](const Requirement& r) { return r.matches(labels); });
}

bool LabelSelector::matchesJsonLabels(const nlohmann::json& labels) const {
  if (nothing_) return false;
  if (reqs_.empty()) return true;
  std::map<std::string, std::string> m;
  if (labels.is_object()) {
    for (const auto& [k, v] : labels.items()) {
      if (v.is_string()) m.emplace(k, v.get<std::string>());
    }
  }
  return matches(m);
}

std::string LabelSelector::toString() const {
  std::string out;
  for (const auto& r : reqs_) {
    if (!out.empty()) out += ",";
    auto joined = [&] {
      std::string s;
      for (std::size_t i = 0; i < r.values.size(); ++i) s += (i ? "," : "") + r.values[i];
      return s;
    };
    switch (r.op) {
      case SelectorOp::Equals: out += r.key + "=" + r.values.front(); break;
      case SelectorOp::NotEquals: out += r.key + "!=" + r.values.front(); break;
      case SelectorOp::In: out += r.key + " in (" + joined() + ")"; break;
      case SelectorOp::NotIn: out += r.key + " notin (" + joined() + ")"; break;
      case SelectorOp::Exists: out += r.key; break;
      case SelectorOp::DoesNotExist: out += "!" + r.key; break;
      case SelectorOp::GreaterThan: out += r.key + ">" + r.values.front(); break;
      case SelectorOp::LessThan: out += r.key + "<" + r.values.front(); break;
    }
  }
  return out;
}

}  // namespace flotilla::apimachinery
