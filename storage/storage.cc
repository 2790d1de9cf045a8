#include "storage/storage.h"

namespace flotilla::storage {
namespace {

// What backends without grouping hand out: each write already committed on its own.
class NoopWriteGroup final : public WriteGroup {
 public:
  core::Status commit() override { return core::Status::ok(); }
};

}  // namespace

WriteGroupPtr Storage::groupWrites() { return std::make_unique<NoopWriteGroup>(); }

}  // namespace flotilla::storage
