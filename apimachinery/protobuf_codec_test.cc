#include "apimachinery/protobuf_codec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "apimachinery/fixture_files_test_util.h"

namespace flotilla::apimachinery {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::readFile;

const fs::path kFixtures = testing::upstreamFixtures();

TEST(ProtobufCodecTest, EveryFixtureDecodesToItsJson) {
  if (!fs::exists(kFixtures)) GTEST_SKIP() << "shared fixtures not available";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".pb") continue;
    const std::string stem = entry.path().stem().string();
    const TypeInfo* expected = testing::typeForFixtureStem(stem);
    ASSERT_NE(expected, nullptr) << stem;
    auto got = decodeProtobufObject(readFile(entry.path()), expected);
    ASSERT_TRUE(got.isOk()) << stem << ": " << got.status().toString();
    json want = json::parse(readFile(fs::path(kFixtures) / (stem + ".json")));
    EXPECT_EQ(*got, want) << stem << "\n got: " << got->dump() << "\nwant: " << want.dump();
    ++checked;
  }
  EXPECT_EQ(checked, 171);
}

TEST(ProtobufCodecTest, KubectlRequestBodiesDecodeToKubectlJson) {
  const fs::path dir = testing::kubectlBodies();
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".pb") continue;
    const std::string stem = entry.path().stem().string();
    auto got = decodeProtobufObject(readFile(entry.path()));
    ASSERT_TRUE(got.isOk()) << stem << ": " << got.status().toString();
    json want = json::parse(readFile(dir / (stem + ".json")));
    EXPECT_EQ(*got, want) << stem << "\n got: " << got->dump() << "\nwant: " << want.dump();
    ++checked;
  }
  EXPECT_EQ(checked, 16);
}

std::string envelope(std::string_view api_version, std::string_view kind, std::string_view raw) {
  auto field = [](int number, std::string_view payload) {
    std::string out;
    out.push_back(static_cast<char>(number << 3 | 2));
    size_t len = payload.size();
    do {
      uint8_t b = len & 0x7F;
      len >>= 7;
      out.push_back(static_cast<char>(b | (len ? 0x80 : 0)));
    } while (len);
    out.append(payload);
    return out;
  };
  std::string tm = field(1, api_version) + field(2, kind);
  return std::string("k8s\0", 4) + field(1, tm) + field(2, raw) + field(3, "") + field(4, "");
}

TEST(ProtobufCodecTest, KubectlCreateConfigMapBody) {
  // ConfigMap{metadata{name:"a", 2..6:"", 7:0, 8:{}}, data{"x": "1"}} as kubectl 1.32 sends it.
  std::string meta = std::string(
      "\x0a\x01"
      "a"
      "\x12\x00\x1a\x00\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00",
      17);
  std::string entry = std::string(
      "\x0a\x01x\x12\x01"
      "1",
      6);
  std::string raw = "\x0a" + std::string(1, static_cast<char>(meta.size())) + meta + "\x12" +
                    std::string(1, static_cast<char>(entry.size())) + entry;
  auto got = decodeProtobufObject(envelope("v1", "ConfigMap", raw));
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(*got, json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"a","creationTimestamp":null},"data":{"x":"1"}})"));
}

// ResourceQuota{spec{hard{"memory": Quantity{text}}}} as a raw message.
std::string quotaWithMemory(std::string_view text) {
  auto field = [](int number, std::string_view payload) {
    std::string out(1, static_cast<char>(number << 3 | 2));
    out.push_back(static_cast<char>(payload.size()));
    out.append(payload);
    return out;
  };
  return field(2, field(1, field(1, "memory") + field(2, field(1, text))));
}

TEST(ProtobufCodecTest, QuantitiesComeBackCanonical) {
  auto got = decodeProtobufObject(envelope("v1", "ResourceQuota", quotaWithMemory("1024Mi")));
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ((*got)["spec"]["hard"]["memory"], "1Gi");
  auto bad = decodeProtobufObject(envelope("v1", "ResourceQuota", quotaWithMemory("lots")));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), core::Code::InvalidArgument);
}

struct BadCase {
  std::string name;
  std::string body;
  core::Code code;
};

TEST(ProtobufCodecTest, MalformedInputIsAnErrorNotACrash) {
  const std::vector<BadCase> cases = {
      {"empty", "", core::Code::InvalidArgument},
      {"no magic", "{\"kind\":\"Pod\"}", core::Code::InvalidArgument},
      {"magic only", std::string("k8s\0", 4), core::Code::UnsupportedMediaType},
      {"truncated varint", std::string("k8s\0\x0a\xff", 6), core::Code::InvalidArgument},
      {"length past end", std::string("k8s\0\x0a\x7f\x00", 7), core::Code::InvalidArgument},
      {"group wire type", std::string("k8s\0\x0b", 5), core::Code::InvalidArgument},
      {"unknown kind", envelope("example.com/v1", "Widget", ""), core::Code::UnsupportedMediaType},
      {"table has no protobuf", envelope("meta.k8s.io/v1", "Table", ""),
       core::Code::UnsupportedMediaType},
      {"truncated object", envelope("v1", "ConfigMap", std::string("\x0a\x05\x0a\x01", 4)),
       core::Code::InvalidArgument},
      {"wrong wire type for string",
       envelope("v1", "ConfigMap", std::string("\x0a\x02\x08\x01", 4)),
       core::Code::InvalidArgument},
      {"eleven byte varint",
       envelope("v1", "ConfigMap",
                std::string("\x0a\x0c\x38\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 14)),
       core::Code::InvalidArgument},
      {"bad raw extension json",
       envelope("apps/v1", "ControllerRevision", std::string("\x12\x04\x0a\x02{x", 6)),
       core::Code::InvalidArgument},
      {"bad intorstring type",
       envelope("policy/v1", "PodDisruptionBudget", std::string("\x12\x04\x0a\x02\x08\x07", 6)),
       core::Code::InvalidArgument},
  };
  for (const BadCase& c : cases) {
    auto got = decodeProtobufObject(c.body);
    ASSERT_FALSE(got.isOk()) << c.name;
    EXPECT_EQ(got.status().code(), c.code) << c.name << ": " << got.status().toString();
  }
}

TEST(ProtobufCodecTest, DeepNestingIsRejected) {
  // A Pod whose raw nests field 1 (metadata) inside itself thousands of times is either skipped
  // or rejected, never a stack overflow.
  std::string raw;
  for (int i = 0; i < 5000; ++i) {
    std::string wrapped;
    wrapped.push_back('\x12');  // spec
    size_t len = raw.size();
    do {
      uint8_t b = len & 0x7F;
      len >>= 7;
      wrapped.push_back(static_cast<char>(b | (len ? 0x80 : 0)));
    } while (len);
    raw = wrapped + raw;
  }
  auto got = decodeProtobufObject(envelope("v1", "Pod", raw));
  (void)got;  // outcome does not matter; surviving does
}

TEST(ProtobufCodecTest, GarbageNeverCrashes) {
  // Deterministic pseudo-random mutations of a real body.
  std::string base = envelope("v1", "ConfigMap",
                              std::string("\x0a\x03\x0a\x01"
                                          "a\x12\x06\x0a\x01x\x12\x01"
                                          "1",
                                          13));
  uint32_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string body = base;
    for (int k = 0; k < 3; ++k) {
      state = state * 1103515245 + 12345;
      size_t pos = 4 + (state >> 8) % (body.size() - 4);
      body[pos] = static_cast<char>(state >> 24);
    }
    auto got = decodeProtobufObject(body);
    if (got.isOk()) (void)got->dump();
  }
}

// Every truncation and many deterministic byte mutations of real bodies decode or fail cleanly.
TEST(ProtobufCodecTest, MutatedRealBodiesNeverCrash) {
  std::vector<std::string> bodies = {readFile(testing::kubectlBodies() / "deployment.pb")};
  if (fs::exists(kFixtures / "core.v1.Pod.pb"))
    bodies.push_back(readFile(kFixtures / "core.v1.Pod.pb"));
  uint32_t state = 42;
  for (const std::string& base : bodies) {
    ASSERT_FALSE(base.empty());
    for (size_t len = 0; len < base.size(); ++len) {
      auto got = decodeProtobufObject(std::string_view(base).substr(0, len));
      if (got.isOk()) (void)got->dump();
    }
    for (int i = 0; i < 3000; ++i) {
      std::string body = base;
      for (int k = 0; k < 4; ++k) {
        state = state * 1664525 + 1013904223;
        body[4 + (state >> 8) % (body.size() - 4)] = static_cast<char>(state >> 24);
      }
      auto got = decodeProtobufObject(body);
      if (got.isOk()) (void)got->dump();
    }
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
