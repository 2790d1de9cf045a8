#include "storage/current_index.h"

#include <gtest/gtest.h>

namespace flotilla::storage {
namespace {

std::shared_ptr<const std::string> text(size_t bytes, char c = 'x') {
  return std::make_shared<const std::string>(bytes, c);
}

TEST(CurrentIndexTest, PutFindErase) {
  CurrentIndex index(1024);
  EXPECT_FALSE(index.find("/a"));
  index.put("/a", 3, 5, text(10));
  auto a = index.find("/a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->create_revision, 3);
  EXPECT_EQ(a->mod_revision, 5);
  ASSERT_TRUE(a->value);
  EXPECT_EQ(*a->value, std::string(10, 'x'));
  index.erase("/a");
  EXPECT_FALSE(index.find("/a"));
  EXPECT_EQ(index.cachedBytes(), 0u);
}

TEST(CurrentIndexTest, LeastRecentlyUsedValuesAreDroppedButKeysStay) {
  CurrentIndex index(250);
  index.put("/a", 1, 1, text(100));
  index.put("/b", 2, 2, text(100));
  ASSERT_TRUE(index.find("/a"));  // /a is now the most recently used
  index.put("/c", 3, 3, text(100));
  EXPECT_EQ(index.cachedBytes(), 200u);
  auto b = index.find("/b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->mod_revision, 2);
  EXPECT_FALSE(b->value);
  EXPECT_TRUE(index.find("/a")->value);
  EXPECT_TRUE(index.find("/c")->value);
  EXPECT_EQ(index.size(), 3u);
}

TEST(CurrentIndexTest, ReplacingAValueKeepsTheByteCountExact) {
  CurrentIndex index(1000);
  index.put("/a", 1, 1, text(100));
  index.put("/a", 1, 2, text(300));
  index.put("/b", 4, 4, nullptr);
  EXPECT_EQ(index.cachedBytes(), 300u);
  index.put("/a", 1, 5, nullptr);  // revisions only: the old value is not the current one
  EXPECT_EQ(index.cachedBytes(), 0u);
  EXPECT_FALSE(index.find("/a")->value);
}

TEST(CurrentIndexTest, FillOnlyAtTheCurrentRevision) {
  CurrentIndex index(1000);
  index.put("/a", 1, 7, nullptr);
  index.fill("/a", 6, text(10, 'o'));  // read before the latest write: stale
  EXPECT_FALSE(index.find("/a")->value);
  index.fill("/missing", 7, text(10));
  EXPECT_FALSE(index.find("/missing"));
  index.fill("/a", 7, text(10, 'n'));
  ASSERT_TRUE(index.find("/a")->value);
  EXPECT_EQ(*index.find("/a")->value, std::string(10, 'n'));
}

TEST(CurrentIndexTest, AValueLargerThanTheBudgetIsNotCached) {
  CurrentIndex index(100);
  index.put("/small", 1, 1, text(50));
  index.put("/huge", 2, 2, text(500));
  EXPECT_TRUE(index.find("/small")->value);
  EXPECT_FALSE(index.find("/huge")->value);
  EXPECT_EQ(index.find("/huge")->mod_revision, 2);
}

}  // namespace
}  // namespace flotilla::storage
