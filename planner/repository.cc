#include "planner/repository.h"

namespace flotilla::planner {

namespace {

std::string describe(const api::Json& object) {
  ObjectRef ref;
  ref.api_version = object.value("apiVersion", "");
  ref.kind = object.value("kind", "");
  if (object.contains("metadata") && object["metadata"].is_object()) {
    ref.namespace_ = object["metadata"].value("namespace", "");
    ref.name = object["metadata"].value("name", "");
  }
  return ref.display();
}

}  // namespace

void Repository::addError(const std::string& source, const std::string& message) {
  errors_.push_back(PlanError{source, "", "", message});
}

void Repository::add(const api::Json& document, const std::string& source) {
  if (document.is_null()) return;
  if (!document.is_object()) {
    addError(source, "a document must be an object");
    return;
  }
  if (document.value("kind", "") == "List" || (document.value("kind", "").ends_with("List") &&
                                               document.contains("items"))) {
    auto found = document.find("items");
    if (found == document.end() || found->is_null()) return;
    const api::Json& items = *found;
    if (!items.is_array()) {
      addError(source, "items must be a list");
      return;
    }
    for (size_t i = 0; i < items.size(); ++i) {
      add(items[i], source + " items[" + std::to_string(i) + "]");
    }
    return;
  }
  addObject(document, source);
}

void Repository::addObject(const api::Json& object, const std::string& source) {
  const std::string api_version = object.value("apiVersion", "");
  const std::string kind = object.value("kind", "");
  if (api_version.empty() || kind.empty()) {
    errors_.push_back(PlanError{source, describe(object), api_version.empty() ? "apiVersion" : "kind",
                                "required"});
    return;
  }
  if (!object.contains("metadata") || !object["metadata"].is_object() ||
      object["metadata"].value("name", "").empty()) {
    errors_.push_back(PlanError{source, describe(object), "metadata.name", "required"});
    return;
  }
  const std::string group = api_version.substr(0, api_version.find('/'));
  auto decode = [&]<class T>(std::vector<Sourced<T>>& into) {
    auto typed = api::fromJson<T>(object);
    if (!typed.isOk()) {
      const core::Status status = typed.status();
      for (const auto& c : status.causes()) {
        errors_.push_back(PlanError{source, describe(object), c.field, c.message});
      }
      if (status.causes().empty()) {
        errors_.push_back(PlanError{source, describe(object), "", status.message()});
      }
      return;
    }
    into.push_back(Sourced<T>{std::move(typed).value(), source});
  };
  if (group == "policy.karmada.io" &&
      (kind == "PropagationPolicy" || kind == "ClusterPropagationPolicy")) {
    decode(inputs_.propagation_policies);
  } else if (group == "policy.karmada.io" &&
             (kind == "OverridePolicy" || kind == "ClusterOverridePolicy")) {
    decode(inputs_.override_policies);
  } else if (group == "policy.karmada.io") {
    // ClusterTaintPolicy and friends shape clusters over time; a plan takes taints as given.
  } else if (group == "cluster.karmada.io" && kind == "Cluster") {
    decode(inputs_.clusters);
  } else if (group == "work.karmada.io" &&
             (kind == "ResourceBinding" || kind == "ClusterResourceBinding")) {
    decode(inputs_.bindings);
  } else if (group == "work.karmada.io") {
    // Works are outputs of the binding controller, not inputs of a plan.
  } else if (group == "estimator.flotilla.io" && kind == "PriceBook") {
    decode(inputs_.price_books);
  } else {
    inputs_.templates.push_back(Sourced<api::Json>{object, source});
  }
}

}  // namespace flotilla::planner
