#include "storage/base64.h"

#include <gtest/gtest.h>

#include "storage/key_range.h"

namespace flotilla::storage {
namespace {

TEST(Base64Test, RoundTripsRfc4648Vectors) {
  struct Row {
    std::string plain;
    std::string encoded;
  };
  const Row rows[] = {{"", ""},
                      {"f", "Zg=="},
                      {"fo", "Zm8="},
                      {"foo", "Zm9v"},
                      {"foob", "Zm9vYg=="},
                      {"fooba", "Zm9vYmE="},
                      {"foobar", "Zm9vYmFy"},
                      {std::string("\0\xff", 2), "AP8="}};
  for (const auto& row : rows) {
    EXPECT_EQ(base64Encode(row.plain), row.encoded);
    auto decoded = base64Decode(row.encoded);
    ASSERT_TRUE(decoded.has_value()) << row.encoded;
    EXPECT_EQ(*decoded, row.plain);
  }
}

TEST(Base64Test, RejectsMalformedInput) {
  for (const char* bad : {"Zg=", "Z===", "Zm9v!", "Zg==Zg==", "=Zg="}) {
    EXPECT_FALSE(base64Decode(bad).has_value()) << bad;
  }
}

TEST(KeyRangeTest, PrefixEnd) {
  EXPECT_EQ(prefixEnd("/registry/pods/"), "/registry/pods0");
  EXPECT_EQ(prefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_FALSE(prefixEnd("").has_value());
  EXPECT_FALSE(prefixEnd(std::string("\xff\xff", 2)).has_value());
}

}  // namespace
}  // namespace flotilla::storage
