#include <gtest/gtest.h>
TEST(BuiltinSchemaPlaceholder, Builds) { SUCCEED(); }
