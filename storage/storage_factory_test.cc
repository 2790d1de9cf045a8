#include "storage/storage_factory.h"

#include <gtest/gtest.h>

#include "storage/storage_test_backends.h"

namespace flotilla::storage {
namespace {

TEST(StorageFactoryTest, SplitsEndpointFlag) {
  EXPECT_EQ(splitEndpoints("http://a:1, http://b:2,,"),
            (std::vector<std::string>{"http://a:1", "http://b:2"}));
  EXPECT_TRUE(splitEndpoints("").empty());
}

TEST(StorageFactoryTest, OpensSqliteInTheDataDir) {
  TempDir dir;
  StorageConfig config;
  config.data_dir = dir.path() + "/nested";
  config.sqlite.compaction_interval = std::chrono::milliseconds(0);
  auto store = openStorage(config);
  ASSERT_TRUE(store.isOk()) << store.status().toString();
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/nested/flotilla.db"));
}

TEST(StorageFactoryTest, RejectsBadConfig) {
  struct Row {
    const char* name;
    StorageConfig config;
  };
  StorageConfig unknown;
  unknown.backend = "mysql";
  unknown.data_dir = "/tmp";
  StorageConfig no_dir;
  StorageConfig no_endpoints;
  no_endpoints.backend = "etcd";
  StorageConfig https;
  https.backend = "etcd";
  https.etcd_endpoints = {"https://127.0.0.1:2379"};
  const Row rows[] = {{"unknown backend", unknown},
                      {"sqlite without data dir", no_dir},
                      {"etcd without endpoints", no_endpoints},
                      {"etcd over https", https}};
  for (const auto& row : rows) {
    EXPECT_EQ(openStorage(row.config).status().code(), core::Code::InvalidArgument) << row.name;
  }
}

TEST(StorageFactoryTest, UnreachableEtcdIsUnavailable) {
  StorageConfig config;
  config.backend = "etcd";
  // Port 1 on loopback refuses connections.
  config.etcd_endpoints = {"http://127.0.0.1:1"};
  config.etcd.connect_timeout = std::chrono::milliseconds(2000);
  auto store = openStorage(config);
  ASSERT_TRUE(store.isOk());
  EXPECT_EQ((*store)->get("/x").status().code(), core::Code::Unavailable);
  EXPECT_EQ((*store)->create("/x", "v").status().code(), core::Code::Unavailable);
  EXPECT_EQ((*store)->watch("/x", 0).status().code(), core::Code::Unavailable);
}

}  // namespace
}  // namespace flotilla::storage
