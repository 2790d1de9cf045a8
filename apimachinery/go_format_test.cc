#include "apimachinery/go_format.h"

#include <gtest/gtest.h>

namespace flotilla::apimachinery {
namespace {

struct DurationCase {
  int64_t nanos;
  std::string want;
};

TEST(GoFormatTest, Durations) {
  const std::vector<DurationCase> cases = {
      {0, "0s"},
      {1, "1ns"},
      {1500, "1.5\xC2\xB5s"},
      {300'000'000, "300ms"},
      {1'000'000'000, "1s"},
      {3'600'000'000'000, "1h0m0s"},
      {3'723'500'000'000, "1h2m3.5s"},
      {-2'000'000'000, "-2s"},
      {90'000'000'000, "1m30s"},
  };
  for (const auto& c : cases) EXPECT_EQ(formatGoDuration(c.nanos), c.want) << c.nanos;
}

TEST(GoFormatTest, TimesAndBytes) {
  EXPECT_EQ(*formatGoTime(1199149261, 0, false), "2008-01-01T01:01:01Z");
  EXPECT_EQ(*formatGoTime(1199149261, 123456789, true), "2008-01-01T01:01:01.123456Z");
  EXPECT_EQ(*formatGoTime(-1, 0, false), "1969-12-31T23:59:59Z");
  EXPECT_FALSE(formatGoTime(-62135596801LL - 86400LL * 366, 0, false).isOk());
  EXPECT_EQ(base64Encode("\x03"), "Aw==");
  EXPECT_EQ(base64Encode("abc"), "YWJj");
  EXPECT_EQ(base64Encode("ab"), "YWI=");
  EXPECT_EQ(sanitizeUtf8("ok\xff"), "ok\xEF\xBF\xBD");
  EXPECT_EQ(sanitizeUtf8("\xC3\xA9"), "\xC3\xA9");
}

struct ParseDurationCase {
  std::string text;
  int64_t want;  // ignored when !ok
  bool ok;
};

TEST(GoFormatTest, ParseDurations) {
  const std::vector<ParseDurationCase> cases = {
      {"0", 0, true},
      {"1h2m3.5s", 3'723'500'000'000, true},
      {"300ms", 300'000'000, true},
      {"-1.5\xC2\xB5s", -1'500, true},
      {"1us", 1'000, true},
      {"+2h", 7'200'000'000'000, true},
      {".5s", 500'000'000, true},
      {"", 0, false},
      {"1", 0, false},
      {"1x", 0, false},
      {"s", 0, false},
      {"9999999999h", 0, false},
  };
  for (const auto& c : cases) {
    auto got = parseGoDuration(c.text);
    EXPECT_EQ(got.isOk(), c.ok) << c.text;
    if (c.ok && got.isOk()) {
      EXPECT_EQ(*got, c.want) << c.text;
      if (c.text != "0" && c.text[0] != '+' && c.text[0] != '.' && c.text != "1us") {
        EXPECT_EQ(formatGoDuration(*got), c.text) << "round trip";
      }
    }
  }
}

struct ParseTimeCase {
  std::string text;
  int64_t seconds;
  int64_t nanos;
  bool ok;
};

TEST(GoFormatTest, ParseTimes) {
  const std::vector<ParseTimeCase> cases = {
      {"2008-01-01T01:01:01Z", 1199149261, 0, true},
      {"2008-01-01T01:01:01.123456Z", 1199149261, 123456000, true},
      {"2008-01-01T02:01:01+01:00", 1199149261, 0, true},
      {"1969-12-31T23:59:59Z", -1, 0, true},
      {"2024-02-29T00:00:00Z", 1709164800, 0, true},
      {"2023-02-29T00:00:00Z", 0, 0, false},
      {"2008-01-01 01:01:01Z", 0, 0, false},
      {"2008-01-01T01:01:01", 0, 0, false},
      {"2008-13-01T01:01:01Z", 0, 0, false},
      {"yesterday", 0, 0, false},
  };
  for (const auto& c : cases) {
    auto got = parseGoTime(c.text);
    EXPECT_EQ(got.isOk(), c.ok) << c.text;
    if (c.ok && got.isOk()) {
      EXPECT_EQ(got->seconds, c.seconds) << c.text;
      EXPECT_EQ(got->nanos, c.nanos) << c.text;
    }
  }
}

TEST(GoFormatTest, Base64RoundTrip) {
  for (std::string raw : {"", "a", "ab", "abc", "abcd", "\x00\xff\x10"}) {
    auto back = base64Decode(base64Encode(raw));
    ASSERT_TRUE(back.isOk()) << raw;
    EXPECT_EQ(*back, raw);
  }
  EXPECT_EQ(*base64Decode("YW\nJj"), "abc");
  for (const char* bad : {"YQ", "YQ=", "Y===", "a!==", "YQ==YQ==x", "YWJj="}) {
    EXPECT_FALSE(base64Decode(bad).isOk()) << bad;
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
