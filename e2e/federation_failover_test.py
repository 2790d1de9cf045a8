"""End-to-end cluster failover and failback (karmada.md §2d, §2e) on a `flotilla up` federation.

Two members, "primary" and "backup"; a Deployment whose PropagationPolicy has two scheduling
groups (clusterAffinities primary → backup) and `failover.cluster.purgeMode: Gracefully`; a
ClusterTaintPolicy that adds `cluster.karmada.io/not-ready:NoExecute` while Ready is False or
Unknown. The test SIGKILLs the primary member and follows the chain: Cluster NotReady → NoExecute
taint → eviction task on the binding → workload scheduled into the backup group and running
there, with the old Work kept until the new placement is healthy (checked on the watch streams
of the binding and of the primary's Works, ordered by resourceVersion, so the result does not
depend on how fast the machine is). Then it restarts the member and runs `flotilla failback`,
and the workload returns to the primary group.

ApplicationFailoverTest: a member whose copy stays Unhealthy past the policy's
`failover.application.decisionConditions.tolerationSeconds` is evicted (reason ApplicationFailure).

It prints the measured failover time (SIGKILL → Deployment available in the backup member) as
`FAILOVER_SECONDS=<s>`, with the probe period and failure threshold used.

Run: FLOTILLA_BIN=build/bin/flotilla /usr/bin/python3 e2e/federation_failover_test.py -v
Thresholds: FLOTILLA_FAILOVER_PROBE (default 1s), FLOTILLA_FAILOVER_THRESHOLD (default 3s).
"""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import deployment, flotilla_binary, wait_until  # noqa: E402
from harness.federation import FederationTestCase, member_spec  # noqa: E402

POLICY_API = "policy.karmada.io/v1alpha1"
RB = "resourcebindings.work.karmada.io"
WORKS = "works.work.karmada.io"
TAINT_KEY = "cluster.karmada.io/not-ready"


class JsonWatch:
    """`kubectl get ... -w -o json --output-watch-events` in the background: every event, decoded,
    in arrival order."""

    def __init__(self, kubectl, *args):
        self.proc = kubectl.popen("get", *args, "-w", "-o", "json", "--output-watch-events")
        self.events = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        decoder = json.JSONDecoder()
        buf = ""
        while True:
            chunk = self.proc.stdout.readline()
            if chunk == "":
                return
            buf += chunk
            while True:
                stripped = buf.lstrip()
                if not stripped:
                    buf = ""
                    break
                try:
                    obj, end = decoder.raw_decode(stripped)
                except ValueError:
                    break  # incomplete document: read more
                with self.lock:
                    self.events.append(obj)
                buf = stripped[end:]

    def snapshot(self):
        with self.lock:
            return list(self.events)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


def rv(obj):
    return int(obj["metadata"]["resourceVersion"])


def cluster_names(binding):
    return [c["name"] for c in binding.get("spec", {}).get("clusters", []) or []]


def eviction_tasks(binding):
    return binding.get("spec", {}).get("gracefulEvictionTasks", []) or []


class FederationFailoverTest(FederationTestCase):
    members = (member_spec("primary", nodes=2, labels={"tier": "primary"}),
               member_spec("backup", nodes=2, labels={"tier": "backup"}))
    probe_period = os.environ.get("FLOTILLA_FAILOVER_PROBE", "1s")
    failure_threshold = os.environ.get("FLOTILLA_FAILOVER_THRESHOLD", "3s")

    def binding(self, ns):
        p = self.host("get", RB, "web-deployment", "-n", ns, "-o", "json", check=False)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def member_available(self, member, ns, replicas):
        d = self.member_json(member, "get", "deployment", "web", "-n", ns)
        return d is not None and d.get("status", {}).get("availableReplicas", 0) >= replicas

    def cluster_taints(self, name):
        return self.fed.cluster(name).get("spec", {}).get("taints", []) or []

    def has_noexecute(self, name):
        return any(t.get("key") == TAINT_KEY and t.get("effect") == "NoExecute"
                   for t in self.cluster_taints(name))

    def failback(self, *args):
        return subprocess.run([flotilla_binary(), "failback", *args, "--kubeconfig",
                               self.fed.host_kubeconfig], capture_output=True, text=True,
                              timeout=60)

    def test_failover_to_backup_group_and_failback(self):
        ns = self.new_namespace("failover")
        web = deployment("web", ns, replicas=2)
        web["spec"]["template"]["spec"]["containers"][0]["resources"] = {
            "requests": {"cpu": "100m", "memory": "64Mi"}}
        self.apply(
            {"apiVersion": POLICY_API, "kind": "ClusterTaintPolicy",
             "metadata": {"name": "not-ready-noexecute"},
             "spec": {"addOnConditions": [{"conditionType": "Ready", "operator": "In",
                                           "statusValues": ["False", "Unknown"]}],
                      "removeOnConditions": [{"conditionType": "Ready", "operator": "In",
                                              "statusValues": ["True"]}],
                      "taints": [{"key": TAINT_KEY, "effect": "NoExecute"}]}},
            web,
            {"apiVersion": POLICY_API, "kind": "PropagationPolicy",
             "metadata": {"name": "web", "namespace": ns},
             "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "web"}],
                      "failover": {"cluster": {"purgeMode": "Gracefully"}},
                      "placement": {
                          "clusterAffinities": [
                              {"affinityName": "primary",
                               "labelSelector": {"matchLabels": {"tier": "primary"}}},
                              {"affinityName": "backup",
                               "labelSelector": {"matchLabels": {"tier": "backup"}}}],
                          "replicaScheduling": {"replicaSchedulingType": "Duplicated"}}}})

        # Placed in the primary group and running there.
        wait_until(lambda: (b := self.binding(ns)) and cluster_names(b) == ["primary"] and
                   b.get("status", {}).get("schedulerObservingAffinityName") == "primary",
                   timeout=120, what="binding scheduled to the primary group")
        wait_until(lambda: self.member_available("primary", ns, 2), timeout=120,
                   what="web available in primary")
        self.assertFalse(self.has_noexecute("primary"))

        rb_watch = JsonWatch(self.host, RB, "web-deployment", "-n", ns)
        work_watch = JsonWatch(self.host, WORKS, "-n", "karmada-es-primary")
        self.addCleanup(rb_watch.stop)
        self.addCleanup(work_watch.stop)
        wait_until(lambda: rb_watch.snapshot() and work_watch.snapshot(), timeout=30,
                   what="watches started")

        # Fail the primary member.
        t0 = time.monotonic()
        self.fed.kill_member("primary")
        marks = {}
        self.fed.wait_cluster_ready("primary", ready=False, timeout=120)
        marks["cluster NotReady"] = time.monotonic() - t0
        wait_until(lambda: self.has_noexecute("primary"), timeout=60,
                   what="NoExecute taint on primary")
        marks["NoExecute taint"] = time.monotonic() - t0
        wait_until(lambda: (b := self.binding(ns)) and cluster_names(b) == ["backup"] and
                   b.get("status", {}).get("schedulerObservingAffinityName") == "backup",
                   timeout=120, what="binding rescheduled to the backup group")
        marks["rescheduled to backup"] = time.monotonic() - t0
        wait_until(lambda: self.member_available("backup", ns, 2), timeout=120,
                   what="web available in backup")
        failover_seconds = time.monotonic() - t0
        marks["available in backup"] = failover_seconds
        print(f"\nFAILOVER_SECONDS={failover_seconds:.1f} (probe period {self.probe_period}, "
              f"failure threshold {self.failure_threshold}; "
              + ", ".join(f"{k} at {v:.1f}s" for k, v in marks.items()) + ")", flush=True)

        # The task goes once the backup copy is healthy; then the old Work is released.
        wait_until(lambda: (b := self.binding(ns)) and not eviction_tasks(b), timeout=120,
                   what="eviction task removed")

        def work_released():
            for e in work_watch.snapshot():
                if e["type"] == "DELETED" or e["object"]["metadata"].get("deletionTimestamp"):
                    return e
            return None
        released = wait_until(work_released, timeout=60, what="old Work marked for deletion")

        # The eviction as the binding's watch saw it: the task appeared with the cluster moved to
        # the backup group, and disappeared only once the backup copy was Healthy.
        rb_events = [e["object"] for e in rb_watch.snapshot()]
        with_task = [b for b in rb_events if eviction_tasks(b)]
        self.assertTrue(with_task, "no binding version with a graceful eviction task")
        task = eviction_tasks(with_task[0])[0]
        self.assertEqual(task["fromCluster"], "primary")
        self.assertEqual(task["reason"], "TaintUntolerated")
        self.assertEqual(task["producer"], "TaintManager")
        self.assertEqual(task["purgeMode"], "Gracefully")
        self.assertNotIn("primary", cluster_names(with_task[0]))
        last_with_task = max(rv(b) for b in with_task)
        after = [b for b in rb_events if rv(b) > last_with_task]
        self.assertTrue(after, "no binding version after the task was removed")
        removed = min(after, key=rv)
        self.assertFalse(eviction_tasks(removed))
        health = {s["clusterName"]: s.get("health")
                  for s in removed.get("status", {}).get("aggregatedStatus", [])}
        self.assertEqual(health.get("backup"), "Healthy",
                         f"task removed before the new copy was healthy: {health}")
        # The old Work was kept (not being deleted) for as long as the task existed.
        self.assertGreater(rv(released["object"]), last_with_task,
                           "the old Work was released while the eviction task still existed")
        for e in work_watch.snapshot():
            if rv(e["object"]) <= last_with_task:
                self.assertNotEqual(e["type"], "DELETED")
                self.assertFalse(e["object"]["metadata"].get("deletionTimestamp"),
                                 "old Work marked for deletion while the task existed")

        # Bring the primary back: Ready again, the taint goes, the old copy is cleaned up there.
        self.fed.restart_member("primary")
        self.fed.wait_cluster_ready("primary", ready=True, timeout=120)
        wait_until(lambda: not self.has_noexecute("primary"), timeout=60,
                   what="NoExecute taint removed from primary")
        wait_until(lambda: self.member_json("primary", "get", "deployment", "web", "-n", ns)
                   is None, timeout=120, what="old copy removed from primary")
        # Nothing moves back on its own.
        self.assertEqual(cluster_names(self.binding(ns)), ["backup"])

        # Failback: bad input first, then the real thing.
        bad = self.failback("no-such-binding", "-n", ns)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("no ResourceBinding \"no-such-binding\"", bad.stderr)
        usage = self.failback()
        self.assertNotEqual(usage.returncode, 0)
        self.assertIn("BINDING or --all", usage.stderr)

        out = self.failback("web-deployment", "-n", ns)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"resourcebindings/{ns}/web-deployment: fresh reschedule triggered", out.stdout)
        self.assertIn("group backup", out.stdout)
        wait_until(lambda: (b := self.binding(ns)) and cluster_names(b) == ["primary"] and
                   b.get("status", {}).get("schedulerObservingAffinityName") == "primary",
                   timeout=120, what="binding back in the primary group")
        wait_until(lambda: self.member_available("primary", ns, 2), timeout=120,
                   what="web available in primary again")
        wait_until(lambda: self.member_json("backup", "get", "deployment", "web", "-n", ns)
                   is None, timeout=120, what="backup copy removed after failback")

        # --all in a namespace with nothing else to do still works and says what it did.
        out = self.failback("--all", "-n", ns)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("web-deployment", out.stdout)

    def test_frozen_member_turns_not_ready_and_recovers(self):
        """A member that accepts connections but answers nothing (SIGSTOP: a frozen process or a
        black-holed network) fails its /readyz probes by the probe timeout, without retries,
        and is marked NotReady; once it answers again it is Ready again. Runs after the failover
        test (same federation) on the backup member, which then holds nothing."""
        self.fed.wait_cluster_ready("backup", ready=True, timeout=120)
        t0 = time.monotonic()
        self.fed.pause_member("backup")
        self.addCleanup(self.fed.resume_member, "backup")
        self.fed.wait_cluster_ready("backup", ready=False, timeout=180)
        not_ready = time.monotonic() - t0
        cond = next(c for c in self.fed.cluster("backup")["status"]["conditions"]
                    if c["type"] == "Ready")
        # "timed out", or "...closed due to a timeout" when the probe needed a new connection.
        self.assertRegex(cond.get("message", ""), r"timed out|timeout", cond)
        self.fed.resume_member("backup")
        t1 = time.monotonic()
        self.fed.wait_cluster_ready("backup", ready=True, timeout=180)
        print(f"\nFROZEN_MEMBER_NOT_READY_SECONDS={not_ready:.1f} READY_AGAIN_SECONDS="
              f"{time.monotonic() - t1:.1f} (probe period {self.probe_period}, failure threshold "
              f"{self.failure_threshold}, probe timeout 5s)", flush=True)



class ApplicationFailoverTest(FederationTestCase):
    """Application failover (karmada.md §2e): the workload turns Unhealthy in one member (its
    nodes are deleted, so its pods stay Pending) and, after tolerationSeconds, that member is
    evicted from the binding with reason ApplicationFailure; purgeMode Directly removes the copy
    there at once, the other member keeps running it."""
    members = (member_spec("steady", nodes=2), member_spec("flaky", nodes=2))

    def binding(self, ns):
        p = self.host("get", RB, "web-deployment", "-n", ns, "-o", "json", check=False)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def health(self, binding, cluster):
        for item in binding.get("status", {}).get("aggregatedStatus", []) or []:
            if item.get("clusterName") == cluster:
                return item.get("health")
        return None

    def test_unhealthy_member_is_evicted_after_the_toleration(self):
        ns = self.new_namespace("appfail")
        web = deployment("web", ns, replicas=2)
        web["spec"]["template"]["spec"]["containers"][0]["resources"] = {
            "requests": {"cpu": "100m", "memory": "64Mi"}}
        self.apply(web, {
            "apiVersion": POLICY_API, "kind": "PropagationPolicy",
            "metadata": {"name": "web", "namespace": ns},
            "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                            "name": "web"}],
                     "propagateDeps": True,
                     "failover": {"application": {"decisionConditions": {"tolerationSeconds": 3},
                                                  "purgeMode": "Directly"}},
                     "placement": {
                         "clusterAffinity": {"clusterNames": ["steady", "flaky"]},
                         "replicaScheduling": {"replicaSchedulingType": "Duplicated"}}}})
        wait_until(lambda: (b := self.binding(ns)) and
                   sorted(cluster_names(b)) == ["flaky", "steady"] and
                   self.health(b, "flaky") == "Healthy" and self.health(b, "steady") == "Healthy",
                   timeout=120, what="web healthy in both members")

        # The flaky member loses its nodes: its pods are replaced and stay Pending. The binding's
        # and flaky's Works' watch streams record the eviction however fast it goes by.
        rb_watch = JsonWatch(self.host, RB, "web-deployment", "-n", ns)
        work_watch = JsonWatch(self.host, WORKS, "-n", "karmada-es-flaky")
        self.addCleanup(rb_watch.stop)
        self.addCleanup(work_watch.stop)
        wait_until(lambda: rb_watch.snapshot() and work_watch.snapshot(), timeout=30,
                   what="watches started")
        self.fed.member("flaky")("delete", "nodes", "--all")

        def evicted():
            for e in rb_watch.snapshot():
                b = e["object"]
                tasks = [t for t in eviction_tasks(b) if t.get("fromCluster") == "flaky"]
                if cluster_names(b) == ["steady"] and tasks:
                    return tasks[0]
            return None
        task = wait_until(evicted, timeout=120, what="flaky evicted from the binding")
        self.assertEqual(task["reason"], "ApplicationFailure")
        self.assertEqual(task["producer"], "resource-binding-application-failover-controller")
        self.assertEqual(task["purgeMode"], "Directly")
        # Directly: flaky's Work (and so its copy) goes at once.
        wait_until(lambda: any(e["type"] == "DELETED" or
                               e["object"]["metadata"].get("deletionTimestamp")
                               for e in work_watch.snapshot()),
                   timeout=60, what="flaky's Work deleted")
        self.assertIsNotNone(self.member_json("steady", "get", "deployment", "web", "-n", ns))
        events = self.host.json("get", "events", "-n", ns,
                                "--field-selector", "reason=EvictWorkloadFromCluster")["items"]
        self.assertTrue(any("unhealthy in cluster flaky" in e.get("message", "")
                            for e in events), [e.get("message") for e in events])
        # Known and Karmada-compatible: once the task is dropped (the new placement is healthy)
        # a Duplicated binding is scheduled onto flaky again, and evicted again while flaky stays
        # broken. Not asserted either way.

if __name__ == "__main__":
    unittest.main()
