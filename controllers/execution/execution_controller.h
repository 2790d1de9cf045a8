// Execution controller. Watches Works in the execution namespaces (`karmada-es-<cluster>`) on
// the host. For each Work it applies every manifest to the member cluster: create when absent;
// update when present, after the interpreter's retain rules copied member-owned fields into the
// desired object; refuse (Applied=False) to take over an object Flotilla does not manage unless
// the Work's conflict resolution is `overwrite`. It then collects the member object's status
// into `status.manifestStatuses` (reflected status + health) with the `Applied` condition, and
// re-reads it every status period. The Work carries the `karmada.io/execution-controller`
// finalizer: when the Work is deleted the member objects it created are deleted first (unless
// preserveResourcesOnDeletion), so no member object outlives its Work.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "client/rest_mapper.h"
#include "controllers/membership/member_clients.h"
#include "core/clock.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct ExecutionOptions {
  std::chrono::milliseconds status_period{2000};
};

class ExecutionController final : public runtime::Reconciler {
 public:
  ExecutionController(client::ClientPtr host, const client::Indexer& works,
                      MemberClientsPtr members, core::ClockPtr clock,
                      ExecutionOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  struct Member {
    client::ClientPtr client;
    std::shared_ptr<client::RestMapper> mapper;
  };
  core::Result<Member> memberFor(const std::string& cluster);
  core::Result<runtime::ReconcileResult> cleanup(const client::ObjectPtr& work,
                                                 const std::string& cluster);

  client::ClientPtr host_;
  const client::Indexer& works_;
  MemberClientsPtr members_;
  core::ClockPtr clock_;
  ExecutionOptions options_;
  std::mutex mu_;
  std::map<std::string, Member> mappers_;
  // work key + ordinal → (work resourceVersion, member resourceVersion) after our last write:
  // while neither moved, the member object is as we left it and no update is sent.
  std::map<std::string, std::pair<std::string, std::string>> applied_;
};

// Whether `observed` in a member was put there by the Work `work_namespace/work_name`.
bool managedByWork(const nlohmann::json& observed, const std::string& work_namespace,
                   const std::string& work_name);

}  // namespace flotilla::controllers
