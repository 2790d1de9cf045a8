// Runs one libFuzzer target over its seed corpus (FUZZ_CORPUS_DIR) so every CI build exercises
// it under the normal compiler; the libFuzzer binaries themselves are only built with
// -DFLOTILLA_FUZZ=ON and clang. One test binary per target, since each defines the entry point.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(FuzzCorpus, SeedsRunClean) {
  const std::filesystem::path dir(FUZZ_CORPUS_DIR);
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
              0)
        << entry.path();
    ++n;
  }
  EXPECT_GE(n, 5u) << dir;
}

}  // namespace
