#include "controllers/execution/execution_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "api/work_types.h"
#include "apimachinery/json_dump.h"
#include "apimachinery/json_parse.h"
#include "client/json_scan.h"
#include "controllers/execution/covered_by.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "interpreter/health.h"
#include "interpreter/reflect_status.h"
#include "interpreter/retain.h"

namespace flotilla::controllers {

namespace {

// metadata.<map>[key] when it is a string; read in place (value() would copy the maps).
const std::string* metaString(const nlohmann::json& obj, const char* map, const char* key) {
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return nullptr;
  auto m = meta->find(map);
  if (m == meta->end() || !m->is_object()) return nullptr;
  auto it = m->find(key);
  return it != m->end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// A parse of a cached object that the cache does not keep: json() would leave a tree several
// times the JSON text on every cached Work and member object for as long as it is cached.
nlohmann::json privateTree(const client::Object& obj) { return *obj.tree(); }

std::string_view memberOf(std::string_view text, std::string_view key) {
  return client::json_scan::findMember(text, key);
}

std::string stringOf(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '"') return {};
  if (literal.find('\\') == std::string_view::npos) {
    return std::string(literal.substr(1, literal.size() - 2));
  }
  return client::json_scan::decodeString(literal).value_or("");
}

nlohmann::json parseSpan(std::string_view text) {
  nlohmann::json j = apimachinery::parseJsonOrDiscarded(text);
  return j.is_discarded() ? nlohmann::json() : std::move(j);
}

// A value span as a tree; scalars (most of what statusView keeps) without the parser.
nlohmann::json valueOf(std::string_view v) {
  if (v.empty()) return nullptr;
  switch (v.front()) {
    case '"':
      return stringOf(v);
    case 't':
      return true;
    case 'f':
      return false;
    case 'n':
      return nullptr;
    case '{':
    case '[':
      return parseSpan(v);
    default: {
      int64_t i = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
      if (ec == std::errc() && ptr == v.data() + v.size()) return i;
      return parseSpan(v);
    }
  }
}

// A JSON object of string values (labels, annotations) as a tree.
nlohmann::json stringMapOf(std::string_view v) {
  nlohmann::json out = nlohmann::json::object();
  const char* p = v.data();
  if (v.empty() || v.front() != '{') return out;
  client::json_scan::forEachMember(p, v.data() + v.size(),
                                   [&](std::string_view k, std::string_view value) {
                                     const std::string key =
                                         k.find('\\') == std::string_view::npos
                                             ? std::string(k)
                                             : stringOf(std::string_view(k.data() - 1,
                                                                         k.size() + 2));
                                     out[key] = valueOf(value);
                                     return true;
                                   });
  return out;
}

// What a pass reads of a Work's text, found in one walk over it (a span per level would skip
// the manifests once for spec, once for workload and once more to reach status).
struct WorkText {
  bool suspend_dispatching = false;
  std::vector<std::string_view> manifests;  // spec.workload.manifests[i], spans of the text
  std::string_view status;                  // empty when absent
};

WorkText scanWork(std::string_view text) {
  namespace js = client::json_scan;
  WorkText out;
  const char* p = text.data();
  const char* end = p + text.size();
  auto is_object = [end](const char* v) {
    js::skipSpace(v, end);
    return v < end && *v == '{';
  };
  // A malformed text (never from the server) leaves what was found so far.
  (void)js::walkMembers(p, end, [&](std::string_view k, const char*& v) {
    if (k == "status") {
      js::skipSpace(v, end);
      const char* from = v;
      if (!js::skipValue(v, end)) return false;
      out.status = std::string_view(from, static_cast<std::size_t>(v - from));
      return true;
    }
    if (k != "spec" || !is_object(v)) return true;
    return js::walkMembers(v, end, [&](std::string_view sk, const char*& sv) {
      if (sk == "suspendDispatching") {
        js::skipSpace(sv, end);
        out.suspend_dispatching = end - sv >= 4 && std::string_view(sv, 4) == "true";
        return true;
      }
      if (sk != "workload" || !is_object(sv)) return true;
      return js::walkMembers(sv, end, [&](std::string_view wk, const char*& wv) {
        js::skipSpace(wv, end);
        if (wk != "manifests" || wv == end || *wv != '[') return true;
        return js::forEachElement(wv, end, [&](std::string_view m) {
          out.manifests.push_back(m);
          return true;
        });
      });
    });
  });
  return out;
}

}  // namespace

nlohmann::json statusView(const client::Object& observed) {
  nlohmann::json view = nlohmann::json::object();
  view["apiVersion"] = observed.apiVersion();
  view["kind"] = observed.kind();
  const std::vector<std::string>* status_fields = interpreter::statusFieldsRead(observed.kind());
  const std::string& text = observed.raw();
  const char* p = text.data();
  const char* end = p + text.size();
  client::json_scan::skipSpace(p, end);
  if (p == end || *p != '{') return view;
  // Keys read here are plain identifiers: compared undecoded.
  client::json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    if (v.empty() || v.front() != '{') {
      if (k == "status") view["status"] = valueOf(v);
      return true;
    }
    const char* mp = v.data();
    const char* mend = v.data() + v.size();
    if (k == "metadata") {
      nlohmann::json meta = nlohmann::json::object();
      client::json_scan::forEachMember(mp, mend, [&](std::string_view mk, std::string_view mv) {
        if (mk == "labels" || mk == "annotations") {
          meta[std::string(mk)] = stringMapOf(mv);
        } else if (mk == "name" || mk == "namespace" || mk == "generation") {
          meta[std::string(mk)] = valueOf(mv);
        }
        return true;
      });
      view["metadata"] = std::move(meta);
    } else if (k == "spec") {
      nlohmann::json spec = nlohmann::json::object();
      client::json_scan::forEachMember(mp, mend, [&](std::string_view sk, std::string_view sv) {
        if (!sv.empty() && sv.front() != '{' && sv.front() != '[') {
          spec[std::string(sk)] = valueOf(sv);
        }
        return true;
      });
      view["spec"] = std::move(spec);
    } else if (k == "status") {
      if (status_fields == nullptr) {
        view["status"] = parseSpan(v);
        return true;
      }
      nlohmann::json status = nlohmann::json::object();
      client::json_scan::forEachMember(mp, mend, [&](std::string_view sk, std::string_view sv) {
        if (std::find(status_fields->begin(), status_fields->end(), sk) != status_fields->end()) {
          status[std::string(sk)] = valueOf(sv);
        }
        return true;
      });
      view["status"] = std::move(status);
    }
    return true;
  });
  return view;
}

bool managedByWork(const nlohmann::json& observed, const std::string& work_namespace,
                   const std::string& work_name) {
  auto is = [&](const char* map, const char* key, const std::string& want) {
    const std::string* v = metaString(observed, map, key);
    return v != nullptr ? *v == want : want.empty();
  };
  return is("labels", kManagedLabel, "true") && is("annotations", kWorkNameAnnotation, work_name) &&
         is("annotations", kWorkNamespaceAnnotation, work_namespace);
}

std::size_t memberFingerprint(const client::Object& observed) {
  // The same hash as a tree's would be is not needed, only equality across versions of one
  // object from one server: hash the text spans of every member but status, resourceVersion and
  // managedFields. A server that reorders members only costs a retain + coveredBy check.
  const std::string& text = observed.raw();
  const char* p = text.data();
  const char* end = p + text.size();
  client::json_scan::skipSpace(p, end);
  std::hash<std::string_view> h;
  std::size_t seed = 0;
  auto mix = [&seed, &h](std::string_view v) {
    seed ^= h(v) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  };
  bool ok = p != end && *p == '{' &&
            client::json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
              if (k == "status") return true;
              mix(k);
              if (k != "metadata" || v.empty() || v.front() != '{') {
                mix(v);
                return true;
              }
              const char* mp = v.data();
              return client::json_scan::forEachMember(
                  mp, v.data() + v.size(), [&](std::string_view mk, std::string_view mv) {
                    if (mk == "resourceVersion" || mk == "managedFields") return true;
                    mix(mk);
                    mix(mv);
                    return true;
                  });
            });
  if (!ok) return std::hash<std::string>{}(text);
  return seed;
}


ExecutionController::ExecutionController(client::ClientPtr host, const client::Indexer& works,
                                         MemberClientsPtr members, core::ClockPtr clock,
                                         ExecutionOptions options,
                                         std::shared_ptr<MemberObjectCache> member_objects)
    : host_(std::move(host)),
      works_(works),
      members_(std::move(members)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(options),
      member_objects_(std::move(member_objects)) {
  if (!member_objects_) return;
  known_gate_ = std::make_shared<KnownGate>();
  known_gate_->controller = this;
  member_objects_->setKnown([gate = known_gate_](const std::string& cluster,
                                                 const std::string& work_namespace,
                                                 const std::string& work_name,
                                                 const client::Object& object) {
    std::lock_guard lock(gate->mu);
    return gate->controller != nullptr &&
           gate->controller->knownMemberVersion(cluster, work_namespace, work_name, object);
  });
}

ExecutionController::~ExecutionController() {
  if (!known_gate_) return;
  std::lock_guard lock(known_gate_->mu);
  known_gate_->controller = nullptr;
}

void ExecutionController::ensureNamespace(const std::string& cluster, const Member& member,
                                          const std::string& ns) {
  if (ns.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (namespaces_.count({cluster, ns})) return;
  }
  // Karmada's namespace controller propagates namespaces; until then, create on demand. A
  // failure here shows up as the object's own create failure.
  auto got = member.client->get(kNamespacesGvr, "", ns);
  if (!got && got.status().code() == core::Code::NotFound) {
    auto created = member.client->create(
        kNamespacesGvr, "",
        {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}},
        {kFieldManager});
    if (!created && created.status().code() != core::Code::AlreadyExists) return;
  } else if (!got) {
    return;
  }
  std::lock_guard lock(mu_);
  namespaces_.insert({cluster, ns});
}

void ExecutionController::forgetNamespace(const std::string& cluster, const std::string& ns) {
  std::lock_guard lock(mu_);
  namespaces_.erase({cluster, ns});
}

core::Result<ExecutionController::Member> ExecutionController::memberFor(
    const std::string& cluster) {
  auto c = members_->clientFor(cluster);
  if (!c) return c.status();
  std::lock_guard lock(mu_);
  auto it = mappers_.find(cluster);
  if (it == mappers_.end() || it->second.client != *c) {
    it = mappers_.insert_or_assign(cluster, Member{*c, std::make_shared<client::RestMapper>(*c)})
             .first;
  }
  return it->second;
}

core::Result<runtime::ReconcileResult> ExecutionController::cleanup(const client::ObjectPtr& work,
                                                                    const std::string& cluster) {
  const nlohmann::json w = privateTree(*work);
  const auto finalizers = w["metadata"].value("finalizers", nlohmann::json::array());
  if (std::find(finalizers.begin(), finalizers.end(), kExecutionFinalizer) == finalizers.end()) {
    return runtime::ReconcileResult{};
  }
  const bool preserve = w["spec"].value("preserveResourcesOnDeletion", false);
  if (!preserve) {
    auto member = memberFor(cluster);
    // A cluster that no longer exists has nothing left to clean.
    if (!member && member.status().code() != core::Code::NotFound) return member.status();
    if (member) {
      for (const auto& m : w["spec"]["workload"].value("manifests", nlohmann::json::array())) {
        auto gvk = client::gvkFromApiVersion(m.value("apiVersion", ""), m.value("kind", ""));
        auto mapping = member->mapper->mappingForKind(gvk);
        if (!mapping) continue;
        const std::string ns = mapping->namespaced ? m["metadata"].value("namespace", "") : "";
        const std::string name = m["metadata"].value("name", "");
        if (gvk.kind == "Namespace" && gvk.group.empty() && isUndeletableNamespace(name)) continue;
        auto observed = member->client->get(mapping->gvr, ns, name);
        if (!observed) {
          if (observed.status().code() == core::Code::NotFound) continue;
          return observed.status();
        }
        if (!managedByWork((*observed)->json(), work->namespaceName(), work->name())) continue;
        core::Status s = member->client->remove(mapping->gvr, ns, name,
                                                {std::string("Background")});
        if (!s.isOk() && s.code() != core::Code::NotFound) return s;
        core::logger("execution")->info("[{}] deleted {} {} from {}", work->key(), gvk.kind,
                                        client::objectKey(ns, name), cluster);
      }
    }
  }
  nlohmann::json next = w;
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& f : finalizers) {
    if (f != kExecutionFinalizer) kept.push_back(f);
  }
  next["metadata"]["finalizers"] = kept;
  auto written = host_->update(kWorksGvr, work->namespaceName(), next, {kFieldManager});
  if (!written && written.status().code() != core::Code::NotFound) return written.status();
  std::lock_guard lock(mu_);
  for (auto it = applied_.lower_bound(work->key() + "#");
       it != applied_.end() && it->first.rfind(work->key() + "#", 0) == 0;) {
    it = applied_.erase(it);
  }
  return runtime::ReconcileResult{};
}

bool ExecutionController::knownMemberVersion(const std::string& cluster,
                                             const std::string& work_namespace,
                                             const std::string& work_name,
                                             const client::Object& object) {
  if (clusterOfExecutionNamespace(work_namespace) != cluster) return false;
  std::lock_guard lock(mu_);
  auto it = last_pass_.find(client::objectKey(work_namespace, work_name));
  if (it == last_pass_.end()) return false;
  for (const auto& o : it->second.objects) {
    if (o.name == object.name() && o.ns == object.namespaceName() &&
        o.resource_version == object.resourceVersion()) {
      return true;
    }
  }
  return false;
}

bool ExecutionController::sameInputsAsLastPass(const client::Object& work,
                                               const std::string& cluster,
                                               const Member& member,
                                               std::optional<std::string>* held_status) {
  if (!member_objects_) return false;
  std::vector<PassInputs::MemberObject> objects;
  {
    std::lock_guard lock(mu_);
    auto it = last_pass_.find(work.key());
    if (it == last_pass_.end() || it->second.work != work.resourceVersion()) return false;
    objects = it->second.objects;
    *held_status = it->second.held_status;
  }
  for (const auto& o : objects) {
    auto cached = member_objects_->get(cluster, member.client, o.gvr, o.ns, o.name);
    if (!cached.synced || !cached.object ||
        cached.object->resourceVersion() != o.resource_version) {
      return false;
    }
  }
  return true;
}

core::Result<client::ObjectPtr> ExecutionController::writeStatus(const client::Object& work,
                                                                 const std::string& status_text) {
  auto body = client::json_scan::withMember(work.raw(), "status", status_text);
  if (!body) return core::internalError("the cached Work " + work.key() + " is not a JSON object");
  return host_->updateText(kWorksGvr, work.namespaceName(), work.name(), *body, {kFieldManager},
                           "status");
}

void ExecutionController::noteOwnStatusWrite(const client::Object& work,
                                             const std::string& written_version) {
  // Our own status write moved the Work's resourceVersion; that alone is no reason to re-apply
  // the manifests.
  std::lock_guard lock(mu_);
  const std::string prefix = work.key() + "#";
  for (auto it = applied_.lower_bound(prefix);
       it != applied_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->second.work == work.resourceVersion()) it->second.work = written_version;
  }
  if (auto it = manifest_ids_.find(work.key());
      it != manifest_ids_.end() && it->second.first == work.resourceVersion()) {
    it->second.first = written_version;
  }
}

core::Result<runtime::ReconcileResult> ExecutionController::reconcile(
    const runtime::Request& request) {
  const std::string cluster = clusterOfExecutionNamespace(request.namespace_name);
  if (cluster.empty()) return runtime::ReconcileResult{};
  client::ObjectPtr work = works_.get(request.namespace_name, request.name);
  if (!work) {
    settle_.release(request.key());
    std::lock_guard lock(mu_);
    last_pass_.erase(request.key());
    manifest_ids_.erase(request.key());
    return runtime::ReconcileResult{};
  }
  if (work->deleting()) {
    settle_.release(work->key());
    {
      std::lock_guard lock(mu_);
      last_pass_.erase(work->key());
      manifest_ids_.erase(work->key());
    }
    return cleanup(work, cluster);
  }
  std::optional<std::string> held_status;
  if (auto m = memberFor(cluster); m && sameInputsAsLastPass(*work, cluster, *m, &held_status)) {
    // Nothing new since the last pass: it either reported (done) or held its write, which then
    // still waits unless its window has ended.
    if (!settle_.active(work->key())) return runtime::ReconcileResult{};
    auto d = settle_.hold(work->key(), clock_->now(), options_.status_settle);
    if (d.wait) return runtime::ReconcileResult{d.left};
    if (held_status) {
      // The window ended on the inputs of the held pass: a new pass would compute its status
      // again (only the Applied condition's time would be later); write what it held.
      auto written = writeStatus(*work, *held_status);
      if (!written) return written.status();
      noteOwnStatusWrite(*work, (*written)->resourceVersion());
      std::lock_guard lock(mu_);
      if (auto it = last_pass_.find(work->key()); it != last_pass_.end()) {
        it->second.work = (*written)->resourceVersion();
        it->second.held_status.reset();
      }
      return runtime::ReconcileResult{};
    }
  }
  // The Work is never parsed whole: its manifests are sent to members as the text they are in
  // the Work, a manifest is parsed only to compare it with a member object that changed, and
  // the status is written by splicing it into the Work's text.
  const WorkText work_text = scanWork(work->raw());
  if (work_text.suspend_dispatching) return runtime::ReconcileResult{};
  const std::vector<std::string_view>& manifest_texts = work_text.manifests;
  auto write_status = [&](const nlohmann::json& status) {
    return writeStatus(*work, apimachinery::dumpJson(status));
  };

  const std::string now = nowText(*clock_);
  const nlohmann::json old_status = [&] {
    const std::string_view text = work_text.status;
    nlohmann::json j = text.empty() ? nlohmann::json::object()
                                    : apimachinery::parseJsonOrDiscarded(text);
    return j.is_object() ? j : nlohmann::json::object();
  }();
  nlohmann::json status = old_status;
  nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
  auto member = memberFor(cluster);
  if (!member) {
    setCondition(conditions,
                 {kConditionApplied, "False", "AppliedFailed",
                  "cannot reach cluster " + cluster + ": " + member.status().message()},
                 now);
    status["conditions"] = conditions;
    if (status != old_status) (void)write_status(status);
    // A member that is down comes back on its own; retry at a steady pace rather than letting
    // per-key backoff grow towards its 1000 s cap.
    core::logger("execution")->warn("[{}] {}", work->key(), member.status().message());
    return runtime::ReconcileResult{std::max<std::chrono::milliseconds>(
        options_.status_period, std::chrono::seconds(5))};
  }
  const bool overwrite = work->annotation(kConflictResolutionAnnotation) == "overwrite";

  std::string failure;
  bool created_any = false;
  bool updated_any = false;
  bool all_healthy = true;
  bool all_watched = member_objects_ != nullptr;
  nlohmann::json manifest_statuses = nlohmann::json::array();
  PassInputs inputs;
  std::vector<ManifestId> ids;
  {
    std::lock_guard lock(mu_);
    auto it = manifest_ids_.find(work->key());
    if (it != manifest_ids_.end() && it->second.first == work->resourceVersion()) {
      ids = it->second.second;
    }
  }
  if (ids.size() != manifest_texts.size()) {
    ids.clear();
    for (std::string_view m : manifest_texts) {
      ManifestId id;
      const char* p = m.data();
      client::json_scan::forEachMember(p, m.data() + m.size(),
                                       [&](std::string_view k, std::string_view v) {
        if (k == "apiVersion") id.api_version = stringOf(v);
        else if (k == "kind") id.kind = stringOf(v);
        else if (k == "metadata") {
          id.ns = stringOf(memberOf(v, "namespace"));
          id.name = stringOf(memberOf(v, "name"));
        }
        return true;
      });
      ids.push_back(std::move(id));
    }
    std::lock_guard lock(mu_);
    manifest_ids_[work->key()] = {work->resourceVersion(), ids};
  }
  for (size_t ordinal = 0; ordinal < ids.size(); ++ordinal) {
    const ManifestId& id = ids[ordinal];
    const std::string_view desired_text = manifest_texts[ordinal];
    auto gvk = client::gvkFromApiVersion(id.api_version, id.kind);
    auto mapping = member->mapper->mappingForKind(gvk);
    if (!mapping) {
      failure = "cluster " + cluster + " does not serve " + gvk.groupVersion() + " " + gvk.kind +
                ": " + mapping.status().message();
      continue;
    }
    const std::string ns = mapping->namespaced ? id.ns : "";
    const std::string& name = id.name;
    const std::string applied_key = work->key() + "#" + std::to_string(ordinal);
    std::optional<AppliedVersions> applied;
    {
      std::lock_guard lock(mu_);
      if (auto it = applied_.find(applied_key); it != applied_.end()) applied = it->second;
    }

    // Observe the member object: from the member cache when it is synced. A managed object the
    // cache lacks is absent unless we wrote it ourselves a moment ago (the watch may lag our
    // own write); only then, or without a cache, ask the member.
    MemberObjectCache::Lookup cached;
    if (member_objects_) {
      cached = member_objects_->get(cluster, member->client, mapping->gvr, ns, name);
    }
    all_watched = all_watched && cached.synced;
    core::Result<client::ObjectPtr> observed = core::notFound(name);
    if (cached.synced && cached.object) {
      observed = cached.object;
    } else if (!cached.synced || applied) {
      observed = member->client->get(mapping->gvr, ns, name);
    }
    client::ObjectPtr live;
    // What status and health are computed from: the member object without its large spec
    // members (statusView). The whole object is parsed only to compare it with the manifest.
    std::optional<nlohmann::json> live_view;
    if (!observed && observed.status().code() == core::Code::NotFound) {
      ensureNamespace(cluster, *member, ns);
      auto created =
          member->client->createText(mapping->gvr, ns, desired_text, {kFieldManager});
      if (created) {
        live = *created;
        created_any = true;
        core::logger("execution")->info("[{}] created {} {} in {}", work->key(), gvk.kind,
                                        client::objectKey(ns, name), cluster);
      } else if (created.status().code() == core::Code::AlreadyExists) {
        // Not in the managed-object cache yet exists: a foreign object, or one the cache has
        // not caught up with. The member decides.
        observed = member->client->get(mapping->gvr, ns, name);
      } else {
        if (created.status().code() == core::Code::NotFound) forgetNamespace(cluster, ns);
        failure = "failed to create " + gvk.kind + " " + client::objectKey(ns, name) + ": " +
                  created.status().message();
        continue;
      }
    }
    if (!live) {
      if (!observed) return observed.status();
      live = *observed;
      live_view = statusView(*live);
      if (!managedByWork(*live_view, request.namespace_name, request.name) && !overwrite) {
        failure = gvk.kind + " " + client::objectKey(ns, name) + " already exists in the cluster " +
                  cluster + " and the " + kConflictResolutionAnnotation +
                  " strategy value is empty, Karmada will not manage this resource";
        continue;
      }
      // Unchanged since our last write: neither the Work nor the member object moved, or only
      // the member's status (and bookkeeping) did.
      const bool unchanged =
          applied && applied->work == work->resourceVersion() &&
          (applied->member == live->resourceVersion() ||
           applied->fingerprint == memberFingerprint(*live));
      std::optional<nlohmann::json> retained;
      if (!unchanged && coveredByText(desired_text, live->raw())) {
        // The member moved only what it owns (its controllers' bookkeeping): this version
        // counts as applied. Told from the texts, without parsing either.
        applied.reset();
      } else if (!unchanged) {
        // The cache must not keep a tree of every member object; work on private parses.
        const nlohmann::json live_json = privateTree(*live);
        auto r = interpreter::retain(parseSpan(desired_text), live_json);
        if (!r) return runtime::terminalError(r.status());
        retained = std::move(*r);
        retained->erase("status");  // member-owned; never part of our write
        if (coveredBy(*retained, live_json)) {
          // The member moved only what it owns (defaults, its controllers' bookkeeping): a
          // write would change nothing. This version counts as applied.
          retained.reset();
          applied.reset();
        }
      }
      if (retained) {
        auto updated = member->client->update(mapping->gvr, ns, *retained, {kFieldManager});
        if (!updated) {
          if (updated.status().code() == core::Code::Conflict) return updated.status();
          failure = "failed to update " + gvk.kind + " " + client::objectKey(ns, name) + ": " +
                    updated.status().message();
          continue;
        }
        live = *updated;
        live_view.reset();
        applied.reset();
        updated_any = true;
      }
    }
    if (!live_view) live_view = statusView(*live);
    if (!applied || applied->member != live->resourceVersion()) {
      applied = AppliedVersions{work->resourceVersion(), live->resourceVersion(),
                                applied ? applied->fingerprint : memberFingerprint(*live)};
    }
    {
      std::lock_guard lock(mu_);
      applied_[applied_key] = *applied;
    }
    inputs.objects.push_back({mapping->gvr, ns, name, live->resourceVersion()});
    nlohmann::json item = {{"identifier",
                            {{"ordinal", ordinal},
                             {"version", gvk.version},
                             {"kind", gvk.kind},
                             {"resource", mapping->gvr.resource},
                             {"name", name}}}};
    if (!gvk.group.empty()) item["identifier"]["group"] = gvk.group;
    if (!ns.empty()) item["identifier"]["namespace"] = ns;
    auto reflected = interpreter::reflectStatus(*live_view);
    if (reflected && !reflected->is_null()) item["status"] = *reflected;
    item["health"] = interpreter::interpretHealth(*live_view);
    all_healthy = all_healthy && item["health"] == api::kHealthHealthy;
    manifest_statuses.push_back(std::move(item));
  }

  if (failure.empty()) {
    setCondition(conditions,
                 {kConditionApplied, "True", "AppliedSuccessful",
                  "Manifest has been successfully applied"},
                 now);
  } else {
    setCondition(conditions, {kConditionApplied, "False", "AppliedFailed", failure}, now);
  }
  status["conditions"] = std::move(conditions);
  all_healthy = all_healthy && !manifest_statuses.empty();
  if (manifest_statuses.empty()) {
    status.erase("manifestStatuses");
  } else {
    status["manifestStatuses"] = std::move(manifest_statuses);
  }
  if (options_.status_settle.count() > 0) {
    // Just applied (or still settling since): the status we have is about to be superseded by
    // the member's controllers; hold the write until every manifest is Healthy or the window
    // ends. Failures are news at once.
    const std::string work_key = work->key();
    if (!failure.empty() || all_healthy) {
      settle_.release(work_key);
    } else if (created_any || updated_any || settle_.active(work_key)) {
      auto d = settle_.hold(work_key, clock_->now(), options_.status_settle);
      if (!d.wait && (created_any || updated_any)) {
        // A new apply after an earlier hold ran out: a new window.
        settle_.release(work_key);
        d = settle_.hold(work_key, clock_->now(), options_.status_settle);
      }
      if (d.wait) {
        std::lock_guard lock(mu_);
        if (all_watched) {
          inputs.work = work->resourceVersion();
          if (status != old_status) inputs.held_status = apimachinery::dumpJson(status);
          last_pass_[work_key] = std::move(inputs);
        } else {
          last_pass_.erase(work_key);
        }
        return runtime::ReconcileResult{d.left};
      }
    }
  } else if (created_any && failure.empty() && options_.status_coalesce.count() > 0) {
    // Just created: the status we have is the create response's, about to be superseded.
    return runtime::ReconcileResult{options_.status_coalesce};
  }
  inputs.work = work->resourceVersion();
  if (status != old_status) {
    auto written = write_status(status);
    if (!written) return written.status();
    inputs.work = (*written)->resourceVersion();
    noteOwnStatusWrite(*work, inputs.work);
  }
  if (!failure.empty()) {
    core::logger("execution")->warn("[{}] {}", work->key(), failure);
  }
  // Watched member objects report their own changes; without a watch (or after a failure) look
  // again after the status period.
  if (all_watched && failure.empty()) {
    std::lock_guard lock(mu_);
    last_pass_[work->key()] = std::move(inputs);
    return runtime::ReconcileResult{};
  }
  {
    std::lock_guard lock(mu_);
    last_pass_.erase(work->key());
  }
  return runtime::ReconcileResult{options_.status_period};
}

}  // namespace flotilla::controllers
