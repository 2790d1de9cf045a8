"""End-to-end federation tests: `flotilla up` (host, simulated members, controller manager) driven
with the real kubectl. One federation per test class keeps the run short.

Run: FLOTILLA_BIN=build/bin/flotilla /usr/bin/python3 e2e/federation_test.py -v
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import deployment, configmap, widget_crd, wait_until, dump_yaml  # noqa: E402
from harness.federation import FederationTestCase, member_spec  # noqa: E402

POLICY_API = "policy.karmada.io/v1alpha1"
RB = "resourcebindings.work.karmada.io"
WORKS = "works.work.karmada.io"
SKIP_LABEL = "namespace.karmada.io/skip-auto-propagation"

PRICE_BOOK = {
    "apiVersion": "estimator.flotilla.io/v1alpha1", "kind": "PriceBook",
    "metadata": {"name": "clouds"},
    "spec": {"currency": "USD", "billing": "Requests", "rules": [
        {"targetCluster": {"fieldSelector": {"matchExpressions": [
            {"key": "provider", "operator": "In", "values": ["aws"]}]}},
         "prices": {"cpu": "0.0400", "memory": "0.0050"}},
        {"targetCluster": {"fieldSelector": {"matchExpressions": [
            {"key": "provider", "operator": "In", "values": ["gcp"]}]}},
         "prices": {"cpu": "0.0310", "memory": "0.0042"}},
    ]},
}


def pp(name, ns, selectors, placement=None, **spec):
    body = {"resourceSelectors": selectors}
    if placement is not None:
        body["placement"] = placement
    body.update(spec)
    return {"apiVersion": POLICY_API, "kind": "PropagationPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": body}


def select(kind, name=None, api_version="apps/v1"):
    s = {"apiVersion": api_version, "kind": kind}
    if name:
        s["name"] = name
    return s


def with_requests(d, cpu=None, memory=None):
    res = {}
    if cpu:
        res["cpu"] = cpu
    if memory:
        res["memory"] = memory
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": res}
    return d


class FederationBase(FederationTestCase):
    def member_replicas(self, member, ns, name):
        """spec.replicas of a member Deployment, or None when it is absent."""
        d = self.member_json(member, "get", "deployment", name, "-n", ns)
        return None if d is None else d["spec"].get("replicas", 1)

    def placement_of(self, ns, name, kind="deployment"):
        rb = self.host.json("get", RB, f"{name}-{kind}", "-n", ns)
        return {c["name"]: c.get("replicas", 0) for c in rb.get("spec", {}).get("clusters", [])}

    def wait_members(self, ns, name, expected, timeout=90):
        """Waits until every member has exactly the expected replicas (None = absent)."""
        def check():
            got = {m: self.member_replicas(m, ns, name) for m in self.fed.member_names}
            return got == expected or self._remember(got)
        try:
            wait_until(check, timeout=timeout, what=f"{ns}/{name} on members = {expected}")
        except AssertionError as e:
            raise AssertionError(f"{e}; last seen {getattr(self, '_last', None)}\n"
                                 + self.diagnostics(ns)) from None

    def _remember(self, got):
        self._last = got
        return False

    def wait_placement(self, ns, name, predicate, what, kind="deployment", timeout=90):
        def check():
            p = self.placement_of(ns, name, kind)
            self._last = p
            return p if p and predicate(p) else None
        try:
            return wait_until(check, timeout=timeout, what=what)
        except AssertionError as e:
            raise AssertionError(f"{e}; last placement {getattr(self, '_last', None)}\n"
                                 + self.diagnostics(ns)) from None

    def diagnostics(self, ns):
        out = self.host("get", RB, "-n", ns, "-o", "yaml", check=False).stdout[-3000:]
        return "bindings:\n" + out + "\ncontroller-manager log:\n" + \
            self.fed.log_tail("controller-manager", 25)

    def cluster_field(self, name, field):
        return self.fed.cluster(name)["spec"].get(field)


class PlacementTest(FederationBase):
    """Duplicated, static and dynamic weights, spread by region, price-aware Aggregated,
    scheduling-group fallback."""

    members = [
        member_spec("m1", provider="aws", region="us-east-1", zones=["us-east-1a"], nodes=3,
                    node_cpu="8", node_memory="32Gi", labels={"tier": "big"}),
        member_spec("m2", provider="gcp", region="us-central1", zones=["us-central1-a"],
                    nodes=3, node_cpu="8", node_memory="32Gi", labels={"tier": "big"}),
        member_spec("m3", provider="gcp", region="us-central1", zones=["us-central1-b"],
                    nodes=1, node_cpu="8", node_memory="32Gi", labels={"tier": "small"}),
    ]
    price_book = PRICE_BOOK

    def test_duplicated_to_two_members(self):
        ns = self.new_namespace()
        self.apply(deployment("web", ns, replicas=2),
                   pp("web", ns, [select("Deployment", "web")],
                      {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                       "replicaScheduling": {"replicaSchedulingType": "Duplicated"}}))
        self.wait_members(ns, "web", {"m1": 2, "m2": 2, "m3": None})

    def test_divided_static_weights(self):
        ns = self.new_namespace()
        self.apply(deployment("web", ns, replicas=6),
                   pp("web", ns, [select("Deployment", "web")],
                      {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                       "replicaScheduling": {
                           "replicaSchedulingType": "Divided",
                           "replicaDivisionPreference": "Weighted",
                           "weightPreference": {"staticWeightList": [
                               {"targetCluster": {"clusterNames": ["m1"]}, "weight": 2},
                               {"targetCluster": {"clusterNames": ["m2"]}, "weight": 1}]}}}))
        self.wait_members(ns, "web", {"m1": 4, "m2": 2, "m3": None})

    def test_dynamic_weight_follows_capacity(self):
        # m2 has three nodes, m3 one: available replicas (and so the weights) differ ~3:1.
        ns = self.new_namespace()
        self.apply(with_requests(deployment("web", ns, replicas=8), cpu="1"),
                   pp("web", ns, [select("Deployment", "web")],
                      {"clusterAffinity": {"clusterNames": ["m2", "m3"]},
                       "replicaScheduling": {
                           "replicaSchedulingType": "Divided",
                           "replicaDivisionPreference": "Weighted",
                           "weightPreference": {"dynamicWeight": "AvailableReplicas"}}}))
        p = self.wait_placement(ns, "web", lambda p: sum(p.values()) == 8,
                                "8 replicas divided by capacity")
        self.assertGreater(p.get("m2", 0), p.get("m3", 0), p)
        self.assertGreater(p.get("m3", 0), 0, p)
        self.wait_members(ns, "web", {"m1": None, "m2": p["m2"], "m3": p["m3"]})

    def test_spread_by_region(self):
        ns = self.new_namespace()
        self.apply(deployment("web", ns, replicas=4),
                   pp("web", ns, [select("Deployment", "web")],
                      {"spreadConstraints": [
                          {"spreadByField": "region", "minGroups": 2, "maxGroups": 2},
                          {"spreadByField": "cluster", "minGroups": 2, "maxGroups": 2}],
                       "replicaScheduling": {
                           "replicaSchedulingType": "Divided",
                           "replicaDivisionPreference": "Weighted",
                           "weightPreference": {"dynamicWeight": "AvailableReplicas"}}}))
        p = self.wait_placement(ns, "web", lambda p: sum(p.values()) == 4, "4 replicas placed")
        regions = {self.cluster_field(c, "region") for c in p}
        self.assertEqual(len(p), 2, p)
        self.assertEqual(regions, {"us-east-1", "us-central1"}, p)

    def test_aggregated_packs_into_cheaper_cloud(self):
        ns = self.new_namespace()
        self.apply(with_requests(deployment("web", ns, replicas=3), cpu="100m", memory="128Mi"),
                   pp("web", ns, [select("Deployment", "web")],
                      {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                       "replicaScheduling": {
                           "replicaSchedulingType": "Divided",
                           "replicaDivisionPreference": "Aggregated"}}))
        p = self.wait_placement(ns, "web", lambda p: sum(p.values()) == 3, "3 replicas placed")
        self.assertEqual(p, {"m2": 3}, "gcp (m2) is the cheaper cloud")
        rb = self.host.json("get", RB, "web-deployment", "-n", ns)
        self.assertIn("estimator.flotilla.io/hourly-cost",
                      rb["metadata"].get("annotations", {}), rb["metadata"])
        self.wait_members(ns, "web", {"m1": None, "m2": 3, "m3": None})

    def test_scheduling_group_fallback(self):
        # The first group (m3: one node, 8 CPUs) cannot hold 6 x 2 CPUs; the second can.
        ns = self.new_namespace()
        self.apply(with_requests(deployment("web", ns, replicas=6), cpu="2"),
                   pp("web", ns, [select("Deployment", "web")],
                      {"clusterAffinities": [
                          {"affinityName": "small", "clusterNames": ["m3"]},
                          {"affinityName": "big", "clusterNames": ["m1"]}],
                       "replicaScheduling": {
                           "replicaSchedulingType": "Divided",
                           "replicaDivisionPreference": "Aggregated"}}))
        self.wait_placement(ns, "web", lambda p: p == {"m1": 6}, "fallback to group big")
        rb = self.host.json("get", RB, "web-deployment", "-n", ns)
        self.assertEqual(rb["status"].get("schedulerObservingAffinityName"), "big", rb["status"])
        self.wait_members(ns, "web", {"m1": 6, "m2": None, "m3": None})


class LifecycleTest(FederationBase):
    """Overrides, status aggregation, scale, delete, conflicts, dependencies, namespaces,
    kinds served after start."""

    members = [member_spec("m1", provider="aws", region="us-east-1", nodes=2),
               member_spec("m2", provider="gcp", region="us-central1", nodes=2)]

    def both(self, ns, name):
        return pp(name, ns, [select("Deployment", name)],
                  {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                   "replicaScheduling": {"replicaSchedulingType": "Duplicated"}})

    def test_overrides_cop_then_op(self):
        ns = self.new_namespace()
        cop = {"apiVersion": POLICY_API, "kind": "ClusterOverridePolicy",
               "metadata": {"name": f"cop-{ns}"},
               "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                               "namespace": ns, "name": "web"}],
                        "overrideRules": [{"overriders": {
                            "imageOverrider": [{"component": "Registry", "operator": "replace",
                                                "value": "cop.example.com"}],
                            "labelsOverrider": [{"operator": "add",
                                                 "value": {"from": "cop", "cop-only": "yes"}}],
                        }}]}}
        op = {"apiVersion": POLICY_API, "kind": "OverridePolicy",
              "metadata": {"name": "op", "namespace": ns},
              "spec": {"resourceSelectors": [select("Deployment", "web")],
                       "overrideRules": [{
                           "targetCluster": {"clusterNames": ["m1"]},
                           "overriders": {
                               "imageOverrider": [{"component": "Registry", "operator": "add",
                                                   "value": ".op"}],
                               "argsOverrider": [{"containerName": "main", "operator": "add",
                                                  "value": ["--op"]}],
                               "labelsOverrider": [{"operator": "add",
                                                    "value": {"from": "op"}}],
                               "plaintext": [{"path": "/metadata/annotations/plain",
                                              "operator": "add", "value": "text"}],
                           }}]}}
        self.apply(cop, op, deployment("web", ns, replicas=1, image="nginx:1.25"),
                   self.both(ns, "web"))
        self.addCleanup(self.host, "delete", "clusteroverridepolicy", f"cop-{ns}", check=False)

        def member_deploy(m):
            d = self.member_json(m, "get", "deployment", "web", "-n", ns)
            return d if d and d["metadata"].get("labels", {}).get("from") else None
        d1 = wait_until(lambda: (lambda d: d if d["metadata"]["labels"]["from"] == "op"
                                 else None)(member_deploy("m1")), timeout=90,
                        what="overridden Deployment on m1")
        c1 = d1["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c1["image"], "cop.example.com.op/nginx:1.25", "COP first, then OP")
        self.assertEqual(c1.get("args"), ["--op"])
        self.assertEqual(d1["metadata"]["labels"].get("cop-only"), "yes")
        self.assertEqual(d1["metadata"].get("annotations", {}).get("plain"), "text")
        d2 = wait_until(lambda: member_deploy("m2"), timeout=90, what="Deployment on m2")
        c2 = d2["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(c2["image"], "cop.example.com/nginx:1.25")
        self.assertIsNone(c2.get("args"))
        self.assertEqual(d2["metadata"]["labels"]["from"], "cop")
        self.assertNotIn("plain", d2["metadata"].get("annotations", {}))

    def test_status_scale_and_delete(self):
        ns = self.new_namespace()
        self.apply(deployment("web", ns, replicas=2), self.both(ns, "web"))
        self.wait_members(ns, "web", {"m1": 2, "m2": 2})
        # Aggregated status: both members' ready replicas on the host template.
        self.host("wait", "--for=condition=Available", "deployment/web", "-n", ns,
                  "--timeout=90s", timeout=120)
        wait_until(lambda: self.host.json("get", "deployment", "web", "-n", ns)
                   .get("status", {}).get("readyReplicas") == 4, timeout=90,
                   what="host status readyReplicas 4 (2 per member)")
        rb = self.host.json("get", RB, "web-deployment", "-n", ns)
        self.assertEqual(sorted(a["clusterName"] for a in rb["status"]["aggregatedStatus"]),
                         ["m1", "m2"])
        # Scale the template: the members follow.
        self.host("scale", "deployment/web", "-n", ns, "--replicas=3")
        self.wait_members(ns, "web", {"m1": 3, "m2": 3})
        wait_until(lambda: self.host.json("get", "deployment", "web", "-n", ns)
                   .get("status", {}).get("readyReplicas") == 6, timeout=90,
                   what="host status readyReplicas 6")
        # Delete the template: member objects and the Works go.
        self.host("delete", "deployment", "web", "-n", ns)
        self.wait_members(ns, "web", {"m1": None, "m2": None})
        wait_until(lambda: not [w for m in ("m1", "m2") for w in self.host.json(
            "get", WORKS, "-n", f"karmada-es-{m}")["items"]
            if w["metadata"].get("annotations", {}).get("resourcebinding.karmada.io/namespace")
            == ns], timeout=60, what="Works of the deleted template removed")

    def test_conflict_abort_then_overwrite(self):
        ns = self.new_namespace()
        m1 = self.fed.member("m1")
        # The namespace may or may not have been propagated yet; the member object pre-exists.
        m1("create", "namespace", ns, check=False)
        self.apply(deployment("taken", ns, replicas=1, image="busybox:1"), kubectl=m1)
        self.apply(deployment("taken", ns, replicas=2),
                   pp("taken", ns, [select("Deployment", "taken")],
                      {"clusterAffinity": {"clusterNames": ["m1"]},
                       "replicaScheduling": {"replicaSchedulingType": "Duplicated"}},
                      conflictResolution="Abort"))

        def abort_message():
            rb = self.host.json("get", RB, "taken-deployment", "-n", ns)
            for a in rb.get("status", {}).get("aggregatedStatus", []):
                if a["clusterName"] == "m1" and not a.get("applied"):
                    return a.get("appliedMessage")
            return None
        msg = wait_until(abort_message, timeout=90, what="Abort reported on the binding")
        self.assertIn("already exists", msg)
        works = self.host.json("get", WORKS, "-n", "karmada-es-m1")["items"]
        work = next(w for w in works if w["metadata"]["name"].startswith("taken-"))
        applied = next(c for c in work["status"]["conditions"] if c["type"] == "Applied")
        self.assertEqual(applied["status"], "False")
        self.assertIn("already exists", applied["message"])
        live = self.member_json("m1", "get", "deployment", "taken", "-n", ns)
        self.assertEqual(live["spec"]["replicas"], 1, "Abort must leave the member object alone")
        self.assertNotIn("karmada.io/managed", live["metadata"].get("labels", {}))
        # Overwrite: the member object is taken over.
        self.host("patch", "propagationpolicy", "taken", "-n", ns, "--type=merge",
                  "-p", '{"spec":{"conflictResolution":"Overwrite"}}')
        self.wait_members(ns, "taken", {"m1": 2, "m2": None})
        live = self.member_json("m1", "get", "deployment", "taken", "-n", ns)
        self.assertEqual(live["metadata"]["labels"].get("karmada.io/managed"), "true")

    def test_propagate_deps_carries_configmap(self):
        ns = self.new_namespace()
        d = deployment("app", ns, replicas=1)
        spec = d["spec"]["template"]["spec"]
        spec["containers"][0]["envFrom"] = [{"configMapRef": {"name": "app-config"}}]
        spec["volumes"] = [{"name": "cfg", "configMap": {"name": "app-files"}}]
        policy = pp("app", ns, [select("Deployment", "app")],
                    {"clusterAffinity": {"clusterNames": ["m2"]},
                     "replicaScheduling": {"replicaSchedulingType": "Duplicated"}},
                    propagateDeps=True)
        self.apply(configmap("app-config", ns, {"k": "v"}),
                   configmap("app-files", ns, {"f": "1"}),
                   configmap("unrelated", ns, {"x": "y"}), d, policy)
        for cm in ("app-config", "app-files"):
            got = wait_until(lambda c=cm: self.member_json("m2", "get", "configmap", c, "-n", ns),
                             timeout=90, what=f"dependency {cm} on m2")
            self.assertEqual(got["metadata"]["labels"].get("karmada.io/managed"), "true")
        self.wait_members(ns, "app", {"m1": None, "m2": 1})
        self.assertIsNone(self.member_json("m2", "get", "configmap", "unrelated", "-n", ns))
        self.assertIsNone(self.member_json("m1", "get", "configmap", "app-config", "-n", ns))
        # The workload stops using app-files: that dependency leaves m2, app-config stays.
        d["spec"]["template"]["spec"].pop("volumes")
        self.apply(d)
        wait_until(lambda: self.member_json("m2", "get", "configmap", "app-files", "-n", ns)
                   is None, timeout=90, what="app-files released from m2")
        self.assertIsNotNone(self.member_json("m2", "get", "configmap", "app-config", "-n", ns))
        # The workload goes: its remaining dependency goes with it (requiredBy emptied).
        self.host("delete", "deployment", "app", "-n", ns)
        wait_until(lambda: self.member_json("m2", "get", "configmap", "app-config", "-n", ns)
                   is None, timeout=90, what="app-config released from m2")
        self.assertIsNotNone(self.host.json("get", "configmap", "app-config", "-n", ns),
                             "the host template itself stays")

    def test_namespaces_propagate_unless_skipped(self):
        # A ClusterOverridePolicy selecting the namespace changes m1's copy only.
        self.apply({"apiVersion": POLICY_API, "kind": "ClusterOverridePolicy",
                    "metadata": {"name": "plain-ns-mesh"},
                    "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "Namespace",
                                                    "name": "plain-ns"}],
                             "overrideRules": [{"targetCluster": {"clusterNames": ["m1"]},
                                                "overriders": {"labelsOverrider": [
                                                    {"operator": "add",
                                                     "value": {"istio-injection": "enabled"}}]}}]}})
        self.host("create", "namespace", "plain-ns")
        self.apply({"apiVersion": "v1", "kind": "Namespace",
                    "metadata": {"name": "skipped-ns", "labels": {SKIP_LABEL: "true"}}})
        for m in self.fed.member_names:
            wait_until(lambda m=m: self.member_json(m, "get", "namespace", "plain-ns"),
                       timeout=90, what=f"namespace plain-ns on {m}")
        for m in self.fed.member_names:
            self.assertIsNone(self.member_json(m, "get", "namespace", "skipped-ns"))
        self.assertIsNone(self.member_json("m1", "get", "namespace", "karmada-es-m1"))
        wait_until(lambda: self.member_json("m1", "get", "namespace", "plain-ns")["metadata"]
                   .get("labels", {}).get("istio-injection") == "enabled", timeout=90,
                   what="the ClusterOverridePolicy's label on m1's plain-ns")
        self.assertNotIn("istio-injection", self.member_json("m2", "get", "namespace", "plain-ns")
                         ["metadata"].get("labels", {}))
        # Deleting the host namespace removes it from the members.
        self.host("delete", "namespace", "plain-ns", timeout=120)
        for m in self.fed.member_names:
            wait_until(lambda m=m: (lambda n: n is None or n["metadata"].get(
                "deletionTimestamp"))(self.member_json(m, "get", "namespace", "plain-ns")),
                timeout=90, what=f"namespace plain-ns removed from {m}")

    def test_kind_served_after_start(self):
        # A CRD created after the controller manager started: its objects propagate without a
        # restart. The CRD itself reaches the members through a ClusterPropagationPolicy, as in
        # Karmada (the Work carries it without status; each member establishes it).
        crd = widget_crd(group="late.flotilla.io", plural="gadgets", kind="Gadget",
                         short_names=("gdg",))
        self.apply(crd, {
            "apiVersion": "policy.karmada.io/v1alpha1", "kind": "ClusterPropagationPolicy",
            "metadata": {"name": "gadget-crd"},
            "spec": {"resourceSelectors": [{"apiVersion": "apiextensions.k8s.io/v1",
                                            "kind": "CustomResourceDefinition",
                                            "name": "gadgets.late.flotilla.io"}],
                     "placement": {"clusterAffinity": {"clusterNames": ["m1", "m2"]}}}})
        self.host("wait", "--for=condition=Established", "crd/gadgets.late.flotilla.io",
                  "--timeout=60s")
        for m in ("m1", "m2"):
            wait_until(lambda m=m: self.member_json(m, "get", "crd",
                                                    "gadgets.late.flotilla.io") is not None,
                       timeout=120, what=f"the Gadget CRD propagated to {m}")
            self.fed.member(m)("wait", "--for=condition=Established",
                               "crd/gadgets.late.flotilla.io", "--timeout=60s")
        ns = self.new_namespace()
        gadget = {"apiVersion": "late.flotilla.io/v1", "kind": "Gadget",
                  "metadata": {"name": "g1", "namespace": ns},
                  "spec": {"size": 3, "color": "blue"}}
        policy = pp("gadgets", ns, [select("Gadget", api_version="late.flotilla.io/v1")],
                    {"clusterAffinity": {"clusterNames": ["m1"]}})
        # Rediscovery is periodic; until the kind is known the PP is not admitted to act on it.
        self.apply(gadget, policy)
        got = wait_until(lambda: self.member_json("m1", "get", "gadgets.late.flotilla.io", "g1",
                                                  "-n", ns),
                         timeout=120, what="Gadget g1 propagated to m1")
        self.assertEqual(got["spec"]["size"], 3)
        self.assertIsNone(self.member_json("m2", "get", "gadgets.late.flotilla.io", "g1",
                                           "-n", ns))


class ControllerCrashTest(FederationBase):
    """SIGKILL the controller manager while it propagates 500 Deployments, restart it: everything
    converges with no duplicate and no orphan in any member."""

    members = [member_spec("m1", nodes=1), member_spec("m2", nodes=1)]
    count = 500

    def test_kill_controller_manager_mid_propagation(self):
        ns = self.new_namespace()
        objs = [pp("all", ns, [select("Deployment")],
                   {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                    "replicaScheduling": {"replicaSchedulingType": "Duplicated"}})]
        # replicas 0 keeps the members' pod simulation out of the picture.
        objs += [deployment(f"d{i:03d}", ns, replicas=0) for i in range(self.count)]
        names = {f"d{i:03d}" for i in range(self.count)}

        def member_names(m):
            out = self.fed.member(m)("get", "deployments", "-n", ns, "-o", "name",
                                     timeout=120).stdout.split()
            return [n.split("/", 1)[1] for n in out]
        # The templates are created in the background; the controller manager is killed as soon
        # as the first ones have reached a member, while most are still being created.
        apply_proc = subprocess.Popen(self.host.argv("apply", "-f", "-"), stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True, env=self.host.env())
        apply_proc.stdin.write(dump_yaml(*objs))
        apply_proc.stdin.close()
        try:
            wait_until(lambda: len(member_names("m1")) >= 20, timeout=180, interval=0.2,
                       what="propagation under way")
            self.fed.kill_controller_manager()
            mid = len(member_names("m1"))
        finally:
            apply_err = apply_proc.stderr.read()
            self.assertEqual(apply_proc.wait(300), 0, apply_err)
        print(f"\ncontroller manager killed with {mid}/{self.count} Deployments on m1",
              flush=True)
        self.fed.restart_controller_manager()

        for m in self.fed.member_names:
            def converged(m=m):
                got = member_names(m)
                self._last = (m, len(got), len(set(got)))
                return len(got) == len(set(got)) and set(got) == names
            wait_until(converged, timeout=600, interval=2,
                       what=f"all {self.count} Deployments on {m} (killed at {mid})")
            items = self.fed.member(m).json("get", "deployments", "-n", ns,
                                            timeout=120)["items"]
            unmanaged = [d["metadata"]["name"] for d in items
                         if d["metadata"].get("labels", {}).get("karmada.io/managed") != "true"]
            self.assertEqual(unmanaged, [])
        bindings = self.host.json("get", RB, "-n", ns, timeout=120)["items"]
        self.assertEqual(sorted(b["metadata"]["name"] for b in bindings),
                         sorted(f"{n}-deployment" for n in names))
        for m in self.fed.member_names:
            works = [w for w in self.host.json("get", WORKS, "-n", f"karmada-es-{m}",
                                               timeout=120)["items"]
                     if w["metadata"].get("annotations", {}).get(
                         "resourcebinding.karmada.io/namespace") == ns]
            self.assertEqual(len(works), self.count, f"Works for {m}")
        # Deleting a template after the restart still cleans up (no orphan left behind).
        self.host("delete", "deployment", "d000", "-n", ns)
        for m in self.fed.member_names:
            wait_until(lambda m=m: "d000" not in member_names(m), timeout=120, interval=1,
                       what=f"d000 removed from {m}")

    def test_member_restart_keeps_endpoint(self):
        # SIGKILL a member and bring it back from its recorded command line: same port, certs and
        # token, so the Cluster turns Ready again and propagation resumes without a re-join.
        endpoint = self.fed.cluster("m2")["spec"]["apiEndpoint"]
        self.fed.kill_member("m2")
        self.fed.wait_cluster_ready("m2", ready=False, timeout=120)
        self.fed.restart_member("m2")
        self.fed.wait_cluster_ready("m2", ready=True, timeout=120)
        self.assertEqual(self.fed.cluster("m2")["spec"]["apiEndpoint"], endpoint)
        ns = self.new_namespace()
        self.apply(deployment("after", ns, replicas=1),
                   pp("after", ns, [select("Deployment", "after")],
                      {"clusterAffinity": {"clusterNames": ["m2"]},
                       "replicaScheduling": {"replicaSchedulingType": "Duplicated"}}))
        self.wait_members(ns, "after", {"m1": None, "m2": 1}, timeout=120)


if __name__ == "__main__":
    unittest.main()
