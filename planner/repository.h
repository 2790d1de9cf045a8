// A policy repository as `flotilla plan` reads it: decoded documents sorted into planner Inputs by
// kind — Karmada policies, Cluster objects, previous (Cluster)ResourceBindings, PriceBooks, and
// everything else as a resource template. `kind: List` documents are flattened. Typed objects
// that fail to decode are reported with their source and field path. No file I/O here: the CLI
// reads files and hands over the parsed documents.
#pragma once

#include <string>
#include <vector>

#include "api/codec.h"
#include "planner/planner.h"

namespace flotilla::planner {

class Repository {
 public:
  // Adds one decoded document (a single object or a List). `source` names the file and document.
  void add(const api::Json& document, const std::string& source);
  // An input that could not be read or parsed at all.
  void addError(const std::string& source, const std::string& message);

  const Inputs& inputs() const { return inputs_; }
  const std::vector<PlanError>& errors() const { return errors_; }

 private:
  void addObject(const api::Json& object, const std::string& source);
  Inputs inputs_;
  std::vector<PlanError> errors_;
};

}  // namespace flotilla::planner
