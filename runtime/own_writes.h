// OwnWrites: read-your-own-writes for reconcilers that work from an informer cache. A controller
// that writes an object (its spec, then its status; a status, then another status) is often
// called again for that object before the cache has seen its write: a queued event of an
// earlier version, or the echo of its first write while the second is in flight. Working from
// the cached (older) version it repeats what it did and then writes against a resourceVersion
// the server has moved past: 409 Conflict, a retry with backoff, and a wasted request each.
// OwnWrites keeps, per key, the object a successful write returned and the versions that write
// replaced; freshest() hands that object out instead of a cached one whose version it replaced,
// and forgets the key once the cache holds anything else (our write, or someone's later one).
// It never hands out an object older than the cached one: the written object's version came
// after each version it replaced. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/object.h"

namespace flotilla::runtime {

class OwnWrites {
 public:
  // More keys than this (writes never followed by another reconcile of their key, such as an
  // object deleted meanwhile) forget everything: the memo is only a shortcut.
  explicit OwnWrites(std::size_t capacity = 8192) : capacity_(capacity) {}

  // The object to reconcile `key` from: the one our last write returned when `cached` is a
  // version that write (or a chain of our writes) replaced; otherwise `cached` itself (and the
  // key is forgotten). A null `cached` (gone from the cache) forgets the key and returns null.
  client::ObjectPtr freshest(const std::string& key, const client::ObjectPtr& cached);
  // A write of `key` with precondition `base_version` succeeded and returned `written`.
  void record(const std::string& key, const std::string& base_version,
              const client::ObjectPtr& written);
  std::size_t size() const;

 private:
  struct Entry {
    std::vector<std::string> replaced;  // versions our writes moved the object past
    client::ObjectPtr latest;
  };
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace flotilla::runtime
