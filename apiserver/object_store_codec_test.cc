#include <gtest/gtest.h>

#include "apiserver/object_store.h"

namespace flotilla::apiserver {
namespace {

// encode() must write exactly what dumping a copy without resourceVersion writes: stored bytes
// are compared by watchers and by the consistency checks.
TEST(ObjectStoreCodecTest, EncodeMatchesDumpWithoutResourceVersion) {
  const std::vector<std::string> cases = {
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"7"},"data":{"k":"v"}})",
      R"({"metadata":{"resourceVersion":"1"}})",
      R"({"a":1,"metadata":{"name":"x"},"z":[1,2,{"q":"\u00e9\"\\"}]})",
      R"({"metadata":"not an object","spec":{}})",
      R"({"spec":{"metadata":{"resourceVersion":"nested stays"}}})",
      R"({})",
  };
  for (const auto& text : cases) {
    Json obj = Json::parse(text);
    Json expected = obj;
    if (expected.contains("metadata") && expected["metadata"].is_object()) {
      expected["metadata"].erase("resourceVersion");
    }
    EXPECT_EQ(ObjectStore::encode(obj), expected.dump()) << text;
  }
}

TEST(ObjectStoreCodecTest, DecodeMetadataKeepsOnlyIdentityAndMetadata) {
  auto obj = ObjectStore::decodeMetadata(
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","ownerReferences":[{"uid":"u"}]},)"
      R"("spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}})");
  ASSERT_TRUE(obj.isOk());
  EXPECT_EQ(obj->size(), 3u);
  EXPECT_EQ((*obj)["metadata"]["ownerReferences"][0]["uid"], "u");
  EXPECT_FALSE(obj->contains("spec"));
  // Only the members it needs are examined: a broken spec after metadata goes unnoticed.
  EXPECT_TRUE(ObjectStore::decodeMetadata(R"({"metadata":{"name":"n"},"spec":[)").isOk());
  EXPECT_FALSE(ObjectStore::decodeMetadata(R"({"metadata":{"name":)").isOk());
  EXPECT_FALSE(ObjectStore::decodeMetadata(R"({"spec":{}})").isOk());
  EXPECT_FALSE(ObjectStore::decodeMetadata(R"([1,2])").isOk());
}

}  // namespace
}  // namespace flotilla::apiserver
