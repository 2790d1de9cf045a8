#include "apimachinery/json_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

// Equal values of equal types all the way down (nlohmann's == says 1 == 1u == 1.0).
bool identical(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !identical(*ia, *ib)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!identical(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return x == y && std::signbit(x) == std::signbit(y);
  }
  return a == b;
}

// The fast parser either gives exactly nlohmann's value or declines; for valid JSON that is not
// one of the documented exceptions it must not decline.
void expectAgreement(const std::string& text, bool must_accept) {
  const Json reference = Json::parse(text, nullptr, false);
  const auto fast = parseJsonFast(text);
  if (fast) {
    ASSERT_FALSE(reference.is_discarded()) << "accepted what nlohmann rejects: " << text;
    EXPECT_TRUE(identical(*fast, reference)) << text << "\n fast: " << fast->dump()
                                             << "\n nlohmann: " << reference.dump();
  } else if (must_accept) {
    ADD_FAILURE() << "declined: " << text;
  }
  const Json fallback = parseJsonOrDiscarded(text);
  EXPECT_EQ(fallback.is_discarded(), reference.is_discarded()) << text;
  if (!reference.is_discarded()) {
    EXPECT_TRUE(identical(fallback, reference)) << text;
  }
}

TEST(JsonParseTest, AgreesWithNlohmann) {
  struct Row {
    const char* name;
    std::string text;
    bool fast;  // the fast parser handles it itself
  };
  const std::vector<Row> rows = {
      {"object", R"({"b":1,"a":[true,false,null],"c":{"d":"e"}})", true},
      {"sorted object", R"({"a":1,"b":{"c":2,"d":3}})", true},
      {"duplicate keys, last wins", R"({"a":1,"b":2,"a":3})", true},
      {"duplicate sorted key", R"({"a":1,"a":2})", true},
      {"empty containers", R"({"a":{},"b":[],"c":""})", true},
      {"whitespace", " \t\r\n{ \"a\" : [ 1 , 2 ] } \n", true},
      {"scalars at top level", "42", true},
      {"string at top level", R"("x")", true},
      {"unsigned", R"([0,1,18446744073709551615])", true},
      {"signed", R"([-0,-1,-9223372036854775808])", true},
      {"integer overflow becomes double", R"([18446744073709551616,-9223372036854775809])", true},
      {"floats", R"([0.5,-0.0,1e3,1E-3,2.5e+10,123456789.123456789])", true},
      {"escapes", R"(["a\"b\\c\/d\b\f\n\r\t","\u00e9\u4e2d\ud83d\ude00","\u0000"])", true},
      {"utf-8", "[\"caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80\"]", true},
      {"byte order mark", "\xEF\xBB\xBF{\"a\":1}", true},
      {"del character", "[\"\x7F\"]", true},
      {"number underflow (nlohmann: 0)", "[1e-400]", false},
      {"number overflow", "[1e400]", false},
      {"lone high surrogate", R"(["\ud83d"])", false},
      {"lone low surrogate", R"(["\ude00"])", false},
      {"invalid utf-8", "[\"\xC3\x28\"]", false},
      {"overlong utf-8", "[\"\xC0\xAF\"]", false},
      {"surrogate in utf-8", "[\"\xED\xA0\x80\"]", false},
      {"control character", "[\"a\nb\"]", false},
      {"trailing comma", R"({"a":1,})", false},
      {"trailing content", R"({"a":1} x)", false},
      {"leading zero", "[01]", false},
      {"bare minus", "[-]", false},
      {"dot without digits", "[1.]", false},
      {"exponent without digits", "[1e]", false},
      {"single quotes", "['a']", false},
      {"comment", "{/*x*/}", false},
      {"empty", "", false},
      {"unterminated string", R"(["abc)", false},
      {"unterminated object", R"({"a":1)", false},
      {"bad literal", "[tru]", false},
      {"bad escape", R"(["\x"])", false},
      {"short unicode escape", R"(["\u12"])", false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    expectAgreement(row.text, row.fast);
  }
}

TEST(JsonParseTest, DeepNestingIsLeftToNlohmann) {
  std::string deep(kMaxJsonDepth + 10, '[');
  deep += std::string(kMaxJsonDepth + 10, ']');
  EXPECT_FALSE(parseJsonFast(deep));
  EXPECT_FALSE(parseJsonOrDiscarded(deep).is_discarded());
  std::string ok(kMaxJsonDepth - 1, '[');
  ok += std::string(kMaxJsonDepth - 1, ']');
  EXPECT_TRUE(parseJsonFast(ok));
}

TEST(JsonParseTest, ThrowsNlohmannsErrors) {
  EXPECT_THROW(parseJsonOrThrow("{\"a\":"), Json::parse_error);
  try {
    parseJsonOrThrow("[1,]");
    FAIL();
  } catch (const Json::parse_error& e) {
    std::string expected;
    try {
      const Json never = Json::parse("[1,]");
      ADD_FAILURE() << never.dump();
    } catch (const Json::parse_error& n) {
      expected = n.what();
    }
    EXPECT_EQ(std::string(e.what()), expected);
  }
}

// Random documents and random corruptions of them: never a different value than nlohmann's.
TEST(JsonParseTest, RandomDocumentsAndMutations) {
  std::mt19937 rng(42);
  const std::vector<std::string> atoms = {
      "0",      "-0",   "1",        "-17",  "3.25",  "-1e5",           "1E+2",  "true",
      "false",  "null", "\"\"",     "\"a\"", "\"\\u00e9\"", "\"\\n\"", "18446744073709551615",
      "\"x\\\"y\"", "12345678901234567890", "0.1", "\"\xC3\xA9\""};
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    const int pick = static_cast<int>(rng() % (depth > 4 ? 1 : 3));
    if (pick == 0) return atoms[rng() % atoms.size()];
    const int n = static_cast<int>(rng() % 5);
    std::string out = pick == 1 ? "[" : "{";
    for (int i = 0; i < n; ++i) {
      if (i) out += ",";
      if (pick == 2) out += "\"k" + std::to_string(rng() % 6) + "\":";
      out += gen(depth + 1);
    }
    return out + (pick == 1 ? "]" : "}");
  };
  const std::string noise = "{}[]\",:\\ 0-.eE\xC3\x80tfnu";
  for (int i = 0; i < 3000; ++i) {
    std::string text = gen(0);
    expectAgreement(text, true);
    for (int m = 0; m < 3 && !text.empty(); ++m) {
      std::string mutated = text;
      const std::size_t at = rng() % mutated.size();
      switch (rng() % 3) {
        case 0:
          mutated.erase(at, 1);
          break;
        case 1:
          mutated.insert(at, 1, noise[rng() % noise.size()]);
          break;
        default:
          mutated[at] = noise[rng() % noise.size()];
      }
      expectAgreement(mutated, false);
    }
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
