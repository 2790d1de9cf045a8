// TemplateStore: the resource templates on the host, read from the detector's informer caches
// by (apiVersion, kind). The binding and status controllers look templates up here instead of
// fetching them, so every controller sees the same cached world and none of them needs to know
// which informer serves which kind.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/informer.h"
#include "client/resource.h"

namespace flotilla::controllers {

struct TemplateKind {
  client::GroupVersionResource gvr;
  client::GroupVersionKind gvk;
  bool namespaced = true;
  client::InformerPtr informer;
};

class TemplateStore {
 public:
  void add(TemplateKind kind);
  std::optional<TemplateKind> kindFor(const std::string& api_version, const std::string& kind) const;
  std::optional<TemplateKind> kindForGvr(const client::GroupVersionResource& gvr) const;
  std::vector<TemplateKind> kinds() const;
  // The cached template, or nullptr.
  client::ObjectPtr get(const std::string& api_version, const std::string& kind,
                        const std::string& ns, const std::string& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, TemplateKind> by_kind_;  // (apiVersion, kind)
};

}  // namespace flotilla::controllers
