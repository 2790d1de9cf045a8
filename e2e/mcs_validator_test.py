"""The MCS validator (issue 6): admission of ServiceExport, ServiceImport and MultiClusterService,
and — with a federation — the consistency check and `flotilla mcs status`.

McsAdmissionTest needs only a host API server: invalid objects applied with the real kubectl are
refused with 422 and messages naming each bad field; valid ones are stored.
McsConsistencyTest needs a host, two members and the controller manager (e2e/harness/federation.py):
an EndpointSlice deleted by hand in a consumer comes back, and `flotilla mcs status` shows the
service with its providers, consumers and endpoint counts.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTestCase, dump_yaml, flotilla_binary, wait_until  # noqa: E402
from harness.federation import FederationTestCase, member_spec  # noqa: E402

MCS_LABEL = "multicluster.kubernetes.io/service-name"
SOURCE_LABEL = "multicluster.kubernetes.io/source-cluster"


def service(name, ns, type_="ClusterIP", ports=((80, "http"),)):
    spec = {"type": type_}
    if type_ == "ExternalName":
        spec["externalName"] = "db.example.com"
    else:
        spec["selector"] = {"app": name}
        spec["ports"] = [{"name": n, "port": p, "protocol": "TCP"} for p, n in ports]
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": spec}


def service_export(name, ns):
    return {"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceExport",
            "metadata": {"name": name, "namespace": ns}}


def service_import(name, ns, spec):
    return {"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceImport",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def multi_cluster_service(name, ns, spec):
    return {"apiVersion": "networking.karmada.io/v1alpha1", "kind": "MultiClusterService",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def cluster(name):
    return {"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
            "metadata": {"name": name},
            "spec": {"syncMode": "Push", "apiEndpoint": "https://10.0.0.1:6443"}}


class McsAdmissionTest(ServerTestCase):
    """Rows: (test name, objects applied first, the object, expected substrings of kubectl's
    stderr or None when the object must be accepted)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kubectl("apply", "-f", "-", input=dump_yaml(cluster("member1"), cluster("member2")))

    def apply(self, *objs, check=False):
        return self.kubectl("apply", "-f", "-", input=dump_yaml(*objs), check=check)

    def expect_rejected(self, obj, *needles):
        p = self.apply(obj)
        self.assertNotEqual(p.returncode, 0, f"{obj['kind']} must be rejected; got {p.stdout}")
        for n in needles:
            self.assertIn(n, p.stderr, f"kubectl's message must contain {n!r}")
        return p.stderr

    def expect_accepted(self, *objs):
        p = self.apply(*objs)
        self.assertEqual(p.returncode, 0, f"must be accepted; stderr: {p.stderr}")

    def test_export_of_external_name_service_rejected(self):
        ns = self.new_namespace()
        self.expect_accepted(service("db", ns, "ExternalName"), service("web", ns))
        self.expect_rejected(service_export("db", ns),
                                   'The ServiceExport "db" is invalid',
                                   "metadata.name", "ExternalName", "cannot be exported")
        self.expect_accepted(service_export("web", ns))
        # A ServiceExport whose Service lives only in the members is fine on the host.
        self.expect_accepted(service_export("elsewhere", ns))

    def test_export_name_must_be_a_service_name(self):
        ns = self.new_namespace()
        self.expect_rejected(service_export("9lives", ns), "metadata.name", "DNS-1035 label")

    def test_service_import_bad_ports_and_type(self):
        ns = self.new_namespace()
        err = self.expect_rejected(
            service_import("web", ns, {"type": "ClusterSetIP",
                                       "ports": [{"port": 0}, {"name": "x", "port": 80,
                                                               "protocol": "HTTP"}]}),
            'The ServiceImport "web" is invalid',
            "spec.ports[0].port", "must be between 1 and 65535",
            "spec.ports[0].name", "every port must be named",
            "spec.ports[1].protocol", 'supported values: "SCTP", "TCP", "UDP"')
        self.assertNotIn("panic", err)
        self.expect_rejected(service_import("web", ns, {"type": "LoadBalancer",
                                                        "ports": [{"port": 80}]}),
                             "spec.type", "ClusterSetIP")
        self.expect_rejected(service_import("web", ns, {"type": "Headless", "ports": [],
                                                        "ips": ["10.0.0.9"]}),
                             "spec.ips", "must be empty for a Headless import")
        self.expect_accepted(service_import("web", ns, {
            "type": "ClusterSetIP", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}))
        # An update is validated too.
        self.expect_rejected(service_import("web", ns, {"type": "ClusterSetIP",
                                                        "ports": [{"port": 65536}]}),
                             "spec.ports[0].port")

    def test_multi_cluster_service_rules(self):
        ns = self.new_namespace()
        self.expect_accepted(service("web", ns, ports=((80, "http"),)))
        err = self.expect_rejected(
            multi_cluster_service("web", ns, {
                "types": ["CrossCluster", "LoadBalancer"],
                "ports": [{"port": 8080}],
                "providerClusters": [{"name": "member1"}, {"name": "member9"}],
                "consumerClusters": [{"name": "Member_2"}]}),
            'The MultiClusterService "web" is invalid',
            "spec.types[1]", "does not implement LoadBalancer",
            "spec.ports[0].port", 'Service "web" has no such port',
            "spec.providerClusters[1].name", '"member9"', "no Cluster of that name",
            "spec.consumerClusters[0].name", "DNS-1123 label")
        self.assertNotIn("spec.providerClusters[0]", err)
        self.expect_accepted(multi_cluster_service("web", ns, {
            "types": ["CrossCluster"], "ports": [{"name": "http", "port": 80}],
            "providerClusters": [{"name": "member1"}], "consumerClusters": [{"name": "member2"}]}))
        # An MCS for an ExternalName Service is refused.
        self.expect_accepted(service("ext", ns, "ExternalName"))
        self.expect_rejected(multi_cluster_service("ext", ns, {"types": ["CrossCluster"]}),
                             "ExternalName")

    def test_status_cause_fields_over_the_api(self):
        ns = self.new_namespace()
        r = self.server.request(
            "POST", f"/apis/networking.karmada.io/v1alpha1/namespaces/{ns}/multiclusterservices",
            multi_cluster_service("web", ns, {"types": ["CrossCluster"],
                                              "consumerClusters": [{"name": "nowhere"}]}))
        self.assertEqual(r.status, 422, r)
        st = r.json()
        self.assertEqual(st["reason"], "Invalid")
        self.assertEqual(st["details"]["kind"], "MultiClusterService")
        fields = [c.get("field") for c in st["details"].get("causes", [])]
        self.assertEqual(fields, ["spec.consumerClusters[0].name"], st)


def backend(name, ns, replicas):
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{
                                   "name": "c", "image": "nginx",
                                   "ports": [{"name": "http", "containerPort": 8080}]}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
         "spec": {"selector": {"app": name},
                  "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}},
        service_export(name, ns),
    ]


def ready_addresses(slice_obj):
    return sorted(a for ep in slice_obj.get("endpoints") or []
                  if (ep.get("conditions") or {}).get("ready", True)
                  for a in ep.get("addresses") or [])


class McsConsistencyTest(FederationTestCase):
    """m1 exports `web` (2 pods); m2 imports it. The consistency check runs every second."""

    members = [member_spec("m1", nodes=1), member_spec("m2", nodes=1)]
    controller_manager_args = ["--mcs-consistency-period=1s"]

    def flotilla(self, *args, check=None):
        p = subprocess.run([flotilla_binary(), *args, "--kubeconfig", self.fed.host_kubeconfig],
                           capture_output=True, text=True, timeout=60)
        if check is not None:
            self.assertEqual(p.returncode, check,
                             f"flotilla {' '.join(args)}: stdout {p.stdout} stderr {p.stderr}")
        return p

    def imported_slices(self, member, ns):
        p = self.fed.member(member)("get", "endpointslices", "-n", ns, "-l",
                                    f"{MCS_LABEL}=web,{SOURCE_LABEL}=m1", "-o", "json",
                                    check=False)
        if p.returncode != 0:
            return []
        return json.loads(p.stdout)["items"]

    def metrics_text(self):
        port = None
        with open(os.path.join(self.fed.dir, "logs", "controller-manager.log")) as f:
            for line in f:
                if line.startswith("metrics port "):
                    port = int(line.split()[2])
        self.assertIsNotNone(port, "the controller manager prints its metrics port")
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            return r.read().decode()

    def test_hand_deleted_slice_is_repaired_and_status_shows_the_service(self):
        ns = "mcs-consistency"
        for m in self.fed.member_names:
            self.fed.member(m)("create", "namespace", ns, check=False)
        self.apply(*backend("web", ns, 2), kubectl=self.fed.member("m1"))

        def imported_in_m2():
            items = self.imported_slices("m2", ns)
            return items if items and sum(len(ready_addresses(s)) for s in items) == 2 else None
        slices = wait_until(imported_in_m2, timeout=90, interval=0.5,
                            what="m1's two ready endpoints imported into m2")
        name = slices[0]["metadata"]["name"]
        want = ready_addresses(slices[0])

        # By hand: delete the Flotilla-managed slice in the consumer.
        self.fed.member("m2")("delete", "endpointslice", "-n", ns, name)

        def repaired():
            for s in self.imported_slices("m2", ns):
                if s["metadata"]["name"] == name and ready_addresses(s) == want:
                    return s
            return None
        wait_until(repaired, timeout=60, interval=0.5, what=f"slice {name} back in m2")

        # The status command sees the service, its provider and consumer, and no drift once the
        # check has had a look.
        def status_clean():
            p = self.flotilla("mcs", "status", f"{ns}/web", "-o", "json")
            if p.returncode != 0:
                return None
            return json.loads(p.stdout)
        st = wait_until(status_clean, timeout=30, interval=1, what="mcs status without drift")
        svc = [s for s in st["services"] if s["mode"] == "ServiceImport"]
        self.assertEqual(len(svc), 1, st)
        svc = svc[0]
        self.assertEqual(svc["providers"], ["m1"])
        self.assertIn("m2", svc["consumers"])
        self.assertEqual(svc["clusters"]["m1"]["providedEndpoints"], 2)
        self.assertEqual(svc["clusters"]["m2"]["importedEndpoints"], 2)
        self.assertEqual(svc["drift"], [])
        table = self.flotilla("mcs", "status", f"{ns}/web", check=0).stdout
        self.assertIn("ServiceImport", table)
        self.assertIn("m2<2", table)

        # The periodic check runs inside the controller manager.
        wait_until(lambda: "flotilla_mcs_consistency_checks_total{result=\"ok\"}"
                   in self.metrics_text(), timeout=30, what="consistency checks in /metrics")

    def test_status_errors_are_clear(self):
        p = self.flotilla("mcs", "status", "nowhere/nothing", check=2)
        self.assertIn("no multi-cluster service nowhere/nothing", p.stderr)
        p = self.flotilla("mcs", "status", "not-a-key", check=2)
        self.assertIn("expected NAMESPACE/NAME", p.stderr)
        p = subprocess.run([flotilla_binary(), "mcs", "status", "--kubeconfig",
                            os.path.join(self.workdir, "missing.kubeconfig")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("mcs status:", p.stderr)


if __name__ == "__main__":
    unittest.main()
