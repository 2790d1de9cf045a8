#include "apimachinery/table_printer.h"

#include <memory>

#include "apimachinery/json_path.h"
#include "apimachinery/printers/builtin_printers.h"
#include "core/clock.h"

namespace flotilla::apimachinery {

namespace {

using Json = nlohmann::json;

const char* kNameDescription =
    "Name must be unique within a namespace; see "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char* kCreatedDescription =
    "CreationTimestamp is the time the object was created, in UTC (RFC 3339).";

std::string nameOf(const Json& obj) {
  if (!obj.is_object()) return "";
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto n = m->find("name");
  return n != m->end() && n->is_string() ? n->get<std::string>() : "";
}

const Json& creationTimestamp(const Json& obj) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return kNull;
  auto t = m->find("creationTimestamp");
  return t == m->end() ? kNull : *t;
}

// cellForJSONValue of the CRD table convertor: typed cells, nil when the type does not fit.
Json typedCell(const std::string& type, const Json& value,
               std::chrono::system_clock::time_point now) {
  if (type == "integer") {
    if (value.is_number_integer()) return value;
    if (value.is_number_float()) {
      const double d = value.get<double>();
      return d > -9.2e18 && d < 9.2e18 ? Json(static_cast<int64_t>(d)) : Json();
    }
    return nullptr;
  }
  if (type == "number") return value.is_number() ? Json(value.get<double>()) : Json();
  if (type == "boolean") return value.is_boolean() ? value : Json();
  if (type == "date") {
    if (!value.is_string()) return nullptr;
    std::chrono::system_clock::time_point t;
    if (!core::parseRfc3339(value.get<std::string>(), &t)) return "<invalid>";
    return humanDuration(now - t);
  }
  return value.is_string() ? value : Json();
}

}  // namespace

core::Result<IncludeObject> parseIncludeObject(const std::string& value) {
  if (value.empty() || value == "Metadata") return IncludeObject::Metadata;
  if (value == "None") return IncludeObject::None;
  if (value == "Object") return IncludeObject::Object;
  return core::invalidArgument("includeObject must be one of None, Metadata or Object, got \"" +
                               value + "\"");
}

TablePrinter::TablePrinter(std::vector<TableColumn> columns, CellsFn cells)
    : columns_(std::move(columns)), cells_(std::move(cells)) {}

TablePrinter TablePrinter::forBuiltin(const std::string& group, const std::string& resource) {
  if (auto p = printers::builtinPrinter(group, resource)) return std::move(*p);
  return defaultPrinter();
}

TablePrinter TablePrinter::defaultPrinter() {
  return TablePrinter({{"Name", "string", "name", kNameDescription, 0},
                       {"Created At", "date", "", kCreatedDescription, 0}},
                      [](const Json& obj, Clock::time_point) {
                        const Json& ts = creationTimestamp(obj);
                        std::chrono::system_clock::time_point t;
                        // The default convertor prints the timestamp itself, re-rendered in UTC.
                        Json created =
                            ts.is_string() && core::parseRfc3339(ts.get<std::string>(), &t)
                                ? Json(core::formatRfc3339(t))
                                : Json("<unknown>");
                        return Json::array({nameOf(obj), created});
                      });
}

core::Result<TablePrinter> TablePrinter::forCustomResource(const Json& printer_columns) {
  if (!printer_columns.is_array() || printer_columns.empty()) {
    return TablePrinter({{"Name", "string", "name", kNameDescription, 0},
                         {"Age", "date", "", kCreatedDescription, 0}},
                        [](const Json& obj, Clock::time_point now) {
                          return Json::array({nameOf(obj), ageSince(creationTimestamp(obj), now)});
                        });
  }
  std::vector<TableColumn> columns = {{"Name", "string", "name", kNameDescription, 0}};
  auto paths = std::make_shared<std::vector<JsonPath>>();
  for (std::size_t i = 0; i < printer_columns.size(); ++i) {
    const Json& c = printer_columns[i];
    if (!c.is_object()) {
      return core::invalidArgument("additionalPrinterColumns[" + std::to_string(i) +
                                   "] must be an object");
    }
    auto str = [&c](const char* key) {
      auto it = c.find(key);
      return it != c.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto path = JsonPath::parse(str("jsonPath"));
    if (!path.isOk()) {
      return path.status().withContext("additionalPrinterColumns[" + std::to_string(i) +
                                       "].jsonPath");
    }
    paths->push_back(std::move(*path));
    TableColumn col{str("name"), str("type"), str("format"), str("description"), 0};
    if (auto p = c.find("priority"); p != c.end() && p->is_number_integer()) {
      col.priority = p->get<int>();
    }
    columns.push_back(std::move(col));
  }
  std::vector<std::string> types;
  for (std::size_t i = 1; i < columns.size(); ++i) types.push_back(columns[i].type);
  return TablePrinter(std::move(columns), [paths, types](const Json& obj, Clock::time_point now) {
    Json cells = Json::array({nameOf(obj)});
    for (std::size_t i = 0; i < paths->size(); ++i) {
      auto results = (*paths)[i].find(obj);
      if (results.empty()) {
        cells.push_back(nullptr);
      } else if (types[i] == "string") {
        // String columns print the first result the way kubectl's jsonpath prints values.
        cells.push_back(jsonPathText(*results.front()));
      } else {
        cells.push_back(typedCell(types[i], *results.front(), now));
      }
    }
    return cells;
  });
}

Json TablePrinter::columnDefinitions() const {
  Json defs = Json::array();
  for (const auto& c : columns_) {
    defs.push_back({{"name", c.name},
                    {"type", c.type},
                    {"format", c.format},
                    {"description", c.description},
                    {"priority", c.priority}});
  }
  return defs;
}

Json TablePrinter::row(const Json& obj, const TableOptions& options) const {
  Json cells = cells_ ? cells_(obj, options.now) : Json::array();
  if (!cells.is_array()) cells = Json::array();
  // Never hand kubectl a row whose width differs from the header.
  while (cells.size() < columns_.size()) cells.push_back(nullptr);
  while (cells.size() > columns_.size()) cells.erase(cells.size() - 1);
  Json r = {{"cells", std::move(cells)}};
  if (options.include_object == IncludeObject::Object) {
    r["object"] = obj;
  } else if (options.include_object == IncludeObject::Metadata) {
    Json meta = obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object()
                    ? obj["metadata"]
                    : Json::object();
    r["object"] = {{"kind", "PartialObjectMetadata"},
                   {"apiVersion", "meta.k8s.io/v1"},
                   {"metadata", std::move(meta)}};
  }
  return r;
}

Json TablePrinter::table(const std::vector<Json>& objects, const TableOptions& options) const {
  Json meta = Json::object();
  if (!options.resource_version.empty()) meta["resourceVersion"] = options.resource_version;
  if (!options.continue_token.empty()) meta["continue"] = options.continue_token;
  if (options.remaining_item_count) meta["remainingItemCount"] = *options.remaining_item_count;
  Json t = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", std::move(meta)}};
  t["columnDefinitions"] = options.no_headers ? Json::array() : columnDefinitions();
  Json rows = Json::array();
  for (const auto& obj : objects) rows.push_back(row(obj, options));
  t["rows"] = std::move(rows);
  return t;
}

std::string humanDuration(std::chrono::nanoseconds d) {
  using std::chrono::duration_cast;
  const int64_t seconds = duration_cast<std::chrono::seconds>(d).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return std::to_string(seconds) + "s";
  const int64_t minutes = seconds / 60;
  if (minutes < 10) {
    const int64_t s = seconds % 60;
    return s == 0 ? std::to_string(minutes) + "m"
                  : std::to_string(minutes) + "m" + std::to_string(s) + "s";
  }
  if (minutes < 60 * 3) return std::to_string(minutes) + "m";
  const int64_t hours = minutes / 60;
  if (hours < 8) {
    const int64_t m = minutes % 60;
    return m == 0 ? std::to_string(hours) + "h"
                  : std::to_string(hours) + "h" + std::to_string(m) + "m";
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    const int64_t h = hours % 24;
    return h == 0 ? std::to_string(hours / 24) + "d"
                  : std::to_string(hours / 24) + "d" + std::to_string(h) + "h";
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    const int64_t dy = (hours / 24) % 365;
    return dy == 0 ? std::to_string(hours / 24 / 365) + "y"
                   : std::to_string(hours / 24 / 365) + "y" + std::to_string(dy) + "d";
  }
  return std::to_string(hours / 24 / 365) + "y";
}

std::string ageSince(const Json& timestamp, std::chrono::system_clock::time_point now) {
  std::chrono::system_clock::time_point t;
  if (!timestamp.is_string() || !core::parseRfc3339(timestamp.get<std::string>(), &t)) {
    return "<unknown>";
  }
  return humanDuration(now - t);
}

}  // namespace flotilla::apimachinery
