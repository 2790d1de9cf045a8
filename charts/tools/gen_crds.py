#!/usr/bin/env python3
"""Writes charts/flotilla/crds/*.yaml, the CustomResourceDefinitions Flotilla serves.

The YAML files are the source of truth that the API server embeds and Helm ships; this script only
exists so that shared shapes (ClusterAffinity, LabelSelector, Condition, ResourceList, ...) are
written once instead of being copied by hand into a dozen files. Edit a shape here, run

    /usr/bin/python3 charts/tools/gen_crds.py

and commit the regenerated YAML together with the script. `e2e/crd_check_test.py` fails when the
committed files drift from what this script produces, and checks that every schema is structural.

Field lists follow /work/shared/spec/karmada.md §1 (Karmada v1.19) and the KEP-1645 MCS API.
"""
import os
import sys

import yaml

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flotilla", "crds")

# ---------------------------------------------------------------------------------------------
# Schema building blocks


def obj(properties=None, required=None, desc=None, **extra):
    node = {"type": "object"}
    if desc:
        node["description"] = desc
    if properties:
        node["properties"] = properties
    if required:
        node["required"] = list(required)
    node.update(extra)
    return node


def arr(items, desc=None, **extra):
    node = {"type": "array"}
    if desc:
        node["description"] = desc
    node["items"] = items
    node.update(extra)
    return node


def s(desc=None, **extra):
    node = {"type": "string"}
    if desc:
        node["description"] = desc
    node.update(extra)
    return node


def enum(values, desc=None, default=None):
    node = s(desc)
    node["enum"] = list(values)
    if default is not None:
        node["default"] = default
    return node


def i32(desc=None, **extra):
    node = {"type": "integer", "format": "int32"}
    if desc:
        node["description"] = desc
    node.update(extra)
    return node


def i64(desc=None, **extra):
    node = {"type": "integer", "format": "int64"}
    if desc:
        node["description"] = desc
    node.update(extra)
    return node


def b(desc=None, **extra):
    node = {"type": "boolean"}
    if desc:
        node["description"] = desc
    node.update(extra)
    return node


def strmap(desc=None):
    return obj(desc=desc, additionalProperties=s())


def strlist(desc=None, **extra):
    return arr(s(), desc, **extra)


def timestamp(desc=None):
    return s(desc, format="date-time")


def raw(desc=None):
    """An arbitrary JSON object Karmada stores verbatim (RawExtension)."""
    node = obj(desc=desc)
    node["x-kubernetes-preserve-unknown-fields"] = True
    return node


def embedded_object(desc=None):
    """A whole Kubernetes object stored inline (apiVersion/kind/metadata are validated)."""
    node = raw(desc)
    node["x-kubernetes-embedded-resource"] = True
    return node


def any_value(desc=None):
    """Any JSON value (apiextensionsv1.JSON): no type, unknown fields preserved."""
    node = {"x-kubernetes-preserve-unknown-fields": True}
    if desc:
        node["description"] = desc
    return node


def quantity(desc=None):
    node = {
        "anyOf": [{"type": "integer"}, {"type": "string"}],
        "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        "x-kubernetes-int-or-string": True,
    }
    if desc:
        node["description"] = desc
    return node


def resource_list(desc=None):
    return obj(desc=desc, additionalProperties=quantity())


def int_or_string(desc=None):
    node = {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True}
    if desc:
        node["description"] = desc
    return node


def label_selector(desc="A label query over a set of resources (metav1.LabelSelector)."):
    return obj(
        {
            "matchExpressions": arr(
                obj(
                    {
                        "key": s("The label key the selector applies to."),
                        "operator": s("One of In, NotIn, Exists and DoesNotExist."),
                        "values": strlist("Values for In/NotIn; empty for Exists/DoesNotExist.",
                                          **{"x-kubernetes-list-type": "atomic"}),
                    },
                    ["key", "operator"],
                ),
                "Requirements, ANDed.",
                **{"x-kubernetes-list-type": "atomic"},
            ),
            "matchLabels": strmap("Exact key/value pairs, ANDed with matchExpressions."),
        },
        desc=desc,
        **{"x-kubernetes-map-type": "atomic"},
    )


def node_selector_requirement(desc=None):
    return obj(
        {
            "key": s("The key the selector applies to."),
            "operator": s("One of In, NotIn, Exists, DoesNotExist, Gt, Lt."),
            "values": strlist(**{"x-kubernetes-list-type": "atomic"}),
        },
        ["key", "operator"],
        desc=desc,
    )


def node_selector():
    term = obj(
        {
            "matchExpressions": arr(node_selector_requirement(), "Requirements by node labels.",
                                    **{"x-kubernetes-list-type": "atomic"}),
            "matchFields": arr(node_selector_requirement(), "Requirements by node fields.",
                               **{"x-kubernetes-list-type": "atomic"}),
        },
        **{"x-kubernetes-map-type": "atomic"},
    )
    return obj(
        {"nodeSelectorTerms": arr(term, "Terms, ORed.", **{"x-kubernetes-list-type": "atomic"})},
        ["nodeSelectorTerms"],
        desc="Required node affinity of the replicas (corev1.NodeSelector).",
        **{"x-kubernetes-map-type": "atomic"},
    )


def toleration():
    return obj({
        "effect": s("Taint effect to match; empty matches all (NoSchedule, PreferNoSchedule, "
                    "NoExecute)."),
        "key": s("Taint key; empty with operator Exists matches all taints."),
        "operator": s("Exists or Equal (default Equal)."),
        "tolerationSeconds": i64("How long a NoExecute taint is tolerated; unset = forever."),
        "value": s("Taint value to match when operator is Equal."),
    })


def taint():
    return obj(
        {
            "effect": s("NoSchedule, PreferNoSchedule or NoExecute."),
            "key": s("Taint key."),
            "timeAdded": timestamp("When a NoExecute taint was added."),
            "value": s("Taint value."),
        },
        ["effect", "key"],
    )


def condition():
    return obj(
        {
            "lastTransitionTime": timestamp("Last time the condition changed status."),
            "message": s("Human readable details.", maxLength=32768),
            "observedGeneration": i64("metadata.generation the condition was set for.",
                                      minimum=0),
            "reason": s("CamelCase reason of the last transition.", maxLength=1024, minLength=1,
                        pattern=r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"),
            "status": enum(["True", "False", "Unknown"], "Status of the condition."),
            "type": s("Condition type in CamelCase.", maxLength=316,
                      pattern=r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"),
        },
        ["lastTransitionTime", "message", "reason", "status", "type"],
    )


def conditions(desc="Latest observations of the object's state."):
    return arr(condition(), desc, **{"x-kubernetes-list-map-keys": ["type"],
                                     "x-kubernetes-list-type": "map"})


def field_selector():
    return obj(
        {"matchExpressions": arr(node_selector_requirement(),
                                 "Requirements over the cluster fields provider, region and zone "
                                 "(operators In and NotIn).")},
        desc="Cluster selection by cluster fields.",
    )


def cluster_affinity_props():
    return {
        "clusterNames": strlist("Cluster names; empty means any cluster."),
        "exclude": strlist("Cluster names that never match."),
        "fieldSelector": field_selector(),
        "labelSelector": label_selector("Selects clusters by their labels."),
    }


def cluster_affinity(desc="Selects member clusters; all criteria are ANDed."):
    return obj(cluster_affinity_props(), desc=desc)


def resource_selectors(desc, min_items=None):
    sel = obj(
        {
            "apiVersion": s("API version of the target resources."),
            "kind": s("Kind of the target resources."),
            "labelSelector": label_selector("Selects resources by label; ignored when name is "
                                            "set."),
            "name": s("Name of the target resource; empty selects all."),
            "namespace": s("Namespace of the target resource; empty inherits the policy scope."),
        },
        ["apiVersion", "kind"],
    )
    extra = {}
    if min_items is not None:
        extra["minItems"] = min_items
    return arr(sel, desc, **extra)


def state_preservation():
    return obj(
        {"rules": arr(
            obj(
                {
                    "aliasLabelName": s("Label key under which the preserved value is injected."),
                    "jsonPath": s("JSONPath evaluated relative to the object's .status."),
                },
                ["aliasLabelName", "jsonPath"],
            ),
            "What to preserve from the failed cluster.",
        )},
        ["rules"],
        desc="State carried over to the new cluster on failover.",
    )


def placement():
    cluster_affinity_term = obj(
        {
            "affinityName": s("Name of the group, unique within the policy.", maxLength=32,
                              minLength=1),
            **cluster_affinity_props(),
            "overflowAffinities": arr(
                obj({"affinityName": s("Name of the overflow tier.", maxLength=32, minLength=1),
                     **cluster_affinity_props()}, ["affinityName"]),
                "Tiers that take replicas the group cannot hold, in order.",
            ),
        },
        ["affinityName"],
    )
    static_weight = obj(
        {
            "targetCluster": cluster_affinity("Clusters this weight applies to."),
            "weight": i64("Relative weight.", minimum=1),
        },
        ["targetCluster", "weight"],
    )
    group_by = obj({"groupByLabelKey": s("Workload label key whose value forms a group.")},
                   ["groupByLabelKey"])
    return obj({
        "clusterAffinities": arr(cluster_affinity_term,
                                 "Ordered cluster groups; the scheduler uses the first that fits."),
        "clusterAffinity": cluster_affinity("Clusters the resources may be placed on."),
        "clusterTolerations": arr(toleration(), "Cluster taints the placement tolerates."),
        "replicaScheduling": obj(
            {
                "replicaDivisionPreference": enum(["Aggregated", "Weighted"],
                                                  "How Divided replicas are split."),
                "replicaSchedulingType": enum(["Duplicated", "Divided"],
                                              "Duplicate or divide replicas.", default="Divided"),
                "weightPreference": obj(
                    {
                        "dynamicWeight": enum(["AvailableReplicas"],
                                              "Derive weights dynamically; overrides the static "
                                              "list."),
                        "staticWeightList": arr(static_weight, "Static weights per cluster."),
                    },
                    desc="Weights for Divided+Weighted.",
                ),
            },
            desc="How replicas are scheduled; omitted means Duplicated.",
        ),
        "spreadConstraints": arr(
            obj({
                "maxGroups": {"type": "integer", "description": "Most groups to select."},
                "minGroups": {"type": "integer", "description": "Fewest groups to select."},
                "spreadByField": enum(["cluster", "region", "zone", "provider"],
                                      "Cluster field that forms the groups."),
                "spreadByLabel": s("Cluster label that forms the groups."),
            }),
            "How clusters are spread over groups.",
        ),
        "workloadAffinity": obj(
            {"affinity": group_by, "antiAffinity": group_by},
            desc="Co-locate or separate workloads across clusters by a workload label.",
        ),
    }, desc="Where the selected resources go.")


def propagation_spec():
    return obj(
        {
            "activationPreference": enum(["Lazy"], "Lazy: policy changes take effect on the next "
                                         "template change."),
            "association": b("Deprecated; superseded by propagateDeps."),
            "conflictResolution": enum(["Abort", "Overwrite"],
                                       "What to do when the resource already exists in a member.",
                                       default="Abort"),
            "dependentOverrides": strlist("Override policies that must exist before this policy "
                                          "applies."),
            "failover": obj(
                {
                    "application": obj(
                        {
                            "decisionConditions": obj(
                                {"tolerationSeconds": i32("Seconds an unhealthy state is "
                                                          "tolerated.", default=300, minimum=0)},
                                desc="When the application counts as failed.",
                            ),
                            "gracePeriodSeconds": i32("Seconds to wait for the new placement "
                                                      "before purging (Gracefully).",
                                                      minimum=1),
                            "purgeMode": enum(["Directly", "Gracefully", "Never"],
                                              "How the old copy is removed.",
                                              default="Gracefully"),
                            "statePreservation": state_preservation(),
                        },
                        ["decisionConditions"],
                        desc="Application failover.",
                    ),
                    "cluster": obj(
                        {
                            "purgeMode": enum(["Directly", "Gracefully"],
                                              "How the old copy is removed.",
                                              default="Gracefully"),
                            "statePreservation": state_preservation(),
                        },
                        desc="Cluster failover.",
                    ),
                },
                desc="Failover behaviour; unset means no application failover.",
            ),
            "placement": placement(),
            "preemption": enum(["Always", "Never"], "Whether the policy may take over resources "
                               "claimed by others.", default="Never"),
            "preserveResourcesOnDeletion": b("Keep member resources when the template is "
                                             "deleted."),
            "priority": i32("Explicit priority; higher wins.", default=0),
            "propagateDeps": b("Propagate referenced ConfigMaps, Secrets, ServiceAccounts, PVCs.",
                               default=False),
            "resourceSelectors": resource_selectors("Resources the policy propagates.",
                                                    min_items=1),
            "schedulePriority": obj(
                {
                    "priorityClassName": s("Name of the PriorityClass."),
                    "priorityClassSource": enum(["KubePriorityClass"],
                                                "Where the priority class is looked up."),
                },
                ["priorityClassName", "priorityClassSource"],
                desc="Scheduling priority of the resulting bindings.",
            ),
            "schedulerName": s("Scheduler that handles the bindings.",
                               default="default-scheduler"),
            "suspension": obj(
                {
                    "dispatching": b("Stop dispatching to all clusters."),
                    "dispatchingOnClusters": obj(
                        {"clusterNames": strlist("Clusters to stop dispatching to.")},
                        desc="Stop dispatching to some clusters.",
                    ),
                },
                desc="Suspends dispatching.",
            ),
        },
        ["resourceSelectors"],
        desc="Which resources are propagated and where.",
    )


def overriders():
    op3 = ["add", "remove", "replace"]
    sub_ops = arr(
        obj(
            {
                "operator": enum(op3, "Operation."),
                "subPath": s("JSON pointer inside the parsed document."),
                "value": any_value("Value for add/replace."),
            },
            ["operator", "subPath"],
        )
    )
    cmd_args = arr(
        obj(
            {
                "containerName": s("Container to change."),
                "operator": enum(["add", "remove"], "Operation."),
                "value": strlist("Items to add or remove."),
            },
            ["containerName", "operator"],
        )
    )
    label_annot = arr(
        obj(
            {"operator": enum(op3, "Operation."), "value": strmap("Keys and values.")},
            ["operator"],
        )
    )
    return obj(
        {
            "annotationsOverrider": label_annot,
            "argsOverrider": cmd_args,
            "commandOverrider": cmd_args,
            "fieldOverrider": arr(
                obj(
                    {
                        "fieldPath": s("JSON pointer to a string field holding JSON or YAML."),
                        "json": sub_ops,
                        "yaml": sub_ops,
                    },
                    ["fieldPath"],
                )
            ),
            "imageOverrider": arr(
                obj(
                    {
                        "component": enum(["Registry", "Repository", "Tag"],
                                          "Image part to change."),
                        "operator": enum(op3, "Operation."),
                        "predicate": obj({"path": s("JSON pointer to the image string.")},
                                         ["path"], desc="Where the image is."),
                        "value": s("Value for add/replace."),
                    },
                    ["component", "operator"],
                )
            ),
            "labelsOverrider": label_annot,
            "plaintext": arr(
                obj(
                    {
                        "operator": enum(op3, "JSON patch operation."),
                        "path": s("JSON pointer of the field."),
                        "value": any_value("Value for add/replace; empty for remove."),
                    },
                    ["operator", "path"],
                )
            ),
        },
        desc="Changes applied to the resource for the matching clusters.",
    )


def override_spec():
    return obj(
        {
            "overrideRules": arr(
                obj(
                    {
                        "overriders": overriders(),
                        "targetCluster": cluster_affinity("Clusters the rule applies to; unset = "
                                                          "all."),
                    },
                    ["overriders"],
                ),
                "Rules applied in order.",
            ),
            "overriders": overriders(),
            "resourceSelectors": resource_selectors("Resources to override; empty selects all."),
            "targetCluster": cluster_affinity("Deprecated: use overrideRules."),
        },
        desc="Per-cluster overrides of propagated resources.",
    )


# ---------------------------------------------------------------------------------------------
# CRD assembly


def crd(group, kind, plural, scope, versions, short_names=(), categories=(), singular=None):
    names = {"kind": kind, "listKind": kind + "List", "plural": plural,
             "singular": singular or kind.lower()}
    if short_names:
        names["shortNames"] = list(short_names)
    if categories:
        names["categories"] = list(categories)
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.{group}",
            "labels": {"app.kubernetes.io/part-of": "flotilla"},
        },
        "spec": {
            "group": group,
            "names": names,
            "scope": scope,
            "versions": versions,
        },
    }


def version(name, spec, status=None, columns=(), storage=True, status_subresource=False,
            desc=None, required_spec=False, deprecated=False, metadata=None):
    props = {
        "apiVersion": s("Versioned schema of this representation of an object."),
        "kind": s("REST resource this object represents."),
        "metadata": metadata or {"type": "object"},
        "spec": spec,
    }
    if status is not None:
        props["status"] = status
    schema = obj(props, ["spec"] if required_spec else None, desc=desc)
    v = {"name": name, "served": True, "storage": storage}
    if deprecated:
        v["deprecated"] = True
    if columns:
        v["additionalPrinterColumns"] = list(columns)
    v["schema"] = {"openAPIV3Schema": schema}
    if status_subresource:
        v["subresources"] = {"status": {}}
    return v


def col(name, json_path, type_="string", priority=None, desc=None):
    c = {"name": name, "type": type_, "jsonPath": json_path}
    if priority:
        c["priority"] = priority
    if desc:
        c["description"] = desc
    return c


AGE = col("Age", ".metadata.creationTimestamp", "date")


def propagation_policies():
    cols = [col("Conflict-Resolution", ".spec.conflictResolution"),
            col("Priority", ".spec.priority", "integer"), AGE]
    pp = crd("policy.karmada.io", "PropagationPolicy", "propagationpolicies", "Namespaced",
             [version("v1alpha1", propagation_spec(), columns=cols, required_spec=True,
                      desc="Selects namespaced resource templates and says which clusters "
                           "they are propagated to.")],
             short_names=["pp"], categories=["karmada-io"])
    cpp = crd("policy.karmada.io", "ClusterPropagationPolicy", "clusterpropagationpolicies",
              "Cluster",
              [version("v1alpha1", propagation_spec(), columns=cols, required_spec=True,
                       desc="Selects namespaced and cluster-scoped resource templates and says "
                            "which clusters they are propagated to.")],
              short_names=["cpp"], categories=["karmada-io"])
    return {"policy.karmada.io_propagationpolicies.yaml": pp,
            "policy.karmada.io_clusterpropagationpolicies.yaml": cpp}


def override_policies():
    op = crd("policy.karmada.io", "OverridePolicy", "overridepolicies", "Namespaced",
             [version("v1alpha1", override_spec(), columns=[AGE], required_spec=True,
                      desc="Per-cluster changes to resources propagated from its namespace.")],
             short_names=["op"], categories=["karmada-io"])
    cop = crd("policy.karmada.io", "ClusterOverridePolicy", "clusteroverridepolicies", "Cluster",
              [version("v1alpha1", override_spec(), columns=[AGE], required_spec=True,
                       desc="Per-cluster changes to any propagated resource.")],
              short_names=["cop"], categories=["karmada-io"])
    return {"policy.karmada.io_overridepolicies.yaml": op,
            "policy.karmada.io_clusteroverridepolicies.yaml": cop}


def cluster_taint_policy():
    match = arr(
        obj(
            {
                "conditionType": s("Cluster condition type."),
                "operator": enum(["In", "NotIn"], "How statusValues are compared."),
                "statusValues": arr(enum(["True", "False", "Unknown"]), "Condition statuses."),
            },
            ["conditionType", "operator", "statusValues"],
        )
    )
    spec = obj(
        {
            "addOnConditions": match,
            "removeOnConditions": match,
            "targetClusters": cluster_affinity("Clusters the policy watches; unset = all."),
            "taints": arr(
                obj(
                    {
                        "effect": enum(["NoSchedule", "NoExecute"], "Taint effect."),
                        "key": s("Taint key."),
                        "value": s("Taint value."),
                    },
                    ["effect", "key"],
                ),
                "Taints to add or remove.",
                minItems=1,
            ),
        },
        ["taints"],
        desc="Adds and removes cluster taints from cluster conditions.",
    )
    c = crd("policy.karmada.io", "ClusterTaintPolicy", "clustertaintpolicies", "Cluster",
            [version("v1alpha1", spec, columns=[AGE], required_spec=True,
                     desc="Taints clusters whose conditions match.")],
            categories=["karmada-io"])
    return {"policy.karmada.io_clustertaintpolicies.yaml": c}


def federated_resource_quota():
    spec = obj(
        {
            "overall": resource_list("Total quota across all clusters."),
            "staticAssignments": arr(
                obj({"clusterName": s("Member cluster."),
                     "hard": resource_list("Quota in that cluster.")},
                    ["clusterName", "hard"]),
                "Fixed per-cluster quotas.",
            ),
        },
        ["overall"],
    )
    status = obj({
        "aggregatedStatus": arr(
            obj({"clusterName": s("Member cluster."), "hard": resource_list("Enforced quota."),
                 "used": resource_list("Observed usage.")}, ["clusterName"]),
            "Per-cluster quota and usage.",
        ),
        "overall": resource_list("Total quota."),
        "overallUsed": resource_list("Total usage."),
    })
    c = crd("policy.karmada.io", "FederatedResourceQuota", "federatedresourcequotas",
            "Namespaced",
            [version("v1alpha1", spec, status,
                     columns=[col("Overall", ".status.overall"),
                              col("Overall_Used", ".status.overallUsed"), AGE],
                     status_subresource=True, required_spec=True,
                     desc="A namespace quota across member clusters.")],
            categories=["karmada-io"])
    return {"policy.karmada.io_federatedresourcequotas.yaml": c}


def cluster():
    ref = obj({"name": s("Secret name."), "namespace": s("Secret namespace.")},
              ["name", "namespace"])
    spec = obj(
        {
            "apiEndpoint": s("URL of the member's API server."),
            "id": s("Unique cluster identity collected at registration.", maxLength=128000),
            "impersonatorSecretRef": ref,
            "insecureSkipTLSVerification": b("Skip TLS verification of the member API server."),
            "provider": s("Cloud provider name."),
            "proxyHeader": strmap("Headers sent to the proxy."),
            "proxyURL": s("Proxy used to reach the member (http, https or socks5)."),
            "region": s("Region of the member."),
            "resourceModels": arr(
                obj(
                    {
                        "grade": {"type": "integer", "minimum": 0,
                                  "description": "Grade index of the model."},
                        "ranges": arr(
                            obj({"max": quantity("Upper bound (exclusive)."),
                                 "min": quantity("Lower bound (inclusive)."),
                                 "name": s("Resource name.")}, ["max", "min", "name"]),
                            "Resource ranges of this grade.",
                        ),
                    },
                    ["grade", "ranges"],
                ),
                "Node size grades used to summarise allocatable resources.",
            ),
            "secretRef": ref,
            "syncMode": enum(["Push", "Pull"], "How Works reach the member."),
            "taints": arr(taint(), "Cluster taints."),
            "zone": s("Deprecated: use zones."),
            "zones": strlist("Zones of the member."),
        },
        ["syncMode"],
    )
    status = obj({
        "apiEnablements": arr(
            obj({"groupVersion": s("API group/version."),
                 "resources": arr(obj({"kind": s("Kind."), "name": s("Plural resource name.")},
                                      ["kind", "name"]))},
                ["groupVersion"]),
            "APIs the member serves.",
        ),
        "conditions": conditions(),
        "kubernetesVersion": s("Member Kubernetes version."),
        "nodeSummary": obj({"readyNum": i32("Ready nodes."), "totalNum": i32("All nodes.")}),
        "remedyActions": strlist("Remedy actions to perform."),
        "resourceSummary": obj({
            "allocatable": resource_list("Sum of node allocatable."),
            "allocatableModelings": arr(
                obj({"count": {"type": "integer", "description": "Nodes in the grade."},
                     "grade": {"type": "integer", "minimum": 0, "description": "Grade."}},
                    ["count", "grade"])),
            "allocated": resource_list("Requests of scheduled pods."),
            "allocating": resource_list("Requests of pending pods."),
        }),
    })
    cols = [
        col("Version", ".status.kubernetesVersion"),
        col("Mode", ".spec.syncMode"),
        col("Ready", '.status.conditions[?(@.type=="Ready")].status'),
        AGE,
        col("Zones", ".spec.zones", priority=1),
        col("Region", ".spec.region", priority=1),
        col("Provider", ".spec.provider", priority=1),
        col("API-Endpoint", ".spec.apiEndpoint", priority=1),
        col("Proxy-URL", ".spec.proxyURL", priority=1),
    ]
    c = crd("cluster.karmada.io", "Cluster", "clusters", "Cluster",
            [version("v1alpha1", spec, status, columns=cols, status_subresource=True,
                     required_spec=True, desc="A member cluster.",
                     # names end up in labels and in karmada-es-<name> namespaces
                     metadata=obj({"name": s(maxLength=48)}))],
            categories=["karmada-io"])
    return {"cluster.karmada.io_clusters.yaml": c}


def object_reference():
    return obj(
        {
            "apiVersion": s("API version of the template."),
            "kind": s("Kind of the template."),
            "name": s("Name of the template."),
            "namespace": s("Namespace of the template; empty for cluster-scoped."),
            "resourceVersion": s("resourceVersion of the template."),
            "uid": s("UID of the template."),
        },
        ["apiVersion", "kind", "name"],
    )


def node_claim():
    return obj({
        "hardNodeAffinity": node_selector(),
        "nodeSelector": strmap("Node labels the replicas require."),
        "tolerations": arr(toleration(), "Node taints the replicas tolerate."),
    }, desc="Node constraints of one replica.")


def aggregated_status():
    return arr(
        obj(
            {
                "applied": b("Whether the Work was applied in the cluster."),
                "appliedMessage": s("Why applying failed."),
                "clusterName": s("Member cluster."),
                "health": enum(["Healthy", "Unhealthy", "Unknown"], "Health in that cluster."),
                "status": raw("Status collected from the member."),
            },
            ["clusterName"],
        ),
        "Status per member cluster.",
    )


def binding_v1alpha2():
    target_cluster = obj(
        {
            "components": arr(obj({"name": s("Component."), "replicas": i32("Replicas.")},
                                  ["name", "replicas"])),
            "name": s("Member cluster."),
            "replicas": i32("Replicas in the cluster."),
        },
        ["name"],
    )
    eviction_task = obj(
        {
            "clustersBeforeFailover": strlist("Clusters before the failover."),
            "creationTimestamp": timestamp("When the eviction controller first saw the task."),
            "fromCluster": s("Cluster being evicted."),
            "gracePeriodSeconds": i32("Seconds to keep the old copy."),
            "message": s("Details.", maxLength=1024),
            "preservedLabelState": strmap("State carried to the new cluster."),
            "producer": s("Who created the task."),
            "purgeMode": enum(["Directly", "Gracefully", "Never", "Immediately", "Graciously"],
                              "How the old copy is removed."),
            "reason": s("Why.", maxLength=32, minLength=1,
                        pattern=r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"),
            "replicas": i32("Replicas that were in the cluster."),
            "suppressDeletion": b("Keep the old copy until unset."),
        },
        ["fromCluster", "producer", "reason"],
    )
    replica_requirements = obj({
        "namespace": s("Namespace of the workload."),
        "nodeClaim": node_claim(),
        "priorityClassName": s("PriorityClass of the replicas."),
        "resourceRequest": resource_list("Resources one replica requests."),
    }, desc="What one replica needs.")
    failover = propagation_spec()["properties"]["failover"]
    spec = obj(
        {
            "clusters": arr(target_cluster, "Scheduling result."),
            "components": arr(
                obj({
                    "name": s("Component name.", maxLength=32),
                    "replicaRequirements": obj({
                        "nodeClaim": node_claim(),
                        "priorityClassName": s("PriorityClass of the replicas."),
                        "resourceRequest": resource_list("Resources one replica requests."),
                    }),
                    "replicas": i32("Replicas of the component."),
                }, ["name", "replicas"]),
                "Pod templates of a multi-template workload.",
            ),
            "conflictResolution": enum(["Abort", "Overwrite"], "Copied from the policy.",
                                       default="Abort"),
            "failover": failover,
            "gracefulEvictionTasks": arr(eviction_task, "Clusters being evicted."),
            "placement": placement(),
            "preserveResourcesOnDeletion": b("Keep member resources when deleted."),
            "propagateDeps": b("Propagate dependencies."),
            "replicaRequirements": replica_requirements,
            "replicas": i32("Replicas of the workload."),
            "requiredBy": arr(
                obj({"clusters": arr(target_cluster), "name": s("Binding name."),
                     "namespace": s("Binding namespace.")}, ["name"]),
                "Bindings this dependency binding follows.",
            ),
            "rescheduleTriggeredAt": timestamp("Reschedule if later than lastScheduledTime."),
            "resource": object_reference(),
            "schedulePriority": obj({"priority": i32("Priority value.", default=0)}),
            "schedulerName": s("Scheduler that handles this binding."),
            "suspension": obj({
                "dispatching": b("Stop dispatching."),
                "dispatchingOnClusters": obj({"clusterNames": strlist()}),
                "scheduling": b("Stop scheduling."),
            }),
            "workloadAffinityGroups": obj({
                "affinityGroup": s('"<labelKey>=<labelValue>" of the affinity group.'),
                "antiAffinityGroup": s('"<labelKey>=<labelValue>" of the anti-affinity group.'),
            }),
        },
        ["resource"],
    )
    status = obj({
        "aggregatedStatus": aggregated_status(),
        "conditions": conditions(),
        "lastScheduledTime": timestamp("Last successful schedule."),
        "schedulerObservedGeneration": i64("Generation the scheduler last observed."),
        "schedulerObservingAffinityName": s("ClusterAffinityTerm the result is based on."),
    })
    return spec, status


def binding_v1alpha1():
    spec = obj(
        {
            "clusters": arr(obj({"name": s("Member cluster."), "replicas": i32("Replicas.")},
                                ["name"]), "Scheduling result."),
            "replicaRequirements": obj({
                "nodeClaim": node_claim(),
                "resourceRequest": resource_list("Resources one replica requests."),
            }),
            "replicas": i32("Replicas of the workload."),
            "resource": object_reference(),
        },
        ["resource"],
    )
    status = obj({"aggregatedStatus": aggregated_status(), "conditions": conditions()})
    return spec, status


def bindings():
    cols = [col("Scheduled", '.status.conditions[?(@.type=="Scheduled")].status'),
            col("FullyApplied", '.status.conditions[?(@.type=="FullyApplied")].status'), AGE]
    out = {}
    for kind, plural, scope, short in [
        ("ResourceBinding", "resourcebindings", "Namespaced", "rb"),
        ("ClusterResourceBinding", "clusterresourcebindings", "Cluster", "crb"),
    ]:
        spec1, status1 = binding_v1alpha1()
        spec2, status2 = binding_v1alpha2()
        c = crd("work.karmada.io", kind, plural, scope, [
            version("v1alpha1", spec1, status1, columns=cols, storage=False,
                    status_subresource=True, required_spec=True,
                    desc="Binding of a resource template to member clusters (old version)."),
            version("v1alpha2", spec2, status2, columns=cols, storage=True,
                    status_subresource=True, required_spec=True,
                    desc="Binding of a resource template to member clusters."),
        ], short_names=[short], categories=["karmada-io"])
        out[f"work.karmada.io_{plural}.yaml"] = c
    return out


def work():
    spec = obj({
        "preserveResourcesOnDeletion": b("Keep member resources when the Work is deleted."),
        "suspendDispatching": b("Do not dispatch to the member."),
        "workload": obj({"manifests": arr(embedded_object("One manifest."),
                                          "Resources to apply.")},
                        desc="The resources to apply."),
    })
    status = obj({
        "conditions": conditions(),
        "manifestStatuses": arr(
            obj(
                {
                    "health": enum(["Healthy", "Unhealthy", "Unknown"], "Health."),
                    "identifier": obj(
                        {
                            "group": s("API group."),
                            "kind": s("Kind."),
                            "name": s("Name."),
                            "namespace": s("Namespace."),
                            "ordinal": {"type": "integer", "description":
                                        "Index of the manifest."},
                            "resource": s("Plural resource name."),
                            "version": s("API version."),
                        },
                        ["kind", "name", "ordinal", "resource", "version"],
                    ),
                    "status": raw("Status reflected from the member."),
                },
                ["identifier"],
            ),
            "Status per manifest.",
        ),
    })
    cols = [col("Workload-Kind", ".spec.workload.manifests[*].kind"),
            col("Applied", '.status.conditions[?(@.type=="Applied")].status'), AGE]
    c = crd("work.karmada.io", "Work", "works", "Namespaced",
            [version("v1alpha1", spec, status, columns=cols, status_subresource=True,
                     required_spec=True, desc="Resources to apply in one member cluster.")],
            short_names=["wk"], categories=["karmada-io"])
    return {"work.karmada.io_works.yaml": c}


def service_status():
    return obj({
        "conditions": conditions(),
        "loadBalancer": obj({"ingress": arr(obj({
            "hostname": s("DNS name of the ingress point."),
            "ip": s("IP of the ingress point."),
            "ipMode": s("VIP or Proxy."),
            "ports": arr(obj({"error": s("Problem with the port."),
                              "port": i32("Port number."),
                              "protocol": s("TCP, UDP or SCTP.")}, ["port", "protocol"])),
        }))}),
    })


def networking():
    name_list = arr(obj({"name": s("Cluster name.")}, ["name"]))
    mcs_spec = obj(
        {
            "consumerClusters": name_list,
            "ports": arr(obj({"name": s("Port name."), "port": i32("Port number.")}, ["port"]),
                         "Ports to expose; empty = all ports of the Service."),
            "providerClusters": name_list,
            "range": obj({"clusterNames": strlist()}, desc="Deprecated."),
            "serviceConsumptionClusters": strlist("Deprecated."),
            "serviceProvisionClusters": strlist("Deprecated."),
            "types": arr(enum(["CrossCluster", "LoadBalancer"]), "How the service is exposed."),
        },
        ["types"],
    )
    mcs = crd("networking.karmada.io", "MultiClusterService", "multiclusterservices",
              "Namespaced",
              [version("v1alpha1", mcs_spec, service_status(), status_subresource=True,
                       required_spec=True, desc="Exposes a Service across clusters.")],
              short_names=["mcs"], categories=["karmada-io"])

    backend = obj({
        "resource": obj({"apiGroup": s(), "kind": s(), "name": s()}, ["kind", "name"],
                        **{"x-kubernetes-map-type": "atomic"}),
        "service": obj({"name": s("Service name."),
                        "port": obj({"name": s("Port name."), "number": i32("Port number.")})},
                       ["name"]),
    })
    ingress_spec = obj({
        "defaultBackend": backend,
        "ingressClassName": s("IngressClass."),
        "rules": arr(obj({
            "host": s("Host name."),
            "http": obj({"paths": arr(obj({"backend": backend, "path": s("URL path."),
                                           "pathType": s("Exact, Prefix or "
                                                         "ImplementationSpecific.")},
                                          ["backend", "pathType"]),
                                      **{"x-kubernetes-list-type": "atomic"})},
                        ["paths"]),
        }), **{"x-kubernetes-list-type": "atomic"}),
        "tls": arr(obj({"hosts": strlist(**{"x-kubernetes-list-type": "atomic"}),
                        "secretName": s("TLS secret.")}),
                   **{"x-kubernetes-list-type": "atomic"}),
    })
    mci_status = obj({
        "loadBalancer": service_status()["properties"]["loadBalancer"],
        "trafficBlockClusters": arr(obj({"name": s("Cluster name.")}, ["name"]),
                                    "Clusters receiving no traffic."),
    })
    mci = crd("networking.karmada.io", "MultiClusterIngress", "multiclusteringresses",
              "Namespaced",
              [version("v1alpha1", ingress_spec, mci_status, status_subresource=True,
                       desc="An Ingress across clusters.")],
              short_names=["mci"], categories=["karmada-io"])
    return {"networking.karmada.io_multiclusterservices.yaml": mcs,
            "networking.karmada.io_multiclusteringresses.yaml": mci}


def mcs_api():
    export_status = obj({"conditions": arr(
        obj({
            "lastTransitionTime": timestamp(),
            "message": s(),
            "reason": s(),
            "status": enum(["True", "False", "Unknown"]),
            "type": s(),
        }, ["status", "type"]),
        "Export conditions.",
        **{"x-kubernetes-list-map-keys": ["type"], "x-kubernetes-list-type": "map"},
    )})
    export_schema = obj(
        {
            "apiVersion": s("Versioned schema of this representation of an object."),
            "kind": s("REST resource this object represents."),
            "metadata": {"type": "object"},
            "status": export_status,
        },
        desc="Declares that the same-named Service is exported to the cluster set.",
    )
    export = crd("multicluster.x-k8s.io", "ServiceExport", "serviceexports", "Namespaced",
                 [{"name": "v1alpha1", "served": True, "storage": True,
                   "additionalPrinterColumns": [AGE],
                   "schema": {"openAPIV3Schema": export_schema},
                   "subresources": {"status": {}}}],
                 short_names=["svcex"])
    import_spec = obj(
        {
            "ips": arr(s(), "IPs of the imported service.", maxItems=1),
            "ports": arr(obj({
                "appProtocol": s("Application protocol."),
                "name": s("Port name."),
                "port": i32("Port number."),
                "protocol": s("TCP, UDP or SCTP.", default="TCP"),
            }, ["port"]), **{"x-kubernetes-list-type": "atomic"}),
            "sessionAffinity": s("ClientIP or None."),
            "sessionAffinityConfig": obj({"clientIP": obj({"timeoutSeconds": i32()})}),
            "type": enum(["ClusterSetIP", "Headless"], "How the import is exposed."),
        },
        ["ports", "type"],
    )
    import_status = obj({"clusters": arr(obj({"cluster": s("Exporting cluster.")}, ["cluster"]),
                                         "Clusters exporting the service.",
                                         **{"x-kubernetes-list-map-keys": ["cluster"],
                                            "x-kubernetes-list-type": "map"})})
    imp = crd("multicluster.x-k8s.io", "ServiceImport", "serviceimports", "Namespaced",
              [version("v1alpha1", import_spec, import_status,
                       columns=[col("Type", ".spec.type"), col("IP", ".spec.ips"), AGE],
                       status_subresource=True, required_spec=False,
                       desc="A service imported from the cluster set.")],
              short_names=["svcim"])
    return {"multicluster.x-k8s.io_serviceexports.yaml": export,
            "multicluster.x-k8s.io_serviceimports.yaml": imp}


def price_book():
    spec = obj(
        {
            "billing": enum(["Requests", "Limits"], "Which container resources are priced.",
                            default="Requests"),
            "currency": s("Currency of all prices, e.g. USD."),
            "rules": arr(
                obj(
                    {
                        "prices": obj(
                            desc="Decimal price per unit-hour by resource name: cpu per "
                                 "core-hour, memory per GiB-hour, extended resources per "
                                 "unit-hour.",
                            additionalProperties=s(pattern=r"^[0-9]+(\.[0-9]+)?$"),
                        ),
                        "targetCluster": cluster_affinity("Clusters these prices apply to."),
                    },
                    ["prices", "targetCluster"],
                ),
                "Price rules; the first rule matching a cluster wins.",
            ),
        },
        ["currency"],
    )
    c = crd("estimator.flotilla.io", "PriceBook", "pricebooks", "Cluster",
            [version("v1alpha1", spec, columns=[col("Currency", ".spec.currency"),
                                                col("Billing", ".spec.billing"), AGE],
                     required_spec=True, desc="Resource prices per member cluster.")],
            short_names=["pb"], categories=["flotilla-io"])
    return {"estimator.flotilla.io_pricebooks.yaml": c}


def all_crds():
    out = {}
    for part in (propagation_policies, override_policies, cluster_taint_policy,
                 federated_resource_quota, cluster, bindings, work, networking, mcs_api,
                 price_book):
        out.update(part())
    return out


HEADER = ("# Generated by charts/tools/gen_crds.py from the field lists in "
          "/work/shared/spec/karmada.md.\n# Edit the generator, then regenerate; "
          "e2e/crd_check_test.py checks they agree.\n")


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def render(doc):
    return "---\n" + HEADER + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, width=100,
                                         default_flow_style=False)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    crds = all_crds()
    for name, doc in sorted(crds.items()):
        with open(os.path.join(OUT_DIR, name), "w") as f:
            f.write(render(doc))
    print(f"wrote {len(crds)} CRDs to {os.path.normpath(OUT_DIR)}", file=sys.stderr)


if __name__ == "__main__":
    main()
