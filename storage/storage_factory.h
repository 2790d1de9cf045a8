// The storage factory: the one place that turns the server's storage flags
// (--storage sqlite|etcd, --data-dir, --etcd-endpoints URL,...) into a Storage.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "storage/etcd_storage.h"
#include "storage/sqlite_storage.h"
#include "storage/storage.h"

namespace flotilla::storage {

struct StorageConfig {
  std::string backend = "sqlite";           // "sqlite" or "etcd"
  std::string data_dir;                     // sqlite: the database is data_dir + "/flotilla.db"
  std::vector<std::string> etcd_endpoints;  // etcd: client URLs
  SqliteOptions sqlite;
  EtcdOptions etcd;
};

// Splits a comma-separated endpoint flag ("http://a:2379,http://b:2379"), dropping empty items.
std::vector<std::string> splitEndpoints(const std::string& flag);

// InvalidArgument for an unknown backend or missing data dir/endpoints. Creates data_dir if needed.
core::Result<StoragePtr> openStorage(const StorageConfig& config);

}  // namespace flotilla::storage
