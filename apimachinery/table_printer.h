// Server-side Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the
// `meta.k8s.io/v1 Table` that `kubectl get` prints (kube-api.md §11). A TablePrinter holds the
// column definitions of one resource and computes a row of pre-formatted cells per object:
//   * built-in resources get the columns of kube's 1.32 printers (printers/ holds them);
//   * custom resources get Name plus their additionalPrinterColumns evaluated with JSONPath, or
//     Name + Age when they declare none;
//   * anything else gets kube's default convertor: Name + Created At (RFC 3339).
// Rows carry the object as PartialObjectMetadata (full metadata) by default, since kubectl reads
// namespace, labels and sort keys from there. "now" is always a parameter: no clock reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace flotilla::apimachinery {

struct TableColumn {
  std::string name;
  std::string type;    // string, integer, number, boolean, date
  std::string format;  // "name" for the Name column, else usually ""
  std::string description;
  int priority = 0;  // 0 shown by default, 1 only with -o wide
};

enum class IncludeObject { None, Metadata, Object };

struct TableOptions {
  std::chrono::system_clock::time_point now;
  IncludeObject include_object = IncludeObject::Metadata;
  // Omit columnDefinitions (watch events after the first one).
  bool no_headers = false;
  std::string resource_version;
  std::string continue_token;
  std::optional<int64_t> remaining_item_count;
};

// "None" | "Metadata" | "Object" (the includeObject query parameter; empty = Metadata).
core::Result<IncludeObject> parseIncludeObject(const std::string& value);

class TablePrinter {
 public:
  using Clock = std::chrono::system_clock;
  using CellsFn = std::function<nlohmann::json(const nlohmann::json& obj, Clock::time_point now)>;

  // `cells` returns a JSON array with one cell per column.
  TablePrinter(std::vector<TableColumn> columns, CellsFn cells);

  // The kube 1.32 printer of a built-in resource (plural) in `group`; the default printer when
  // the resource has none.
  static TablePrinter forBuiltin(const std::string& group, const std::string& resource);
  // From a CRD version's additionalPrinterColumns (null/empty: Name + Age). InvalidArgument when
  // a column's jsonPath does not parse.
  static core::Result<TablePrinter> forCustomResource(const nlohmann::json& printer_columns);
  // kube's default table convertor: Name, Created At.
  static TablePrinter defaultPrinter();

  const std::vector<TableColumn>& columns() const { return columns_; }
  nlohmann::json columnDefinitions() const;
  // One row: {"cells":[...], "object":{...}} (no "object" with IncludeObject::None).
  nlohmann::json row(const nlohmann::json& obj, const TableOptions& options) const;
  // The whole Table for a list (or a single object passed as a one-element list).
  nlohmann::json table(const std::vector<nlohmann::json>& objects,
                       const TableOptions& options) const;

 private:
  std::vector<TableColumn> columns_;
  CellsFn cells_;
};

// apimachinery's duration.HumanDuration ("45s", "3m20s", "5h2m", "2d4h", "3y12d", ...); negative
// durations of more than one second are "<invalid>".
std::string humanDuration(std::chrono::nanoseconds d);
// translateTimestampSince: the age of an RFC 3339 timestamp, "<unknown>" when absent or
// unparsable.
std::string ageSince(const nlohmann::json& timestamp, std::chrono::system_clock::time_point now);

}  // namespace flotilla::apimachinery
