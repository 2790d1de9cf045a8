// CurrentIndex: the SQLite backend's in-memory view of the live keys — every key's
// create/mod revision, and the value of the keys written or read most recently within a byte
// budget (least recently used values are dropped first; their keys stay).
//
// Why: every write checks its precondition against the key's current revision and needs the
// previous value for its event, and every read-modify-write (PUT, PATCH, status) starts with a
// get. In SQLite that is a B-tree walk per lookup, and a read connection starts every
// transaction with a cold page cache (WAL mode drops it whenever another connection committed),
// so under a steady write load each get re-reads its pages from the file. The index answers
// these from memory: the writer keeps it exact (it is the only writer, and the database file is
// locked against other processes), and readers fall back to SQLite only for a value that is
// not cached.
//
// Consistency: the writer applies a batch here right after its COMMIT and before it wakes the
// batch's callers, so a read that starts after a write was acknowledged sees it. A reader fills
// in a value it read from SQLite only while the key is still at that value's revision.
// Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace flotilla::storage {

class CurrentIndex {
 public:
  struct Entry {
    int64_t create_revision = 0;
    int64_t mod_revision = 0;
    std::shared_ptr<const std::string> value;  // null when not cached
  };

  explicit CurrentIndex(size_t value_budget_bytes) : budget_(value_budget_bytes) {}

  // The key's entry; nullopt when the key does not exist. A hit with a value counts as a use.
  std::optional<Entry> find(const std::string& key);
  // Sets the key's revisions and value (the writer, after a commit). A null value only records
  // the revisions.
  void put(const std::string& key, int64_t create_revision, int64_t mod_revision,
           std::shared_ptr<const std::string> value);
  void erase(const std::string& key);
  // A value read from SQLite at `mod_revision`: cached only while the key is still at it.
  void fill(const std::string& key, int64_t mod_revision, std::shared_ptr<const std::string> value);

  size_t size() const;
  size_t cachedBytes() const;

 private:
  struct Slot {
    Entry entry;
    std::list<const std::string*>::iterator lru;  // valid when entry.value is set
  };
  using Map = std::unordered_map<std::string, Slot>;

  // Called with mu_ held.
  void setValue(Map::iterator it, std::shared_ptr<const std::string> value);
  void dropValue(Slot& slot);
  void evict();

  const size_t budget_;
  mutable std::mutex mu_;
  Map map_;
  std::list<const std::string*> lru_;  // keys with a cached value, most recently used first
  size_t bytes_ = 0;
};

}  // namespace flotilla::storage
