#include "runtime/heap_trimmer.h"

#include <malloc.h>

namespace flotilla::runtime {

HeapTrimmer::HeapTrimmer(HeapTrimmerOptions options) : options_(options) {
#ifdef __GLIBC__
  if (options_.max_arenas > 0) mallopt(M_ARENA_MAX, options_.max_arenas);
#endif
  if (options_.period.count() <= 0) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, options_.period, [this] { return stopped_; })) {
      lock.unlock();
#ifdef __GLIBC__
      malloc_trim(0);
#endif
      lock.lock();
    }
  });
}

HeapTrimmer::~HeapTrimmer() { stop(); }

void HeapTrimmer::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace flotilla::runtime
