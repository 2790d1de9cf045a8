// Test-only: the backends the shared Storage suite runs against. Each test gets a fresh backend
// (a temp SQLite file, or its own etcd process) and may "restart" it to check what survives.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/storage.h"

namespace flotilla::storage {

class TestBackend {
 public:
  virtual ~TestBackend() = default;
  // A new client on the backend's data.
  virtual core::Result<StoragePtr> open() = 0;
  // Restarts the server side (etcd); SQLite has none, reopening is its restart.
  virtual core::Status restart() = 0;
};

// nullptr with *skip_reason set when the backend cannot run here (etcd not installed).
std::unique_ptr<TestBackend> makeTestBackend(const std::string& name, std::string* skip_reason);

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Fixture for suites parameterised by backend name ("sqlite", "etcd").
class StorageSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Drops the client, restarts the backend and opens a new client.
  void reopen();
  Storage& store() { return *storage_; }

  std::unique_ptr<TestBackend> backend_;
  StoragePtr storage_;
};

std::string backendName(const ::testing::TestParamInfo<std::string>& info);

}  // namespace flotilla::storage

namespace flotilla::storage {

// Reads from `watch` until `count` events arrived, the watch ended, or `deadline_ms` passed (a
// generous bound for something that must happen; tests assert on what arrived, not on time).
struct Collected {
  std::vector<Event> events;
  core::Status end;  // the error that ended the watch, if any
};
Collected collectEvents(Watch& watch, size_t count, int deadline_ms = 60'000);

}  // namespace flotilla::storage
