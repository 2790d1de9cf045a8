#include "apiserver/object_strategy.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>

#include "core/clock.h"

namespace flotilla::apiserver {

namespace {
const Json kNull;

// Random bytes for uids and generated names from a per-thread xoshiro256** generator seeded
// from OpenSSL's DRBG, instead of RAND_bytes per call (a lock and a getpid() each time: 1.9% of
// the host API server's CPU). Uids need uniqueness, not secrecy; 256 seed bits per thread give
// it. A child process after fork() reseeds (the generation moves), so two processes never
// share a stream.
std::atomic<uint64_t> g_fork_generation{1};

class ThreadRandom {
 public:
  void fill(unsigned char* out, size_t n) {
    static const bool registered = [] {
      pthread_atfork(nullptr, nullptr, [] { g_fork_generation.fetch_add(1); });
      return true;
    }();
    (void)registered;
    const uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_) seed(generation);
    while (n > 0) {
      const uint64_t word = next();
      const size_t take = n < sizeof word ? n : sizeof word;
      std::memcpy(out, &word, take);
      out += take;
      n -= take;
    }
  }

 private:
  void seed(uint64_t generation) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(s_), sizeof s_) != 1 ||
        (s_[0] | s_[1] | s_[2] | s_[3]) == 0) {
      // OpenSSL could not seed: the thread's address and the clock, rather than a zero state.
      s_[0] = 0x9e3779b97f4a7c15ull ^ reinterpret_cast<uintptr_t>(this);
      s_[1] = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      s_[2] = 0xbf58476d1ce4e5b9ull;
      s_[3] = 0x94d049bb133111ebull;
    }
    generation_ = generation;
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  uint64_t s_[4] = {0, 0, 0, 0};
  uint64_t generation_ = 0;
};

void randomBytes(unsigned char* out, size_t n) {
  thread_local ThreadRandom random;
  random.fill(out, n);
}

const Json& metaField(const Json& obj, const char* field) {
  if (!obj.is_object()) return kNull;
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return kNull;
  auto f = m->find(field);
  return f == m->end() ? kNull : *f;
}

// Everything but metadata and status (and apiVersion/kind) is what "spec changed" means for
// generation: true when those parts of `a` and `b` are equal, compared in place.
bool specIgnored(const std::string& key) {
  return key == "metadata" || key == "status" || key == "apiVersion" || key == "kind";
}

bool sameSpecPart(const Json& a, const Json& b) {
  if (!a.is_object() || !b.is_object()) return a == b;
  auto ia = a.begin();
  auto ib = b.begin();
  while (true) {
    while (ia != a.end() && specIgnored(ia.key())) ++ia;
    while (ib != b.end() && specIgnored(ib.key())) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (ia.key() != ib.key() || *ia != *ib) return false;
    ++ia;
    ++ib;
  }
}
}  // namespace

std::string objectName(const Json& obj) {
  const Json& v = metaField(obj, "name");
  return v.is_string() ? v.get<std::string>() : std::string();
}
std::string objectNamespace(const Json& obj) {
  const Json& v = metaField(obj, "namespace");
  return v.is_string() ? v.get<std::string>() : std::string();
}
std::string objectUid(const Json& obj) {
  const Json& v = metaField(obj, "uid");
  return v.is_string() ? v.get<std::string>() : std::string();
}
bool hasDeletionTimestamp(const Json& obj) { return metaField(obj, "deletionTimestamp").is_string(); }
bool hasFinalizers(const Json& obj) {
  const Json& f = metaField(obj, "finalizers");
  if (f.is_array() && !f.empty()) return true;
  // Namespaces also wait for their spec.finalizers (the namespace controller's "kubernetes").
  if (obj.is_object() && obj.value("kind", "") == "Namespace" && obj.contains("spec") &&
      obj["spec"].is_object()) {
    const Json& sf = obj["spec"].value("finalizers", Json());
    return sf.is_array() && !sf.empty();
  }
  return false;
}

core::Status checkTypeAndNamespace(const ServedResource& r, const std::string& url_namespace,
                                   Json& obj) {
  if (!obj.is_object()) {
    return core::invalidArgument("the request body must be a JSON object");
  }
  auto kind = obj.find("kind");
  if (kind == obj.end() || kind->is_null() || (kind->is_string() && kind->get<std::string>().empty())) {
    obj["kind"] = r.kind;
  } else if (!kind->is_string() || kind->get<std::string>() != r.kind) {
    return core::invalidArgument("the kind of the provided object (" +
                                 (kind->is_string() ? kind->get<std::string>() : kind->dump()) +
                                 ") does not match the kind served at this endpoint (" + r.kind +
                                 ")");
  }
  auto api = obj.find("apiVersion");
  if (api == obj.end() || api->is_null() || (api->is_string() && api->get<std::string>().empty())) {
    obj["apiVersion"] = r.apiVersion();
  } else if (!api->is_string() || api->get<std::string>() != r.apiVersion()) {
    return core::invalidArgument("the API version in the data (" +
                                 (api->is_string() ? api->get<std::string>() : api->dump()) +
                                 ") does not match the expected API version (" + r.apiVersion() +
                                 ")");
  }
  if (!obj.contains("metadata") || obj["metadata"].is_null()) obj["metadata"] = Json::object();
  if (!obj["metadata"].is_object()) {
    return core::Status(core::Code::InvalidArgument, "metadata must be an object");
  }
  Json& meta = obj["metadata"];
  if (r.namespaced) {
    auto ns = meta.find("namespace");
    if (ns == meta.end() || ns->is_null() || (ns->is_string() && ns->get<std::string>().empty())) {
      meta["namespace"] = url_namespace;
    } else if (!ns->is_string() || ns->get<std::string>() != url_namespace) {
      return core::invalidArgument(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  } else {
    meta.erase("namespace");
  }
  return core::Status::ok();
}

void prepareForCreate(const ServedResource& r, Json& obj,
                      std::chrono::system_clock::time_point now, const std::string& uid) {
  Json& meta = obj["metadata"];
  meta["uid"] = uid;
  meta["creationTimestamp"] = timestampText(now);
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  meta.erase("selfLink");
  if (r.generation_tracked || r.is_custom) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  // With a status subresource, status is set through /status only (CRDs drop it on create;
  // built-ins reset it to what their strategy allows — we keep built-in status for tests that
  // create pods or nodes with status, as the simulated clusters do).
  if (r.is_custom && r.has_status) obj.erase("status");
  if (r.group.empty() && r.plural == "namespaces") {
    if (!obj.contains("spec") || !obj["spec"].is_object()) obj["spec"] = Json::object();
    obj["spec"]["finalizers"] = Json::array({"kubernetes"});
    obj["status"] = {{"phase", "Active"}};
  }
}

void prepareForUpdate(const ServedResource& r, const Json& old, Json& updated,
                      const std::string& subresource) {
  const Json& old_meta = old.at("metadata");
  if (subresource == "status") {
    // Only .status changes through /status; everything else comes from the stored object.
    Json status = updated.contains("status") ? std::move(updated["status"]) : Json();
    Json managed = updated["metadata"].contains("managedFields")
                       ? std::move(updated["metadata"]["managedFields"])
                       : Json();
    // A copy of the stored object without what is replaced anyway: its status, and its
    // managedFields when the request brings its own (most of the metadata).
    Json fresh = Json::object();
    for (auto it = old.begin(); it != old.end(); ++it) {
      if (it.key() == "status") continue;
      if (it.key() == "metadata" && !managed.is_null() && it->is_object()) {
        Json meta = Json::object();
        for (auto field = it->begin(); field != it->end(); ++field) {
          if (field.key() != "managedFields") meta[field.key()] = *field;
        }
        fresh["metadata"] = std::move(meta);
        continue;
      }
      fresh[it.key()] = *it;
    }
    updated = std::move(fresh);
    if (!status.is_null()) updated["status"] = std::move(status);
    if (!managed.is_null()) updated["metadata"]["managedFields"] = std::move(managed);
    return;
  }
  Json& meta = updated["metadata"];
  for (const char* f : {"uid", "creationTimestamp", "name", "namespace", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "generation"}) {
    auto it = old_meta.find(f);
    if (it != old_meta.end()) {
      meta[f] = *it;
    } else {
      meta.erase(f);
    }
  }
  meta.erase("selfLink");
  if (r.has_status && subresource.empty()) {
    // The main endpoint never changes status when a status subresource exists.
    if (old.contains("status")) {
      updated["status"] = old["status"];
    } else {
      updated.erase("status");
    }
  }
  if (r.group.empty() && r.plural == "namespaces") {
    // spec.finalizers only changes through /finalize.
    if (old.contains("spec")) updated["spec"] = old["spec"];
  }
  if ((r.generation_tracked || r.is_custom) && old_meta.contains("generation")) {
    if (!sameSpecPart(old, updated)) {
      meta["generation"] = old_meta["generation"].get<int64_t>() + 1;
    }
  }
}

namespace {

// The original definition of sameObject: compare copies with the ignored fields erased. Kept for
// the shapes the copy-free comparison below does not handle (metadata missing on one side).
bool sameObjectByCopy(const Json& a, const Json& b) {
  auto strip = [](const Json& o) {
    Json c = o;
    if (c.is_object() && c.contains("metadata") && c["metadata"].is_object()) {
      c["metadata"].erase("resourceVersion");
      if (c["metadata"].contains("managedFields") && c["metadata"]["managedFields"].is_array()) {
        for (auto& e : c["metadata"]["managedFields"]) {
          if (e.is_object()) e.erase("time");
        }
      }
    }
    return c;
  };
  return strip(a) == strip(b);
}

// Walks two objects' members in key order (nlohmann objects are sorted maps), skipping `ignored`
// on both sides (unless null), and compares values with `same`; equal iff the copies with `ignored`
// erased would compare equal.
template <class Same>
bool sameMembers(const Json& a, const Json& b, const char* ignored, Same same) {
  auto ia = a.begin();
  auto ib = b.begin();
  while (true) {
    if (ignored != nullptr && ia != a.end() && ia.key() == ignored) ++ia;
    if (ignored != nullptr && ib != b.end() && ib.key() == ignored) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (ia.key() != ib.key() || !same(ia.key(), *ia, *ib)) return false;
    ++ia;
    ++ib;
  }
}

bool sameIgnoringTime(const Json& a, const Json& b) {
  if (!a.is_object() || !b.is_object()) return a == b;
  return sameMembers(a, b, "time", [](const std::string&, const Json& x, const Json& y) {
    return x == y;
  });
}

bool sameManagedFields(const Json& a, const Json& b) {
  if (!a.is_array() || !b.is_array()) return a == b;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!sameIgnoringTime(a[i], b[i])) return false;
  }
  return true;
}

bool sameMetadata(const Json& a, const Json& b) {
  return sameMembers(a, b, "resourceVersion", [](const std::string& key, const Json& x,
                                                 const Json& y) {
    return key == "managedFields" ? sameManagedFields(x, y) : x == y;
  });
}

}  // namespace

bool sameObject(const Json& a, const Json& b) {
  // Runs on every update (no-op detection), so it compares in place instead of copying both
  // objects the way the definition (sameObjectByCopy) reads.
  if (!a.is_object() || !b.is_object()) return a == b;
  const auto ma = a.find("metadata");
  const auto mb = b.find("metadata");
  const bool a_meta = ma != a.end() && ma->is_object();
  const bool b_meta = mb != b.end() && mb->is_object();
  if (!a_meta || !b_meta) return sameObjectByCopy(a, b);
  if (a.size() != b.size()) return false;
  return sameMembers(a, b, nullptr, [](const std::string& key, const Json& x, const Json& y) {
    return key == "metadata" ? sameMetadata(x, y) : x == y;
  });
}

std::string newUuid() {
  unsigned char b[16];
  randomBytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

std::string timestampText(std::chrono::system_clock::time_point t) {
  struct Cached {
    std::chrono::seconds second{-1};
    std::string text;
  };
  thread_local Cached cached;
  const auto second = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  if (second != cached.second) {
    cached.text = core::formatRfc3339(t);
    cached.second = second;
  }
  return cached.text;
}

std::string generateNameFrom(const std::string& prefix) {
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string base = prefix.size() > 58 ? prefix.substr(0, 58) : prefix;
  unsigned char rnd[5];
  randomBytes(rnd, sizeof rnd);
  for (unsigned char c : rnd) base.push_back(kAlphabet[c % (sizeof kAlphabet - 1)]);
  return base;
}

}  // namespace flotilla::apiserver
