#include "storage/current_index.h"

namespace flotilla::storage {

std::optional<CurrentIndex::Entry> CurrentIndex::find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  if (it->second.entry.value) lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.entry;
}

void CurrentIndex::put(const std::string& key, int64_t create_revision, int64_t mod_revision,
                       std::shared_ptr<const std::string> value) {
  std::lock_guard lock(mu_);
  auto it = map_.try_emplace(key).first;
  it->second.entry.create_revision = create_revision;
  it->second.entry.mod_revision = mod_revision;
  setValue(it, std::move(value));
}

void CurrentIndex::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return;
  dropValue(it->second);
  map_.erase(it);
}

void CurrentIndex::fill(const std::string& key, int64_t mod_revision,
                        std::shared_ptr<const std::string> value) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end() || it->second.entry.mod_revision != mod_revision) return;
  if (it->second.entry.value) return;
  setValue(it, std::move(value));
}

size_t CurrentIndex::size() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

size_t CurrentIndex::cachedBytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void CurrentIndex::setValue(Map::iterator it, std::shared_ptr<const std::string> value) {
  Slot& slot = it->second;
  dropValue(slot);
  // A value larger than the whole budget would only evict everything else.
  if (!value || value->size() > budget_) return;
  bytes_ += value->size();
  slot.entry.value = std::move(value);
  lru_.push_front(&it->first);
  slot.lru = lru_.begin();
  evict();
}

void CurrentIndex::dropValue(Slot& slot) {
  if (!slot.entry.value) return;
  bytes_ -= slot.entry.value->size();
  slot.entry.value.reset();
  lru_.erase(slot.lru);
}

void CurrentIndex::evict() {
  while (bytes_ > budget_ && !lru_.empty()) {
    auto it = map_.find(*lru_.back());
    dropValue(it->second);
  }
}

}  // namespace flotilla::storage
