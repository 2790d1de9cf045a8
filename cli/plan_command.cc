// `flotilla plan`: a dry run of the whole propagation pipeline over a GitOps repository. Reads
// templates, policies, clusters, previous bindings and PriceBooks from files and directories,
// calls the same planner the controllers use, and prints where every object would go, with
// replicas, member manifests and hourly cost. Exit 0 when every input was valid, 2 otherwise.
//
// With --live-kubeconfig this is also a composition root for a REST client: Clusters, PriceBooks
// and the current (Cluster)ResourceBindings are listed from the live host and planned against, and
// every placement reports what moves compared with the binding's current spec.clusters.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "api/yaml.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
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

// What the live host contributes. A file that defines the same object (say, a PriceBook the PR
// edits) wins over the live copy, so the plan shows the repository's intent.
struct LiveKind {
  client::GroupVersionResource gvr;
  const char* api_version;
  const char* kind;
  bool optional;  // a plain Karmada host has no PriceBook CRD: NotFound lists nothing
};

const LiveKind kLiveKinds[] = {
    {{"cluster.karmada.io", "v1alpha1", "clusters"}, "cluster.karmada.io/v1alpha1", "Cluster",
     false},
    {{"estimator.flotilla.io", "v1alpha1", "pricebooks"}, "estimator.flotilla.io/v1alpha1",
     "PriceBook", true},
    {{"work.karmada.io", "v1alpha2", "resourcebindings"}, "work.karmada.io/v1alpha2",
     "ResourceBinding", false},
    {{"work.karmada.io", "v1alpha2", "clusterresourcebindings"}, "work.karmada.io/v1alpha2",
     "ClusterResourceBinding", false},
};

std::string objectKey(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + "/" + ns + "/" + name;
}

// Keys of the objects the files already define, for the kinds the live host provides.
std::set<std::string> fileDefined(const planner::Inputs& in) {
  std::set<std::string> keys;
  for (const auto& c : in.clusters) keys.insert(objectKey("Cluster", "", c.object.metadata.name));
  for (const auto& b : in.price_books) {
    keys.insert(objectKey("PriceBook", "", b.object.metadata.name));
  }
  for (const auto& b : in.bindings) {
    const std::string ns = b.object.isClusterScoped() ? "" : b.object.metadata.namespace_;
    keys.insert(objectKey(b.object.kind, ns, b.object.metadata.name));
  }
  return keys;
}

struct LiveCounts {
  std::string server;
  std::map<std::string, int> by_kind;
};

// Lists every live kind (paged) into the repository. Errors name the server and the resource.
core::Result<LiveCounts> readLive(const std::string& kubeconfig, planner::Repository& repo) {
  auto kc = client::loadKubeconfigFile(kubeconfig);
  if (!kc.isOk()) return kc.status();
  auto rc = kc->restConfig();
  if (!rc.isOk()) return rc.status();
  // A plan is interactive or a CI step: fail in seconds rather than retrying for a minute.
  rc->max_retries = 1;
  rc->timeout = std::chrono::seconds(15);
  LiveCounts counts;
  counts.server = rc->server;
  auto rest = client::RestClient::create(*rc);
  if (!rest.isOk()) return rest.status();
  const std::set<std::string> from_files = fileDefined(repo.inputs());
  for (const LiveKind& k : kLiveKinds) {
    client::ListOptions options;
    options.limit = 500;
    int& count = counts.by_kind[k.kind];
    do {
      auto list = (*rest)->list(k.gvr, "", options);
      if (!list.isOk()) {
        if (k.optional && list.status().code() == core::Code::NotFound) break;
        return core::Status(list.status().code(), "listing " + k.gvr.toString() + " at " +
                                                      rc->server + ": " + list.status().message());
      }
      for (const auto& item : list->items) {
        api::Json object = item->json();
        // List items may omit their type (Kubernetes drops it for built-in lists).
        object["apiVersion"] = k.api_version;
        object["kind"] = k.kind;
        const auto& meta = object.value("metadata", api::Json::object());
        const std::string ns = meta.value("namespace", "");
        const std::string name = meta.value("name", "");
        if (from_files.contains(objectKey(k.kind, ns, name))) continue;
        repo.add(object, "live " + k.gvr.resource + " " + (ns.empty() ? "" : ns + "/") + name);
        ++count;
      }
      options.continue_token = list->continue_token;
    } while (!options.continue_token.empty());
  }
  return counts;
}

std::string costChange(const planner::Moves& m) {
  if (!m.cost) return "-";
  return scheduler::formatMicros(m.cost->hourly_before_micros) + "→" +
         scheduler::formatMicros(m.cost->hourly_after_micros);
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

// Display width of UTF-8 text (the arrows and ✗ are one column each).
size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, size_t width) {
  return s + std::string(width > columns(s) ? width - columns(s) : 0, ' ');
}

void printTable(const planner::Plan& plan, bool explain, bool live) {
  struct Row {
    std::string workload, policy, cost, moves, clusters;
  };
  std::vector<Row> rows;
  for (const auto& p : plan.placements) {
    Row r{workloadName(p.resource), policyName(p), "-", "", ""};
    if (p.scheduled) {
      r.clusters = clusterList(p);
      if (p.cost) r.cost = p.cost->currency + " " + scheduler::formatMicros(p.cost->hourly_micros);
    } else {
      r.clusters = "✗ " + p.reason + (p.message.empty() ? "" : ": " + p.message);
    }
    if (p.moves) {
      r.moves = planner::movesSummary(*p.moves, p.workload);
      if (p.moves->cost) r.cost = p.moves->cost->currency + " " + costChange(*p.moves);
    }
    rows.push_back(std::move(r));
  }
  size_t w0 = 8, w1 = 6, w3 = 6, w4 = 5;
  for (const auto& r : rows) {
    w0 = std::max(w0, columns(r.workload));
    w1 = std::max(w1, columns(r.policy));
    w3 = std::max(w3, columns(r.cost));
    w4 = std::max(w4, columns(r.moves));
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c,
                  const std::string& d, const std::string& e) {
    std::string out = pad(a, w0) + "  " + pad(b, w1) + "  " + pad(c, w3) + "  ";
    if (live) out += pad(d, w4) + "  ";
    std::printf("%s%s\n", out.c_str(), e.c_str());
  };
  const std::string cost_header = live ? "HOURLY (BEFORE→AFTER)" : "HOURLY";
  w3 = std::max(w3, columns(cost_header));
  line("WORKLOAD", "POLICY", cost_header, "MOVES", "CLUSTERS");
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    line(r.workload, r.policy, r.cost, r.moves, r.clusters);
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

// Appended to --help: the JSON/YAML document, so pipelines can rely on the names.
constexpr const char* kOutputHelp = R"(
Output (-o json|yaml): {"kind": "Plan", "placements": [...], "errors": [...]}. Each placement:
  resource {apiVersion, kind, namespace, name}; policy {kind, namespace, name} or null;
  scheduled; reason, message (when not scheduled); affinityName (scheduling groups);
  clusters [{name, replicas}]; manifests {cluster: object}; cost {currency, hourly,
  clusters {name: hourly}, unpriced}; explain.clusters [{name, feasible, reason, plugin, score,
  availableReplicas, replicaHourlyCost, priceSource}] with --explain.
With --live-kubeconfig, Clusters, PriceBooks, ResourceBindings and ClusterResourceBindings are
  read from the live host (objects the files define win), and every placement gains
  moves {bound, added [{name, replicas}], removed [{name, replicas}],
         changed [{name, replicasBefore, replicasAfter}],
         cost {currency, hourlyBefore, hourlyAfter, unpriced}}
  comparing the plan with the binding's current spec.clusters (bound: false = no binding yet).
  Both costs use the same PriceBooks; money is a decimal string with six fractional digits.
  The document also gains live {server, clusters, priceBooks, resourceBindings,
  clusterResourceBindings}: how many live objects were used.
Exit status: 0 when every input is valid, 2 on invalid input or an unreachable live host.
)";

int runPlan(const std::vector<std::string>& args) {
  Flags flags("plan",
              "-f PATH [-f PATH...] [-o table|json|yaml] [--explain] [--live-kubeconfig FILE]",
              {{"filename", "file or directory (read recursively) of YAML/JSON objects", "",
                false, true, "f"},
               {"output", "output format: table, json or yaml", "table", false, false, "o"},
               {"explain", "show every cluster's feasibility, score, capacity and price", "",
                true},
               {"cost-weight", "weight of the CostScore plugin (0 disables the preference)", "1"},
               {"workload-affinity",
                "enable Karmada's WorkloadAffinity gate: placement.workloadAffinity co-locates / "
                "separates workloads by a template label",
                "", true},
               {"live-kubeconfig",
                "kubeconfig of a live Flotilla/Karmada host: plan against its Clusters, PriceBooks "
                "and bindings and report what moves",
                ""}});
  if (auto st = flags.parse(args); !st.isOk()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s%s", flags.helpText().c_str(), kOutputHelp);
    return 0;
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
  options.workload_affinity_gate = flags.getBool("workload-affinity");

  planner::Repository repo;
  for (const auto& p : paths) readPath(p, repo);
  const std::string live_kubeconfig = flags.get("live-kubeconfig");
  const bool live = !live_kubeconfig.empty();
  api::Json live_json;
  if (live) {
    auto counts = readLive(live_kubeconfig, repo);
    if (!counts.isOk()) {
      std::fprintf(stderr, "plan: cannot read the live control plane (--live-kubeconfig %s): %s\n",
                   live_kubeconfig.c_str(), counts.status().message().c_str());
      return 2;
    }
    live_json = {{"server", counts->server},
                 {"clusters", counts->by_kind["Cluster"]},
                 {"priceBooks", counts->by_kind["PriceBook"]},
                 {"resourceBindings", counts->by_kind["ResourceBinding"]},
                 {"clusterResourceBindings", counts->by_kind["ClusterResourceBinding"]}};
    options.report_moves = true;
  }

  if (output == "json") {
    // Streamed: one placement (with its manifests) in memory at a time.
    std::printf("{\n  \"kind\": \"Plan\",\n");
    if (live) std::printf("  \"live\": %s,\n", live_json.dump().c_str());
    std::printf("  \"placements\": [");
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
    if (live) {
      std::printf("Live host %s: %d clusters, %d PriceBooks, %d bindings (moves compare with "
                  "their spec.clusters)\n\n",
                  live_json["server"].get<std::string>().c_str(), live_json["clusters"].get<int>(),
                  live_json["priceBooks"].get<int>(),
                  live_json["resourceBindings"].get<int>() +
                      live_json["clusterResourceBindings"].get<int>());
    }
    printTable(plan, explain, live);
  } else {
    api::Json doc = planner::planToJson(plan, explain);
    if (live) doc["live"] = live_json;
    std::cout << api::jsonToYaml(doc);
  }
  return plan.errors.empty() ? 0 : 2;
}

}  // namespace

FLOTILLA_COMMAND("plan", "Show where every workload would go, with replicas and hourly cost",
                 runPlan);

}  // namespace flotilla::cli
