#include "storage/etcd_storage.h"

#include <spdlog/spdlog.h>

#include "core/logging.h"
#include "storage/etcd_codec.h"
#include "storage/etcd_http.h"
#include "storage/etcd_watch.h"

namespace flotilla::storage {
namespace {

// etcd rejects an empty key; "\0" with range_end "\0" means the whole keyspace.
std::string rangeStart(const std::string& prefix) {
  return prefix.empty() ? std::string(1, '\0') : prefix;
}

class EtcdStorage final : public Storage {
 public:
  EtcdStorage(std::vector<HttpEndpoint> endpoints, EtcdOptions options)
      : options_(options),
        pool_(std::move(endpoints),
              HttpPoolOptions{options.connect_timeout, options.request_timeout,
                              options.max_idle_connections}) {}

  core::Result<KeyValue> get(const std::string& key) override {
    auto reply = range(etcd_codec::encodeRange(key, "", 0, 0, false));
    if (!reply.isOk()) return reply.status();
    if (reply->kvs.empty()) return core::notFound("key " + key + " not found");
    return std::move(reply->kvs.front());
  }

  core::Result<ListResult> list(const ListOptions& options) override {
    if (options.limit < 0) return core::invalidArgument("negative list limit");
    std::string start = rangeStart(options.prefix);
    if (!options.start_after.empty()) {
      // The smallest key after start_after.
      std::string after = options.start_after + '\0';
      if (after > start) start = std::move(after);
    }
    auto reply = range(etcd_codec::encodeRange(start, etcd_codec::rangeEndFor(options.prefix),
                                               options.limit, options.revision, false));
    if (!reply.isOk()) return reply.status();
    ListResult out;
    out.revision = options.revision > 0 ? options.revision : reply->revision;
    out.more = reply->more;
    // count covers the whole range from `start`, returned items included.
    if (out.more) out.remaining = reply->count - static_cast<int64_t>(reply->kvs.size());
    out.items = std::move(reply->kvs);
    return out;
  }

  core::Result<int64_t> create(const std::string& key, const std::string& value) override {
    auto reply = txn(etcd_codec::encodeCreate(key, value));
    if (!reply.isOk()) return reply.status();
    if (!reply->succeeded) {
      return core::Status(core::Code::AlreadyExists, "key " + key + " exists");
    }
    return reply->revision;
  }

  core::Result<int64_t> update(const std::string& key, const std::string& value,
                               int64_t expected_revision) override {
    if (expected_revision < 0) return core::invalidArgument("negative expected revision");
    auto reply = txn(etcd_codec::encodeUpdate(key, value, expected_revision));
    if (!reply.isOk()) return reply.status();
    if (!reply->succeeded) return preconditionFailure(key, expected_revision, *reply);
    return reply->revision;
  }

  core::Result<KeyValue> remove(const std::string& key, int64_t expected_revision) override {
    if (expected_revision < 0) return core::invalidArgument("negative expected revision");
    auto reply = txn(etcd_codec::encodeDelete(key, expected_revision));
    if (!reply.isOk()) return reply.status();
    if (!reply->succeeded) return preconditionFailure(key, expected_revision, *reply);
    if (reply->prev_kvs.empty()) return core::notFound("key " + key + " not found");
    KeyValue out = std::move(reply->prev_kvs.front());
    out.mod_revision = reply->revision;
    return out;
  }

  core::Result<int64_t> currentRevision() override {
    auto reply = range(etcd_codec::encodeRange(std::string(1, '\0'), "", 1, 0, true));
    if (!reply.isOk()) return reply.status();
    return reply->revision;
  }

  core::Result<WatchPtr> watch(const std::string& prefix, int64_t after_revision) override {
    return EtcdWatch::start(pool_, prefix, after_revision, options_.watch_backlog_limit,
                            options_.watch_backlog_bytes);
  }

  core::Status compact(int64_t revision) override {
    auto reply = pool_.post("/v3/kv/compaction", etcd_codec::encodeCompaction(revision),
                            /*idempotent=*/true);
    if (!reply.isOk()) return reply.status();
    if (reply->status == 200) {
      auto revision_or = etcd_codec::decodeHeaderRevision(reply->body);
      return revision_or.status();
    }
    auto status = etcd_codec::decodeError(reply->status, reply->body);
    // Already compacted at or past `revision`: nothing to do, as with the SQLite backend.
    if (status.code() == core::Code::Gone) return core::Status::ok();
    return status;
  }

  // etcd does not report its compacted revision directly, but a range at a revision below it
  // fails with "compacted". Binary search finds the smallest readable revision in O(log n)
  // cheap count-only requests, without state of our own (several servers may compact).
  core::Result<int64_t> compactedRevision() override {
    auto current = currentRevision();
    if (!current.isOk()) return current.status();
    int64_t low = 1;
    int64_t high = *current;
    if (high <= 1) return int64_t{0};
    while (low < high) {
      int64_t middle = low + (high - low) / 2;
      auto reply = range(etcd_codec::encodeRange(std::string(1, '\0'), "", 1, middle, true));
      if (reply.isOk()) {
        high = middle;
      } else if (reply.status().code() == core::Code::Gone) {
        low = middle + 1;
      } else {
        return reply.status();
      }
    }
    return low == 1 ? int64_t{0} : low;
  }

 private:
  core::Result<etcd_codec::RangeReply> range(const std::string& body) {
    auto reply = pool_.post("/v3/kv/range", body, /*idempotent=*/true);
    if (!reply.isOk()) return reply.status();
    if (reply->status != 200) return etcd_codec::decodeError(reply->status, reply->body);
    return etcd_codec::decodeRange(reply->body);
  }

  core::Result<etcd_codec::TxnReply> txn(const std::string& body) {
    auto reply = pool_.post("/v3/kv/txn", body, /*idempotent=*/false);
    if (!reply.isOk()) return reply.status();
    if (reply->status != 200) return etcd_codec::decodeError(reply->status, reply->body);
    return etcd_codec::decodeTxn(reply->body);
  }

  // The failure branch read the key: absent means NotFound, present means a stale revision.
  static core::Status preconditionFailure(const std::string& key, int64_t expected,
                                          const etcd_codec::TxnReply& reply) {
    if (reply.range_kvs.empty()) return core::notFound("key " + key + " not found");
    return core::Status(core::Code::Conflict,
                        "key " + key + " is at revision " +
                            std::to_string(reply.range_kvs.front().mod_revision) + ", not " +
                            std::to_string(expected));
  }

  const EtcdOptions options_;
  HttpPool pool_;
};

}  // namespace

core::Result<StoragePtr> openEtcdStorage(std::vector<std::string> endpoints, EtcdOptions options) {
  if (endpoints.empty()) return core::invalidArgument("no etcd endpoints given");
  std::vector<HttpEndpoint> parsed;
  for (const auto& url : endpoints) {
    auto endpoint = parseHttpEndpoint(url);
    if (!endpoint.isOk()) return endpoint.status();
    parsed.push_back(std::move(endpoint).value());
  }
  core::logger("storage")->info("etcd storage at {} endpoint(s), first {}", parsed.size(),
                                parsed.front().url);
  return StoragePtr(std::make_unique<EtcdStorage>(std::move(parsed), options));
}

}  // namespace flotilla::storage
