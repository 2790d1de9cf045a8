// The etcd backend of Storage: talks to etcd 3.4+ through its v3 JSON gateway (HTTP/1.1, keys and
// values base64) with a keep-alive connection pool and failover across endpoints.
//
// It adopts kube-apiserver's mapping unchanged: resourceVersion = etcd mod_revision; create is
// Txn(create_revision(key) == 0 then Put); update and delete are Txn(mod_revision(key) == rv then
// Put/Delete else Get), so the failure branch tells NotFound from Conflict; lists are ranges
// [prefix, prefix+1) with limit and revision; watches start at after+1 with prev_kv, and a
// compacted start revision becomes Gone. Nothing is cached locally, so several API servers can
// share one etcd. Connection failures map to Unavailable.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/storage.h"

namespace flotilla::storage {

struct EtcdOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  size_t max_idle_connections = 64;  // kept open per endpoint
  // Undelivered events (or their bytes) before a watcher gets Gone.
  size_t watch_backlog_limit = 50'000;
  size_t watch_backlog_bytes = 64u << 20;
};

// `endpoints`: client URLs such as "http://127.0.0.1:2379". Does not connect yet (etcd may
// come up after the server); InvalidArgument for a malformed or non-http URL.
core::Result<StoragePtr> openEtcdStorage(std::vector<std::string> endpoints,
                                         EtcdOptions options = {});

}  // namespace flotilla::storage
