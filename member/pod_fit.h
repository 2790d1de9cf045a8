// Pod-to-node fitting for the member simulator's scheduler: the effective resource request of a
// pod (max(sum of containers, largest init container) + overhead, requests defaulting to limits),
// the filters kube-scheduler runs in its default order (NodeUnschedulable, TaintToleration,
// NodeAffinity, NodeResourcesFit), the "0/3 nodes are available: ..." explanation when nothing
// fits, and a least-allocated choice among the nodes that do. Pure functions on JSON objects; the
// simulator hands in the nodes and what is already bound to them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::member {

using Json = nlohmann::json;

// Resource name -> amount in milli-units (cpu "500m" -> 500, memory "1Ki" -> 1024000).
using ResourceAmounts = std::map<std::string, int64_t>;

// A ResourceList JSON object as milli-units; unparsable entries are skipped.
ResourceAmounts parseResourceList(const Json& list);
// The effective request of a pod (does not include the "pods" slot itself).
ResourceAmounts podRequests(const Json& pod);
// status.qosClass: BestEffort (no requests or limits anywhere), Guaranteed (every container
// limits cpu and memory and requests equal limits), Burstable otherwise.
std::string podQosClass(const Json& pod_spec);
// node.status.allocatable (capacity when allocatable is absent).
ResourceAmounts nodeAllocatable(const Json& node);
void addAmounts(ResourceAmounts& into, const ResourceAmounts& more);

// A pod that holds node resources: bound and not finished.
bool podHoldsNode(const Json& pod);
bool podIsTerminal(const Json& pod);

// What the pods already bound to a node use.
struct NodeUsage {
  ResourceAmounts requested;
  int64_t pods = 0;
};

// True when the tolerations tolerate every NoSchedule/NoExecute taint. On false, `untolerated`
// names the first taint as kube-scheduler prints it ("{key: value}").
bool toleratesTaints(const Json& tolerations, const Json& taints, std::string* untolerated);
// nodeSelector and required node affinity of a pod spec against the node's labels (and name).
bool matchesNodeSelection(const Json& pod_spec, const Json& node);

// The reasons a node cannot take the pod, in kube-scheduler's words; empty when it fits. Like the
// scheduler, evaluation stops at the first failing filter, but the resource filter reports every
// insufficient resource.
std::vector<std::string> fitFailures(const Json& pod, const Json& node, const NodeUsage& usage);

// "0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu." from per-node failures
// (reason counts, sorted by text like the scheduler's histogram).
std::string unschedulableMessage(size_t node_count,
                                 const std::vector<std::vector<std::string>>& failures);

struct ScheduleDecision {
  std::string node;     // empty when the pod fits nowhere
  std::string message;  // the unschedulable explanation when node is empty
};

// A node as the scheduler weighs it for every pod: its name and allocatable parsed once (the
// simulator keeps these until a node changes) rather than once per pod.
struct CandidateNode {
  Json node;
  std::string name;
  ResourceAmounts allocatable;
};
std::vector<CandidateNode> candidateNodes(const std::vector<Json>& nodes);

// Picks the fitting node with the lowest requested share of cpu and memory after placement
// (ties by name), so replicas spread like with the default LeastAllocated score.
ScheduleDecision schedulePod(const Json& pod, const std::vector<CandidateNode>& nodes,
                             const std::map<std::string, NodeUsage>& usage);
ScheduleDecision schedulePod(const Json& pod, const std::vector<Json>& nodes,
                             const std::map<std::string, NodeUsage>& usage);

}  // namespace flotilla::member
