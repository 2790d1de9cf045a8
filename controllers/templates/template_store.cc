#include "controllers/templates/template_store.h"

namespace flotilla::controllers {

void TemplateStore::add(TemplateKind kind) {
  std::lock_guard lock(mu_);
  by_kind_[{kind.gvk.groupVersion(), kind.gvk.kind}] = std::move(kind);
}

std::optional<TemplateKind> TemplateStore::kindFor(const std::string& api_version,
                                                   const std::string& kind) const {
  std::lock_guard lock(mu_);
  auto it = by_kind_.find({api_version, kind});
  if (it == by_kind_.end()) return std::nullopt;
  return it->second;
}

std::optional<TemplateKind> TemplateStore::kindForGvr(
    const client::GroupVersionResource& gvr) const {
  std::lock_guard lock(mu_);
  for (const auto& [_, k] : by_kind_) {
    if (k.gvr == gvr) return k;
  }
  return std::nullopt;
}

std::vector<TemplateKind> TemplateStore::kinds() const {
  std::lock_guard lock(mu_);
  std::vector<TemplateKind> out;
  for (const auto& [_, k] : by_kind_) out.push_back(k);
  return out;
}

client::ObjectPtr TemplateStore::get(const std::string& api_version, const std::string& kind,
                                     const std::string& ns, const std::string& name) const {
  auto k = kindFor(api_version, kind);
  if (!k || !k->informer) return nullptr;
  return k->informer->indexer().get(k->namespaced ? ns : "", name);
}

}  // namespace flotilla::controllers
