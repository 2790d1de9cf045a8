#include "scheduler/webster.h"

#include <algorithm>
#include <map>
#include <queue>

namespace flotilla::scheduler {

uint32_t fnv32a(std::string_view data) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

namespace {

struct Entry {
  const std::string* name;
  int64_t votes;
  int32_t seats;
  double priority;  // votes / (2·seats + 1) as IEEE double, compared exactly like Karmada
};

double priorityOf(int64_t votes, int32_t seats) {
  return static_cast<double>(votes) / static_cast<double>(2 * static_cast<int64_t>(seats) + 1);
}

}  // namespace

std::vector<TargetCluster> websterDivide(int32_t seats, std::span<const Party> parties,
                                         std::span<const TargetCluster> initial,
                                         std::string_view uid) {
  std::map<std::string, std::pair<int64_t, int32_t>> merged;  // name -> (votes, seats)
  for (const TargetCluster& t : initial) merged[t.name].second += t.replicas;
  for (const Party& p : parties) merged[p.name].first += p.votes;

  std::vector<TargetCluster> result;
  result.reserve(merged.size());
  if (merged.empty()) return result;

  const bool names_descending = !uid.empty() && (fnv32a(uid) % 2 == 1);
  // `less` for a max-heap: true when `a` should receive a seat after `b`.
  auto after = [names_descending](const Entry& a, const Entry& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.seats != b.seats) return a.seats > b.seats;
    return names_descending ? *a.name < *b.name : *a.name > *b.name;
  };
  std::vector<Entry> heap;
  heap.reserve(merged.size());
  for (const auto& [name, vs] : merged) {
    heap.push_back(Entry{&name, vs.first, vs.second, priorityOf(vs.first, vs.second)});
  }
  std::make_heap(heap.begin(), heap.end(), after);
  for (int32_t i = 0; i < seats; ++i) {
    std::pop_heap(heap.begin(), heap.end(), after);
    Entry& top = heap.back();
    ++top.seats;
    top.priority = priorityOf(top.votes, top.seats);
    std::push_heap(heap.begin(), heap.end(), after);
  }
  for (const Entry& e : heap) result.push_back(TargetCluster{*e.name, e.seats});
  std::sort(result.begin(), result.end(),
            [](const TargetCluster& a, const TargetCluster& b) { return a.name < b.name; });
  return result;
}

}  // namespace flotilla::scheduler
