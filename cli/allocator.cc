// The memory allocator's settings. The flotilla binary links jemalloc when the build found it
// (cli/CMakeLists.txt): every process here spends most of its time building and freeing small
// JSON nodes across many threads, and glibc malloc took 15-20% of all CPU in the federation
// benchmark (jemalloc: 4.3 -> 3.1 ms of CPU per Work in total, steady P99 2.7 s -> 0.4 s).
// jemalloc reads `malloc_conf` at start: a background thread returns freed pages after a quarter
// of a second instead of ten, and 2 arenas (not 8 on two cores) bound the per-arena slack; the
// controller manager then holds ~280 MiB with 20,000 Works cached (295-299 MiB with 4 arenas and
// 500 ms, 265-300 with glibc), at the same CPU.
// Without jemalloc this symbol is simply unused. MALLOC_CONF in the environment still wins.
extern "C" {
__attribute__((used)) const char* malloc_conf =
    "background_thread:true,dirty_decay_ms:250,muzzy_decay_ms:0,narenas:2";
}
