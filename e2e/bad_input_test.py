"""Malformed and hostile requests: each gets the right 4xx Status, and the server stays up.

A table of raw HTTPS requests (token and CA from admin.kubeconfig). Every row becomes its own
test method; after each request the server must still answer /readyz with 200.
Reference: /work/shared/spec/kube-api.md §5.9 (Status errors), §5.5 (selectors), §9 (CRDs).
"""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTestCase, wait_until, widget_crd  # noqa: E402

NS = "badinput"
CM = f"/api/v1/namespaces/{NS}/configmaps"
WIDGETS = f"/apis/e2e.flotilla.io/v1/namespaces/{NS}/widgets"
MIB = 1024 * 1024
NOT_5XX = "not-5xx"  # expected status: anything the server can answer without failing


def nested(depth):
    return ('{"a":' * depth) + "1" + ("}" * depth)


# name, method, path, body, headers, expected status, extra check(test, status_json)
def _causes_name(field):
    def check(t, st):
        causes = st.get("details", {}).get("causes", [])
        fields = [c.get("field") for c in causes]
        t.assertIn(field, fields, f"details.causes must name {field}; got {causes}")
    return check


def _reason(reason):
    def check(t, st):
        t.assertEqual(st.get("reason"), reason, f"Status.reason; body {st}")
    return check


def _message_contains(text):
    def check(t, st):
        t.assertIn(text, st.get("message", ""), f"Status.message; body {st}")
    return check


CASES = [
    ("malformed_json", "POST", CM, b'{"metadata": {"name": "x"', {"Content-Type":
                                                                   "application/json"},
     400, _reason("BadRequest")),
    ("json_wrong_top_level_type", "POST", CM, b'[1,2,3]', {"Content-Type": "application/json"},
     400, None),
    ("malformed_yaml_apply", "PATCH", f"{CM}/y?fieldManager=e2e",
     b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y\n  data: [unclosed\n",
     {"Content-Type": "application/apply-patch+yaml"}, 400, None),
    ("apply_without_field_manager", "PATCH", f"{CM}/y",
     b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"y"}}',
     {"Content-Type": "application/apply-patch+yaml"}, 422,
     _message_contains("fieldManager")),
    ("body_over_3mib", "POST", CM,
     json.dumps({"metadata": {"name": "huge"}, "data": {"blob": "x" * (3 * MIB + 4096)}}).encode(),
     {"Content-Type": "application/json"}, 413, None),
    ("invalid_name", "POST", CM, json.dumps({"metadata": {"name": "Bad_Name!"}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("metadata.name")),
    ("missing_name", "POST", CM, json.dumps({"metadata": {}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("metadata.name")),
    ("invalid_label_value", "POST", CM,
     json.dumps({"metadata": {"name": "lbl", "labels": {"k": "bad value!"}}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("metadata.labels")),
    ("crd_schema_wrong_type", "POST", WIDGETS,
     json.dumps({"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
                 "metadata": {"name": "w"}, "spec": {"size": "big"}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("spec.size")),
    ("crd_schema_enum_violation", "POST", WIDGETS,
     json.dumps({"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
                 "metadata": {"name": "w2"}, "spec": {"size": 1, "color": "purple"}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("spec.color")),
    ("cluster_name_over_48_chars", "POST", "/apis/cluster.karmada.io/v1alpha1/clusters",
     json.dumps({"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
                 "metadata": {"name": "c" * 49}, "spec": {"syncMode": "Push"}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("metadata.name")),
    ("bundled_crd_missing_required_field", "POST", "/apis/cluster.karmada.io/v1alpha1/clusters",
     json.dumps({"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
                 "metadata": {"name": "nosync"}, "spec": {}}).encode(),
     {"Content-Type": "application/json"}, 422, _causes_name("spec.syncMode")),
    ("unknown_path", "GET", "/apis/nope.example.com/v1/foos", None, {}, 404,
     _reason("NotFound")),
    ("unknown_resource_in_known_group", "GET", "/apis/apps/v1/namespaces/default/gizmos", None,
     {}, 404, None),
    ("missing_object", "GET", f"{CM}/does-not-exist", None, {}, 404,
     _message_contains('configmaps "does-not-exist" not found')),
    ("bad_label_selector", "GET", f"{CM}?labelSelector=a%20in%20(b", None, {}, 400,
     _reason("BadRequest")),
    ("bad_field_selector", "GET", f"{CM}?fieldSelector=spec.nope%3Dx", None, {}, 400, None),
    ("unsupported_media_type", "POST", CM, b"<configmap/>", {"Content-Type": "application/xml"},
     415, _reason("UnsupportedMediaType")),
    ("namespace_mismatch", "POST", CM,
     json.dumps({"metadata": {"name": "nm", "namespace": "other"}}).encode(),
     {"Content-Type": "application/json"}, 400, None),
    ("create_in_missing_namespace", "POST", "/api/v1/namespaces/no-such-ns/configmaps",
     json.dumps({"metadata": {"name": "z"}}).encode(), {"Content-Type": "application/json"},
     404, None),
    ("malformed_json_patch", "PATCH", f"{CM}/victim", b'[{"op": "explode"}]',
     {"Content-Type": "application/json-patch+json"}, None, None),  # 400 or 422
    ("strategic_merge_on_custom_resource", "PATCH", f"{WIDGETS}/victim", b'{"spec":{}}',
     {"Content-Type": "application/strategic-merge-patch+json"}, 415, None),
    ("deeply_nested_json", "POST", CM, nested(100000).encode(),
     {"Content-Type": "application/json"}, None, None),  # any 4xx, no crash
    ("invalid_utf8", "POST", CM, b'{"metadata":{"name":"u"},"data":{"k":"\xff\xfe"}}',
     {"Content-Type": "application/json"}, NOT_5XX, None),  # Go replaces bad UTF-8 with U+FFFD
    ("delete_protected_namespace", "DELETE", "/api/v1/namespaces/kube-public", None, {}, 403,
     _reason("Forbidden")),
    ("unknown_patch_media_type", "PATCH", f"{CM}/victim", b'{"data":{}}',
     {"Content-Type": "application/x-unknown-patch"}, 415, None),
    ("post_to_named_object", "POST", f"{CM}/victim", b'{"metadata":{"name":"victim"}}',
     {"Content-Type": "application/json"}, 405, _reason("MethodNotAllowed")),
    ("put_name_mismatch", "PUT", f"{CM}/victim",
     json.dumps({"metadata": {"name": "someone-else"}}).encode(),
     {"Content-Type": "application/json"}, 400, None),
    ("stale_resource_version_put", "PUT", f"{CM}/victim",
     json.dumps({"metadata": {"name": "victim", "resourceVersion": "1"}}).encode(),
     {"Content-Type": "application/json"}, 409, _reason("Conflict")),
    ("kind_mismatch", "POST", CM,
     json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "km"}}).encode(),
     {"Content-Type": "application/json"}, 400, None),
    ("strict_unknown_field", "POST", f"{CM}?fieldValidation=Strict",
     json.dumps({"metadata": {"name": "uf"}, "bogus": 1}).encode(),
     {"Content-Type": "application/json"}, 400, _message_contains('unknown field "bogus"')),
    ("duplicate_json_field_strict", "POST", f"{CM}?fieldValidation=Strict",
     b'{"metadata":{"name":"dup"},"data":{"a":"1"},"data":{"b":"2"}}',
     {"Content-Type": "application/json"}, 400, _message_contains("duplicate field")),
    ("json_patch_failed_test_op", "PATCH", f"{CM}/victim",
     b'[{"op":"test","path":"/data/a","value":"nope"}]',
     {"Content-Type": "application/json-patch+json"}, 422, None),
    ("watch_resource_version_not_a_number", "GET", f"{CM}?watch=true&resourceVersion=abc",
     None, {}, 400, None),
    ("negative_limit", "GET", f"{CM}?limit=-5", None, {}, NOT_5XX, None),
    ("bad_continue_token", "GET", f"{CM}?limit=1&continue=%21%21garbage%21%21", None, {},
     400, None),
    ("list_resource_version_too_large", "GET", f"{CM}?resourceVersion=999999999999", None, {},
     504, _reason("Timeout")),
    ("unauthenticated", "GET", "/api/v1/namespaces", None, {"Authorization": "Bearer wrong"},
     401, _reason("Unauthorized")),
]


class BadInputTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        r = s.request("POST", "/api/v1/namespaces", {"metadata": {"name": NS}})
        assert r.status == 201, f"creating namespace {NS}: {r}"
        r = s.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                      widget_crd())
        assert r.status == 201, f"creating the Widget CRD: {r}"
        wait_until(lambda: s.request("GET", WIDGETS).status == 200, timeout=30,
                   what="the Widget CRD to be served")
        s.request("POST", CM, {"metadata": {"name": "victim"}, "data": {"a": "1"}})
        s.request("POST", WIDGETS, {"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
                                    "metadata": {"name": "victim"}, "spec": {"size": 1}})

    def run_case(self, method, path, body, headers, expected, check):
        try:
            r = self.server.request(method, path, body=body, headers=headers, timeout=30)
        except OSError as e:
            if expected == 413:
                # a server may answer 413 and close before reading the whole body; the client
                # then sees a reset while still sending. Accept only if the server survived.
                r = None
            else:
                self.fail(f"{method} {path}: connection error {e!r}; server alive="
                          f"{self.server.alive()}\n{self.server_log_tail()}")
        if r is not None:
            if expected is None:
                self.assertTrue(400 <= r.status < 500, f"{method} {path}: expected a 4xx, got {r}")
            elif expected == NOT_5XX:
                self.assertLess(r.status, 500, f"{method} {path}: {r}")
            else:
                self.assertEqual(r.status, expected, f"{method} {path}: {r}")
            if r.status >= 400:
                try:
                    st = r.json()
                except ValueError:
                    self.fail(f"{method} {path}: error body is not JSON: {r.body[:200]!r}")
                self.assertEqual(st.get("kind"), "Status", f"error body must be a Status: {st}")
                self.assertEqual(st.get("code"), r.status, f"Status.code must match HTTP: {st}")
                self.assertEqual(st.get("status"), "Failure")
                if check:
                    check(self, st)
        self.assert_server_alive()
        ok = wait_until(self.server.readyz, timeout=5, what="/readyz after the bad request")
        self.assertTrue(ok)


def _make(case):
    name, method, path, body, headers, expected, check = case

    def test(self):
        self.run_case(method, path, body, headers, expected, check)
    test.__name__ = f"test_{name}"
    test.__doc__ = f"{method} {path.split('?')[0]} -> {expected or '4xx'}"
    return test


for _case in CASES:
    setattr(BadInputTest, f"test_{_case[0]}", _make(_case))


class SlowlorisTest(ServerTestCase):
    """A client that stalls mid-request must not block other clients."""

    def test_stalled_client_does_not_block_others(self):
        import socket
        host, port = self.server.host_port
        raw = socket.create_connection((host, port))
        try:
            if self.server._ssl is not None:
                raw = self.server._ssl.wrap_socket(raw, server_hostname=host)
            raw.sendall(b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
            time.sleep(0.5)
            t0 = time.monotonic()
            self.assertTrue(self.server.readyz(), "readyz while another client stalls")
            self.assertLess(time.monotonic() - t0, 5, "a stalled client delayed other requests")
        finally:
            raw.close()
        self.assert_server_alive()


class UpConfigTest(unittest.TestCase):
    """`flotilla up` refuses a bad federation config with a message naming the file and field,
    before starting anything."""

    CASES = [
        ("no members", "host: {storage: sqlite}\nmembers: []\n", "members"),
        ("unknown storage", "host: {storage: mysql}\nmembers: [{name: a}]\n",
         "host.storage: must be sqlite or etcd"),
        ("etcd without endpoints", "host: {storage: etcd}\nmembers: [{name: a}]\n",
         "host.etcdEndpoints: required with storage etcd"),
        ("endpoints without etcd",
         "host: {storage: sqlite, etcdEndpoints: [http://127.0.0.1:1]}\nmembers: [{name: a}]\n",
         "host.etcdEndpoints: only used with storage etcd"),
        ("bad endpoints", "host: {storage: etcd, etcdEndpoints: {a: b}}\nmembers: [{name: a}]\n",
         "host.etcdEndpoints: must be a list"),
        ("member without name", "members: [{nodes: 1}]\n", "members[0].name: required"),
    ]

    def test_bad_configs(self):
        import subprocess
        import tempfile
        from harness import flotilla_binary
        with tempfile.TemporaryDirectory() as d:
            for name, text, expected in self.CASES:
                with self.subTest(name):
                    path = os.path.join(d, "federation.yaml")
                    with open(path, "w") as f:
                        f.write("apiVersion: flotilla.io/v1alpha1\nkind: Federation\n" + text)
                    p = subprocess.run([flotilla_binary(), "up", "--config", path, "--dir",
                                        os.path.join(d, "fed")], capture_output=True, text=True,
                                       timeout=60, stdin=subprocess.DEVNULL)
                    self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
                    self.assertIn(path, p.stderr)
                    self.assertIn(expected, p.stderr)
                    self.assertNotIn("ready", p.stdout)


if __name__ == "__main__":
    unittest.main()
