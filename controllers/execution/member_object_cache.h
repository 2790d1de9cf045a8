// MemberObjectCache: what the execution controller knows about the objects Works put into member
// clusters, kept by informers instead of polling. For each (cluster, resource) a Work needs, one
// informer watches the member's objects labelled `karmada.io/managed=true`; it is started the
// first time a reconcile asks and restarted when the cluster's client changes (new endpoint or
// credentials). Every add/update/delete is mapped back to the Work named in the object's
// `work.karmada.io/namespace` + `work.karmada.io/name` annotations and handed to the notify
// callback, so a member-side status change or deletion re-runs exactly that Work's reconcile.
// Objects without the label (foreign objects) are never cached; callers treat "not in a synced
// cache" as "not ours, maybe absent" and let the member API decide (AlreadyExists).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "client/client.h"
#include "client/informer.h"

namespace flotilla::controllers {

class MemberObjectCache {
 public:
  using Notify = std::function<void(const std::string& work_namespace,
                                    const std::string& work_name)>;
  explicit MemberObjectCache(client::InformerOptions defaults = {});
  ~MemberObjectCache();
  MemberObjectCache(const MemberObjectCache&) = delete;
  MemberObjectCache& operator=(const MemberObjectCache&) = delete;

  // Before the first lookup.
  void setNotify(Notify notify);
  // Whether the reader has taken this version of a member object into account already (its own
  // create or update, seen in the response): an add or update it knows is not handed to notify,
  // so the echo of a controller's own write costs no reconcile. Deletes are always handed on.
  using Known = std::function<bool(const std::string& cluster, const std::string& work_namespace,
                                   const std::string& work_name, const client::Object& object)>;
  // Before the first lookup.
  void setKnown(Known known);

  struct Lookup {
    bool synced = false;        // false: the informer is still listing; ask the member directly
    client::ObjectPtr object;   // the cached managed object, or null
  };
  // Starts the (cluster, gvr) informer over `member` if needed and looks the object up.
  Lookup get(const std::string& cluster, const client::ClientPtr& member,
             const client::GroupVersionResource& gvr, const std::string& ns,
             const std::string& name);
  // Stops every informer (before the controllers' clients go away).
  void stop();

 private:
  struct Entry {
    client::ClientPtr client;
    std::shared_ptr<client::Informer> informer;
  };
  std::shared_ptr<client::Informer> informerFor(const std::string& cluster,
                                                const client::ClientPtr& member,
                                                const client::GroupVersionResource& gvr);

  client::InformerOptions defaults_;
  Notify notify_;
  Known known_;
  std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Entry> informers_;
  bool stopped_ = false;
};

// The Work named by a member object's work.karmada.io annotations, read from its JSON text
// without building a tree; nullopt when either annotation is missing.
std::optional<std::pair<std::string, std::string>> workOfMemberObject(const client::Object& obj);

}  // namespace flotilla::controllers
