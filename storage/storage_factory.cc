#include "storage/storage_factory.h"

#include <filesystem>

namespace flotilla::storage {

std::vector<std::string> splitEndpoints(const std::string& flag) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= flag.size()) {
    size_t comma = flag.find(',', start);
    if (comma == std::string::npos) comma = flag.size();
    std::string item = flag.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

core::Result<StoragePtr> openStorage(const StorageConfig& config) {
  if (config.backend == "sqlite") {
    if (config.data_dir.empty()) return core::invalidArgument("--storage sqlite needs a data dir");
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) {
      return core::invalidArgument("cannot create data dir " + config.data_dir + ": " +
                                   ec.message());
    }
    return openSqliteStorage(config.data_dir + "/flotilla.db", config.sqlite);
  }
  if (config.backend == "etcd") {
    if (config.etcd_endpoints.empty()) {
      return core::invalidArgument("--storage etcd needs --etcd-endpoints");
    }
    return openEtcdStorage(config.etcd_endpoints, config.etcd);
  }
  return core::invalidArgument("unknown storage backend '" + config.backend +
                               "' (want sqlite or etcd)");
}

}  // namespace flotilla::storage
