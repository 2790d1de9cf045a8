// Runs the image-reference fuzz target over its seed corpus so every CI build exercises it
// (the libFuzzer binary itself is only built with -DFLOTILLA_FUZZ=ON and clang).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(FuzzCorpus, ImageReference) {
  const std::filesystem::path dir =
      std::filesystem::path(FLOTILLA_SOURCE_DIR) / "policies/testdata/fuzz/image_reference";
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
  EXPECT_GE(n, 5u);
}

}  // namespace
