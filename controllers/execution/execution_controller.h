// Execution controller. Watches Works in the execution namespaces (`karmada-es-<cluster>`) on
// the host. For each Work it applies every manifest to the member cluster: create when absent;
// update when present, after the interpreter's retain rules copied member-owned fields into the
// desired object; refuse (Applied=False) to take over an object Flotilla does not manage unless
// the Work's conflict resolution is `overwrite`. An update is sent only when it would change a
// value the Work sets (coveredBy): members' defaults and bookkeeping are left alone, and so are
// fields someone added on the member that the Work does not set. It then collects the member object's status
// into `status.manifestStatuses` (reflected status + health) with the `Applied` condition, and
// re-reads it whenever the member object changes: a MemberObjectCache watches the managed
// objects in every member and re-runs the Work's reconcile on each change (without one, the
// status is polled every status period). The Work carries the `karmada.io/execution-controller`
// finalizer: when the Work is deleted the member objects it created are deleted first (unless
// preserveResourcesOnDeletion), so no member object outlives its Work.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "client/indexer.h"
#include "client/rest_mapper.h"
#include "controllers/execution/member_object_cache.h"
#include "controllers/membership/member_clients.h"
#include "core/clock.h"
#include "runtime/reconciler.h"
#include "runtime/status_hold.h"

namespace flotilla::controllers {

struct ExecutionOptions {
  // How often status is re-read from members that are not watched (no MemberObjectCache, a
  // watch not synced yet, or a failed apply).
  std::chrono::milliseconds status_period{2000};
  // After creating a member object, how long to wait before writing the Work's status: the
  // member's first status updates follow within moments, and one write then carries them all
  // (0 = write at once). Member object events arrive with the same delay (the composition root
  // enqueues them with addAfter), so one Work's burst of member updates is one reconcile.
  std::chrono::milliseconds status_coalesce{0};
  // After applying (creating or updating a member object), how long the Work's status write may
  // wait for every manifest to turn Healthy, so that the Applied condition and the member's
  // settled status go to the host in one write instead of one per intermediate state. A failure
  // is written at once, and so is the status once everything is Healthy; a state that does not
  // settle within the window is written as it is (0 = no hold; status_coalesce applies).
  std::chrono::milliseconds status_settle{0};
};

class ExecutionController final : public runtime::Reconciler {
 public:
  ExecutionController(client::ClientPtr host, const client::Indexer& works,
                      MemberClientsPtr members, core::ClockPtr clock,
                      ExecutionOptions options = {},
                      std::shared_ptr<MemberObjectCache> member_objects = nullptr);
  ~ExecutionController() override;
  ExecutionController(const ExecutionController&) = delete;
  ExecutionController& operator=(const ExecutionController&) = delete;
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;
  // Whether `object` (in `cluster`, of the Work `work_namespace/work_name`) is the version the
  // Work's last complete pass read: a reconcile for it would find nothing new. Given to the
  // MemberObjectCache, so the echo of our own create costs no reconcile.
  bool knownMemberVersion(const std::string& cluster, const std::string& work_namespace,
                          const std::string& work_name, const client::Object& object);

 private:
  struct Member {
    client::ClientPtr client;
    std::shared_ptr<client::RestMapper> mapper;
  };
  core::Result<Member> memberFor(const std::string& cluster);
  core::Result<runtime::ReconcileResult> cleanup(const client::ObjectPtr& work,
                                                 const std::string& cluster);
  void ensureNamespace(const std::string& cluster, const Member& member, const std::string& ns);
  void forgetNamespace(const std::string& cluster, const std::string& ns);

  // After our last write of one manifest: the Work's and the member object's resourceVersions
  // and the member object's fingerprint. While the Work did not move and the member object
  // either did not move or changed only its status, no update is sent.
  struct AppliedVersions {
    std::string work;
    std::string member;
    std::size_t fingerprint = 0;
  };

  // The inputs of a Work's last complete pass (everything applied and watched; the status
  // reported or held): the Work's resourceVersion (after our status write) and each member
  // object's. A pass over the same inputs would compute the same status, so a wake-up that finds
  // them unchanged (a stale requeue, the event of our own create) ends before parsing anything.
  struct PassInputs {
    std::string work;
    struct MemberObject {
      client::GroupVersionResource gvr;
      std::string ns;
      std::string name;
      std::string resource_version;
    };
    std::vector<MemberObject> objects;
    // The status a pass computed and held (settle window): while the inputs stay the same it is
    // what a pass at the end of the window would compute, so that pass writes it as it is.
    std::optional<std::string> held_status;
  };
  // What a pass needs of a manifest when it only collects status: the rest of the Work's tree is
  // parsed only to apply or to write.
  struct ManifestId {
    std::string api_version;
    std::string kind;
    std::string ns;  // as the manifest says; ignored for cluster-scoped kinds
    std::string name;
  };
  bool sameInputsAsLastPass(const client::Object& work, const std::string& cluster,
                            const Member& member, std::optional<std::string>* held_status);
  // Writes `status_text` as the Work's status (spliced into its text).
  core::Result<client::ObjectPtr> writeStatus(const client::Object& work,
                                              const std::string& status_text);
  // After our own status write moved the Work to `written_version`: what we know of the
  // previous version (applied manifests, their identities) holds for the new one.
  void noteOwnStatusWrite(const client::Object& work, const std::string& written_version);

  client::ClientPtr host_;
  const client::Indexer& works_;
  MemberClientsPtr members_;
  core::ClockPtr clock_;
  ExecutionOptions options_;
  std::shared_ptr<MemberObjectCache> member_objects_;
  std::mutex mu_;
  std::map<std::string, Member> mappers_;
  std::map<std::string, AppliedVersions> applied_;  // work key + "#" + ordinal
  std::unordered_map<std::string, PassInputs> last_pass_;  // work key
  // work key → (the Work's resourceVersion, its manifests' identities)
  std::unordered_map<std::string, std::pair<std::string, std::vector<ManifestId>>> manifest_ids_;
  std::set<std::pair<std::string, std::string>> namespaces_;  // (cluster, namespace) known to exist
  runtime::StatusHold settle_;  // Works whose status write waits for their manifests to settle
  // What the member cache's informers ask knownMemberVersion through: they may outlive us.
  struct KnownGate {
    std::mutex mu;
    ExecutionController* controller = nullptr;
  };
  std::shared_ptr<KnownGate> known_gate_;
};

// Whether `observed` in a member was put there by the Work `work_namespace/work_name`.
bool managedByWork(const nlohmann::json& observed, const std::string& work_namespace,
                   const std::string& work_name);

// What the execution controller reads a member object's status and health from, built from its
// text without parsing most of it: apiVersion, kind, metadata name/namespace/generation/labels/
// annotations, the scalar members of spec (replicas, type) and the status members the
// interpreter reads for the kind (interpreter::statusFieldsRead; all of them for other kinds).
// reflectStatus and interpretHealth give the same answers on it as on the whole object.
nlohmann::json statusView(const client::Object& observed);

// A hash of a member object without its status, resourceVersion and managedFields, read from its
// text without a tree: equal before and after the member's controllers only reported status.
std::size_t memberFingerprint(const client::Object& observed);

}  // namespace flotilla::controllers
