// libFuzzer target: the imageOverrider's reference parser. Any accepted reference must
// re-serialise to a string that parses to the same components (when it has a repository), and
// every edit must keep the parser total (no crash on any component/operator/value).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "policies/image_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The first line is the image, an optional second line a value for the edits.
  const auto nl = text.find('\n');
  const std::string image = text.substr(0, nl);
  const std::string value = nl == std::string::npos ? "" : text.substr(nl + 1);
  auto ref = flotilla::policies::parseImageReference(image);
  if (!ref) return 0;
  if (ref->tag.empty() || ref->digest.empty()) {
    auto again = flotilla::policies::parseImageReference(ref->toString());
    if (!again || again->hostname != ref->hostname || again->repository != ref->repository ||
        again->tag != ref->tag || again->digest != ref->digest) {
      std::abort();
    }
  }
  for (const char* component : {"Registry", "Repository", "Tag"}) {
    for (const char* op : {"add", "remove", "replace"}) {
      auto copy = *ref;
      (void)flotilla::policies::applyImageEdit(copy, component, op, value);
      (void)copy.toString();
    }
  }
  return 0;
}
