// The JSON messages of etcd's v3 gateway that the etcd backend sends and reads: request bodies
// for range/txn/compaction/watch, and typed views of the replies. int64 fields arrive as JSON
// strings, zero values and false are omitted, keys and values are base64. nlohmann stays inside
// etcd_codec.cc. Internal to the etcd backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/storage.h"

namespace flotilla::storage::etcd_codec {

// The range [key, range_end) for a prefix; range_end "\0" means "to the end of the keyspace".
std::string rangeEndFor(const std::string& prefix);

std::string encodeRange(const std::string& key, const std::string& range_end, int64_t limit,
                        int64_t revision, bool count_only);
// Txn(create_revision(key) == 0) Put.
std::string encodeCreate(const std::string& key, const std::string& value);
// Txn(mod_revision(key) == expected, or key exists when expected is 0) Put/Delete else Get.
std::string encodeUpdate(const std::string& key, const std::string& value, int64_t expected);
std::string encodeDelete(const std::string& key, int64_t expected);
std::string encodeCompaction(int64_t revision);
std::string encodeWatchCreate(const std::string& key, const std::string& range_end,
                              int64_t start_revision);

struct RangeReply {
  int64_t revision = 0;  // header revision
  std::vector<KeyValue> kvs;
  bool more = false;
  int64_t count = 0;
};
struct TxnReply {
  int64_t revision = 0;
  bool succeeded = false;
  std::vector<KeyValue> range_kvs;  // from a response_range (the failure branch's Get)
  std::vector<KeyValue> prev_kvs;   // from a response_delete_range
};
struct WatchMessage {
  bool created = false;
  bool canceled = false;
  int64_t compact_revision = 0;
  std::string cancel_reason;
  std::vector<Event> events;
};

// A non-200 reply (or a body carrying "error") as a Status: compacted -> Gone, too large ->
// TooLarge, future revision -> InvalidArgument, gRPC Unavailable/DeadlineExceeded -> Unavailable,
// otherwise Internal.
core::Status decodeError(int http_status, const std::string& body);
core::Result<RangeReply> decodeRange(const std::string& body);
core::Result<TxnReply> decodeTxn(const std::string& body);
core::Result<int64_t> decodeHeaderRevision(const std::string& body);
// One line of the watch stream: {"result": {...}} or {"error": {...}}.
core::Result<WatchMessage> decodeWatch(const std::string& line);

}  // namespace flotilla::storage::etcd_codec
