#include "client/informer.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "core/logging.h"

namespace flotilla::client {

Informer::Informer(ClientPtr client, InformerOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

Informer::~Informer() { stop(); }

void Informer::addEventHandler(EventHandler handler) {
  std::lock_guard lock(dispatch_mu_);
  if (handler.on_add) {
    for (const auto& o : indexer_.list()) handler.on_add(o);
  }
  handlers_.push_back(std::move(handler));
}

void Informer::start() {
  if (started_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
  if (options_.resync_period.count() > 0) resync_thread_ = std::thread([this] { resyncLoop(); });
}

void Informer::stop() {
  cancel_.cancel();
  if (thread_.joinable()) thread_.join();
  if (resync_thread_.joinable()) resync_thread_.join();
}

bool Informer::waitForSync(std::chrono::milliseconds timeout, Cancellation* cancel) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!synced_.load()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (cancel && cancel->cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string Informer::lastResourceVersion() const {
  std::lock_guard lock(state_mu_);
  return resource_version_;
}

InformerStats Informer::stats() const {
  std::lock_guard lock(state_mu_);
  return stats_;
}

void Informer::setResourceVersion(const std::string& rv) {
  std::lock_guard lock(state_mu_);
  resource_version_ = rv;
}

core::Status Informer::listAndReplace() {
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.field_selector = options_.field_selector;
  lo.limit = options_.page_size;
  lo.drop_managed_fields = options_.drop_managed_fields;
  std::vector<ObjectPtr> items;
  std::string list_rv;
  do {
    auto page = client_->list(options_.gvr, options_.namespace_name, lo);
    if (!page) return page.status();
    if (list_rv.empty()) list_rv = page->resource_version;
    for (auto& o : page->items) {
      items.push_back(options_.drop_managed_fields ? Object::withoutManagedFields(o)
                                                   : std::move(o));
    }
    lo.continue_token = page->continue_token;
  } while (!lo.continue_token.empty() && !cancel_.cancelled());
  if (cancel_.cancelled()) return core::Status::ok();

  std::lock_guard lock(dispatch_mu_);
  // Deliver the difference between the cache and the fresh list.
  std::unordered_map<std::string, ObjectPtr> fresh;
  fresh.reserve(items.size());
  for (auto& o : items) fresh[o->key()] = o;
  for (const auto& key : indexer_.keys()) {
    if (fresh.count(key)) continue;
    ObjectPtr gone = indexer_.erase(key);
    if (!gone) continue;
    for (auto& h : handlers_) {
      if (h.on_delete) h.on_delete(gone);
    }
  }
  for (auto& [key, obj] : fresh) {
    ObjectPtr old = indexer_.upsert(obj);
    for (auto& h : handlers_) {
      if (!old) {
        if (h.on_add) h.on_add(obj);
      } else if (old->resourceVersion() != obj->resourceVersion()) {
        if (h.on_update) h.on_update(old, obj);
      }
    }
  }
  setResourceVersion(list_rv);
  {
    std::lock_guard s(state_mu_);
    ++stats_.lists;
  }
  synced_ = true;
  return core::Status::ok();
}

bool Informer::handleEvent(WatchEvent&& ev) {
  if (cancel_.cancelled()) return false;
  const ObjectPtr& obj = ev.object;
  if (ev.type == WatchEventType::Bookmark) {
    if (!obj->resourceVersion().empty()) setResourceVersion(obj->resourceVersion());
    return true;
  }
  if (options_.drop_managed_fields) ev.object = Object::withoutManagedFields(ev.object);
  std::lock_guard lock(dispatch_mu_);
  if (ev.type == WatchEventType::Deleted) {
    ObjectPtr old = indexer_.erase(obj->key());
    for (auto& h : handlers_) {
      if (h.on_delete) h.on_delete(obj);
    }
    (void)old;
  } else {
    ObjectPtr old = indexer_.upsert(obj);
    for (auto& h : handlers_) {
      if (!old) {
        if (h.on_add) h.on_add(obj);
      } else if (h.on_update) {
        h.on_update(old, obj);
      }
    }
  }
  if (!obj->resourceVersion().empty()) setResourceVersion(obj->resourceVersion());
  return true;
}

void Informer::run() {
  auto log = core::logger("informer");
  const std::string what = options_.gvr.toString();
  bool need_list = true;
  auto backoff = options_.min_backoff;
  auto wait = [&] {
    const bool ok = cancel_.sleepFor(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
    return ok;
  };
  while (!cancel_.cancelled()) {
    if (need_list) {
      auto st = listAndReplace();
      if (!st.isOk()) {
        log->warn("[{}] list failed: {}", what, st.toString());
        if (!wait()) break;
        continue;
      }
      need_list = false;
      backoff = options_.min_backoff;
    }
    ListOptions wo;
    wo.label_selector = options_.label_selector;
    wo.field_selector = options_.field_selector;
    wo.resource_version = lastResourceVersion();
    wo.allow_watch_bookmarks = true;
    wo.drop_managed_fields = options_.drop_managed_fields;
    wo.timeout_seconds = options_.watch_timeout_seconds;
    {
      std::lock_guard s(state_mu_);
      ++stats_.watches;
    }
    bool got_event = false;
    auto st = client_->watch(
        options_.gvr, options_.namespace_name, wo,
        [&](WatchEvent&& ev) {
          got_event = true;
          return handleEvent(std::move(ev));
        },
        &cancel_);
    if (cancel_.cancelled()) break;
    if (got_event) backoff = options_.min_backoff;
    if (st.code() == core::Code::Gone) {
      log->info("[{}] watch from resourceVersion {} expired; relisting", what,
                wo.resource_version);
      need_list = true;
      std::lock_guard s(state_mu_);
      ++stats_.relists_after_gone;
      continue;
    }
    if (st.isOk() && !got_event) {
      // A stream that closed at once: do not spin.
      if (!cancel_.sleepFor(options_.min_backoff)) break;
    }
    if (!st.isOk()) {
      log->debug("[{}] watch ended: {}; resuming from {}", what, st.toString(),
                 lastResourceVersion());
      if (!wait()) break;
    }
  }
}

void Informer::resyncLoop() {
  while (cancel_.sleepFor(options_.resync_period)) {
    std::lock_guard lock(dispatch_mu_);
    for (const auto& o : indexer_.list()) {
      for (auto& h : handlers_) {
        if (h.on_update) h.on_update(o, o);
      }
    }
  }
}

SharedInformerFactory::SharedInformerFactory(ClientPtr client, InformerOptions defaults)
    : client_(std::move(client)), defaults_(std::move(defaults)) {}

SharedInformerFactory::~SharedInformerFactory() { shutdown(); }

InformerPtr SharedInformerFactory::informerFor(const GroupVersionResource& gvr,
                                               const std::string& ns) {
  std::lock_guard lock(mu_);
  auto& slot = informers_[{gvr, ns}];
  if (!slot) {
    InformerOptions o = defaults_;
    o.gvr = gvr;
    o.namespace_name = ns;
    slot = std::make_shared<Informer>(client_, o);
  }
  return slot;
}

void SharedInformerFactory::start() {
  std::lock_guard lock(mu_);
  for (auto& [k, inf] : informers_) inf->start();
}

bool SharedInformerFactory::waitForCacheSync(std::chrono::milliseconds timeout,
                                             Cancellation* cancel) {
  std::vector<InformerPtr> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [k, inf] : informers_) all.push_back(inf);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& inf : all) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!inf->waitForSync(std::max(left, std::chrono::milliseconds(0)), cancel)) return false;
  }
  return true;
}

void SharedInformerFactory::shutdown() {
  std::lock_guard lock(mu_);
  for (auto& [k, inf] : informers_) inf->stop();
}

}  // namespace flotilla::client
