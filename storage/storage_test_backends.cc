#include "storage/storage_test_backends.h"

#include <cstdlib>
#include <cstring>

#include "storage/etcd_storage.h"
#include "storage/sqlite_storage.h"
#include "storage/testing/etcd_process.h"

namespace flotilla::storage {
namespace {

class SqliteBackend final : public TestBackend {
 public:
  core::Result<StoragePtr> open() override {
    SqliteOptions options;
    options.compaction_interval = std::chrono::milliseconds(0);
    return openSqliteStorage(dir_.path() + "/flotilla.db", options);
  }
  core::Status restart() override { return core::Status::ok(); }

 private:
  TempDir dir_;
};

class EtcdBackend final : public TestBackend {
 public:
  explicit EtcdBackend(std::unique_ptr<testing::EtcdProcess> process)
      : process_(std::move(process)) {}
  core::Result<StoragePtr> open() override {
    return openEtcdStorage({process_->endpoint()}, EtcdOptions{});
  }
  core::Status restart() override { return process_->restart(); }

 private:
  std::unique_ptr<testing::EtcdProcess> process_;
};

}  // namespace

std::unique_ptr<TestBackend> makeTestBackend(const std::string& name, std::string* skip_reason) {
  if (name == "sqlite") return std::make_unique<SqliteBackend>();
  if (!testing::EtcdProcess::available()) {
    *skip_reason = "/usr/bin/etcd is not installed";
    return nullptr;
  }
  auto process = testing::EtcdProcess::start();
  if (!process.isOk()) {
    ADD_FAILURE() << process.status().toString();
    *skip_reason = "etcd did not start";
    return nullptr;
  }
  return std::make_unique<EtcdBackend>(std::move(process).value());
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-storage-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void StorageSuite::SetUp() {
  std::string skip_reason;
  backend_ = makeTestBackend(GetParam(), &skip_reason);
  if (!backend_) GTEST_SKIP() << skip_reason;
  auto opened = backend_->open();
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  storage_ = std::move(opened).value();
}

void StorageSuite::TearDown() {
  storage_.reset();
  backend_.reset();
}

void StorageSuite::reopen() {
  storage_.reset();
  auto status = backend_->restart();
  ASSERT_TRUE(status.isOk()) << status.toString();
  auto opened = backend_->open();
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  storage_ = std::move(opened).value();
}

std::string backendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace flotilla::storage

namespace flotilla::storage {

Collected collectEvents(Watch& watch, size_t count, int deadline_ms) {
  Collected out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  while (out.events.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto batch = watch.next(std::chrono::milliseconds(200));
    if (!batch.isOk()) {
      out.end = batch.status();
      break;
    }
    for (auto& event : *batch) out.events.push_back(std::move(event));
  }
  return out;
}

}  // namespace flotilla::storage
