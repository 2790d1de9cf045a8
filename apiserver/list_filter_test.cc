#include <gtest/gtest.h>

#include "apiserver/list_filter.h"

namespace flotilla::apiserver {
namespace {

TEST(ListFilterTest, FieldSelectorReadsOnlyMetadata) {
  const struct {
    std::string selector;
    bool metadata_only;
  } cases[] = {
      {"", true},
      {"metadata.name=a", true},
      {"metadata.name=a,metadata.namespace!=b", true},
      {"metadata.name==a, metadata.namespace=b", true},
      {"status.phase=Running", false},
      {"metadata.name=a,spec.nodeName=n1", false},
      {"spec.nodeName=n1,metadata.name=a", false},
      {"metadata.managedFields=x", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fieldSelectorReadsOnlyMetadata(c.selector), c.metadata_only) << c.selector;
  }
}

}  // namespace
}  // namespace flotilla::apiserver
