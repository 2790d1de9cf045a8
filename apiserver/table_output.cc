#include "apiserver/table_output.h"

#include "apimachinery/table_printer.h"

namespace flotilla::apiserver {

namespace {

apimachinery::TablePrinter printerFor(const ServedResource& r) {
  if (r.is_custom) {
    auto p = apimachinery::TablePrinter::forCustomResource(
        r.crd_version ? r.crd_version->value("additionalPrinterColumns", Json())
                      : Json());
    if (p.isOk()) return std::move(*p);
    return apimachinery::TablePrinter::defaultPrinter();
  }
  return apimachinery::TablePrinter::forBuiltin(r.group, r.plural);
}

}  // namespace

bool wantsTable(const HttpRequest& req) {
  const std::string accept = req.header("accept");
  // The first acceptable media type decides: kubectl lists Table first, then plain JSON.
  const std::string first = accept.substr(0, accept.find(','));
  return first.find("as=Table") != std::string::npos;
}

std::string tableIncludeObject(const HttpRequest& req) {
  std::string v = req.queryValue("includeObject");
  return v.empty() ? "Metadata" : v;
}

Json buildTable(const ServedResource& r, const std::vector<Json>& objects,
                const std::string& continue_token, std::chrono::system_clock::time_point now,
                const std::string& include_object, const std::string& resource_version) {
  apimachinery::TableOptions opts;
  opts.now = now;
  auto inc = apimachinery::parseIncludeObject(include_object);
  opts.include_object = inc.isOk() ? *inc : apimachinery::IncludeObject::Metadata;
  opts.resource_version = resource_version;
  opts.continue_token = continue_token;
  return printerFor(r).table(objects, opts);
}

}  // namespace flotilla::apiserver
