#include "apimachinery/label_selector.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

#include "apimachinery/object_validation.h"

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

// The lexer and parser mirror apimachinery's labels/selector.go.
enum class Tok {
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,  // "!"
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
};

struct Item {
  Tok tok;
  std::string lit;
};

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool isSpecial(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

bool specialToken(const std::string& s, Tok* out) {
  static const std::map<std::string, Tok> kTokens = {
      {")", Tok::ClosedPar},     {",", Tok::Comma},      {"!", Tok::DoesNotExist},
      {"==", Tok::DoubleEquals}, {"=", Tok::Equals},     {">", Tok::GreaterThan},
      {"<", Tok::LessThan},      {"!=", Tok::NotEquals}, {"(", Tok::OpenPar}};
  auto it = kTokens.find(s);
  if (it == kTokens.end()) return false;
  *out = it->second;
  return true;
}

std::vector<Item> lex(const std::string& s) {
  std::vector<Item> items;
  std::size_t pos = 0;
  // A NUL byte ends the input, as Go's lexer reads 0 as end of string.
  auto at = [&](std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  while (true) {
    while (isWhitespace(at(pos))) ++pos;
    const char c = at(pos);
    if (c == '\0') {
      items.push_back({Tok::EndOfString, ""});
      return items;
    }
    if (isSpecial(c)) {
      // Longest match among the special symbols.
      std::string buffer;
      Item last{Tok::EndOfString, ""};
      bool found = false;
      while (isSpecial(at(pos))) {
        buffer.push_back(at(pos));
        Tok t;
        if (specialToken(buffer, &t)) {
          last = {t, buffer};
          found = true;
          ++pos;
        } else {
          break;
        }
      }
      // Every single special character is a token, so `found` always holds.
      if (!found) ++pos;
      items.push_back(last);
      continue;
    }
    const std::size_t start = pos;
    while (at(pos) != '\0' && !isSpecial(at(pos)) && !isWhitespace(at(pos))) ++pos;
    std::string word = s.substr(start, pos - start);
    if (word == "in") {
      items.push_back({Tok::In, word});
    } else if (word == "notin") {
      items.push_back({Tok::NotIn, word});
    } else {
      items.push_back({Tok::Identifier, std::move(word)});
    }
  }
}

bool parseInt64(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  const char* b = s.data();
  if (*b == '+') {
    ++b;
    if (b == s.data() + s.size() || *b == '-') return false;
  }
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

class Parser {
 public:
  explicit Parser(std::vector<Item> items) : items_(std::move(items)) {}

  core::Result<std::vector<Requirement>> parse();

 private:
  // Keywords count as identifiers where values are expected ("a in (in)").
  Item lookahead(bool values) const {
    Item it = items_[std::min(pos_, items_.size() - 1)];
    if (values && (it.tok == Tok::In || it.tok == Tok::NotIn)) it.tok = Tok::Identifier;
    return it;
  }
  Item consume(bool values) {
    Item it = lookahead(values);
    if (pos_ < items_.size() - 1) ++pos_;
    return it;
  }

  core::Result<Requirement> parseRequirement();
  core::Result<std::set<std::string>> parseValues();
  core::Result<std::set<std::string>> parseIdentifiersList();

  std::vector<Item> items_;
  std::size_t pos_ = 0;
};

core::Status plain(const std::string& msg) { return core::invalidArgument(msg); }

std::string keyError(const std::string& key) {
  std::string joined;
  for (const auto& m : qualifiedNameErrors(key)) joined += (joined.empty() ? "" : "; ") + m;
  return joined;
}

core::Result<std::vector<Requirement>> Parser::parse() {
  std::vector<Requirement> reqs;
  while (true) {
    const Item next = lookahead(true);
    if (next.tok == Tok::EndOfString) return reqs;
    if (next.tok != Tok::Identifier && next.tok != Tok::DoesNotExist) {
      return plain("found '" + next.lit + "', expected: !, identifier, or 'end of string'");
    }
    auto req = parseRequirement();
    if (!req.isOk()) return plain("unable to parse requirement: " + req.status().message());
    reqs.push_back(std::move(*req));
    const Item sep = consume(true);
    if (sep.tok == Tok::EndOfString) return reqs;
    if (sep.tok != Tok::Comma) {
      return plain("found '" + sep.lit + "', expected: ',' or 'end of string'");
    }
    const Item after = lookahead(true);
    if (after.tok != Tok::Identifier && after.tok != Tok::DoesNotExist) {
      return plain("found '" + after.lit + "', expected: identifier after ','");
    }
  }
}

core::Result<Requirement> Parser::parseRequirement() {
  Requirement req;
  Item it = consume(true);
  bool does_not_exist = false;
  if (it.tok == Tok::DoesNotExist) {
    does_not_exist = true;
    it = consume(true);
  }
  if (it.tok != Tok::Identifier) return plain("found '" + it.lit + "', expected: identifier");
  if (std::string err = keyError(it.lit); !err.empty()) {
    return plain("<nil>: " + invalidValueMessage(it.lit, err));
  }
  req.key = it.lit;
  const Tok next = lookahead(true).tok;
  if (does_not_exist || next == Tok::EndOfString || next == Tok::Comma) {
    req.op = does_not_exist ? SelectorOp::DoesNotExist : SelectorOp::Exists;
    return req;
  }
  const Item op = consume(false);
  std::set<std::string> values;
  switch (op.tok) {
    case Tok::DoesNotExist:
      req.op = SelectorOp::DoesNotExist;
      return req;
    case Tok::Equals:
    case Tok::DoubleEquals:
      req.op = SelectorOp::Equals;
      break;
    case Tok::NotEquals:
      req.op = SelectorOp::NotEquals;
      break;
    case Tok::GreaterThan:
      req.op = SelectorOp::GreaterThan;
      break;
    case Tok::LessThan:
      req.op = SelectorOp::LessThan;
      break;
    case Tok::In:
      req.op = SelectorOp::In;
      break;
    case Tok::NotIn:
      req.op = SelectorOp::NotIn;
      break;
    default:
      return plain("found '" + op.lit + "', expected: in, notin, =, ==, !=, gt, lt");
  }
  if (req.op == SelectorOp::In || req.op == SelectorOp::NotIn) {
    auto v = parseValues();
    if (!v.isOk()) return v.status();
    values = std::move(*v);
  } else {
    const Tok t = lookahead(true).tok;
    if (t == Tok::EndOfString || t == Tok::Comma) {
      values.insert("");
    } else {
      const Item v = consume(true);
      if (v.tok != Tok::Identifier) return plain("found '" + v.lit + "', expected: identifier");
      values.insert(v.lit);
    }
  }
  req.values.assign(values.begin(), values.end());
  // NewRequirement's checks, aggregated like field.ErrorList.ToAggregate.
  std::vector<std::string> errs;
  if (req.op == SelectorOp::GreaterThan || req.op == SelectorOp::LessThan) {
    for (std::size_t i = 0; i < req.values.size(); ++i) {
      const std::string& v = req.values[i];
      int64_t n = 0;
      if (!parseInt64(v, &n)) {
        errs.push_back("values[" + std::to_string(i) + "]: " +
                       invalidValueMessage(v,
                                           "for 'Gt', 'Lt' operators, the value must be an "
                                           "integer"));
      }
    }
  }
  for (std::size_t i = 0; i < req.values.size(); ++i) {
    std::string joined;
    for (const auto& m : labelValueErrors(req.values[i])) {
      joined += (joined.empty() ? "" : "; ") + m;
    }
    if (!joined.empty()) {
      errs.push_back("values[" + std::to_string(i) + "][" + req.key +
                     "]: " + invalidValueMessage(req.values[i], joined));
    }
  }
  if (errs.size() == 1) return plain(errs.front());
  if (!errs.empty()) {
    std::string all;
    for (const auto& e : errs) all += (all.empty() ? "" : ", ") + e;
    return plain("[" + all + "]");
  }
  return req;
}

core::Result<std::set<std::string>> Parser::parseValues() {
  Item it = consume(true);
  if (it.tok != Tok::OpenPar) return plain("found '" + it.lit + "' expected: '('");
  it = lookahead(true);
  if (it.tok == Tok::Identifier || it.tok == Tok::Comma) {
    auto s = parseIdentifiersList();
    if (!s.isOk()) return s;
    if (consume(true).tok != Tok::ClosedPar) {
      return plain("found '" + it.lit + "', expected: ')'");
    }
    return s;
  }
  if (it.tok == Tok::ClosedPar) {
    consume(true);
    return std::set<std::string>{""};
  }
  return plain("found '" + it.lit + "', expected: ',', ')' or identifier");
}

core::Result<std::set<std::string>> Parser::parseIdentifiersList() {
  std::set<std::string> s;
  while (true) {
    const Item it = consume(true);
    if (it.tok == Tok::Identifier) {
      s.insert(it.lit);
      const Item next = lookahead(true);
      if (next.tok == Tok::Comma) continue;
      if (next.tok == Tok::ClosedPar) return s;
      return plain("found '" + next.lit + "', expected: ',' or ')'");
    }
    if (it.tok == Tok::Comma) {
      if (s.empty()) s.insert("");  // "(,"
      const Tok next = lookahead(true).tok;
      if (next == Tok::ClosedPar) {
        s.insert("");  // ",)"
        return s;
      }
      if (next == Tok::Comma) {
        consume(true);
        s.insert("");  // ",,"
      }
      continue;
    }
    return plain("found '" + it.lit + "', expected: ',', or identifier");
  }
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
      int64_t lv = 0;
      int64_t rv = 0;
      if (!has || values.size() != 1 || !parseInt64(it->second, &lv) ||
          !parseInt64(values.front(), &rv)) {
        return false;
      }
      return op == SelectorOp::GreaterThan ? lv > rv : lv < rv;
    }
  }
  return false;
}

std::string Requirement::toString() const {
  // Joined by position, not by "anything so far": an empty value ("a in (,x)") must survive.
  std::string joined;
  for (size_t i = 0; i < values.size(); ++i) joined += (i == 0 ? "" : ",") + values[i];
  const std::string first = values.empty() ? std::string() : values.front();
  switch (op) {
    case SelectorOp::Equals:
      return key + "=" + first;
    case SelectorOp::NotEquals:
      return key + "!=" + first;
    case SelectorOp::In:
      return key + " in (" + joined + ")";
    case SelectorOp::NotIn:
      return key + " notin (" + joined + ")";
    case SelectorOp::Exists:
      return key;
    case SelectorOp::DoesNotExist:
      return "!" + key;
    case SelectorOp::GreaterThan:
      return key + ">" + first;
    case SelectorOp::LessThan:
      return key + "<" + first;
  }
  return key;
}

LabelSelector LabelSelector::nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

core::Result<LabelSelector> LabelSelector::parse(const std::string& text) {
  Parser parser(lex(text));
  auto reqs = parser.parse();
  if (!reqs.isOk()) return reqs.status();
  std::stable_sort(reqs->begin(), reqs->end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  return LabelSelector(std::move(*reqs));
}

std::vector<core::Cause> validateLabelSelector(const Json& selector, const std::string& path) {
  std::vector<core::Cause> out;
  auto at = [&](const std::string& child) { return path.empty() ? child : path + "." + child; };
  if (selector.is_null()) return out;
  if (!selector.is_object()) {
    out.push_back({"FieldValueInvalid", invalidValueMessage(selector, "must be an object"), path});
    return out;
  }
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && !ml->is_null()) {
    if (!ml->is_object()) {
      out.push_back(
          {"FieldValueInvalid", invalidValueMessage(*ml, "must be an object"), at("matchLabels")});
    } else {
      for (const auto& [k, v] : ml->items()) {
        for (const auto& m : qualifiedNameErrors(k)) {
          out.push_back({"FieldValueInvalid", invalidValueMessage(k, m), at("matchLabels")});
        }
        const std::string value = v.is_string() ? v.get<std::string>() : jsonText(v);
        if (!v.is_string()) {
          out.push_back(
              {"FieldValueInvalid", invalidValueMessage(v, "must be a string"), at("matchLabels")});
        }
        for (const auto& m : labelValueErrors(value)) {
          out.push_back({"FieldValueInvalid", invalidValueMessage(value, m), at("matchLabels")});
        }
      }
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && !me->is_null()) {
    if (!me->is_array()) {
      out.push_back({"FieldValueInvalid", invalidValueMessage(*me, "must be a list"),
                     at("matchExpressions")});
      return out;
    }
    for (std::size_t i = 0; i < me->size(); ++i) {
      const Json& e = (*me)[i];
      const std::string base = at("matchExpressions[" + std::to_string(i) + "]");
      if (!e.is_object()) {
        out.push_back({"FieldValueInvalid", invalidValueMessage(e, "must be an object"), base});
        continue;
      }
      const Json op = e.value("operator", Json(""));
      const Json key = e.value("key", Json(""));
      const Json values = e.value("values", Json::array());
      const std::size_t nvalues = values.is_array() ? values.size() : 0;
      const std::string op_s = op.is_string() ? op.get<std::string>() : jsonText(op);
      if (op_s == "In" || op_s == "NotIn") {
        if (nvalues == 0) {
          out.push_back({"FieldValueRequired",
                         "Required value: must be specified when `operator` is 'In' or 'NotIn'",
                         base + ".values"});
        }
      } else if (op_s == "Exists" || op_s == "DoesNotExist") {
        if (nvalues > 0) {
          out.push_back({"FieldValueForbidden",
                         "Forbidden: may not be specified when `operator` is 'Exists' or "
                         "'DoesNotExist'",
                         base + ".values"});
        }
      } else {
        out.push_back({"FieldValueInvalid",
                       invalidValueMessage(op, "not a valid selector operator"),
                       base + ".operator"});
      }
      const std::string key_s = key.is_string() ? key.get<std::string>() : jsonText(key);
      for (const auto& m : qualifiedNameErrors(key_s)) {
        out.push_back({"FieldValueInvalid", invalidValueMessage(key_s, m), base + ".key"});
      }
      if (values.is_array()) {
        for (std::size_t j = 0; j < values.size(); ++j) {
          const std::string v =
              values[j].is_string() ? values[j].get<std::string>() : jsonText(values[j]);
          for (const auto& m : labelValueErrors(v)) {
            out.push_back({"FieldValueInvalid", invalidValueMessage(v, m),
                           base + ".values[" + std::to_string(j) + "]"});
          }
        }
      }
    }
  }
  return out;
}

core::Result<LabelSelector> LabelSelector::fromJson(const Json& selector, bool nothing_if_null) {
  if (selector.is_null()) return nothing_if_null ? nothing() : LabelSelector();
  auto causes = validateLabelSelector(selector, "");
  if (!causes.empty()) {
    std::string msg;
    for (const auto& c : causes) {
      msg += (msg.empty() ? "" : ", ") + (c.field.empty() ? c.message : c.field + ": " + c.message);
    }
    if (causes.size() > 1) msg = "[" + msg + "]";
    return core::Status(core::Code::InvalidArgument, msg, std::move(causes));
  }
  std::vector<Requirement> reqs;
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && ml->is_object()) {
    for (const auto& [k, v] : ml->items()) {
      reqs.push_back({k, SelectorOp::Equals, {v.get<std::string>()}});
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && me->is_array()) {
    for (const auto& e : *me) {
      Requirement req;
      const Json key = e.value("key", Json(""));
      const Json op_json = e.value("operator", Json(""));
      req.key = key.is_string() ? key.get<std::string>() : jsonText(key);
      const std::string op = op_json.is_string() ? op_json.get<std::string>() : "";
      req.op = op == "In"       ? SelectorOp::In
               : op == "NotIn"  ? SelectorOp::NotIn
               : op == "Exists" ? SelectorOp::Exists
                                : SelectorOp::DoesNotExist;
      std::set<std::string> values;
      if (auto v = e.find("values"); v != e.end() && v->is_array()) {
        for (const auto& x : *v) {
          if (x.is_string()) values.insert(x.get<std::string>());
        }
      }
      req.values.assign(values.begin(), values.end());
      reqs.push_back(std::move(req));
    }
  }
  std::stable_sort(reqs.begin(), reqs.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  return LabelSelector(std::move(reqs));
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  if (nothing_) return false;
  return std::all_of(reqs_.begin(), reqs_.end(),
                     [&](const Requirement& r) { return r.matches(labels); });
}

bool LabelSelector::matchesJsonLabels(const Json& labels) const {
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
  for (const auto& r : reqs_) out += (out.empty() ? "" : ",") + r.toString();
  return out;
}

}  // namespace flotilla::apimachinery
