#include "apimachinery/json_dump.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

TEST(JsonDumpTest, WritesWhatDumpWrites) {
  struct Row {
    const char* name;
    Json value;
  };
  const std::vector<Row> rows = {
      {"object", Json::parse(R"({"b":1,"a":[true,false,null],"c":{"d":"e"},"e":{},"f":[]})")},
      {"integers", Json{Json(0), Json(-1), Json(std::numeric_limits<int64_t>::min()),
                        Json(std::numeric_limits<uint64_t>::max())}},
      {"floats", Json{0.5, -0.0, 1e300, 1e-7, 123456789.125, 3.0,
                      std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::infinity()}},
      {"escapes", Json(std::string("a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f") + std::string(1, '\0'))},
      {"utf-8", Json("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80")},
      {"keys with escapes", Json{{"a\"b", 1}, {"\n", 2}, {"\xC3\xA9", 3}}},
      {"scalars", Json("x")},
      {"null", Json()},
      {"binary", Json::binary({1, 2, 3})},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(dumpJson(row.value), row.value.dump()) << row.name;
    std::string appended = "prefix";
    appendJson(appended, row.value);
    EXPECT_EQ(appended, "prefix" + row.value.dump()) << row.name;
  }
}

TEST(JsonDumpTest, EscapesAtEveryOffsetOfTheEightByteScan) {
  // Strings are scanned eight bytes at a time: put each kind of byte that needs a look at every
  // position of strings around that width and compare with dump().
  struct Row {
    std::string name;
    std::string special;
  };
  const std::vector<Row> rows = {{"quote", "\""},      {"backslash", "\\"}, {"newline", "\n"},
                                 {"nul", std::string(1, '\0')}, {"unit_separator", "\x1f"},
                                 {"two_byte_utf8", "\xc3\xa9"}, {"four_byte_utf8", "\xf0\x9f\x98\x80"},
                                 {"delete", "\x7f"},   {"space", " "}};
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    for (size_t length = 0; length <= 20; ++length) {
      for (size_t at = 0; at <= length; ++at) {
        std::string text(length, 'a');
        text.insert(at, row.special);
        const Json value(text);
        EXPECT_EQ(dumpJson(value), value.dump()) << length << " " << at;
      }
    }
  }
}

TEST(JsonDumpTest, InvalidUtf8ThrowsLikeDump) {
  const Json bad = {{"k", std::string("\xC3\x28")}};
  EXPECT_THROW(bad.dump(), Json::type_error);
  EXPECT_THROW(dumpJson(bad), Json::type_error);
  std::string out = "keep";
  EXPECT_THROW(appendJson(out, bad), Json::type_error);
}

TEST(JsonDumpTest, RandomValues) {
  std::mt19937 rng(7);
  const std::vector<Json> atoms = {Json(0),    Json(-17),  Json(42u),  Json(2.5),    Json(-1e-9),
                                   Json(true), Json(false), Json(),    Json(""),     Json("a\tb"),
                                   Json("\xE2\x82\xAC"),   Json("\x1b[0m"), Json("q\"q")};
  std::function<Json(int)> gen = [&](int depth) -> Json {
    const int pick = static_cast<int>(rng() % (depth > 4 ? 1 : 3));
    if (pick == 0) return atoms[rng() % atoms.size()];
    Json out = pick == 1 ? Json::array() : Json::object();
    const int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      if (pick == 1) {
        out.push_back(gen(depth + 1));
      } else {
        out["k" + std::to_string(rng() % 8) + (rng() % 2 ? "\n" : "")] = gen(depth + 1);
      }
    }
    return out;
  };
  for (int i = 0; i < 3000; ++i) {
    const Json value = gen(0);
    ASSERT_EQ(dumpJson(value), value.dump());
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
