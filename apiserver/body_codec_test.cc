#include "apiserver/body_codec.h"

#include <gtest/gtest.h>

namespace flotilla::apiserver {
namespace {

// The two-argument form skips the full pass when the key count shows no repeats; it must name
// exactly what the full pass names.
TEST(BodyCodecTest, DuplicateFieldsWithAParseMatchTheFullPass) {
  struct Row {
    const char* name;
    const char* text;
    std::vector<std::string> dups;
  };
  const std::vector<Row> rows = {
      {"none", R"({"a":1,"b":{"c":[{"d":2},{"d":3}]}})", {}},
      {"top level", R"({"a":1,"a":2})", {"a"}},
      {"nested", R"({"m":{"x":1,"y":2,"x":3}})", {"m.x"}},
      {"inside an array item", R"({"l":[{"k":1,"k":2}]})", {"l.k"}},
      {"key-like text in strings", R"({"s":"\"a\":","t":"x\\","u":": \"q\" :"})", {}},
      {"escaped quote in a key", R"({"a\"b":1,"a\"b":2})", {"a\"b"}},
      {"whitespace before colons", "{ \"a\" : 1 ,\n \"a\"\t: 2 }", {"a"}},
      {"empty object and array", R"({"a":{},"b":[]})", {}},
      {"same key in sibling objects", R"({"a":{"k":1},"b":{"k":2}})", {}},
      {"scalar body", R"("just a string")", {}},
  };
  for (const auto& row : rows) {
    auto parsed = parseJson(row.text);
    ASSERT_TRUE(parsed.isOk()) << row.name;
    EXPECT_EQ(duplicateJsonFields(row.text), row.dups) << row.name << " (full pass)";
    EXPECT_EQ(duplicateJsonFields(row.text, *parsed), row.dups) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apiserver
