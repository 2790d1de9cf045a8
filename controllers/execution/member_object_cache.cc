#include "controllers/execution/member_object_cache.h"

#include <vector>

#include "client/json_scan.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {

namespace {

// Whether an undecoded key is `key`; only an escaped one is decoded (and allocated).
bool keyIs(std::string_view raw_key, std::string_view key) {
  if (raw_key.find('\\') == std::string_view::npos) return raw_key == key;
  auto decoded = client::json_scan::decodeString("\"" + std::string(raw_key) + "\"");
  return decoded && *decoded == key;
}

// The member of the object at `text` named `key`, as a value span; empty when absent.
std::string_view memberSpan(std::string_view text, std::string_view key) {
  const char* p = text.data();
  const char* end = p + text.size();
  client::json_scan::skipSpace(p, end);
  if (p == end || *p != '{') return {};
  std::string_view found;
  client::json_scan::forEachMember(p, end, [&](std::string_view k, std::string_view v) {
    if (!keyIs(k, key)) return true;
    found = v;
    return false;
  });
  return found;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> workOfMemberObject(const client::Object& obj) {
  const std::string_view metadata = memberSpan(obj.raw(), "metadata");
  if (metadata.empty()) return std::nullopt;
  const std::string_view annotations = memberSpan(metadata, "annotations");
  if (annotations.empty()) return std::nullopt;
  std::string_view ns_text, name_text;  // both from one pass over the annotations
  const char* p = annotations.data();
  client::json_scan::forEachMember(p, annotations.data() + annotations.size(),
                                   [&](std::string_view k, std::string_view v) {
                                     if (keyIs(k, kWorkNamespaceAnnotation)) ns_text = v;
                                     if (keyIs(k, kWorkNameAnnotation)) name_text = v;
                                     return ns_text.empty() || name_text.empty();
                                   });
  auto ns = client::json_scan::decodeString(ns_text);
  auto name = client::json_scan::decodeString(name_text);
  if (!ns || !name || ns->empty() || name->empty()) return std::nullopt;
  return std::make_pair(*ns, *name);
}

MemberObjectCache::MemberObjectCache(client::InformerOptions defaults)
    : defaults_(std::move(defaults)) {}

MemberObjectCache::~MemberObjectCache() { stop(); }

void MemberObjectCache::setNotify(Notify notify) {
  std::lock_guard lock(mu_);
  notify_ = std::move(notify);
}

void MemberObjectCache::setKnown(Known known) {
  std::lock_guard lock(mu_);
  known_ = std::move(known);
}

std::shared_ptr<client::Informer> MemberObjectCache::informerFor(
    const std::string& cluster, const client::ClientPtr& member,
    const client::GroupVersionResource& gvr) {
  const auto key = std::make_tuple(cluster, gvr.group, gvr.version, gvr.resource);
  std::vector<std::shared_ptr<client::Informer>> retired;
  std::shared_ptr<client::Informer> informer;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return nullptr;
    auto it = informers_.find(key);
    if (it != informers_.end() && it->second.client == member) return it->second.informer;
    // The cluster's client changed (endpoint or credentials): every informer of that cluster
    // watches through the old one, so all of them are replaced.
    for (auto i = informers_.begin(); i != informers_.end();) {
      if (std::get<0>(i->first) == cluster && i->second.client != member) {
        retired.push_back(std::move(i->second.informer));
        i = informers_.erase(i);
      } else {
        ++i;
      }
    }
    client::InformerOptions options = defaults_;
    options.gvr = gvr;
    options.namespace_name = "";
    options.label_selector = std::string(kManagedLabel) + "=true";
    informer = std::make_shared<client::Informer>(member, options);
    Notify notify = notify_;
    Known known = known_;
    auto forward = [notify, known, cluster](const client::ObjectPtr& o, bool deleted) {
      if (!notify) return;
      auto work = workOfMemberObject(*o);
      if (!work) return;
      if (!deleted && known && known(cluster, work->first, work->second, *o)) return;
      notify(work->first, work->second);
    };
    informer->addEventHandler(
        {[forward](const client::ObjectPtr& o) { forward(o, false); },
         [forward](const client::ObjectPtr&, const client::ObjectPtr& n) { forward(n, false); },
         [forward](const client::ObjectPtr& o) { forward(o, true); }});
    informers_[key] = Entry{member, informer};
    informer->start();
  }
  for (auto& r : retired) r->stop();
  return informer;
}

MemberObjectCache::Lookup MemberObjectCache::get(const std::string& cluster,
                                                 const client::ClientPtr& member,
                                                 const client::GroupVersionResource& gvr,
                                                 const std::string& ns, const std::string& name) {
  auto informer = informerFor(cluster, member, gvr);
  if (!informer || !informer->hasSynced()) return {};
  return {true, informer->indexer().get(ns, name)};
}

void MemberObjectCache::stop() {
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Entry> all;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    all.swap(informers_);
  }
  for (auto& [key, entry] : all) entry.informer->stop();
}

}  // namespace flotilla::controllers
