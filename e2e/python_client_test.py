"""The official Python client (python3-kubernetes 22.6, /usr/bin/python3) against Flotilla.

Reference: /work/shared/spec/kube-api.md (§0.6-0.10 list what this client is strict about).
"""
import os
import queue
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kubernetes  # noqa: E402
from kubernetes import client, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

from harness import ServerTestCase, wait_until  # noqa: E402


def cm(name, labels=None, data=None):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels),
                              data=data or {})


class PythonClientTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cfg = client.Configuration()
        kubernetes.config.load_kube_config(config_file=cls.server.kubeconfig,
                                           client_configuration=cfg)
        cls.api_client = client.ApiClient(cfg)
        cls.core = client.CoreV1Api(cls.api_client)
        cls.apps = client.AppsV1Api(cls.api_client)

    @classmethod
    def tearDownClass(cls):
        cls.api_client.close()
        super().tearDownClass()

    def test_version_fields(self):
        v = client.VersionApi(self.api_client).get_code()
        self.assertEqual((v.major, v.minor), ("1", "32"),
                         "/version must report 1.32 so the kubectl dispatcher runs kubectl 1.32")
        self.assertTrue(v.git_version.startswith("v1.32"), f"gitVersion {v.git_version!r}")
        for field in ("git_commit", "git_tree_state", "build_date", "go_version", "compiler",
                      "platform"):
            self.assertTrue(getattr(v, field), f"/version field {field} must be non-empty")

    def test_create_and_read(self):
        ns = self.new_namespace()
        # the Python client posts bodies without apiVersion/kind; the server defaults them
        created = self.core.create_namespaced_config_map(ns, {"metadata": {"name": "c"},
                                                              "data": {"k": "v"}})
        self.assertEqual(created.metadata.name, "c")
        self.assertTrue(created.metadata.uid, "uid assigned on create")
        got = self.core.read_namespaced_config_map("c", ns)
        self.assertEqual(got.data, {"k": "v"})
        self.assertEqual(got.metadata.resource_version, created.metadata.resource_version)
        with self.assertRaises(ApiException) as ctx:
            self.core.read_namespaced_config_map("missing", ns)
        self.assertEqual(ctx.exception.status, 404, "reading a missing object")

    def test_list_label_selector(self):
        ns = self.new_namespace()
        for name, tier in (("a", "web"), ("b", "db"), ("c", "web")):
            self.core.create_namespaced_config_map(ns, cm(name, {"tier": tier}))
        got = self.core.list_namespaced_config_map(ns, label_selector="tier=web")
        self.assertEqual(sorted(i.metadata.name for i in got.items), ["a", "c"])
        got = self.core.list_namespaced_config_map(ns, label_selector="tier notin (web)")
        self.assertEqual([i.metadata.name for i in got.items], ["b"])
        got = self.core.list_namespaced_config_map(ns, label_selector="")
        self.assertEqual(len(got.items), 3, "an empty labelSelector selects everything")
        got = self.core.list_namespaced_config_map(ns, label_selector="tier=none")
        self.assertEqual(got.items, [], "an empty result must be an empty list, not null")

    def test_list_pagination(self):
        ns = self.new_namespace()
        names = [f"p{i:02d}" for i in range(11)]
        for n in names:
            self.core.create_namespaced_config_map(ns, cm(n))
        seen, token, pages = [], None, 0
        while True:
            page = self.core.list_namespaced_config_map(ns, limit=4, _continue=token)
            pages += 1
            self.assertLessEqual(len(page.items), 4, "a page must hold at most `limit` items")
            seen += [i.metadata.name for i in page.items]
            token = page.metadata._continue
            if not token:
                break
            self.assertLess(pages, 10, "pagination does not terminate")
        self.assertEqual(pages, 3, "11 items with limit=4 make 3 pages")
        self.assertEqual(seen, names, "pages must return every item once, in name order")

    def test_watch_resume_from_resource_version(self):
        ns = self.new_namespace()
        first = self.core.create_namespaced_config_map(ns, cm("w0"))
        rv = first.metadata.resource_version
        # changes made while nobody watches ...
        self.core.create_namespaced_config_map(ns, cm("w1"))
        self.core.patch_namespaced_config_map("w0", ns, {"data": {"x": "1"}})
        self.core.delete_namespaced_config_map("w1", ns)
        # ... are all replayed to a watch that starts from rv
        events = []
        w = watch.Watch()
        for ev in w.stream(self.core.list_namespaced_config_map, ns, resource_version=rv,
                           timeout_seconds=10):
            events.append((ev["type"], ev["object"].metadata.name))
            if len(events) == 3:
                w.stop()
        self.assertEqual(events, [("ADDED", "w1"), ("MODIFIED", "w0"), ("DELETED", "w1")],
                         "watch from a resourceVersion must replay every later change in order")

    def test_watch_live_events(self):
        ns = self.new_namespace()
        lst = self.core.list_namespaced_config_map(ns)
        q = queue.Queue()
        w = watch.Watch()

        def run():
            try:
                for ev in w.stream(self.core.list_namespaced_config_map, ns,
                                   resource_version=lst.metadata.resource_version,
                                   timeout_seconds=15):
                    q.put((ev["type"], ev["object"].metadata.name))
            except Exception as e:  # noqa: BLE001
                q.put(("EXC", repr(e)))
        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.core.create_namespaced_config_map(ns, cm("live"))
        try:
            ev = q.get(timeout=15)
        finally:
            w.stop()
        self.assertEqual(ev, ("ADDED", "live"), "a live watch must see the create")

    def test_patch(self):
        ns = self.new_namespace()
        self.core.create_namespaced_config_map(ns, cm("pt", data={"a": "1"}))
        got = self.core.patch_namespaced_config_map("pt", ns, {"data": {"b": "2"},
                                                               "metadata": {"labels": {"x": "y"}}})
        self.assertEqual(got.data, {"a": "1", "b": "2"}, "strategic merge patch of a map")
        self.assertEqual(got.metadata.labels, {"x": "y"})
        dep = {"metadata": {"name": "d"}, "spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}},
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
        self.apps.create_namespaced_deployment(ns, dep)
        scale = self.apps.patch_namespaced_deployment_scale("d", ns, {"spec": {"replicas": 5}})
        self.assertEqual(scale.spec.replicas, 5,
                         "strategic merge patch on the scale subresource (Python's default)")
        self.assertEqual(self.apps.read_namespaced_deployment("d", ns).spec.replicas, 5)
        got = self.core.patch_namespaced_config_map(
            "pt", ns, [{"op": "remove", "path": "/data/a"}])
        self.assertEqual(got.data, {"b": "2"}, "a list body is sent as a JSON patch")

    def test_conflict_on_stale_resource_version(self):
        ns = self.new_namespace()
        self.core.create_namespaced_config_map(ns, cm("cf", data={"v": "0"}))
        mine = self.core.read_namespaced_config_map("cf", ns)
        theirs = self.core.read_namespaced_config_map("cf", ns)
        theirs.data = {"v": "theirs"}
        self.core.replace_namespaced_config_map("cf", ns, theirs)
        mine.data = {"v": "mine"}
        with self.assertRaises(ApiException) as ctx:
            self.core.replace_namespaced_config_map("cf", ns, mine)
        self.assertEqual(ctx.exception.status, 409, "update with a stale resourceVersion")
        self.assertIn("the object has been modified", ctx.exception.body)
        # the usual client loop: re-read and retry
        fresh = self.core.read_namespaced_config_map("cf", ns)
        fresh.data = {"v": "mine"}
        self.assertEqual(self.core.replace_namespaced_config_map("cf", ns, fresh).data,
                         {"v": "mine"})

    def test_discovery(self):
        groups = client.ApisApi(self.api_client).get_api_versions()
        names = {g.name for g in groups.groups}
        for g in ("apps", "apiextensions.k8s.io", "policy.karmada.io", "work.karmada.io",
                  "cluster.karmada.io"):
            self.assertIn(g, names, f"/apis must list group {g}")
        res = self.apps.get_api_resources()
        self.assertIn("deployments", [r.name for r in res.resources])

    def test_delete_with_propagation_query(self):
        ns = self.new_namespace()
        self.core.create_namespaced_config_map(ns, cm("del"))
        # options travel as query parameters; foreground deletion of an object without
        # dependents finishes as soon as the garbage collector removes its finalizer
        self.core.delete_namespaced_config_map("del", ns, propagation_policy="Foreground")

        def gone():
            try:
                self.core.read_namespaced_config_map("del", ns)
                return False
            except ApiException as e:
                return e.status == 404
        wait_until(gone, timeout=15, what="configmap del to be deleted")


    def test_watch_label_selector_transitions(self):
        ns = self.new_namespace()
        lst = self.core.list_namespaced_config_map(ns)
        self.core.create_namespaced_config_map(ns, cm("t", {"app": "x"}))
        self.core.patch_namespaced_config_map("t", ns, {"metadata": {"labels": {"app": "y"}}})
        self.core.patch_namespaced_config_map("t", ns, {"metadata": {"labels": {"app": "x"}}})
        self.core.patch_namespaced_config_map("t", ns, {"data": {"k": "v"}})
        events = []
        w = watch.Watch()
        for ev in w.stream(self.core.list_namespaced_config_map, ns, label_selector="app=x",
                           resource_version=lst.metadata.resource_version, timeout_seconds=10):
            events.append(ev["type"])
            if len(events) == 4:
                w.stop()
        self.assertEqual(events, ["ADDED", "DELETED", "ADDED", "MODIFIED"],
                         "an object leaving a watch's selector is DELETED, entering is ADDED")

    def test_watch_initial_events_without_resource_version(self):
        ns = self.new_namespace()
        for n in ("i1", "i2"):
            self.core.create_namespaced_config_map(ns, cm(n))
        names = []
        w = watch.Watch()
        for ev in w.stream(self.core.list_namespaced_config_map, ns, timeout_seconds=5):
            self.assertEqual(ev["type"], "ADDED")
            names.append(ev["object"].metadata.name)
            if len(names) == 2:
                w.stop()
        self.assertEqual(sorted(names), ["i1", "i2"],
                         "a watch without resourceVersion starts with synthetic ADDED events")

    def test_custom_resource_put_requires_resource_version(self):
        from harness import widget_crd
        crd = widget_crd(group="py.e2e.flotilla.io", short_names=("pyw",))
        ext = client.ApiextensionsV1Api(self.api_client)
        ext.create_custom_resource_definition(crd)
        co = client.CustomObjectsApi(self.api_client)
        ns = self.new_namespace()

        def served():
            co.list_namespaced_custom_object("py.e2e.flotilla.io", "v1", ns, "widgets")
            return True
        wait_until(served, timeout=30, what="the CRD to be served")
        obj = co.create_namespaced_custom_object(
            "py.e2e.flotilla.io", "v1", ns, "widgets",
            {"apiVersion": "py.e2e.flotilla.io/v1", "kind": "Widget",
             "metadata": {"name": "w"}, "spec": {"size": 1}})
        obj["spec"]["size"] = 2
        del obj["metadata"]["resourceVersion"]
        with self.assertRaises(ApiException) as ctx:
            co.replace_namespaced_custom_object("py.e2e.flotilla.io", "v1", ns, "widgets", "w",
                                                obj)
        self.assertEqual(ctx.exception.status, 422,
                         "PUT of a custom resource without resourceVersion is rejected")
        self.assertIn("metadata.resourceVersion", ctx.exception.body)
        got = co.patch_namespaced_custom_object("py.e2e.flotilla.io", "v1", ns, "widgets", "w",
                                                {"spec": {"size": 3}})
        self.assertEqual(got["spec"]["size"], 3, "CustomObjectsApi patch (merge patch)")

    def test_server_side_apply(self):
        import json
        ns = self.new_namespace()
        body = {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "ssa", "namespace": ns}, "data": {"a": "1"}}
        path = f"/api/v1/namespaces/{ns}/configmaps/ssa"

        def apply(obj, manager, force=False):
            q = [("fieldManager", manager)] + ([("force", "true")] if force else [])
            return self.api_client.call_api(
                path, "PATCH", query_params=q, body=json.dumps(obj),
                header_params={"Content-Type": "application/apply-patch+yaml",
                               "Accept": "application/json"},
                response_type="object", auth_settings=["BearerToken"],
                _return_http_data_only=False)
        _, status, _ = apply(body, "py")
        self.assertEqual(status, 201, "server-side apply of a missing object creates it (201)")
        _, status, _ = apply(body, "py")
        self.assertEqual(status, 200, "re-apply")
        with self.assertRaises(ApiException) as ctx:
            apply({**body, "data": {"a": "2"}}, "other")
        self.assertEqual(ctx.exception.status, 409, "apply conflict")
        self.assertIn("FieldManagerConflict", ctx.exception.body)
        obj, status, _ = apply({**body, "data": {"a": "2"}}, "other", force=True)
        self.assertEqual(obj["data"]["a"], "2", "force=true takes ownership")


    def test_bundled_crds_installed_and_established(self):
        """The server installs charts/flotilla/crds/*.yaml (the single source of truth)."""
        import glob
        import yaml
        from harness import REPO
        expected = {}
        for path in glob.glob(os.path.join(REPO, "charts", "flotilla", "crds", "*.yaml")):
            with open(path) as f:
                doc = yaml.safe_load(f)
            expected[doc["metadata"]["name"]] = doc
        ext = client.ApiextensionsV1Api(self.api_client)
        served = {c.metadata.name: c for c in ext.list_custom_resource_definition().items}
        missing = sorted(set(expected) - set(served))
        self.assertFalse(missing, f"bundled CRDs not installed: {missing}")
        for name, doc in expected.items():
            crd = served[name]
            conds = {c.type: c.status for c in (crd.status.conditions or [])}
            self.assertEqual(conds.get("Established"), "True", f"{name} not Established: {conds}")
            self.assertEqual([v.name for v in crd.spec.versions],
                             [v["name"] for v in doc["spec"]["versions"]],
                             f"{name}: served versions differ from the chart file")
            self.assertEqual(crd.spec.names.short_names or [],
                             doc["spec"]["names"].get("shortNames", []), f"{name}: shortNames")


    def test_delete_collection(self):
        ns = self.new_namespace()
        for name, tier in (("a", "web"), ("b", "db"), ("c", "web")):
            self.core.create_namespaced_config_map(ns, cm(name, {"tier": tier}))
        self.core.delete_collection_namespaced_config_map(ns, label_selector="tier=web")
        left = [i.metadata.name for i in self.core.list_namespaced_config_map(ns).items]
        self.assertEqual(left, ["b"], "deletecollection honours the label selector")


if __name__ == "__main__":
    unittest.main()
