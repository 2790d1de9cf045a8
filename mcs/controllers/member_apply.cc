#include "mcs/controllers/member_apply.h"

#include <map>

#include "mcs/imports/object_diff.h"

namespace flotilla::mcs {
namespace {

using Json = nlohmann::json;
constexpr const char* kFieldManager = "flotilla-mcs";

std::string identity(const ManagedObject& m) {
  return m.gvr.toString() + "/" + m.object["metadata"].value("name", "");
}

core::Status ensureNamespace(client::Client& member, const std::string& ns) {
  auto r = member.create({"", "v1", "namespaces"}, "",
                         {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}},
                         {kFieldManager});
  if (!r && r.status().code() != core::Code::AlreadyExists) return r.status();
  return core::Status();
}

bool statusMatches(const ManagedObject& d, const Json& written) {
  if (d.status.is_null()) return true;
  auto st = written.find("status");
  return st != written.end() && jsonContains(*st, d.status) && jsonContains(d.status, *st);
}

void observe(const WriteObserver& on_written, const client::GroupVersionResource& gvr,
             const client::ObjectPtr& written) {
  if (on_written && written) on_written(gvr, *written);
}

core::Status writeStatus(client::Client& member, const ManagedObject& d, const Json& written,
                         const WriteObserver& on_written) {
  if (statusMatches(d, written)) return core::Status();
  Json body = written;
  body["status"] = d.status;
  const std::string ns = written["metadata"].value("namespace", "");
  auto r = member.update(d.gvr, ns, body, {kFieldManager}, "status");
  if (!r) return r.status();
  observe(on_written, d.gvr, *r);
  return core::Status();
}

core::Status createOne(client::Client& member, const ManagedObject& d,
                       const WriteObserver& on_written, ApplyCounts* counts) {
  const std::string ns = d.object["metadata"].value("namespace", "");
  auto r = member.create(d.gvr, ns, d.object, {kFieldManager});
  if (!r && r.status().code() == core::Code::NotFound && !ns.empty()) {
    FLOTILLA_RETURN_IF_ERROR(ensureNamespace(member, ns));
    r = member.create(d.gvr, ns, d.object, {kFieldManager});
  }
  if (!r && r.status().code() == core::Code::AlreadyExists) {
    // The caller's cache is behind (typically a reconcile triggered by the echo of our own
    // create, before that member's informer caught up). The object's add event is on its way
    // and enqueues the service again; that reconcile compares and updates. Reading and
    // rewriting it here cost two round trips per object whenever a cache lagged. An object of
    // that name that is not ours stays untouched. The caller requeues shortly (the add event
    // may be the echo of our own earlier create, which it does not report).
    if (counts) ++counts->already_existed;
    return core::Status();
  }
  if (!r) return r.status();
  observe(on_written, d.gvr, *r);
  return writeStatus(member, d, (*r)->json(), on_written);
}

}  // namespace

bool applyNeeded(const std::vector<ManagedObject>& desired,
                 const std::vector<ManagedObject>& actual) {
  std::map<std::string, const ManagedObject*> have;
  for (const auto& a : actual) have[identity(a)] = &a;
  size_t matched = 0;
  for (const auto& d : desired) {
    auto it = have.find(identity(d));
    if (it == have.end()) return true;
    ++matched;
    const Json& cur = it->second->object;
    if (needsWrite(d.object, cur) || !statusMatches(d, cur)) return true;
  }
  return matched != actual.size();  // managed objects no longer desired are deleted
}

core::Status applyManaged(client::Client& member, const std::vector<ManagedObject>& desired,
                          const std::vector<ManagedObject>& actual, ApplyCounts* counts,
                          const WriteObserver& on_written) {
  core::Status first;
  auto note = [&first](core::Status st) {
    if (!st.isOk() && first.isOk()) first = std::move(st);
  };
  std::map<std::string, const ManagedObject*> have;
  for (const auto& a : actual) have[identity(a)] = &a;
  for (const auto& d : desired) {
    auto it = have.find(identity(d));
    if (it == have.end()) {
      core::Status st = createOne(member, d, on_written, counts);
      if (st.isOk() && counts) ++counts->created;
      note(std::move(st));
      continue;
    }
    const Json& cur = it->second->object;
    have.erase(it);
    if (needsWrite(d.object, cur)) {
      const std::string ns = cur["metadata"].value("namespace", "");
      auto u = member.update(d.gvr, ns, mergeForUpdate(d.object, cur), {kFieldManager});
      if (!u) {
        note(u.status());
        continue;
      }
      if (counts) ++counts->updated;
      observe(on_written, d.gvr, *u);
      note(writeStatus(member, d, (*u)->json(), on_written));
    } else {
      note(writeStatus(member, d, cur, on_written));
    }
  }
  for (const auto& [id, a] : have) {
    const Json& meta = a->object["metadata"];
    client::DeleteOptions opts;
    opts.precondition_uid = meta.value("uid", "");
    if (opts.precondition_uid->empty()) opts.precondition_uid.reset();
    core::Status st = member.remove(a->gvr, meta.value("namespace", ""), meta.value("name", ""),
                                    opts);
    if (st.code() == core::Code::NotFound) st = core::Status();
    if (st.isOk() && counts) ++counts->deleted;
    note(std::move(st));
  }
  return first;
}

}  // namespace flotilla::mcs
