#include "runtime/heap_trimmer.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace flotilla::runtime {
namespace {

TEST(HeapTrimmerTest, StartsTrimsAndStops) {
  struct Row {
    const char* name;
    HeapTrimmerOptions options;
  };
  const Row rows[] = {
      {"defaults", {}},
      {"no trimming", {0, std::chrono::milliseconds(0)}},
      {"fast period", {2, std::chrono::milliseconds(1)}},
  };
  for (const auto& r : rows) {
    HeapTrimmer trimmer(r.options);
    // Allocate and free while it runs: trimming must not disturb live memory.
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 1000; ++i) blocks.push_back(std::make_unique<char[]>(4096));
    blocks.resize(10);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (auto& b : blocks) b[0] = 1;
    trimmer.stop();
    trimmer.stop();  // idempotent
    SUCCEED() << r.name;
  }
}

}  // namespace
}  // namespace flotilla::runtime
