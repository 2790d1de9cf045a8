// The memory allocator's settings. The flotilla binary links jemalloc when the build found it
// (cli/CMakeLists.txt): every process here spends most of its time building and freeing small
// JSON nodes across many threads, and glibc malloc took 15-20% of all CPU in the federation
// benchmark (jemalloc: 4.3 -> 3.1 ms of CPU per Work in total, steady P99 2.7 s -> 0.4 s).
// jemalloc reads `malloc_conf` at start: a background thread returns freed pages after half a
// second instead of ten, and 4 arenas (not 8 on two cores) bound the per-arena slack; together
// they keep the controller manager's RSS where glibc's trimming had it (about 270-300 MiB with
// 20,000 Works cached).
// Without jemalloc this symbol is simply unused. MALLOC_CONF in the environment still wins.
extern "C" {
__attribute__((used)) const char* malloc_conf =
    "background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0,narenas:4";
}
