#include "member/pod_fit.h"

#include <algorithm>
#include <limits>

#include "apimachinery/quantity.h"

namespace flotilla::member {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string stringField(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Requests, with limits standing in for missing requests (the API server's defaulting).
ResourceAmounts containerRequests(const Json& container) {
  const Json& resources = field(container, "resources");
  ResourceAmounts out = parseResourceList(field(resources, "limits"));
  for (const auto& [name, amount] : parseResourceList(field(resources, "requests"))) {
    out[name] = amount;
  }
  return out;
}

bool matchExpression(const Json& expr, const std::map<std::string, std::string>& values) {
  const std::string key = stringField(expr, "key");
  const std::string op = stringField(expr, "operator");
  std::vector<std::string> wanted;
  for (const auto& v : field(expr, "values")) {
    if (v.is_string()) wanted.push_back(v.get<std::string>());
  }
  auto it = values.find(key);
  const bool present = it != values.end();
  auto listed = [&] {
    return present && std::find(wanted.begin(), wanted.end(), it->second) != wanted.end();
  };
  if (op == "In") return listed();
  if (op == "NotIn") return !listed();
  if (op == "Exists") return present;
  if (op == "DoesNotExist") return !present;
  if (op == "Gt" || op == "Lt") {
    if (!present || wanted.size() != 1) return false;
    try {
      const long long have = std::stoll(it->second);
      const long long bound = std::stoll(wanted[0]);
      return op == "Gt" ? have > bound : have < bound;
    } catch (...) {
      return false;
    }
  }
  return false;
}

std::map<std::string, std::string> labelsOf(const Json& obj) {
  std::map<std::string, std::string> out;
  const Json& labels = field(field(obj, "metadata"), "labels");
  if (labels.is_object()) {
    for (auto it = labels.begin(); it != labels.end(); ++it) {
      if (it->is_string()) out[it.key()] = it->get<std::string>();
    }
  }
  return out;
}

// A nodeSelectorTerm: all expressions and fields must match; an empty term matches nothing.
bool matchTerm(const Json& term, const std::map<std::string, std::string>& labels,
               const std::map<std::string, std::string>& fields) {
  const Json& exprs = field(term, "matchExpressions");
  const Json& field_exprs = field(term, "matchFields");
  if ((!exprs.is_array() || exprs.empty()) && (!field_exprs.is_array() || field_exprs.empty())) {
    return false;
  }
  for (const auto& e : exprs) {
    if (!matchExpression(e, labels)) return false;
  }
  for (const auto& e : field_exprs) {
    if (!matchExpression(e, fields)) return false;
  }
  return true;
}

double share(const ResourceAmounts& requested, const ResourceAmounts& allocatable,
             const std::string& name) {
  auto a = allocatable.find(name);
  if (a == allocatable.end() || a->second <= 0) return 0;
  auto r = requested.find(name);
  return r == requested.end() ? 0 : static_cast<double>(r->second) / a->second;
}

}  // namespace

ResourceAmounts parseResourceList(const Json& list) {
  ResourceAmounts out;
  if (!list.is_object()) return out;
  for (auto it = list.begin(); it != list.end(); ++it) {
    auto q = apimachinery::Quantity::fromJson(*it);
    if (q.isOk()) out[it.key()] = q->milliValue();
  }
  return out;
}

void addAmounts(ResourceAmounts& into, const ResourceAmounts& more) {
  for (const auto& [name, amount] : more) into[name] += amount;
}

ResourceAmounts podRequests(const Json& pod) {
  const Json& spec = field(pod, "spec");
  ResourceAmounts sum;
  for (const auto& c : field(spec, "containers")) addAmounts(sum, containerRequests(c));
  // Init containers run one at a time before the app containers, so the pod needs the largest.
  for (const auto& c : field(spec, "initContainers")) {
    for (const auto& [name, amount] : containerRequests(c)) {
      sum[name] = std::max(sum[name], amount);
    }
  }
  addAmounts(sum, parseResourceList(field(spec, "overhead")));
  return sum;
}

std::string podQosClass(const Json& pod_spec) {
  bool any = false, guaranteed = true;
  for (const char* list : {"initContainers", "containers"}) {
    for (const auto& c : field(pod_spec, list)) {
      const Json& resources = field(c, "resources");
      const ResourceAmounts limits = parseResourceList(field(resources, "limits"));
      const ResourceAmounts requests = parseResourceList(field(resources, "requests"));
      any = any || !limits.empty() || !requests.empty();
      for (const char* r : {"cpu", "memory"}) {
        auto l = limits.find(r);
        auto q = requests.find(r);
        if (l == limits.end() || (q != requests.end() && q->second != l->second)) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

ResourceAmounts nodeAllocatable(const Json& node) {
  const Json& status = field(node, "status");
  const Json& allocatable = field(status, "allocatable");
  return parseResourceList(allocatable.is_object() ? allocatable : field(status, "capacity"));
}

bool podIsTerminal(const Json& pod) {
  const std::string phase = stringField(field(pod, "status"), "phase");
  return phase == "Succeeded" || phase == "Failed";
}

bool podHoldsNode(const Json& pod) {
  return !stringField(field(pod, "spec"), "nodeName").empty() && !podIsTerminal(pod);
}

bool toleratesTaints(const Json& tolerations, const Json& taints, std::string* untolerated) {
  if (!taints.is_array()) return true;
  for (const auto& taint : taints) {
    const std::string effect = stringField(taint, "effect");
    if (effect != "NoSchedule" && effect != "NoExecute") continue;
    const std::string key = stringField(taint, "key");
    const std::string value = stringField(taint, "value");
    bool tolerated = false;
    if (tolerations.is_array()) {
      for (const auto& t : tolerations) {
        const std::string t_effect = stringField(t, "effect");
        if (!t_effect.empty() && t_effect != effect) continue;
        const std::string t_key = stringField(t, "key");
        const std::string op = stringField(t, "operator");
        if (!t_key.empty() && t_key != key) continue;
        if (op == "Exists" || ((op.empty() || op == "Equal") && !t_key.empty() &&
                               stringField(t, "value") == value)) {
          tolerated = true;
          break;
        }
      }
    }
    if (!tolerated) {
      if (untolerated != nullptr) *untolerated = "{" + key + ": " + value + "}";
      return false;
    }
  }
  return true;
}

bool matchesNodeSelection(const Json& pod_spec, const Json& node) {
  const Json& selector = field(pod_spec, "nodeSelector");
  const Json& required = field(field(field(pod_spec, "affinity"), "nodeAffinity"),
                               "requiredDuringSchedulingIgnoredDuringExecution");
  const Json& terms = field(required, "nodeSelectorTerms");
  const bool any_terms = terms.is_array() && !terms.empty();
  // Most pods select nothing: no label map to build per node then.
  if ((!selector.is_object() || selector.empty()) && !any_terms) return true;
  const auto labels = labelsOf(node);
  if (selector.is_object()) {
    for (auto it = selector.begin(); it != selector.end(); ++it) {
      auto l = labels.find(it.key());
      if (l == labels.end() || !it->is_string() || l->second != it->get<std::string>()) {
        return false;
      }
    }
  }
  if (!any_terms) return true;
  const std::map<std::string, std::string> fields = {
      {"metadata.name", stringField(field(node, "metadata"), "name")}};
  return std::any_of(terms.begin(), terms.end(),
                     [&](const Json& term) { return matchTerm(term, labels, fields); });
}

namespace {

// fitFailures with the pod's effective request and the node's allocatable parsed by the caller
// (schedulePod parses each once per decision, not once per node and filter).
std::vector<std::string> fitFailures(const Json& pod, const ResourceAmounts& request,
                                     const Json& node, const ResourceAmounts& allocatable,
                                     const NodeUsage& usage) {
  const Json& spec = field(pod, "spec");
  const Json& node_spec = field(node, "spec");
  if (field(node_spec, "unschedulable") == true) {
    std::string ignored;
    const Json cordon = Json::array(
        {{{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}}});
    if (!toleratesTaints(field(spec, "tolerations"), cordon, &ignored)) {
      return {"node(s) were unschedulable"};
    }
  }
  std::string taint;
  // The node lifecycle controller taints nodes whose Ready condition is not True (absent
  // conditions count as ready: a bare Node object is schedulable here).
  for (const auto& c : field(field(node, "status"), "conditions")) {
    if (field(c, "type") != "Ready" || field(c, "status") == "True") continue;
    const Json not_ready = Json::array(
        {{{"key", c["status"] == "Unknown" ? "node.kubernetes.io/unreachable"
                                           : "node.kubernetes.io/not-ready"},
          {"effect", "NoSchedule"}}});
    if (!toleratesTaints(field(spec, "tolerations"), not_ready, &taint)) {
      return {"node(s) had untolerated taint " + taint};
    }
  }
  if (!toleratesTaints(field(spec, "tolerations"), field(node_spec, "taints"), &taint)) {
    return {"node(s) had untolerated taint " + taint};
  }
  if (!matchesNodeSelection(spec, node)) return {"node(s) didn't match Pod's node affinity/selector"};

  std::vector<std::string> out;
  auto pods_slot = allocatable.find("pods");
  const int64_t max_pods = pods_slot == allocatable.end() ? 0 : pods_slot->second / 1000;
  if (usage.pods + 1 > max_pods) out.push_back("Too many pods");
  for (const auto& [name, amount] : request) {
    if (amount <= 0) continue;
    auto have = allocatable.find(name);
    const int64_t capacity = have == allocatable.end() ? 0 : have->second;
    auto used = usage.requested.find(name);
    const int64_t in_use = used == usage.requested.end() ? 0 : used->second;
    if (in_use + amount > capacity) out.push_back("Insufficient " + name);
  }
  return out;
}

}  // namespace

std::vector<std::string> fitFailures(const Json& pod, const Json& node, const NodeUsage& usage) {
  return fitFailures(pod, podRequests(pod), node, nodeAllocatable(node), usage);
}

std::string unschedulableMessage(size_t node_count,
                                 const std::vector<std::vector<std::string>>& failures) {
  if (node_count == 0) return "no nodes available to schedule pods";
  std::map<std::string, int> histogram;
  for (const auto& reasons : failures) {
    for (const auto& r : reasons) histogram[r]++;
  }
  std::vector<std::string> parts;
  for (const auto& [reason, count] : histogram) parts.push_back(std::to_string(count) + " " + reason);
  std::sort(parts.begin(), parts.end());
  std::string out = "0/" + std::to_string(node_count) + " nodes are available";
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? ": " : ", ") + parts[i];
  return out + ".";
}

std::vector<CandidateNode> candidateNodes(const std::vector<Json>& nodes) {
  std::vector<CandidateNode> out;
  out.reserve(nodes.size());
  for (const auto& node : nodes) {
    out.push_back({node, stringField(field(node, "metadata"), "name"), nodeAllocatable(node)});
  }
  return out;
}

ScheduleDecision schedulePod(const Json& pod, const std::vector<Json>& nodes,
                             const std::map<std::string, NodeUsage>& usage) {
  return schedulePod(pod, candidateNodes(nodes), usage);
}

ScheduleDecision schedulePod(const Json& pod, const std::vector<CandidateNode>& nodes,
                             const std::map<std::string, NodeUsage>& usage) {
  ScheduleDecision decision;
  std::vector<std::vector<std::string>> failures;
  const ResourceAmounts request = podRequests(pod);
  double best = std::numeric_limits<double>::max();
  const NodeUsage empty;
  for (const auto& candidate : nodes) {
    const Json& node = candidate.node;
    const std::string& name = candidate.name;
    auto u = usage.find(name);
    const NodeUsage& node_usage = u == usage.end() ? empty : u->second;
    const ResourceAmounts& allocatable = candidate.allocatable;
    auto reasons = fitFailures(pod, request, node, allocatable, node_usage);
    if (!reasons.empty()) {
      failures.push_back(std::move(reasons));
      continue;
    }
    ResourceAmounts after = node_usage.requested;
    addAmounts(after, request);
    // Like the scheduler's non-zero request defaults (100m cpu, 200Mi memory), every pod
    // weighs something, so pods without requests spread too.
    double per_pod = 0;
    auto cpu = allocatable.find("cpu");
    if (cpu != allocatable.end() && cpu->second > 0) per_pod += 100.0 / static_cast<double>(cpu->second);
    auto mem = allocatable.find("memory");
    if (mem != allocatable.end() && mem->second > 0) {
      per_pod += 200.0 * 1024 * 1024 * 1000 / static_cast<double>(mem->second);
    }
    const double score = share(after, allocatable, "cpu") + share(after, allocatable, "memory") +
                         per_pod * static_cast<double>(node_usage.pods + 1);
    if (score < best || (score == best && name < decision.node)) {
      best = score;
      decision.node = name;
    }
  }
  if (decision.node.empty()) decision.message = unschedulableMessage(nodes.size(), failures);
  return decision;
}

}  // namespace flotilla::member
