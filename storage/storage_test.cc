// The shared Storage suite: every case runs against SQLite and a real etcd.
#include <gtest/gtest.h>

#include <string>

#include "storage/storage_test_backends.h"

namespace flotilla::storage {
namespace {

using core::Code;

int64_t mustCreate(Storage& store, const std::string& key, const std::string& value) {
  auto revision = store.create(key, value);
  EXPECT_TRUE(revision.isOk()) << key << ": " << revision.status().toString();
  return revision.valueOr(0);
}

std::vector<std::string> keysOf(const ListResult& result) {
  std::vector<std::string> keys;
  for (const auto& item : result.items) keys.push_back(item.key);
  return keys;
}

TEST_P(StorageSuite, CreateGetUpdateRemove) {
  int64_t created = mustCreate(store(), "/registry/pods/default/web", "v1");
  ASSERT_GT(created, 0);
  auto got = store().get("/registry/pods/default/web");
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(got->value, "v1");
  EXPECT_EQ(got->create_revision, created);
  EXPECT_EQ(got->mod_revision, created);

  auto updated = store().update("/registry/pods/default/web", "v2", created);
  ASSERT_TRUE(updated.isOk()) << updated.status().toString();
  EXPECT_GT(*updated, created);
  got = store().get("/registry/pods/default/web");
  ASSERT_TRUE(got.isOk());
  EXPECT_EQ(got->value, "v2");
  EXPECT_EQ(got->create_revision, created);
  EXPECT_EQ(got->mod_revision, *updated);

  auto removed = store().remove("/registry/pods/default/web", *updated);
  ASSERT_TRUE(removed.isOk()) << removed.status().toString();
  EXPECT_EQ(removed->key, "/registry/pods/default/web");
  EXPECT_EQ(removed->value, "v2");
  EXPECT_EQ(removed->create_revision, created);
  EXPECT_GT(removed->mod_revision, *updated);
  EXPECT_EQ(store().currentRevision().valueOr(0), removed->mod_revision);
  EXPECT_EQ(store().get("/registry/pods/default/web").status().code(), Code::NotFound);

  // A deleted key can be created again, as a new incarnation.
  int64_t again = mustCreate(store(), "/registry/pods/default/web", "v3");
  EXPECT_GT(again, removed->mod_revision);
  EXPECT_EQ(store().get("/registry/pods/default/web")->create_revision, again);
}

TEST_P(StorageSuite, PreconditionsAndErrors) {
  int64_t created = mustCreate(store(), "/k/a", "1");
  int64_t before = store().currentRevision().valueOr(-1);
  struct Row {
    const char* name;
    core::Status status;
    Code want;
  };
  const Row rows[] = {
      {"create existing", store().create("/k/a", "x").status(), Code::AlreadyExists},
      {"update missing", store().update("/k/missing", "x", 0).status(), Code::NotFound},
      {"update missing at rev", store().update("/k/missing", "x", created).status(),
       Code::NotFound},
      {"remove missing", store().remove("/k/missing", 0).status(), Code::NotFound},
      {"update stale", store().update("/k/a", "x", created + 100).status(), Code::Conflict},
      {"remove stale", store().remove("/k/a", created + 100).status(), Code::Conflict},
  };
  for (const auto& row : rows) EXPECT_EQ(row.status.code(), row.want) << row.name;
  // Failed writes leave no trace.
  EXPECT_EQ(store().currentRevision().valueOr(-1), before);
  EXPECT_EQ(store().get("/k/a")->value, "1");

  // expected_revision 0 means unconditional.
  auto updated = store().update("/k/a", "2", 0);
  ASSERT_TRUE(updated.isOk());
  auto removed = store().remove("/k/a", 0);
  ASSERT_TRUE(removed.isOk());
  EXPECT_EQ(removed->value, "2");
}

TEST_P(StorageSuite, ValuesAreBinarySafe) {
  std::string binary("\0\x01\xff\xfe{\"a\":1}\n", 11);
  std::string large(200 * 1024, 'x');
  for (size_t i = 0; i < large.size(); i += 7) large[i] = static_cast<char>(i % 251);
  mustCreate(store(), "/b/binary", binary);
  mustCreate(store(), "/b/large", large);
  mustCreate(store(), "/b/empty", "");
  EXPECT_EQ(store().get("/b/binary")->value, binary);
  EXPECT_EQ(store().get("/b/large")->value, large);
  auto empty = store().get("/b/empty");
  ASSERT_TRUE(empty.isOk()) << empty.status().toString();
  EXPECT_EQ(empty->value, "");
}

TEST_P(StorageSuite, OversizedValuesAreRefused) {
  // Both backends refuse values over etcd's default request limit (1.5 MiB).
  for (size_t size : {size_t{1600 * 1024}, size_t{3 * 1024 * 1024}}) {
    std::string huge(size, 'x');
    EXPECT_EQ(store().create("/big/" + std::to_string(size), huge).status().code(), Code::TooLarge)
        << size;
  }
  std::string huge(2 * 1024 * 1024, 'x');
  EXPECT_EQ(store().create("/big/a", huge).status().code(), Code::TooLarge);
  mustCreate(store(), "/big/a", "small");
  EXPECT_EQ(store().update("/big/a", huge, 0).status().code(), Code::TooLarge);
  EXPECT_EQ(store().get("/big/a")->value, "small");
}

TEST_P(StorageSuite, ListPaginates) {
  for (int i = 0; i < 10; ++i) mustCreate(store(), "/p/" + std::to_string(i), "v");
  // Neighbours that share a textual prefix must stay out.
  mustCreate(store(), "/p0", "outside");
  mustCreate(store(), "/q/0", "outside");

  auto all = store().list({.prefix = "/p/"});
  ASSERT_TRUE(all.isOk()) << all.status().toString();
  EXPECT_EQ(all->items.size(), 10u);
  EXPECT_FALSE(all->more);
  EXPECT_EQ(all->revision, store().currentRevision().valueOr(0));

  std::vector<std::string> seen;
  ListOptions options{.prefix = "/p/", .limit = 3};
  int pages = 0;
  int64_t revision = 0;
  while (true) {
    auto page = store().list(options);
    ASSERT_TRUE(page.isOk()) << page.status().toString();
    ++pages;
    if (revision == 0) revision = page->revision;
    EXPECT_EQ(page->revision, revision);
    for (auto& key : keysOf(*page)) seen.push_back(key);
    EXPECT_EQ(page->remaining, 10 - static_cast<int64_t>(seen.size()));
    if (!page->more) break;
    options.start_after = page->items.back().key;
    options.revision = revision;  // later pages from the same snapshot, like kube's continue
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen, keysOf(*all));
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  auto empty = store().list({.prefix = "/nothing/"});
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->items.empty());
  EXPECT_FALSE(empty->more);
}

TEST_P(StorageSuite, ListAtRevision) {
  int64_t a1 = mustCreate(store(), "/r/a", "a1");
  mustCreate(store(), "/r/b", "b1");
  int64_t snapshot = store().currentRevision().valueOr(0);
  ASSERT_TRUE(store().update("/r/a", "a2", a1).isOk());
  ASSERT_TRUE(store().remove("/r/b", 0).isOk());
  mustCreate(store(), "/r/c", "c1");

  auto old = store().list({.prefix = "/r/", .revision = snapshot});
  ASSERT_TRUE(old.isOk()) << old.status().toString();
  EXPECT_EQ(old->revision, snapshot);
  ASSERT_EQ(keysOf(*old), (std::vector<std::string>{"/r/a", "/r/b"}));
  EXPECT_EQ(old->items[0].value, "a1");
  EXPECT_EQ(old->items[0].mod_revision, a1);
  EXPECT_EQ(old->items[1].value, "b1");

  auto paged = store().list({.prefix = "/r/", .limit = 1, .revision = snapshot});
  ASSERT_TRUE(paged.isOk());
  EXPECT_EQ(keysOf(*paged), std::vector<std::string>{"/r/a"});
  EXPECT_TRUE(paged->more);
  EXPECT_EQ(paged->remaining, 1);

  auto latest = store().list({.prefix = "/r/"});
  ASSERT_TRUE(latest.isOk());
  ASSERT_EQ(keysOf(*latest), (std::vector<std::string>{"/r/a", "/r/c"}));
  EXPECT_EQ(latest->items[0].value, "a2");

  auto future = store().list({.prefix = "/r/", .revision = latest->revision + 1000});
  EXPECT_FALSE(future.isOk());
}

TEST_P(StorageSuite, PagesAtAnOlderRevisionCountWhatRemains) {
  for (int i = 0; i < 10; ++i) mustCreate(store(), "/pr/k" + std::to_string(i), "old");
  int64_t snapshot = store().currentRevision().valueOr(0);
  // Every kind of change after the snapshot, each of which a naive count would get wrong.
  ASSERT_TRUE(store().update("/pr/k1", "new", 0).isOk());
  ASSERT_TRUE(store().remove("/pr/k2", 0).isOk());
  ASSERT_TRUE(store().remove("/pr/k3", 0).isOk());
  mustCreate(store(), "/pr/k3", "reborn");
  mustCreate(store(), "/pr/k5a", "new key");
  mustCreate(store(), "/pr/k7a", "short-lived");
  ASSERT_TRUE(store().remove("/pr/k7a", 0).isOk());
  mustCreate(store(), "/pr0", "outside");

  ListOptions options{.prefix = "/pr/", .limit = 3, .revision = snapshot};
  std::vector<std::string> seen;
  while (true) {
    auto page = store().list(options);
    ASSERT_TRUE(page.isOk()) << page.status().toString();
    for (const auto& item : page->items) {
      seen.push_back(item.key);
      EXPECT_EQ(item.value, "old") << item.key;
    }
    EXPECT_EQ(page->remaining, 10 - static_cast<int64_t>(seen.size())) << "after " << seen.size();
    if (!page->more) break;
    options.start_after = page->items.back().key;
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST_P(StorageSuite, RevisionsContinueAcrossRestart) {
  int64_t last = 0;
  for (int i = 0; i < 5; ++i) last = mustCreate(store(), "/m/" + std::to_string(i), "v");
  ASSERT_TRUE(store().remove("/m/4", 0).isOk());
  int64_t before = store().currentRevision().valueOr(0);
  EXPECT_GT(before, last);

  reopen();
  ASSERT_TRUE(storage_);
  EXPECT_GE(store().currentRevision().valueOr(0), before);
  int64_t next = mustCreate(store(), "/m/new", "v");
  EXPECT_GT(next, before);
  auto got = store().get("/m/0");
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(got->value, "v");
  EXPECT_EQ(store().get("/m/4").status().code(), Code::NotFound);
}

TEST_P(StorageSuite, CompactionForgetsOldRevisions) {
  int64_t first = mustCreate(store(), "/c/a", "a1");
  int64_t rev = first;
  for (int i = 2; i <= 5; ++i) {
    rev = store().update("/c/a", "a" + std::to_string(i), rev).valueOr(0);
  }
  mustCreate(store(), "/c/b", "b1");
  ASSERT_TRUE(store().remove("/c/b", 0).isOk());
  int64_t middle = store().currentRevision().valueOr(0);
  ASSERT_TRUE(store().update("/c/a", "a6", 0).isOk());

  ASSERT_TRUE(store().compact(middle).isOk());
  EXPECT_GE(store().compactedRevision().valueOr(0), middle);
  EXPECT_TRUE(store().compact(middle).isOk()) << "compacting again is a no-op";

  EXPECT_EQ(store().list({.prefix = "/c/", .revision = first}).status().code(), Code::Gone);
  auto at_middle = store().list({.prefix = "/c/", .revision = middle});
  ASSERT_TRUE(at_middle.isOk()) << at_middle.status().toString();
  ASSERT_EQ(keysOf(*at_middle), std::vector<std::string>{"/c/a"});
  EXPECT_EQ(at_middle->items[0].value, "a5");

  // An old watch is Gone, either at once or on its first read.
  auto old_watch = store().watch("/c/", first);
  if (old_watch.isOk()) {
    auto collected = collectEvents(**old_watch, 1, 30'000);
    EXPECT_EQ(collected.end.code(), Code::Gone);
  } else {
    EXPECT_EQ(old_watch.status().code(), Code::Gone);
  }
  // From the compacted revision on, history is intact.
  auto watch = store().watch("/c/", middle);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  auto collected = collectEvents(**watch, 1, 30'000);
  ASSERT_EQ(collected.events.size(), 1u) << collected.end.toString();
  EXPECT_EQ(*collected.events[0].value, "a6");
  EXPECT_EQ(*collected.events[0].prev_value, "a5");
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageSuite, ::testing::Values("sqlite", "etcd"), backendName);

}  // namespace
}  // namespace flotilla::storage
