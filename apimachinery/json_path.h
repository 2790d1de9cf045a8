// The JSONPath subset that CRD additionalPrinterColumns use (client-go util/jsonpath as the CRD
// table convertor drives it): `.a.b`, `.a[0]`, `.a[-1]`, `.a[1:3]`, `.a[*].b`, `.a['k.with.dots']`,
// `..name` (recursive descent) and filters `[?(@.type=="Ready")]` with ==, !=, <, <=, >, >= or a
// bare `@.x` existence test. An expression may be wrapped in `{...}` as kubectl writes it.
//
// Evaluation is pure and total: results are pointers into the document, in document order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

struct JsonPathStep;

class JsonPath {
 public:
  JsonPath();
  ~JsonPath();
  JsonPath(const JsonPath&);
  JsonPath& operator=(const JsonPath&);
  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;

  // InvalidArgument for syntax errors (unterminated brackets, bad filters, ...).
  static core::Result<JsonPath> parse(const std::string& expression);

  // Every value the path selects; pointers into `root`, valid while `root` lives.
  std::vector<const nlohmann::json*> find(const nlohmann::json& root) const;
  const std::string& expression() const { return expression_; }

 private:
  std::string expression_;
  std::vector<std::shared_ptr<const JsonPathStep>> steps_;
};

// How kubectl's jsonpath prints one value: strings raw, numbers and booleans as JSON, null as
// "<nil>"... objects and arrays as compact JSON.
std::string jsonPathText(const nlohmann::json& value);

}  // namespace flotilla::apimachinery
