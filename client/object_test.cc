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
      {R"({"a":{},"b":[],"c":[{}]})", true},
      {R"( [ [ ] , { } , { "k" : [ 1 , "x" ] } ] )", true},
      {R"({"a":1 "b":2})", false},
      {R"([1 2])", false},
      {R"({,})", false},
      {R"({"a"})", false},
      {R"({"a":})", false},
      {R"([{]])", false},
      {R"({"a":[}])", false},
      {R"(])", false},
      {R"({"a":1])", false},
      {std::string(512, '[') + std::string(512, ']'), true},
      {std::string(513, '[') + std::string(513, ']'), false},  // deeper than the scanner goes
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

TEST(JsonScanTest, SkipsStringsShortAndLong) {
  const std::string long_escaped = "\"" + std::string(23, 'x') + "\\\"" + std::string(40, 'y') + "\"";
  struct Row {
    std::string name;
    std::string text;
    bool ok;
  };
  const Row rows[] = {
      {"short", R"("abc")", true},
      {"short escaped quote", R"("a\"b")", true},
      {"escape at the short limit", long_escaped, true},
      {"long", "\"" + std::string(100, 'z') + "\"", true},
      {"unterminated long", "\"" + std::string(100, 'z'), false},
      {"trailing backslash", "\"abc\\", false},
  };
  for (const auto& r : rows) {
    const char* p = r.text.data();
    const bool ok = json_scan::skipValue(p, r.text.data() + r.text.size());
    EXPECT_EQ(ok, r.ok) << r.name;
    if (r.ok) {
      EXPECT_EQ(p, r.text.data() + r.text.size()) << r.name;
    }
  }
}

TEST(JsonScanTest, WalkMembers) {
  // Collects spec.workload.manifests' elements and status in one walk: the walker descends into
  // spec and workload; every other value is skipped by the scanner.
  struct Row {
    std::string name;
    std::string text;
    bool ok;
    std::vector<std::string> manifests;
    std::string status;
  };
  const Row rows[] = {
      {"work", R"({"metadata":{"name":"w"},"spec":{"workload":{"manifests":[{"a":1}, {"b":[2]}]},)"
               R"("x":true},"status":{"c":"}"}})",
       true, {R"({"a":1})", R"({"b":[2]})"}, R"({"c":"}"})"},
      {"status first, spaces",
       R"( { "status" : 1 , "spec" : { "workload" : { "manifests" : [ ] } } } )", true, {}, "1"},
      {"no spec", R"({"kind":"Work"})", true, {}, ""},
      {"spec not an object", R"({"spec":[1],"status":2})", false, {}, ""},
      {"malformed inside", R"({"spec":{"workload":{"manifests":[{"a":}]}}})", false, {}, ""},
      {"malformed after", R"({"spec":{},"status":1,})", false, {}, "1"},
  };
  for (const auto& r : rows) {
    std::vector<std::string> manifests;
    std::string status;
    const char* p = r.text.data();
    const char* end = p + r.text.size();
    const bool ok = json_scan::walkMembers(p, end, [&](std::string_view k, const char*& v) {
      if (k == "status") {
        const char* from = v;
        if (!json_scan::skipValue(v, end)) return false;
        status.assign(from, v);
        return true;
      }
      if (k != "spec") return true;
      return json_scan::walkMembers(v, end, [&](std::string_view sk, const char*& sv) {
        if (sk != "workload") return true;
        return json_scan::walkMembers(sv, end, [&](std::string_view wk, const char*& wv) {
          if (wk != "manifests") return true;
          return json_scan::forEachElement(wv, end, [&](std::string_view m) {
            manifests.emplace_back(m);
            return true;
          });
        });
      });
    });
    EXPECT_EQ(ok, r.ok) << r.name;
    if (ok) {
      json_scan::skipSpace(p, end);
      EXPECT_EQ(p, end) << r.name;
    }
    EXPECT_EQ(manifests, r.manifests) << r.name;
    EXPECT_EQ(status, r.status) << r.name;
  }
}

TEST(JsonScanTest, WithMember) {
  struct Row {
    std::string name;
    std::string object;
    std::string key;
    std::string value;
    std::optional<std::string> want;
  };
  const Row rows[] = {
      {"replaces", R"({"a":1,"status":{"x":[1,2]},"b":2})", "status", R"({"y":3})",
       R"({"a":1,"status":{"y":3},"b":2})"},
      {"replaces the last", R"({"a":1, "status" : {} })", "status", "null",
       R"({"a":1, "status" : null })"},
      {"appends", R"({"a":1,"spec":{"status":1}})", "status", R"({"z":true})",
       R"({"a":1,"spec":{"status":1},"status":{"z":true}})"},
      {"into an empty object", R"( { } )", "status", "1", R"( {"status":1 } )"},
      {"not an object", R"([1])", "status", "1", std::nullopt},
      {"malformed", R"({"a":)", "status", "1", std::nullopt},
  };
  for (const auto& r : rows) {
    const auto got = json_scan::withMember(r.object, r.key, r.value);
    EXPECT_EQ(got, r.want) << r.name;
    if (got) {
      EXPECT_FALSE(nlohmann::json::parse(*got, nullptr, false).is_discarded()) << r.name;
    }
  }
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

TEST(ObjectTest, TreeIsNotKeptUnlessBuilt) {
  auto parsed = Object::parse(R"({"kind":"Work","metadata":{"name":"w"},"spec":{"a":[1,2]}})");
  ASSERT_TRUE(parsed);
  const ObjectPtr& o = *parsed;
  auto first = o->tree();
  auto second = o->tree();
  EXPECT_EQ((*first)["spec"]["a"][1], 2);
  EXPECT_NE(first.get(), second.get());  // private parses
  const nlohmann::json& kept = o->json();
  EXPECT_EQ(o->tree().get(), &kept);  // once kept, shared
  auto built = Object::fromJson({{"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}}});
  EXPECT_EQ(built->tree().get(), &built->json());
}

TEST(ObjectTest, AnnotationAndRawMemberFromText) {
  const std::string text =
      R"({"metadata":{"name":"w","annotations":{"a.io/x":"1","esc":"q\"uote","a\/b":"slash",)"
      R"("n":3}},"spec":{"requiredBy":[{"name":"p"}],"s":"x"}})";
  auto parsed = Object::parse(text);
  ASSERT_TRUE(parsed);
  auto from_tree = Object::fromJson(nlohmann::json::parse(text));
  struct Row {
    const char* key;
    std::optional<std::string> want;
  };
  const Row rows[] = {
      {"a.io/x", "1"}, {"esc", "q\"uote"}, {"a/b", "slash"}, {"n", std::nullopt},
      {"missing", std::nullopt},
  };
  for (const auto& r : rows) {
    EXPECT_EQ((*parsed)->annotation(r.key), r.want) << r.key;
    EXPECT_EQ(from_tree->annotation(r.key), r.want) << r.key << " (fromJson)";
  }
  struct MemberRow {
    std::initializer_list<std::string_view> path;
    std::string_view want;
  };
  const MemberRow members[] = {
      {{"spec", "requiredBy"}, R"([{"name":"p"}])"},
      {{"spec", "s"}, R"("x")"},
      {{"spec", "nope"}, ""},
      {{"metadata", "name", "deeper"}, ""},
      {{"status"}, ""},
  };
  for (const auto& m : members) EXPECT_EQ((*parsed)->rawMember(m.path), m.want);
  auto no_annotations = Object::parse(R"({"metadata":{"name":"w"}})");
  ASSERT_TRUE(no_annotations);
  EXPECT_EQ((*no_annotations)->annotation("a"), std::nullopt);
}

TEST(ObjectTest, WithoutManagedFieldsTable) {
  struct Row {
    const char* name;
    const char* in;
    const char* want;  // nullptr: the same object comes back
  };
  const Row rows[] = {
      {"middle member", R"({"metadata":{"name":"a","managedFields":[{"m":1}],"uid":"u"},"x":1})",
       R"({"metadata":{"name":"a","uid":"u"},"x":1})"},
      {"last member", R"({"metadata":{"name":"a", "managedFields" : [{"m":{"f":[1]}}] },"x":1})",
       R"({"metadata":{"name":"a" },"x":1})"},
      {"only member", R"({"metadata":{"managedFields":[]}})", R"({"metadata":{}})"},
      {"first member", R"({"metadata":{"managedFields":[],"name":"a"}})",
       R"({"metadata":{"name":"a"}})"},
      {"metadata kept",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","namespace":"n","uid":"u",)"
       R"("resourceVersion":"7","labels":{"b":"2","a":"1"},"managedFields":[],)"
       R"("deletionTimestamp":"t"}})",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","namespace":"n","uid":"u",)"
       R"("resourceVersion":"7","labels":{"b":"2","a":"1"},"deletionTimestamp":"t"}})"},
      {"none", R"({"metadata":{"name":"a"},"spec":{"managedFields":1}})", nullptr},
      {"spaces around",
       R"( { "metadata" : { "name" : "a" , "managedFields" : [ ] , "uid" : "u" } } )",
       R"( { "metadata" : { "name" : "a" ,  "uid" : "u" } } )"},
      {"metadata after spec", R"({"spec":{"managedFields":1},"metadata":{"managedFields":[1,2]}})",
       R"({"spec":{"managedFields":1},"metadata":{}})"},
  };
  for (const auto& r : rows) {
    auto parsed = Object::parse(r.in);
    ASSERT_TRUE(parsed) << r.name;
    ObjectPtr out = Object::withoutManagedFields(*parsed);
    // Parsing without managedFields gives the same object in one step, and it is known to hold
    // none: stripping it again hands back the same object.
    auto direct = Object::parseWithoutManagedFields(r.in);
    ASSERT_TRUE(direct) << r.name;
    EXPECT_EQ((*direct)->raw(), r.want ? r.want : r.in) << r.name;
    EXPECT_EQ(Object::withoutManagedFields(*direct).get(), direct->get()) << r.name;
    EXPECT_EQ((*direct)->name(), (*parsed)->name()) << r.name;
    EXPECT_EQ((*direct)->uid(), (*parsed)->uid()) << r.name;
    EXPECT_EQ((*direct)->resourceVersion(), (*parsed)->resourceVersion()) << r.name;
    EXPECT_EQ((*direct)->labels(), (*parsed)->labels()) << r.name;
    EXPECT_EQ((*direct)->deleting(), (*parsed)->deleting()) << r.name;
    if (r.want == nullptr) {
      EXPECT_EQ(out.get(), parsed->get()) << r.name;
      continue;
    }
    EXPECT_EQ(out->raw(), r.want) << r.name;
    // What a fresh parse of the result would extract.
    auto reparsed = Object::parse(r.want);
    ASSERT_TRUE(reparsed) << r.name;
    EXPECT_EQ(out->apiVersion(), (*reparsed)->apiVersion()) << r.name;
    EXPECT_EQ(out->kind(), (*reparsed)->kind()) << r.name;
    EXPECT_EQ(out->name(), (*reparsed)->name()) << r.name;
    EXPECT_EQ(out->namespaceName(), (*reparsed)->namespaceName()) << r.name;
    EXPECT_EQ(out->uid(), (*reparsed)->uid()) << r.name;
    EXPECT_EQ(out->resourceVersion(), (*reparsed)->resourceVersion()) << r.name;
    EXPECT_EQ(out->labels(), (*reparsed)->labels()) << r.name;
    EXPECT_EQ(out->deleting(), (*reparsed)->deleting()) << r.name;
    EXPECT_EQ(out->json(), (*reparsed)->json()) << r.name;
  }
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

TEST(DecodeTest, ListAndWatchCanDropManagedFields) {
  struct Row {
    const char* name;
    bool drop;
    const char* want;  // the first item's / event object's text
  };
  const Row rows[] = {
      {"kept", false, R"({"apiVersion":"v1","kind":"ConfigMap",)"
                      R"("metadata":{"name":"a","managedFields":[{"m":1}]},"data":{}})"},
      {"dropped", true,
       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{}})"},
  };
  for (const auto& r : rows) {
    auto l = decodeList(R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[)"
                        R"({"metadata":{"name":"a","managedFields":[{"m":1}]},"data":{}}]})",
                        r.drop);
    ASSERT_TRUE(l) << r.name;
    ASSERT_EQ(l->items.size(), 1u) << r.name;
    EXPECT_EQ(l->items[0]->raw(), r.want) << r.name;
    EXPECT_EQ(l->items[0]->name(), "a") << r.name;

    WatchDecoder d(r.drop);
    std::vector<std::string> seen;
    bool keep = true;
    ASSERT_TRUE(d.feed("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":"
                       "\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"managedFields\":[{\"m\":1}]},"
                       "\"data\":{}}}\n",
                       [&](WatchEvent&& ev) {
                         seen.push_back(ev.object->raw());
                         return true;
                       },
                       &keep)
                    .isOk())
        << r.name;
    ASSERT_EQ(seen.size(), 1u) << r.name;
    EXPECT_EQ(seen[0], r.want) << r.name;
  }
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
