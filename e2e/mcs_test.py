"""Multi-cluster services end to end: a federation from `flotilla up` (host, three simulated
members, controller manager), driven with the real kubectl against the host and the members.

Covers: a ServiceExport in member1 -> ServiceImport, derived-<svc> Service and EndpointSlices of
member1's ready pod IPs in the other members; endpoints follow scaling; exports from two members
merge; a conflicting port protocol gives every export a Conflict condition with the oldest export
winning; a MultiClusterService gives a consumer the Service's own name with slices dispatched from
the provider; a killed member's endpoints are withdrawn after the grace and come back when it
returns; unexporting and deleting remove everything Flotilla created, in every cluster.

Environment: FLOTILLA_BIN (the flotilla binary). Uses e2e/harness/federation.py when present,
else starts `flotilla up` itself.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Kubectl, flotilla_binary, wait_until  # noqa: E402

MEMBERS = ["member1", "member2", "member3"]
GRACE = "2s"
MCS_LABEL = "multicluster.kubernetes.io/service-name"
SOURCE_LABEL = "multicluster.kubernetes.io/source-cluster"

CONFIG = """apiVersion: flotilla.io/v1alpha1
kind: Federation
host:
  storage: sqlite
members:
""" + "".join(f"""  - name: {m}
    region: r{i}
    nodes: 1
    nodeCPU: "16"
    nodeMemory: 64Gi
""" for i, m in enumerate(MEMBERS))


def backend(name, replicas, port_name="http", protocol="TCP", export=True):
    docs = [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": name, "namespace": "shop"},
         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{
                                   "name": "c", "image": "nginx",
                                   "ports": [{"name": port_name, "containerPort": 8080,
                                              "protocol": protocol}]}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "shop"},
         "spec": {"selector": {"app": name},
                  "ports": [{"name": port_name, "port": 80, "targetPort": 8080,
                             "protocol": protocol}]}},
    ]
    if export:
        docs.append({"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceExport",
                     "metadata": {"name": name, "namespace": "shop"}})
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": docs})


class Federation:
    """`flotilla up` in a temporary directory, with kill/restart of one member."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.dir = os.path.join(workdir, "fed")
        self.proc = None
        self.restarted = []  # (process, log) of members restarted by the test

    def start(self, timeout=180):
        cfg = os.path.join(self.workdir, "federation.yaml")
        with open(cfg, "w") as f:
            f.write(CONFIG)
        self.log = open(os.path.join(self.workdir, "up.log"), "w")
        self.proc = subprocess.Popen(
            [flotilla_binary(), "up", "--config", cfg, "--dir", self.dir,
             "--cluster-probe-period", "500ms", "--cluster-failure-threshold", "1s",
             f"--controller-manager-arg=--mcs-endpoint-grace={GRACE}"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(self._ready, timeout=timeout, interval=0.5, what="flotilla up ready")

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError("flotilla up exited:\n" + self.tail())
        with open(os.path.join(self.workdir, "up.log")) as f:
            return "federation ready" in f.read()

    def tail(self, n=60):
        try:
            with open(os.path.join(self.workdir, "up.log")) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def kubeconfig(self, cluster):
        return os.path.join(self.dir, f"{cluster}.kubeconfig")

    def _pid(self, name):
        with open(os.path.join(self.dir, "pids", f"{name}.pid")) as f:
            return int(f.read().strip())

    def kill(self, name):
        os.kill(self._pid(name), signal.SIGKILL)

    def restart(self, name):
        with open(os.path.join(self.dir, "pids", f"{name}.cmdline")) as f:
            argv = [a for a in f.read().split("\n") if a]
        log = open(os.path.join(self.dir, "logs", f"{name}-restarted.log"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        with open(os.path.join(self.dir, "pids", f"{name}.pid"), "w") as f:
            f.write(str(p.pid))
        self.restarted.append((p, log))
        return p

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # `flotilla up` stops restarted members too (their pid files); reap and close here.
        for p, log in self.restarted:
            if p.poll() is None:
                p.terminate()
            try:
                p.wait(timeout=90)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            log.close()
        self.log.close()


class McsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="flotilla-mcs-e2e-")
        cls.fed = Federation(cls.workdir)
        try:
            cls.fed.start()
        except BaseException:
            print(cls.fed.tail(), file=sys.stderr)
            cls.fed.stop()
            raise
        cls.host = Kubectl(os.path.join(cls.fed.dir, "host.kubeconfig"),
                           os.path.join(cls.workdir, "k-host"))
        cls.k = {m: Kubectl(cls.fed.kubeconfig(m), os.path.join(cls.workdir, "k-" + m))
                 for m in MEMBERS}
        wait_until(lambda: all(cls._cluster_ready(m) for m in MEMBERS), timeout=120,
                   what="clusters Ready")
        for m in MEMBERS:
            cls.k[m]("create", "namespace", "shop", check=False)

    @classmethod
    def tearDownClass(cls):
        cls.fed.stop()
        if os.environ.get("FLOTILLA_E2E_KEEP"):
            print("kept", cls.workdir, file=sys.stderr)
        else:
            shutil.rmtree(cls.workdir, ignore_errors=True)

    @classmethod
    def _cluster_ready(cls, name):
        c = cls.host.json("get", "clusters.cluster.karmada.io", name)
        return any(x["type"] == "Ready" and x["status"] == "True"
                   for x in c.get("status", {}).get("conditions", []))

    # -- helpers ---------------------------------------------------------------------------------
    def ready_pod_ips(self, member, app):
        pods = self.k[member].json("get", "pods", "-n", "shop", "-l", f"app={app}")["items"]
        return sorted(p["status"]["podIP"] for p in pods
                      if p.get("status", {}).get("podIP") and any(
                          c["type"] == "Ready" and c["status"] == "True"
                          for c in p["status"].get("conditions", [])))

    def imported_ips(self, member, service, source=None):
        sel = f"{MCS_LABEL}={service},endpointslice.kubernetes.io/managed-by=mcs.flotilla.io"
        if source:
            sel += f",{SOURCE_LABEL}={source}"
        slices = self.k[member].json("get", "endpointslices", "-n", "shop", "-l", sel)["items"]
        return sorted(a for s in slices for e in (s.get("endpoints") or [])
                      if e.get("conditions", {}).get("ready", True) for a in e["addresses"])

    def wait_ips(self, member, service, expected, source=None, timeout=120):
        def check():
            return self.imported_ips(member, service, source) == sorted(expected)
        try:
            wait_until(check, timeout=timeout, interval=0.2,
                       what=f"{member} endpoints of {service} from {source or 'all'} == {expected}")
        except AssertionError:
            raise AssertionError(f"have {self.imported_ips(member, service, source)}, "
                                 f"want {sorted(expected)}\n{self.fed.tail()}")

    def wait_pods(self, member, app, n):
        return wait_until(lambda: (lambda ips: ips if len(ips) == n else None)(
            self.ready_pod_ips(member, app)), timeout=120, what=f"{n} ready {app} pods in {member}")

    def export_conditions(self, member, name):
        se = self.k[member].json("get", "serviceexports.multicluster.x-k8s.io", "-n", "shop", name)
        return {c["type"]: c for c in se.get("status", {}).get("conditions", [])}

    # -- the story, in order ---------------------------------------------------------------------
    def test_1_export_scale_merge_conflict(self):
        self.k["member1"]("apply", "-f", "-", input=backend("web", 2))
        ips1 = self.wait_pods("member1", "web", 2)
        for m in ("member2", "member3"):
            self.wait_ips(m, "web", ips1, source="member1")
        si = self.k["member2"].json("get", "serviceimports.multicluster.x-k8s.io", "-n", "shop",
                                    "web")
        self.assertEqual(si["spec"]["type"], "ClusterSetIP")
        self.assertEqual(si["spec"]["ports"], [{"name": "http", "port": 80, "protocol": "TCP"}])
        derived = self.k["member2"].json("get", "service", "-n", "shop", "derived-web")
        self.assertEqual(derived["spec"]["ports"][0]["port"], 80)
        # spec.ips: the clusterset IP as seen in member2 is its derived Service's cluster IP.
        wait_until(lambda: self.k["member2"].json(
            "get", "serviceimports.multicluster.x-k8s.io", "-n", "shop", "web")["spec"].get("ips")
                   == [self.k["member2"].json("get", "service", "-n", "shop",
                                              "derived-web")["spec"]["clusterIP"]],
                   timeout=90, what="member2's ServiceImport spec.ips")
        slices = self.k["member2"].json(
            "get", "endpointslices", "-n", "shop", "-l",
            f"{MCS_LABEL}=web,endpointslice.kubernetes.io/managed-by=mcs.flotilla.io")["items"]
        self.assertTrue(all(s["metadata"]["name"].startswith("imported-member1-") for s in slices))
        self.assertTrue(all(s["metadata"]["labels"]["kubernetes.io/service-name"] == "derived-web"
                            for s in slices))
        host_si = wait_until(lambda: self.host.json(
            "get", "serviceimports.multicluster.x-k8s.io", "-n", "shop", "web"), timeout=90)
        wait_until(lambda: self.host.json("get", "serviceimports.multicluster.x-k8s.io", "-n",
                                          "shop", "web").get("status", {}).get("clusters") ==
                   [{"cluster": "member1"}], timeout=90, what="host ServiceImport status")
        self.assertEqual(host_si["spec"]["type"], "ClusterSetIP")
        conds = wait_until(lambda: (lambda c: c if "Conflict" in c else None)(
            self.export_conditions("member1", "web")), timeout=90, what="export conditions")
        self.assertEqual(conds["Valid"]["status"], "True")
        self.assertEqual(conds["Conflict"]["status"], "False")

        # Scaling: endpoints follow.
        self.k["member1"]("scale", "deployment/web", "-n", "shop", "--replicas=3")
        ips1 = self.wait_pods("member1", "web", 3)
        self.wait_ips("member2", "web", ips1, source="member1")
        self.k["member1"]("scale", "deployment/web", "-n", "shop", "--replicas=1")
        ips1 = self.wait_pods("member1", "web", 1)
        self.wait_ips("member2", "web", ips1, source="member1")

        # A second exporting cluster: consumers see the union.
        self.k["member2"]("apply", "-f", "-", input=backend("web", 2))
        ips2 = self.wait_pods("member2", "web", 2)
        self.wait_ips("member3", "web", ips1 + ips2)
        self.wait_ips("member1", "web", ips2, source="member2")
        wait_until(lambda: self.host.json("get", "serviceimports.multicluster.x-k8s.io", "-n",
                                          "shop", "web")["status"]["clusters"] ==
                   [{"cluster": "member1"}, {"cluster": "member2"}], timeout=90,
                   what="host ServiceImport lists both clusters")

        # member3 exports the same name with UDP: the oldest (member1) wins, all get Conflict.
        time.sleep(1.1)  # creationTimestamps have second resolution
        self.k["member3"]("apply", "-f", "-", input=backend("web", 1, protocol="UDP"))
        for m in ("member1", "member2", "member3"):
            c = wait_until(lambda: (lambda c: c if c.get("Conflict", {}).get("status") == "True"
                                    else None)(self.export_conditions(m, "web")),
                           timeout=90, what=f"Conflict on {m}'s export")
            self.assertEqual(c["Conflict"]["reason"], "PortConflict")
            msg = c["Conflict"]["message"]
            self.assertIn("ports[http].protocol", msg)
            self.assertIn("member1 has TCP (oldest export, in use)", msg)
            self.assertIn("member3 has UDP", msg)
        si = self.k["member2"].json("get", "serviceimports.multicluster.x-k8s.io", "-n", "shop",
                                    "web")
        self.assertEqual(si["spec"]["ports"][0]["protocol"], "TCP")
        # Resolving the conflict clears the condition.
        self.k["member3"]("delete", "serviceexport.multicluster.x-k8s.io", "-n", "shop", "web")
        wait_until(lambda: self.export_conditions("member1", "web")["Conflict"]["status"] ==
                   "False", timeout=90, what="conflict cleared")

    def test_2_multi_cluster_service(self):
        # The backend runs in member1 only; the Service template lives on the host.
        self.k["member1"]("apply", "-f", "-", input=backend("api", 2, export=False))
        ips = self.wait_pods("member1", "api", 2)
        self.host("create", "namespace", "shop", check=False)
        self.host("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List",
                                                        "items": [
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "api", "namespace": "shop"},
             "spec": {"selector": {"app": "api"},
                      "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}},
            {"apiVersion": "networking.karmada.io/v1alpha1", "kind": "MultiClusterService",
             "metadata": {"name": "api", "namespace": "shop"},
             "spec": {"types": ["CrossCluster"], "providerClusters": [{"name": "member1"}],
                      "consumerClusters": [{"name": "member2"}]}}]}))
        self.wait_ips("member2", "api", ips, source="member1")
        svc = self.k["member2"].json("get", "service", "-n", "shop", "api")
        self.assertEqual(svc["spec"]["ports"][0]["port"], 80)
        slices = self.k["member2"].json(
            "get", "endpointslices", "-n", "shop", "-l",
            f"{MCS_LABEL}=api,endpointslice.kubernetes.io/managed-by=mcs.flotilla.io")["items"]
        self.assertTrue(slices)
        for s in slices:
            self.assertTrue(s["metadata"]["name"].startswith("member1-api"))
            self.assertEqual(s["metadata"]["labels"]["kubernetes.io/service-name"], "api")
        # Not a consumer: nothing dispatched to member3.
        self.assertEqual(self.imported_ips("member3", "api"), [])
        # Karmada's status conditions on the host object.
        conds = wait_until(lambda: (lambda c: c if len(c) == 2 else None)(
            {c["type"]: c for c in self.host.json(
                "get", "multiclusterservices.networking.karmada.io", "-n", "shop", "api")
             .get("status", {}).get("conditions", [])}), timeout=90, what="MCS conditions")
        self.assertEqual(conds["ServiceApplied"]["status"], "True")
        self.assertEqual(conds["EndpointSliceDispatched"]["status"], "True")

    def test_3_member_down_and_back(self):
        ips1 = self.ready_pod_ips("member1", "web")
        api_ips = self.ready_pod_ips("member1", "api")
        self.assertTrue(ips1)
        self.wait_ips("member3", "web", ips1, source="member1")
        self.fed.kill("member1")
        try:
            wait_until(lambda: not self._cluster_ready("member1"), timeout=120,
                       what="member1 NotReady")
            # Withdrawn from every consumer after the grace.
            self.wait_ips("member3", "web", [], source="member1", timeout=120)
            self.wait_ips("member2", "web", [], source="member1", timeout=120)
            self.wait_ips("member2", "api", [], source="member1", timeout=120)
            # member2's own export is untouched.
            self.assertEqual(len(self.imported_ips("member3", "web", "member2")), 2)
        finally:
            self.fed.restart("member1")
        wait_until(lambda: self._cluster_ready("member1"), timeout=90, what="member1 Ready")
        self.wait_ips("member3", "web", ips1, source="member1", timeout=120)
        self.wait_ips("member2", "api", api_ips, source="member1", timeout=120)

    def test_4_unexport_and_delete_clean_up(self):
        for m in ("member1", "member2"):
            self.k[m]("delete", "serviceexport.multicluster.x-k8s.io", "-n", "shop", "web")
        self.host("delete", "multiclusterservices.networking.karmada.io", "-n", "shop", "api")

        def clean(m):
            left = self.k[m].json("get", "endpointslices", "-n", "shop", "-l",
                                  "endpointslice.kubernetes.io/managed-by=mcs.flotilla.io")["items"]
            left += self.k[m].json("get", "services,serviceimports.multicluster.x-k8s.io", "-n",
                                   "shop", "-l", "app.kubernetes.io/managed-by=mcs.flotilla.io"
                                   )["items"]
            return not left
        for m in MEMBERS:
            wait_until(lambda: clean(m), timeout=120, what=f"{m} clean")
        wait_until(lambda: not self.host.json("get", "serviceimports.multicluster.x-k8s.io", "-n",
                                              "shop")["items"], timeout=90,
                   what="host ServiceImport gone")
        # The user's own objects stay.
        self.k["member1"]("get", "service", "-n", "shop", "web")


if __name__ == "__main__":
    unittest.main()
