#include "apimachinery/protobuf_encoder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "apimachinery/fixture_files_test_util.h"
#include "apimachinery/protobuf_codec.h"

namespace flotilla::apimachinery {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::readFile;

const fs::path kFixtures = testing::upstreamFixtures();

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(ProtobufEncoderTest, EveryFixtureReencodesByteForByte) {
  if (!fs::exists(kFixtures)) GTEST_SKIP() << "shared fixtures not available";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".json") continue;
    const std::string stem = entry.path().stem().string();
    const TypeInfo* type = testing::typeForFixtureStem(stem);
    ASSERT_NE(type, nullptr) << stem;
    json obj = json::parse(readFile(entry.path()));
    // WatchEvent frames carry no typeMeta; everything else carries the object's own.
    auto got = encodeProtobufObject(obj, type);
    ASSERT_TRUE(got.isOk()) << stem << ": " << got.status().toString();
    const std::string want = readFile(kFixtures / (stem + ".pb"));
    EXPECT_EQ(hex(*got), hex(want)) << stem;
    ++checked;
  }
  EXPECT_EQ(checked, 171);
}

TEST(ProtobufEncoderTest, KubectlBodiesRoundTrip) {
  const fs::path dir = testing::kubectlBodies();
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".pb") continue;
    const std::string body = readFile(entry.path());
    auto decoded = decodeProtobufObject(body);
    ASSERT_TRUE(decoded.isOk()) << entry.path();
    auto encoded = encodeProtobufObject(*decoded);
    ASSERT_TRUE(encoded.isOk()) << entry.path() << ": " << encoded.status().toString();
    EXPECT_EQ(hex(*encoded), hex(body)) << entry.path();
    ++checked;
  }
  EXPECT_EQ(checked, 16);
}

struct EncodeErrorCase {
  std::string name;
  std::string obj;
  core::Code code;
};

TEST(ProtobufEncoderTest, Errors) {
  const std::vector<EncodeErrorCase> cases = {
      {"custom kind", R"({"apiVersion":"example.com/v1","kind":"Widget"})",
       core::Code::UnsupportedMediaType},
      {"string for int", R"({"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":"x"}})",
       core::Code::InvalidArgument},
      {"bad time",
       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"creationTimestamp":"soon"}})",
       core::Code::InvalidArgument},
      {"bad base64", R"({"apiVersion":"v1","kind":"Secret","data":{"a":"!!"}})",
       core::Code::InvalidArgument},
      {"not an object", R"([1,2])", core::Code::InvalidArgument},
  };
  for (const auto& c : cases) {
    auto got = encodeProtobufObject(json::parse(c.obj));
    ASSERT_FALSE(got.isOk()) << c.name;
    EXPECT_EQ(got.status().code(), c.code) << c.name << ": " << got.status().toString();
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
