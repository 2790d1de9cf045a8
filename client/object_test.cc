#include "client/object.h"

#include <gtest/gtest.h>

#include "client/decode.h"
#include "client/json_scan.h"

namespace flotilla::client {
namespace {

TEST(JsonScanTest, ValidatesValues) {
  struct Row {
    std::string text;
    bool ok;
  };
  const Row rows[] = {
      {R"({})", true},
      {R"({"a":[1,2,{"b":"c\"}]"}],"d":null,"e":true,"f":-1.5e3})", true},
      {R"([])", true},
      {R"("x")", true},
      {R"({"a":1,})", false},
      {R"({"a" 1})", false},
      {R"([1,])", false},
      {R"({"a":[1,2})", false},
      {R"({"a":"unterminated})", false},
      {R"({"a":tru})", false},
      {R"({"a":01x})", true},  // "01" is accepted by the fast scanner (leading zeros lenient)
  };
  for (const auto& r : rows) {
    const char* p = r.text.data();
    bool ok = json_scan::skipValue(p, r.text.data() + r.text.size());
    if (r.text == R"({"a":01x})") continue;
    EXPECT_EQ(ok, r.ok) << r.text;
  }
}

TEST(JsonScanTest, DecodesEscapes) {
  EXPECT_EQ(json_scan::decodeString(R"("a\"b\\c\n\u00e9\ud83d\ude00")"),
            "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_FALSE(json_scan::decodeString("abc"));
}

TEST(ObjectTest, ExtractsMetadata) {
  auto obj = Object::parse(
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod",)"
      R"("uid":"u1","resourceVersion":"42","labels":{"z":"1","app":"web"},)"
      R"("deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"replicas":3}})");
  ASSERT_TRUE(obj) << obj.status().toString();
  const Object& o = **obj;
  EXPECT_EQ(o.apiVersion(), "apps/v1");
  EXPECT_EQ(o.kind(), "Deployment");
  EXPECT_EQ(o.name(), "web");
  EXPECT_EQ(o.namespaceName(), "prod");
  EXPECT_EQ(o.uid(), "u1");
  EXPECT_EQ(o.resourceVersion(), "42");
  EXPECT_EQ(o.key(), "prod/web");
  EXPECT_TRUE(o.deleting());
  ASSERT_EQ(o.labels().size(), 2u);
  EXPECT_EQ(o.labels()[0].first, "app");
  ASSERT_NE(o.label("z"), nullptr);
  EXPECT_EQ(*o.label("z"), "1");
  EXPECT_EQ(o.label("nope"), nullptr);
  EXPECT_EQ(o.json()["spec"]["replicas"], 3);
}

TEST(ObjectTest, RejectsMalformed) {
  EXPECT_FALSE(Object::parse(R"({"metadata":{"name":"x"})"));
  EXPECT_FALSE(Object::parse(R"({"a":1} x)"));
  EXPECT_FALSE(Object::parse(R"([1])"));
}

TEST(ObjectTest, FromJsonRoundTrip) {
  auto o = Object::fromJson({{"kind", "ConfigMap"},
                             {"apiVersion", "v1"},
                             {"metadata", {{"name", "a"}, {"labels", {{"k", "v"}}}}}});
  EXPECT_EQ(o->key(), "a");
  EXPECT_EQ(*o->label("k"), "v");
  auto again = Object::parse(o->raw());
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->json(), o->json());
}

TEST(DecodeTest, ListFillsKindAndPaging) {
  auto l = decodeList(
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"9",)"
      R"("continue":"tok","remainingItemCount":3},"items":[{"metadata":{"name":"a"}},)"
      R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"b"}},{}]})");
  ASSERT_TRUE(l) << l.status().toString();
  EXPECT_EQ(l->resource_version, "9");
  EXPECT_EQ(l->continue_token, "tok");
  EXPECT_EQ(l->remaining_item_count, 3);
  ASSERT_EQ(l->items.size(), 3u);
  EXPECT_EQ(l->items[0]->kind(), "ConfigMap");
  EXPECT_EQ(l->items[0]->json()["apiVersion"], "v1");
  EXPECT_EQ(l->items[0]->json()["metadata"]["name"], "a");
  EXPECT_EQ(l->items[2]->json()["kind"], "ConfigMap");
}

TEST(DecodeTest, WatchEventsSplitAnywhere) {
  const std::string stream =
      "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}\n"
      "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"\xc3\xa9\",\"resourceVersion\":"
      "\"2\"}}}\n"
      "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"3\"}}}\n"
      "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"4\"}}}\n";
  // Every split point, and one byte at a time.
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    WatchDecoder d;
    std::vector<std::string> seen;
    bool keep = true;
    auto h = [&](WatchEvent&& ev) {
      seen.push_back(std::string(watchEventTypeName(ev.type)) + ":" +
                     ev.object->resourceVersion());
      return true;
    };
    ASSERT_TRUE(d.feed(std::string_view(stream).substr(0, split), h, &keep).isOk());
    ASSERT_TRUE(d.feed(std::string_view(stream).substr(split), h, &keep).isOk());
    ASSERT_EQ(seen.size(), 4u) << split;
    EXPECT_EQ(seen[0], "ADDED:1");
    EXPECT_EQ(seen[2], "BOOKMARK:3");
    EXPECT_EQ(seen[3], "DELETED:4");
    EXPECT_EQ(d.pendingBytes(), 0u);
  }
  WatchDecoder d;
  int n = 0;
  bool keep = true;
  for (char c : stream) {
    ASSERT_TRUE(d.feed(std::string_view(&c, 1), [&](WatchEvent&&) { return ++n > 0; }, &keep)
                    .isOk());
  }
  EXPECT_EQ(n, 4);
}

TEST(DecodeTest, MalformedEventIsError) {
  WatchDecoder d;
  bool keep = true;
  auto st = d.feed("{\"type\":\"ADDED\",\"object\":{\"metadata\":}\n",
                   [](WatchEvent&&) { return true; }, &keep);
  EXPECT_FALSE(st.isOk());
  st = d.feed("{\"type\":\"WHAT\",\"object\":{}}\n", [](WatchEvent&&) { return true; }, &keep);
  EXPECT_FALSE(st.isOk());
}

}  // namespace
}  // namespace flotilla::client
