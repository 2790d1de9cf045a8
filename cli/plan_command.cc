// `flotilla plan`: a dry run of the whole propagation pipeline over a GitOps repository. Reads
// templates, policies, clusters, previous bindings and PriceBooks from files and directories,
// calls the same planner the controllers use, and prints where every object would go, with
// replicas, member manifests and hourly cost. Exit 0 when every input was valid, 2 otherwise.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/yaml.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "planner/plan_json.h"
#include "planner/planner.h"
#include "planner/repository.h"
#include "scheduler/cost_model.h"
#include "scheduler/plugins.h"

namespace flotilla::cli {
namespace {

namespace fs = std::filesystem;

bool isManifestFile(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

void readFile(const fs::path& path, planner::Repository& repo) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    repo.addError(path.string(), "cannot read file");
    return;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (path.extension() == ".json") {
    try {
      repo.add(api::Json::parse(text), path.string());
    } catch (const api::Json::parse_error& e) {
      repo.addError(path.string(), std::string("invalid JSON: ") + e.what());
    }
    return;
  }
  auto docs = api::yamlDocumentsToJson(text);
  if (!docs.isOk()) {
    repo.addError(path.string(), "invalid YAML: " + docs.status().message());
    return;
  }
  for (size_t i = 0; i < docs->size(); ++i) {
    const std::string source =
        docs->size() == 1 ? path.string() : path.string() + "#" + std::to_string(i + 1);
    repo.add((*docs)[i], source);
  }
}

// A file, or a directory read recursively in path order (so output never depends on readdir).
void readPath(const std::string& arg, planner::Repository& repo) {
  std::error_code ec;
  const fs::path path(arg);
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && isManifestFile(it->path())) files.push_back(it->path());
    }
    if (ec) repo.addError(arg, "cannot read directory: " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) readFile(f, repo);
    return;
  }
  if (!fs::exists(path, ec)) {
    repo.addError(arg, "no such file or directory");
    return;
  }
  readFile(path, repo);
}

std::string clusterList(const planner::Placement& p) {
  std::string out;
  for (const auto& c : p.clusters) {
    if (!out.empty()) out += " ";
    out += c.name;
    if (p.workload) out += ":" + std::to_string(c.replicas);
  }
  return out.empty() ? "-" : out;
}

std::string policyName(const planner::Placement& p) {
  if (!p.policy) return "-";
  return p.policy->kind + " " + (p.policy->namespace_.empty() ? "" : p.policy->namespace_ + "/") +
         p.policy->name;
}

std::string workloadName(const planner::ObjectRef& r) {
  return r.kind + " " + (r.namespace_.empty() ? "" : r.namespace_ + "/") + r.name;
}

void printTable(const planner::Plan& plan, bool explain) {
  struct Row {
    std::string workload, policy, clusters, cost;
  };
  std::vector<Row> rows;
  for (const auto& p : plan.placements) {
    Row r{workloadName(p.resource), policyName(p), "", "-"};
    if (p.scheduled) {
      r.clusters = clusterList(p);
      if (p.cost) r.cost = p.cost->currency + " " + scheduler::formatMicros(p.cost->hourly_micros);
    } else {
      r.clusters = "✗ " + p.reason + (p.message.empty() ? "" : ": " + p.message);
    }
    rows.push_back(std::move(r));
  }
  size_t w0 = 8, w1 = 6, w3 = 6;
  for (const auto& r : rows) {
    w0 = std::max(w0, r.workload.size());
    w1 = std::max(w1, r.policy.size());
    w3 = std::max(w3, r.cost.size());
  }
  std::printf("%-*s  %-*s  %-*s  %s\n", static_cast<int>(w0), "WORKLOAD", static_cast<int>(w1),
              "POLICY", static_cast<int>(w3), "HOURLY", "CLUSTERS");
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::printf("%-*s  %-*s  %-*s  %s\n", static_cast<int>(w0), r.workload.c_str(),
                static_cast<int>(w1), r.policy.c_str(), static_cast<int>(w3), r.cost.c_str(),
                r.clusters.c_str());
    if (!explain) continue;
    for (const auto& e : plan.placements[i].explain) {
      std::printf("    %-24s %s score=%lld available=%d cost=%s%s%s\n", e.name.c_str(),
                  e.feasible ? "feasible  " : "infeasible", static_cast<long long>(e.score),
                  e.available_replicas,
                  e.price.priced ? scheduler::formatMicros(e.price.hourly_micros).c_str() : "-",
                  e.reason.empty() ? "" : "  ",
                  e.reason.c_str());
    }
  }
  if (!plan.errors.empty()) {
    std::printf("\n%zu invalid input(s):\n", plan.errors.size());
    for (const auto& e : plan.errors) {
      std::printf("  %s: %s%s%s: %s\n", e.source.c_str(), e.object.c_str(),
                  e.field.empty() ? "" : " ", e.field.c_str(), e.message.c_str());
    }
  }
}

int runPlan(const std::vector<std::string>& args) {
  Flags flags("plan", "-f PATH [-f PATH...] [-o table|json|yaml] [--explain]",
              {{"filename", "file or directory (read recursively) of YAML/JSON objects", "",
                false, true, "f"},
               {"output", "output format: table, json or yaml", "table", false, false, "o"},
               {"explain", "show every cluster's feasibility, score, capacity and price", "",
                true},
               {"cost-weight", "weight of the CostScore plugin (0 disables the preference)", "1"},
               {"live-kubeconfig", "plan against a live control plane (not yet supported)", ""}});
  if (auto st = flags.parse(args); !st.isOk()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  if (flags.isSet("live-kubeconfig")) {
    std::fprintf(stderr, "plan: --live-kubeconfig is not yet supported\n");
    return 2;
  }
  const auto paths = flags.getAll("filename");
  if (paths.empty()) {
    std::fprintf(stderr, "plan: at least one -f PATH is required\n%s", flags.helpText().c_str());
    return 2;
  }
  const std::string output = flags.get("output");
  if (output != "table" && output != "json" && output != "yaml") {
    std::fprintf(stderr, "plan: unknown output format %s (want table, json or yaml)\n",
                 output.c_str());
    return 2;
  }
  planner::PlanOptions options;
  try {
    options.scheduler.score_weights[std::string(scheduler::CostScore::kName)] =
        std::stoll(flags.get("cost-weight"));
  } catch (const std::exception&) {
    std::fprintf(stderr, "plan: --cost-weight must be an integer\n");
    return 2;
  }
  const bool explain = flags.getBool("explain");

  planner::Repository repo;
  for (const auto& p : paths) readPath(p, repo);

  if (output == "json") {
    // Streamed: one placement (with its manifests) in memory at a time.
    std::printf("{\n  \"kind\": \"Plan\",\n  \"placements\": [");
    bool first = true;
    options.on_placement = [&](planner::Placement&& p) {
      std::string text = planner::placementToJson(p, explain).dump(2);
      // Indent the element by four spaces to sit inside the array.
      std::string indented = "    ";
      for (char c : text) {
        indented += c;
        if (c == '\n') indented += "    ";
      }
      std::printf("%s\n%s", first ? "" : ",", indented.c_str());
      first = false;
    };
    planner::Plan plan = planner::plan(repo.inputs(), options);
    plan.errors.insert(plan.errors.begin(), repo.errors().begin(), repo.errors().end());
    std::printf("%s],\n  \"errors\": [", first ? "" : "\n  ");
    for (size_t i = 0; i < plan.errors.size(); ++i) {
      std::printf("%s\n    %s", i ? "," : "", planner::errorToJson(plan.errors[i]).dump().c_str());
    }
    std::printf("%s]\n}\n", plan.errors.empty() ? "" : "\n  ");
    return plan.errors.empty() ? 0 : 2;
  }

  // The table shows placements, not manifests.
  options.render_manifests = output != "table";
  planner::Plan plan = planner::plan(repo.inputs(), options);
  plan.errors.insert(plan.errors.begin(), repo.errors().begin(), repo.errors().end());

  if (output == "table") {
    printTable(plan, explain);
  } else {
    std::cout << api::jsonToYaml(planner::planToJson(plan, explain));
  }
  return plan.errors.empty() ? 0 : 2;
}

}  // namespace

FLOTILLA_COMMAND("plan", "Show where every workload would go, with replicas and hourly cost",
                 runPlan);

}  // namespace flotilla::cli
