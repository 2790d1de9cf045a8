// HeapTrimmer: keeps a long-running controller process's resident memory close to what it uses.
// glibc's malloc returns freed memory to the kernel only from the top of each arena, so after a
// burst (thousands of objects parsed, rendered and written, then dropped) most of the freed pages
// stay resident as fragmentation. The trimmer bounds the number of arenas (each thread that
// allocates may otherwise get its own, up to eight per core) and, every period, asks malloc to
// release free pages inside its heaps (malloc_trim), which costs a walk over the free lists.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace flotilla::runtime {

struct HeapTrimmerOptions {
  int max_arenas = 2;  // 0 = leave glibc's default
  std::chrono::milliseconds period{10000};  // 0 = never trim
};

class HeapTrimmer {
 public:
  // Applies max_arenas at once (call before the process starts its threads) and starts trimming.
  explicit HeapTrimmer(HeapTrimmerOptions options = {});
  ~HeapTrimmer();
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

  void stop();

 private:
  HeapTrimmerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace flotilla::runtime
