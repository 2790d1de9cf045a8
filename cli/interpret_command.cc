// `flotilla interpret`: runs one native resource-interpreter operation (karmada.md §2f) on
// objects read from files, the dry-run counterpart of `karmadactl interpret`. Bad input exits 2
// with a message naming the file and the field; success prints YAML (default) or JSON.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/work_types.h"
#include "api/yaml.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "core/clock.h"
#include "interpreter/aggregate_status.h"
#include "interpreter/dependency.h"
#include "interpreter/health.h"
#include "interpreter/reflect_status.h"
#include "interpreter/replica.h"
#include "interpreter/retain.h"

namespace flotilla::cli {
namespace {

using api::Json;

constexpr int kExitBadInput = 2;

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "flotilla interpret: %s\n", message.c_str());
  return code;
}

core::Result<std::string> readFile(const std::string& path) {
  std::ostringstream out;
  if (path == "-") {
    out << std::cin.rdbuf();
    return out.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::invalidArgument(path + ": cannot open file");
  out << in.rdbuf();
  return out.str();
}

// Reads a YAML or JSON document (JSON is YAML) from path.
core::Result<Json> readDocument(const std::string& flag, const std::string& path) {
  if (path.empty()) return core::invalidArgument("--" + flag + " is required for this operation");
  auto text = readFile(path);
  if (!text) return text.status();
  auto docs = api::yamlDocumentsToJson(*text);
  if (!docs) return docs.status().withContext(path);
  if (docs->size() != 1) {
    return core::invalidArgument(path + ": expected exactly one document, found " +
                                 std::to_string(docs->size()));
  }
  return (*docs)[0];
}

core::Result<Json> readObject(const std::string& flag, const std::string& path) {
  auto doc = readDocument(flag, path);
  if (!doc) return doc;
  if (!doc->is_object()) return core::invalidArgument(path + ": must be an object");
  for (const char* field : {"apiVersion", "kind"}) {
    auto it = doc->find(field);
    if (it == doc->end() || !it->is_string() || it->get<std::string>().empty()) {
      return core::invalidArgument(path + ": field " + field + ": Required value");
    }
  }
  if (doc->contains("metadata") && !(*doc)["metadata"].is_object()) {
    return core::invalidArgument(path + ": field metadata: must be an object");
  }
  return doc;
}

std::string describe(const core::Status& st) {
  if (st.causes().empty()) return st.message();
  std::string out;
  for (const auto& c : st.causes()) {
    if (!out.empty()) out += "; ";
    out += "field " + (c.field.empty() ? std::string("<root>") : c.field) + ": " + c.message;
  }
  return out;
}

void print(const Json& value, const std::string& format) {
  if (format == "json") {
    std::printf("%s\n", value.dump(2, ' ', false, Json::error_handler_t::replace).c_str());
  } else {
    std::printf("%s", api::jsonToYaml(value).c_str());
  }
}

int runInterpret(const std::vector<std::string>& args) {
  Flags flags("interpret",
              "flotilla interpret --operation OP [--desired-file F] [--observed-file F] "
              "[--status-file F] [--desired-replica N] [-o yaml|json]\n\n"
              "Operations: interpretReplica, reviseReplica, retain, interpretStatus, "
              "aggregateStatus, interpretHealth, interpretDependency.",
              {
                  {"operation", "interpreter operation to run", "", false, false, ""},
                  {"desired-file", "the desired object (resource template), '-' = stdin", "", false,
                   false, "f"},
                  {"observed-file", "the observed member object", "", false, false, ""},
                  {"status-file",
                   "aggregated status items: a list of {clusterName, status, applied, health}", "",
                   false, false, ""},
                  {"desired-replica", "replica count for reviseReplica", "", false, false, ""},
                  {"output", "output format: yaml or json", "yaml", false, false, "o"},
              });
  if (auto st = flags.parse(args); !st) return fail(kExitBadInput, st.message());
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  const std::string op = flags.get("operation");
  const std::string format = flags.get("output");
  if (format != "yaml" && format != "json") {
    return fail(kExitBadInput, "--output must be yaml or json, got \"" + format + "\"");
  }
  const std::string desired_path = flags.get("desired-file");
  const std::string observed_path = flags.get("observed-file");

  auto bad = [](const core::Status& st) { return fail(kExitBadInput, describe(st)); };
  // Interpreter errors are about the input object, so they name its file.
  auto bad_in = [](const std::string& path, const core::Status& st) {
    return fail(kExitBadInput, path + ": " + describe(st));
  };

  if (op == "interpretReplica") {
    const bool use_observed = desired_path.empty() && !observed_path.empty();
    const std::string path = use_observed ? observed_path : desired_path;
    auto obj = readObject(use_observed ? "observed-file" : "desired-file", path);
    if (!obj) return bad(obj.status());
    auto res = interpreter::interpretReplica(*obj);
    if (!res) return bad_in(path, res.status());
    Json out = {{"replicas", res->replicas}};
    if (res->requirements) out["requirements"] = api::toJson(*res->requirements);
    print(out, format);
    return 0;
  }
  if (op == "reviseReplica") {
    auto obj = readObject("desired-file", desired_path);
    if (!obj) return bad(obj.status());
    const std::string n = flags.get("desired-replica");
    int64_t replicas = -1;
    try {
      size_t pos = 0;
      replicas = std::stoll(n, &pos);
      if (pos != n.size()) replicas = -1;
    } catch (const std::exception&) {
      replicas = -1;
    }
    if (replicas < 0 || replicas > INT32_MAX) {
      return fail(kExitBadInput,
                  "--desired-replica must be a non-negative integer, got \"" + n + "\"");
    }
    auto res = interpreter::reviseReplica(*obj, replicas);
    if (!res) return bad_in(desired_path, res.status());
    print(*res, format);
    return 0;
  }
  if (op == "retain") {
    auto desired = readObject("desired-file", desired_path);
    if (!desired) return bad(desired.status());
    auto observed = readObject("observed-file", observed_path);
    if (!observed) return bad(observed.status());
    auto res = interpreter::retain(*desired, *observed);
    if (!res) return bad(res.status());
    print(*res, format);
    return 0;
  }
  if (op == "interpretStatus") {
    auto observed = readObject("observed-file", observed_path);
    if (!observed) return bad(observed.status());
    auto res = interpreter::reflectStatus(*observed);
    if (!res) return bad_in(observed_path, res.status());
    print(res->is_null() ? Json::object() : *res, format);
    return 0;
  }
  if (op == "aggregateStatus") {
    auto desired = readObject("desired-file", desired_path);
    if (!desired) return bad(desired.status());
    const std::string status_path = flags.get("status-file");
    auto doc = readDocument("status-file", status_path);
    if (!doc) return bad(doc.status());
    if (!doc->is_array()) return fail(kExitBadInput, status_path + ": must be a list");
    auto items = api::fromJson<std::vector<api::AggregatedStatusItem>>(*doc);
    if (!items) return bad_in(status_path, items.status());
    for (size_t i = 0; i < items->size(); ++i) {
      if ((*items)[i].cluster_name.empty()) {
        return fail(kExitBadInput, status_path + ": field [" + std::to_string(i) +
                                       "].clusterName: Required value");
      }
    }
    interpreter::AggregateOptions options;
    options.now = core::formatRfc3339(std::chrono::system_clock::now());
    auto res = interpreter::aggregateStatus(*desired, *items, options);
    if (!res) return bad_in(desired_path, res.status());
    print(*res, format);
    return 0;
  }
  if (op == "interpretHealth") {
    auto observed = readObject("observed-file", observed_path);
    if (!observed) return bad(observed.status());
    print(Json{{"health", interpreter::interpretHealth(*observed)}}, format);
    return 0;
  }
  if (op == "interpretDependency") {
    auto obj = readObject("desired-file", desired_path);
    if (!obj) return bad(obj.status());
    auto res = interpreter::interpretDependency(*obj);
    if (!res) return bad_in(desired_path, res.status());
    Json out = Json::array();
    for (const auto& d : *res) out.push_back(d.toJson());
    print(out, format);
    return 0;
  }
  if (op.empty()) return fail(kExitBadInput, "--operation is required (see --help)");
  return fail(kExitBadInput, "unknown operation \"" + op +
                                 "\"; expected one of interpretReplica, reviseReplica, retain, "
                                 "interpretStatus, aggregateStatus, interpretHealth, "
                                 "interpretDependency");
}

}  // namespace

FLOTILLA_COMMAND("interpret", "Run a resource interpreter operation on local files", runInterpret);

}  // namespace flotilla::cli
