#include "core/status.h"

#include <gtest/gtest.h>

namespace flotilla::core {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return Status(Code::InvalidArgument, "odd");
  return v / 2;
}

Status chain(int v, int* out) {
  auto r = half(v);
  FLOTILLA_RETURN_IF_ERROR(r.status());
  *out = *r;
  return Status::ok();
}

TEST(StatusTest, ResultHoldsValueOrError) {
  EXPECT_EQ(*half(4), 2);
  EXPECT_FALSE(half(3).isOk());
  EXPECT_EQ(half(3).status().code(), Code::InvalidArgument);
  int out = 0;
  EXPECT_TRUE(chain(8, &out).isOk());
  EXPECT_EQ(out, 4);
  EXPECT_EQ(chain(5, &out).message(), "odd");
}

TEST(StatusTest, ContextAndCauses) {
  Status s(Code::Invalid, "bad", {{"FieldValueRequired", "Required value", "metadata.name"}});
  auto c = s.withContext("creating x");
  EXPECT_EQ(c.message(), "creating x: bad");
  ASSERT_EQ(c.causes().size(), 1u);
  EXPECT_NE(c.toString().find("metadata.name"), std::string::npos);
}

TEST(StatusTest, RetryPolicyFollowsCode) {
  EXPECT_TRUE(isRetryable(Code::Unavailable));
  EXPECT_TRUE(isRetryable(Code::Conflict));
  EXPECT_FALSE(isRetryable(Code::InvalidArgument));
  EXPECT_FALSE(isRetryable(Code::Invalid));
}

}  // namespace
}  // namespace flotilla::core
