"""kubectl 1.32 against `flotilla apiserver`: one test per behaviour kubectl users rely on.

Reference: /work/shared/spec/kube-api.md (§4 lists what each command sends). Run with
/usr/bin/python3; FLOTILLA_BIN and FLOTILLA_STORAGE select the binary and the storage backend.
"""
import json
import os
import stat
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import yaml  # noqa: E402

from harness import (LineReader, ServerTestCase, configmap, deployment, dump_yaml,  # noqa: E402
                     wait_until, widget_crd)


class KubectlTest(ServerTestCase):

    # ---- helpers ---------------------------------------------------------------------------

    def create(self, *objs):
        self.kubectl("create", "-f", "-", input=dump_yaml(*objs))

    def get_json(self, *args):
        return self.kubectl.json("get", *args)

    def api_get(self, path):
        return self.server.request("GET", path)

    def assert_gone(self, path, timeout=30, what=None):
        wait_until(lambda: self.api_get(path).status == 404, timeout=timeout,
                   what=f"{what or path} to be deleted (GET 404)")

    def ensure_crd(self, crd):
        name = crd["metadata"]["name"]
        if self.api_get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")\
                .status != 200:
            self.create(crd)
        self.kubectl("wait", "--for=condition=Established", f"crd/{name}", "--timeout=30s")

    # ---- get ---------------------------------------------------------------------------------

    def test_get_output_json(self):
        ns = self.new_namespace()
        self.create(configmap("a", ns, {"k": "v"}))
        obj = self.get_json("cm", "a", "-n", ns)
        self.assertEqual(obj["kind"], "ConfigMap", f"kind in `get -o json`: {obj}")
        self.assertEqual(obj["data"], {"k": "v"})
        self.assertTrue(obj["metadata"].get("uid"), "server must assign metadata.uid")
        self.assertTrue(obj["metadata"].get("resourceVersion"), "resourceVersion missing")
        self.assertRegex(obj["metadata"].get("creationTimestamp", ""),
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", "creationTimestamp format")
        lst = self.get_json("cm", "-n", ns)
        self.assertIn("a", [i["metadata"]["name"] for i in lst["items"]],
                      f"`get cm -o json` list: {lst}")

    def test_get_output_yaml(self):
        ns = self.new_namespace()
        self.create(configmap("a", ns, {"k": "v"}))
        out = self.kubectl("get", "cm", "a", "-n", ns, "-o", "yaml").stdout
        obj = yaml.safe_load(out)
        self.assertEqual(obj["metadata"]["name"], "a", f"`get -o yaml` output:\n{out}")
        self.assertEqual(obj["data"]["k"], "v")

    def test_get_table_columns_and_wide(self):
        ns = self.new_namespace()
        self.create(deployment("web", ns, replicas=2, image="nginx:1.25"))
        out = self.kubectl("get", "deploy", "-n", ns).stdout
        header = out.splitlines()[0].split()
        self.assertEqual(header, ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                         f"server-side Table columns for deployments; got:\n{out}")
        wide = self.kubectl("get", "deploy", "-n", ns, "-o", "wide").stdout
        for col in ("CONTAINERS", "IMAGES", "SELECTOR"):
            self.assertIn(col, wide.splitlines()[0], f"`-o wide` column {col} missing:\n{wide}")
        self.assertIn("nginx:1.25", wide, f"image missing from `-o wide`:\n{wide}")

    def test_get_label_selector(self):
        ns = self.new_namespace()
        self.create(configmap("red", ns, labels={"color": "red"}),
                    configmap("blue", ns, labels={"color": "blue"}),
                    configmap("plain", ns))
        names = lambda *a: sorted(i["metadata"]["name"]  # noqa: E731
                                  for i in self.get_json("cm", "-n", ns, *a)["items"])
        self.assertEqual(names("-l", "color=red"), ["red"], "-l color=red")
        self.assertEqual(names("-l", "color!=red"), ["blue", "plain"],
                         "-l color!=red must also match objects without the key")
        self.assertEqual(names("-l", "color in (red,blue)"), ["blue", "red"], "-l 'in (...)'")
        self.assertEqual(names("-l", "!color"), ["plain"], "-l '!color'")

    def test_get_field_selector(self):
        ns = self.new_namespace()
        self.create(configmap("one", ns), configmap("two", ns))
        items = self.get_json("cm", "-n", ns, "--field-selector", "metadata.name=two")["items"]
        self.assertEqual([i["metadata"]["name"] for i in items], ["two"],
                         "--field-selector metadata.name=two")
        items = self.get_json("cm", "-n", ns, "--field-selector", "metadata.name!=two")["items"]
        self.assertEqual(sorted(i["metadata"]["name"] for i in items), ["one"],
                         "--field-selector metadata.name!=two")

    def test_get_all_namespaces(self):
        ns1, ns2 = self.new_namespace(), self.new_namespace()
        self.create(configmap("x", ns1, labels={"e2e": "allns"}),
                    configmap("y", ns2, labels={"e2e": "allns"}))
        out = self.kubectl("get", "cm", "-A", "-l", "e2e=allns").stdout
        lines = out.splitlines()
        self.assertTrue(lines and lines[0].split()[0] == "NAMESPACE",
                        f"`get -A` must print a NAMESPACE column:\n{out}")
        rows = {tuple(line.split()[:2]) for line in lines[1:]}
        self.assertEqual(rows, {(ns1, "x"), (ns2, "y")}, f"`get cm -A` rows:\n{out}")

    def test_get_watch(self):
        ns = self.new_namespace()
        self.create(configmap("before", ns))
        proc = self.kubectl.popen("get", "cm", "-n", ns, "-w")
        reader = LineReader(proc)
        try:
            reader.wait_for(lambda ls: any(line.startswith("before") for line in ls),
                            what="initial row for 'before' in `kubectl get -w`")
            self.create(configmap("w1", ns, {"a": "1"}))
            reader.wait_for(lambda ls: sum(line.startswith("w1") for line in ls) >= 1,
                            what="a row for created configmap w1")
            self.kubectl("label", "cm", "w1", "-n", ns, "touched=yes")
            reader.wait_for(lambda ls: sum(line.startswith("w1") for line in ls) >= 2,
                            what="a second row for w1 after it was modified")
        finally:
            reader.stop()

    def metric_value(self, text, name, **labels):
        """Sum of the samples of `name` whose labels include `labels`."""
        total, found = 0.0, False
        for line in text.splitlines():
            if not line.startswith(name + "{"):
                continue
            sample_labels, value = line[len(name) + 1:].rsplit("} ", 1)
            if all(f'{k}="{v}"' in sample_labels for k, v in labels.items()):
                total += float(value)
                found = True
        return total if found else None

    def test_metrics_count_requests_watches_and_errors(self):
        ns = self.new_namespace()
        self.create(configmap("m1", ns))
        self.kubectl("get", "cm", "absent-" + ns, "-n", ns, check=False)
        proc = self.kubectl.popen("get", "cm", "-n", ns, "-w")
        reader = LineReader(proc)
        try:
            reader.wait_for(lambda ls: any(line.startswith("m1") for line in ls),
                            what="the watch's first row")
            self.create(configmap("m2", ns))
            reader.wait_for(lambda ls: any(line.startswith("m2") for line in ls),
                            what="the watch event for m2")
            text = self.kubectl("get", "--raw", "/metrics").stdout
            created = self.metric_value(text, "apiserver_request_total", verb="POST",
                                        resource="configmaps", scope="namespace", code="201")
            self.assertIsNotNone(created, "no POST configmaps sample in /metrics")
            self.assertGreaterEqual(created, 1)
            missing = self.metric_value(text, "apiserver_request_total", verb="GET",
                                        resource="configmaps", scope="resource", code="404")
            self.assertGreaterEqual(missing or 0, 1, "the 404 GET was not counted")
            open_watches = self.metric_value(text, "apiserver_longrunning_requests",
                                             verb="WATCH", resource="configmaps")
            self.assertGreaterEqual(open_watches or 0, 1, "the open watch is not in the gauge")
            events = self.metric_value(text, "apiserver_watch_events_total",
                                       resource="configmaps")
            self.assertGreaterEqual(events or 0, 1)
            durations = self.metric_value(text, "apiserver_request_duration_seconds_count",
                                          verb="POST", resource="configmaps")
            self.assertGreaterEqual(durations or 0, 1)
        finally:
            reader.stop()

    # ---- apply ---------------------------------------------------------------------------------

    def test_apply_client_side(self):
        ns = self.new_namespace()
        cm = configmap("app", ns, {"a": "1", "b": "2"}, labels={"keep": "yes", "drop": "yes"})
        out = self.kubectl("apply", "-f", "-", input=dump_yaml(cm)).stdout
        self.assertIn("configmap/app created", out)
        got = self.get_json("cm", "app", "-n", ns)
        last = got["metadata"].get("annotations", {}).get(
            "kubectl.kubernetes.io/last-applied-configuration")
        self.assertTrue(last, "client-side apply must store the last-applied annotation")
        cm["data"] = {"a": "1", "c": "3"}
        del cm["metadata"]["labels"]["drop"]
        out = self.kubectl("apply", "-f", "-", input=dump_yaml(cm)).stdout
        self.assertIn("configmap/app configured", out)
        got = self.get_json("cm", "app", "-n", ns)
        self.assertEqual(got["data"], {"a": "1", "c": "3"},
                         "three-way merge must drop key b and add c")
        self.assertNotIn("drop", got["metadata"].get("labels", {}),
                         "label removed from the manifest must disappear")
        out = self.kubectl("apply", "-f", "-", input=dump_yaml(cm)).stdout
        self.assertIn("configmap/app unchanged", out, "re-applying the same manifest")

    def test_apply_server_side_twice_removes_label(self):
        ns = self.new_namespace()
        cm = configmap("ssa", ns, {"a": "1"}, labels={"one": "1", "two": "2"})
        out = self.kubectl("apply", "--server-side", "-f", "-", input=dump_yaml(cm)).stdout
        self.assertIn("serverside-applied", out)
        got = self.kubectl.json("get", "cm", "ssa", "-n", ns, "--show-managed-fields")
        managers = [(m.get("manager"), m.get("operation"))
                    for m in got["metadata"].get("managedFields", [])]
        self.assertIn(("kubectl", "Apply"), managers,
                      f"SSA must record an Apply managedFields entry; got {managers}")
        del cm["metadata"]["labels"]["two"]
        self.kubectl("apply", "--server-side", "-f", "-", input=dump_yaml(cm))
        got = self.get_json("cm", "ssa", "-n", ns)
        self.assertEqual(got["metadata"].get("labels"), {"one": "1"},
                         "a label dropped from the applied config must be removed by SSA")

    def test_apply_server_side_conflict_and_force(self):
        ns = self.new_namespace()
        cm = configmap("owned", ns, {"key": "alice"})
        self.kubectl("apply", "--server-side", "--field-manager=alice", "-f", "-",
                     input=dump_yaml(cm))
        cm["data"]["key"] = "bob"
        p = self.kubectl("apply", "--server-side", "--field-manager=bob", "-f", "-",
                         input=dump_yaml(cm), check=False)
        self.assertNotEqual(p.returncode, 0, "applying a field owned by another manager "
                            "with a different value must conflict")
        self.assertIn("conflict", p.stderr.lower(), f"conflict message: {p.stderr}")
        self.assertIn('"alice"', p.stderr, f"conflict must name the owner: {p.stderr}")
        self.assertIn(".data.key", p.stderr, f"conflict must name the field: {p.stderr}")
        self.assertEqual(self.get_json("cm", "owned", "-n", ns)["data"]["key"], "alice",
                         "a conflicting apply must not change the object")
        self.kubectl("apply", "--server-side", "--field-manager=bob", "--force-conflicts",
                     "-f", "-", input=dump_yaml(cm))
        self.assertEqual(self.get_json("cm", "owned", "-n", ns)["data"]["key"], "bob",
                         "--force-conflicts must take the field over")

    # ---- create / replace -------------------------------------------------------------------

    def test_create_from_file(self):
        ns = self.new_namespace()
        path = os.path.join(self.workdir, f"{ns}-cm.yaml")
        with open(path, "w") as f:
            f.write(dump_yaml(configmap("fromfile", ns, {"x": "y"})))
        out = self.kubectl("create", "-f", path).stdout
        self.assertIn("configmap/fromfile created", out)
        p = self.kubectl("create", "-f", path, check=False)
        self.assertNotEqual(p.returncode, 0, "creating an existing object must fail")
        self.assertIn("AlreadyExists", p.stderr, f"error for duplicate create: {p.stderr}")

    def test_create_generators_protobuf(self):
        # kubectl 1.32 sends protobuf bodies for these (kube-api.md §0.3, §13).
        ns = f"gen-{os.getpid()}"
        self.kubectl("create", "namespace", ns)
        self.assertEqual(self.get_json("ns", ns)["status"].get("phase"), "Active",
                         "new namespace phase")
        self.kubectl("create", "configmap", "lit", "-n", ns, "--from-literal=x=1",
                     "--from-literal=y=two")
        self.assertEqual(self.get_json("cm", "lit", "-n", ns)["data"], {"x": "1", "y": "two"},
                         "configmap decoded from protobuf")
        self.kubectl("create", "deployment", "gen", "-n", ns, "--image=nginx:1.25",
                     "--replicas=3")
        d = self.get_json("deploy", "gen", "-n", ns)
        self.assertEqual(d["spec"]["replicas"], 3, "replicas decoded from protobuf")
        self.assertEqual(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.25")
        self.assertEqual(d["spec"]["selector"]["matchLabels"], {"app": "gen"})

    def test_replace(self):
        ns = self.new_namespace()
        self.create(configmap("r", ns, {"v": "1"}))
        cm = self.get_json("cm", "r", "-n", ns)
        cm["data"] = {"v": "2"}
        out = self.kubectl("replace", "-f", "-", input=json.dumps(cm)).stdout
        self.assertIn("configmap/r replaced", out)
        self.assertEqual(self.get_json("cm", "r", "-n", ns)["data"], {"v": "2"})
        # the body still carries the old resourceVersion: replace must now conflict
        cm["data"] = {"v": "3"}
        p = self.kubectl("replace", "-f", "-", input=json.dumps(cm), check=False)
        self.assertNotEqual(p.returncode, 0, "replace with a stale resourceVersion must fail")
        self.assertIn("Conflict", p.stderr, f"stale replace error: {p.stderr}")

    # ---- patch / label / annotate / scale ---------------------------------------------------

    def test_patch_strategic(self):
        ns = self.new_namespace()
        d = deployment("p", ns)
        d["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
        self.create(d)
        patch = {"spec": {"template": {"spec": {"containers": [
            {"name": "main", "image": "nginx:1.26"}]}}}}
        self.kubectl("patch", "deploy", "p", "-n", ns, "--type", "strategic", "-p",
                     json.dumps(patch))
        got = self.get_json("deploy", "p", "-n", ns)
        containers = {c["name"]: c["image"] for c in got["spec"]["template"]["spec"]["containers"]}
        self.assertEqual(containers, {"main": "nginx:1.26", "side": "busybox"},
                         "strategic merge must merge containers by name, not replace the list")
        out = self.kubectl("patch", "deploy", "p", "-n", ns, "--type", "strategic", "-p",
                           json.dumps(patch)).stdout
        self.assertIn("patched (no change)", out, "a no-op patch must not change the object")

    def test_patch_merge(self):
        ns = self.new_namespace()
        self.create(configmap("m", ns, {"a": "1", "b": "2"}))
        self.kubectl("patch", "cm", "m", "-n", ns, "--type", "merge", "-p",
                     '{"data":{"a":null,"c":"3"}}')
        self.assertEqual(self.get_json("cm", "m", "-n", ns)["data"], {"b": "2", "c": "3"},
                         "merge patch: null deletes, new keys are added")

    def test_patch_json(self):
        ns = self.new_namespace()
        self.create(configmap("j", ns, {"a": "1"}))
        ops = [{"op": "add", "path": "/data/b", "value": "2"},
               {"op": "replace", "path": "/data/a", "value": "one"}]
        self.kubectl("patch", "cm", "j", "-n", ns, "--type", "json", "-p", json.dumps(ops))
        self.assertEqual(self.get_json("cm", "j", "-n", ns)["data"], {"a": "one", "b": "2"})
        p = self.kubectl("patch", "cm", "j", "-n", ns, "--type", "json", "-p",
                         '[{"op":"test","path":"/data/a","value":"nope"}]', check=False)
        self.assertNotEqual(p.returncode, 0, "a failing JSON-patch test op must be rejected")

    def test_label(self):
        ns = self.new_namespace()
        self.create(configmap("l", ns))
        self.kubectl("label", "cm", "l", "-n", ns, "tier=web")
        self.assertEqual(self.get_json("cm", "l", "-n", ns)["metadata"].get("labels"),
                         {"tier": "web"})
        p = self.kubectl("label", "cm", "l", "-n", ns, "tier=db", check=False)
        self.assertNotEqual(p.returncode, 0, "relabel without --overwrite must fail")
        self.kubectl("label", "cm", "l", "-n", ns, "tier=db", "--overwrite")
        self.assertEqual(self.get_json("cm", "l", "-n", ns)["metadata"]["labels"]["tier"], "db")
        self.kubectl("label", "cm", "l", "-n", ns, "tier-")
        self.assertFalse(self.get_json("cm", "l", "-n", ns)["metadata"].get("labels"),
                         "`label tier-` must remove the label")

    def test_annotate(self):
        ns = self.new_namespace()
        self.create(configmap("an", ns))
        self.kubectl("annotate", "cm", "an", "-n", ns, "note=hello world")
        got = self.get_json("cm", "an", "-n", ns)
        self.assertEqual(got["metadata"].get("annotations", {}).get("note"), "hello world")
        self.kubectl("annotate", "cm", "an", "-n", ns, "note=bye", "--overwrite")
        got = self.get_json("cm", "an", "-n", ns)
        self.assertEqual(got["metadata"]["annotations"]["note"], "bye")
        self.kubectl("annotate", "cm", "an", "-n", ns, "note-")
        got = self.get_json("cm", "an", "-n", ns)
        self.assertNotIn("note", got["metadata"].get("annotations") or {})

    def test_scale(self):
        ns = self.new_namespace()
        self.create(deployment("s", ns, replicas=1))
        out = self.kubectl("scale", "deploy", "s", "-n", ns, "--replicas=4").stdout
        self.assertIn("scaled", out)
        self.assertEqual(self.get_json("deploy", "s", "-n", ns)["spec"]["replicas"], 4)
        # --current-replicas does GET /scale then PUT /scale without a Content-Type header
        self.kubectl("scale", "deploy", "s", "-n", ns, "--current-replicas=4", "--replicas=2")
        self.assertEqual(self.get_json("deploy", "s", "-n", ns)["spec"]["replicas"], 2)

    def test_builtin_defaults_like_kube_apiserver(self):
        ns = self.new_namespace()
        self.create(deployment("plain", ns, replicas=1))
        spec = self.get_json("deploy", "plain", "-n", ns)["spec"]
        self.assertEqual(spec["strategy"], {"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": "25%", "maxSurge": "25%"}})
        self.assertEqual(spec["revisionHistoryLimit"], 10)
        self.assertEqual(spec["progressDeadlineSeconds"], 600)
        pod_spec = spec["template"]["spec"]
        self.assertEqual(pod_spec["restartPolicy"], "Always")
        self.assertEqual(pod_spec["containers"][0]["terminationMessagePolicy"], "File")
        # `kubectl diff` of the file as written shows no spec change: defaults are no difference.
        out = self.kubectl("diff", "-f", "-", input=dump_yaml(deployment("plain", ns, replicas=1)),
                           check=False)
        changed = [line for line in out.stdout.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))
                   and "annotations" not in line and "generation" not in line]
        self.assertEqual(changed, [], out.stdout)
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns},
               "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
        self.create(svc)
        got = self.get_json("svc", "web", "-n", ns)["spec"]
        self.assertEqual(got["type"], "ClusterIP")
        self.assertEqual(got["ports"][0]["targetPort"], 80)
        self.assertEqual(got["ports"][0]["protocol"], "TCP")

    # ---- delete -------------------------------------------------------------------------------

    def _owner_tree(self, ns, name):
        """Creates Deployment <name>, ReplicaSet <name>-rs owned by it and ConfigMap <name>-leaf
        owned by the ReplicaSet (there is no deployment controller, so we write them)."""
        self.create(deployment(name, ns))
        d = self.get_json("deploy", name, "-n", ns)
        rs = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{name}-rs", "namespace": ns, "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                "uid": d["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "main",
                                                           "image": "nginx:1.25"}]}}},
        }
        self.create(rs)
        rs_uid = self.get_json("rs", f"{name}-rs", "-n", ns)["metadata"]["uid"]
        leaf = configmap(f"{name}-leaf", ns, ownerReferences=[{
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"{name}-rs", "uid": rs_uid,
            "blockOwnerDeletion": True}])
        self.create(leaf)

    def test_delete_cascade_background(self):
        ns = self.new_namespace()
        self._owner_tree(ns, "bg")
        self.kubectl("delete", "deploy", "bg", "-n", ns, "--cascade=background")
        self.assertEqual(self.api_get(f"/apis/apps/v1/namespaces/{ns}/deployments/bg").status,
                         404, "the owner is deleted at once with background cascade")
        self.assert_gone(f"/apis/apps/v1/namespaces/{ns}/replicasets/bg-rs",
                         what="dependent ReplicaSet (garbage collection)")
        self.assert_gone(f"/api/v1/namespaces/{ns}/configmaps/bg-leaf",
                         what="grand-dependent ConfigMap (garbage collection)")

    def test_delete_cascade_foreground(self):
        ns = self.new_namespace()
        self._owner_tree(ns, "fg")
        self.kubectl("delete", "deploy", "fg", "-n", ns, "--cascade=foreground", timeout=90)
        # kubectl waits for the owner to disappear; with foreground that happens last
        for path in (f"/apis/apps/v1/namespaces/{ns}/deployments/fg",
                     f"/apis/apps/v1/namespaces/{ns}/replicasets/fg-rs",
                     f"/api/v1/namespaces/{ns}/configmaps/fg-leaf"):
            self.assert_gone(path, timeout=15)

    def test_delete_cascade_orphan(self):
        ns = self.new_namespace()
        self._owner_tree(ns, "or")
        self.kubectl("delete", "deploy", "or", "-n", ns, "--cascade=orphan", timeout=90)
        self.assert_gone(f"/apis/apps/v1/namespaces/{ns}/deployments/or")
        r = self.api_get(f"/apis/apps/v1/namespaces/{ns}/replicasets/or-rs")
        self.assertEqual(r.status, 200, "orphan cascade must keep the ReplicaSet")
        self.assertFalse(r.json()["metadata"].get("ownerReferences"),
                         "orphaned dependent must lose its ownerReference to the deleted owner")
        self.assertEqual(self.api_get(f"/api/v1/namespaces/{ns}/configmaps/or-leaf").status, 200,
                         "the ReplicaSet's own dependent stays")

    # ---- wait ---------------------------------------------------------------------------------

    def test_wait_crd_established(self):
        crd = widget_crd(group="wait.e2e.flotilla.io", plural="gadgets", kind="Gadget",
                         short_names=("gdg",))
        self.create(crd)
        self.kubectl("wait", "--for=condition=Established",
                     "crd/gadgets.wait.e2e.flotilla.io", "--timeout=30s")
        got = self.get_json("crd", "gadgets.wait.e2e.flotilla.io")
        conds = {c["type"]: c["status"] for c in got["status"].get("conditions", [])}
        self.assertEqual(conds.get("NamesAccepted"), "True", f"CRD conditions: {conds}")
        self.assertEqual(got["status"].get("acceptedNames", {}).get("kind"), "Gadget")
        self.assertEqual(got["status"].get("storedVersions"), ["v1"])

    def test_wait_for_delete(self):
        ns = self.new_namespace()
        self.create(configmap("doomed", ns))
        proc = self.kubectl.popen("wait", "--for=delete", "cm/doomed", "-n", ns, "--timeout=30s")
        time.sleep(1.5)  # let wait reach its watch
        if proc.poll() is not None:  # (communicate only on failure: it waits for the exit)
            self.fail(f"`kubectl wait --for=delete` must block while the object exists; it "
                      f"exited {proc.returncode}: {proc.communicate()}")
        self.server.request("DELETE", f"/api/v1/namespaces/{ns}/configmaps/doomed")
        out, err = proc.communicate(timeout=45)
        self.assertEqual(proc.returncode, 0, f"`kubectl wait --for=delete` failed: {out} {err}")

    # ---- discovery / openapi -------------------------------------------------------------

    def test_api_resources(self):
        out = self.kubectl("api-resources").stdout
        rows = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip()}
        for name in ("configmaps", "namespaces", "deployments", "customresourcedefinitions",
                     "propagationpolicies", "clusters", "resourcebindings", "works",
                     "pricebooks"):
            self.assertIn(name, rows, f"`kubectl api-resources` lacks {name}:\n{out}")
        self.assertIn(" pp ", rows["propagationpolicies"] + " ",
                      "propagationpolicies must list short name pp")
        self.assertIn("policy.karmada.io/v1alpha1", rows["propagationpolicies"])
        self.assertIn("deploy", rows["deployments"].split())
        wide = self.kubectl("api-resources", "-o", "wide").stdout
        self.assertIn("VERBS", wide.splitlines()[0])

    def test_explain_builtin(self):
        out = self.kubectl("explain", "deployment.spec.replicas").stdout
        self.assertIn("replicas", out, f"explain output:\n{out}")
        self.assertIn("integer", out, f"explain must show the field type:\n{out}")
        self.assertIn("apps", out, f"explain must name the group:\n{out}")

    def test_explain_crd(self):
        self.ensure_crd(widget_crd())
        out = self.kubectl("explain", "widgets.spec.size").stdout
        self.assertIn("How big the widget is", out, f"explain on a CRD field:\n{out}")
        self.assertIn("integer", out)

    # ---- edit / diff --------------------------------------------------------------------------

    def test_edit(self):
        ns = self.new_namespace()
        self.create(configmap("ed", ns, {"greeting": "hello"}))
        editor = os.path.join(self.workdir, "editor.sh")
        with open(editor, "w") as f:
            f.write("#!/bin/sh\nsed -i 's/greeting: hello/greeting: edited/' \"$1\"\n")
        os.chmod(editor, os.stat(editor).st_mode | stat.S_IXUSR)
        out = self.kubectl("edit", "cm", "ed", "-n", ns, env={"EDITOR": editor,
                                                              "KUBE_EDITOR": editor}).stdout
        self.assertIn("edited", out, f"`kubectl edit` output: {out}")
        self.assertEqual(self.get_json("cm", "ed", "-n", ns)["data"]["greeting"], "edited")

    def test_diff(self):
        ns = self.new_namespace()
        cm = configmap("df", ns, {"v": "old"})
        self.kubectl("apply", "-f", "-", input=dump_yaml(cm))
        same = self.kubectl("diff", "-f", "-", input=dump_yaml(cm), check=False)
        self.assertEqual(same.returncode, 0, f"diff of an unchanged manifest: {same.stdout} "
                         f"{same.stderr}")
        cm["data"]["v"] = "new"
        changed = self.kubectl("diff", "-f", "-", input=dump_yaml(cm), check=False)
        self.assertEqual(changed.returncode, 1,
                         f"diff exit code must be 1 when there are changes: {changed.stderr}")
        self.assertIn("+  v: new", changed.stdout, f"diff output:\n{changed.stdout}")
        self.assertEqual(self.get_json("cm", "df", "-n", ns)["data"]["v"], "old",
                         "diff uses dry-run and must not change the object")

    # ---- CRDs and custom resources -------------------------------------------------------

    def test_custom_resources_and_printer_columns(self):
        self.ensure_crd(widget_crd())
        ns = self.new_namespace()
        w = {"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
             "metadata": {"name": "w1", "namespace": ns}, "spec": {"size": 7, "color": "blue"}}
        self.kubectl("create", "-f", "-", input=dump_yaml(w))
        w2 = {"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
              "metadata": {"name": "w2", "namespace": ns}, "spec": {"size": 1}}
        self.kubectl("apply", "-f", "-", input=dump_yaml(w2))
        got = self.get_json("widget", "w2", "-n", ns)
        self.assertEqual(got["spec"].get("color"), "red", "schema default must be applied")
        out = self.kubectl("get", "widgets", "-n", ns).stdout
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "SIZE", "COLOR", "AGE"],
                         f"printer columns of the CRD:\n{out}")
        self.assertEqual(lines[1].split()[:3], ["w1", "7", "blue"], f"row for w1:\n{out}")
        self.kubectl("patch", "wdg", "w1", "-n", ns, "--type", "merge", "-p",
                     '{"spec":{"size":9}}')
        self.assertEqual(self.get_json("wdg", "w1", "-n", ns)["spec"]["size"], 9,
                         "short name and merge patch on a custom resource")
        self.kubectl("delete", "widget", "w1", "-n", ns)
        self.assertEqual(len(self.get_json("widgets", "-n", ns)["items"]), 1)

    def test_namespace_deletion_removes_contents(self):
        self.ensure_crd(widget_crd())
        ns = self.new_namespace()
        self.create(configmap("c", ns), deployment("d", ns),
                    {"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
                     "metadata": {"name": "w", "namespace": ns}, "spec": {"size": 1}})
        self.kubectl("delete", "namespace", ns, "--timeout=60s", timeout=90)
        self.assert_gone(f"/api/v1/namespaces/{ns}", what=f"namespace {ns}")
        for path in (f"/api/v1/namespaces/{ns}/configmaps/c",
                     f"/apis/apps/v1/namespaces/{ns}/deployments/d",
                     f"/apis/e2e.flotilla.io/v1/namespaces/{ns}/widgets/w"):
            self.assertEqual(self.api_get(path).status, 404,
                             f"{path} must be gone with its namespace")

    def test_unknown_field_rejected(self):
        ns = self.new_namespace()
        bad = configmap("unk", ns, {"a": "1"})
        bad["x"] = 1
        p = self.kubectl("create", "-f", "-", input=dump_yaml(bad), check=False)
        self.assertNotEqual(p.returncode, 0, "an unknown top-level field must be rejected")
        self.assertIn('unknown field "x"', p.stderr, f"error: {p.stderr}")
        bad_d = deployment("unk", ns)
        bad_d["spec"]["replicaz"] = 2
        p = self.kubectl("apply", "-f", "-", input=dump_yaml(bad_d), check=False)
        self.assertNotEqual(p.returncode, 0, "an unknown nested field must be rejected")
        self.assertIn('unknown field "spec.replicaz"', p.stderr, f"error: {p.stderr}")

    def test_finalizers_keep_object(self):
        ns = self.new_namespace()
        self.create(configmap("held", ns, finalizers=["e2e.flotilla.io/hold"]))
        self.kubectl("delete", "cm", "held", "-n", ns, "--wait=false")
        got = self.get_json("cm", "held", "-n", ns)
        self.assertTrue(got["metadata"].get("deletionTimestamp"),
                        "an object with finalizers gets a deletionTimestamp, not deleted")
        p = self.kubectl("patch", "cm", "held", "-n", ns, "--type", "json", "-p",
                         '[{"op":"add","path":"/metadata/finalizers/-","value":"e2e/new"}]',
                         check=False)
        self.assertNotEqual(p.returncode, 0,
                            "no new finalizers may be added once deletion has started")
        self.kubectl("patch", "cm", "held", "-n", ns, "--type", "merge", "-p",
                     '{"metadata":{"finalizers":null}}')
        self.assert_gone(f"/api/v1/namespaces/{ns}/configmaps/held", timeout=10,
                         what="object whose last finalizer was removed")


    # ---- more built-in behaviour ----------------------------------------------------------

    def test_create_generators_protobuf_more_kinds(self):
        # every one of these posts a protobuf body (kube-api.md §13 "kinds to cover first")
        ns = self.new_namespace()
        cmds = [
            ("secret", "generic", "s1", "--from-literal=password=hunter2"),
            ("serviceaccount", "sa1"),
            ("role", "r1", "--verb=get,list", "--resource=configmaps"),
            ("rolebinding", "rb1", "--role=r1", "--serviceaccount", f"{ns}:sa1"),
            ("job", "j1", "--image=busybox", "--", "true"),
            ("cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *", "--", "true"),
            ("service", "clusterip", "svc1", "--tcp=80:8080"),
            ("quota", "q1", "--hard=pods=10"),
            ("poddisruptionbudget", "pdb1", "--selector=app=x", "--min-available=1"),
            ("ingress", "ing1", "--rule=example.com/=svc1:80"),
        ]
        failures = []
        for cmd in cmds:
            p = self.kubectl("create", "-n", ns, *cmd, check=False)
            if p.returncode != 0:
                failures.append(f"kubectl create {' '.join(cmd)}: {p.stderr.strip()}")
        self.assertFalse(failures, "protobuf generators failed:\n" + "\n".join(failures))
        sec = self.get_json("secret", "s1", "-n", ns)
        self.assertEqual(sec["data"]["password"], "aHVudGVyMg==",
                         "Secret.data (protobuf bytes) must come back base64-encoded")
        rb = self.get_json("rolebinding", "rb1", "-n", ns)
        self.assertEqual(rb["subjects"][0]["name"], "sa1")
        self.assertEqual(self.get_json("job", "j1", "-n", ns)["spec"]["template"]["spec"][
            "containers"][0]["command"], ["true"], "Job command decoded from protobuf")
        cj = self.get_json("cronjob", "cj1", "-n", ns)
        self.assertEqual(cj["spec"]["schedule"], "*/5 * * * *")
        svc = self.get_json("service", "svc1", "-n", ns)
        self.assertEqual(svc["spec"]["ports"][0]["targetPort"], 8080,
                         "IntOrString targetPort decoded from protobuf as a number")

    def test_get_all_category(self):
        ns = self.new_namespace()
        self.create(deployment("cat", ns))
        out = self.kubectl("get", "all", "-n", ns).stdout
        self.assertIn("deployment.apps/cat", out,
                      f"`kubectl get all` must expand the 'all' category:\n{out}")

    def test_describe(self):
        ns = self.new_namespace()
        self.create(configmap("desc", ns, {"k": "v"}, labels={"a": "b"}))
        out = self.kubectl("describe", "cm", "desc", "-n", ns).stdout
        self.assertRegex(out, r"Name:\s+desc", f"describe output:\n{out}")
        self.assertRegex(out, r"Labels:\s+a=b")
        self.assertIn("Events:", out, "describe lists events (field-selected by involvedObject)")

    def test_generate_name(self):
        ns = self.new_namespace()
        obj = {"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"generateName": "gen-", "namespace": ns}}
        out = self.kubectl("create", "-f", "-", "-o", "name", input=dump_yaml(obj)).stdout
        self.assertRegex(out.strip(), r"^configmap/gen-[bcdfghjklmnpqrstvwxz2456789]{5}$",
                         "generateName = prefix + 5 random characters")

    def test_namespace_terminating_rejects_creates(self):
        ns = self.new_namespace()
        self.create(configmap("anchor", ns, finalizers=["e2e.flotilla.io/hold"]))
        self.kubectl("delete", "ns", ns, "--wait=false")
        got = self.get_json("ns", ns)
        self.assertEqual(got["status"].get("phase"), "Terminating", "namespace phase on delete")
        p = self.kubectl("create", "-f", "-", input=dump_yaml(configmap("late", ns)),
                         check=False)
        self.assertNotEqual(p.returncode, 0, "creates in a terminating namespace must fail")
        self.assertIn("Forbidden", p.stderr, f"error: {p.stderr}")
        self.assertIn("being terminated", p.stderr, f"error: {p.stderr}")
        self.kubectl("patch", "cm", "anchor", "-n", ns, "--type", "merge", "-p",
                     '{"metadata":{"finalizers":null}}')
        self.assert_gone(f"/api/v1/namespaces/{ns}", timeout=60, what=f"namespace {ns}")

    # ---- custom resources: subresources and generation --------------------------------

    def test_custom_resource_status_subresource(self):
        self.ensure_crd(widget_crd())
        ns = self.new_namespace()
        self.create({"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
                     "metadata": {"name": "st", "namespace": ns}, "spec": {"size": 1},
                     "status": {"phase": "dropped-on-create"}})
        w = self.get_json("widget", "st", "-n", ns)
        self.assertNotIn("phase", w.get("status") or {},
                         "status is dropped on create when the status subresource is on")
        self.assertEqual(w["metadata"].get("generation"), 1, "generation starts at 1")
        self.kubectl("patch", "widget", "st", "-n", ns, "--subresource=status", "--type",
                     "merge", "-p", '{"status":{"phase":"Ready"},"spec":{"size":99}}')
        w = self.get_json("widget", "st", "-n", ns)
        self.assertEqual(w["status"].get("phase"), "Ready", "status written via /status")
        self.assertEqual(w["spec"]["size"], 1, "/status must not change spec")
        self.assertEqual(w["metadata"]["generation"], 1, "status writes do not bump generation")
        self.kubectl("patch", "widget", "st", "-n", ns, "--type", "merge", "-p",
                     '{"status":{"phase":"Ignored"},"spec":{"size":2}}')
        w = self.get_json("widget", "st", "-n", ns)
        self.assertEqual(w["status"]["phase"], "Ready", "the main endpoint ignores .status")
        self.assertEqual(w["spec"]["size"], 2)
        self.assertEqual(w["metadata"]["generation"], 2, "a spec change bumps generation")
        self.kubectl("label", "widget", "st", "-n", ns, "x=y")
        self.assertEqual(self.get_json("widget", "st", "-n", ns)["metadata"]["generation"], 2,
                         "metadata-only changes do not bump generation")

    def test_custom_resource_scale_subresource(self):
        self.ensure_crd(widget_crd())
        ns = self.new_namespace()
        self.create({"apiVersion": "e2e.flotilla.io/v1", "kind": "Widget",
                     "metadata": {"name": "sc", "namespace": ns},
                     "spec": {"size": 1, "replicas": 1}})
        self.kubectl("scale", "widget", "sc", "-n", ns, "--replicas=5")
        self.assertEqual(self.get_json("widget", "sc", "-n", ns)["spec"]["replicas"], 5,
                         "scale writes specReplicasPath")
        r = self.api_get(f"/apis/e2e.flotilla.io/v1/namespaces/{ns}/widgets/sc/scale")
        self.assertEqual(r.status, 200, f"GET .../scale: {r}")
        self.assertEqual(r.json().get("kind"), "Scale")
        self.assertEqual(r.json()["spec"]["replicas"], 5)

    # ---- the bundled Karmada / Flotilla CRDs ------------------------------------------

    def test_bundled_propagation_policy_defaults_and_columns(self):
        ns = self.new_namespace()
        pp = {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
              "metadata": {"name": "nginx", "namespace": ns},
              "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                              "name": "nginx"}],
                       "placement": {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                                     "replicaScheduling": {}}}}
        self.kubectl("apply", "-f", "-", input=dump_yaml(pp))
        spec = self.get_json("pp", "nginx", "-n", ns)["spec"]
        self.assertEqual(spec.get("priority"), 0, "CRD default priority")
        self.assertEqual(spec.get("conflictResolution"), "Abort", "CRD default")
        self.assertEqual(spec.get("preemption"), "Never", "CRD default")
        self.assertEqual(spec.get("schedulerName"), "default-scheduler", "CRD default")
        self.assertEqual(spec["placement"]["replicaScheduling"].get("replicaSchedulingType"),
                         "Divided", "replicaScheduling: {} defaults to Divided")
        out = self.kubectl("get", "pp", "-n", ns).stdout
        self.assertEqual(out.splitlines()[0].split(),
                         ["NAME", "CONFLICT-RESOLUTION", "PRIORITY", "AGE"], out)
        self.assertEqual(out.splitlines()[1].split()[:3], ["nginx", "Abort", "0"], out)
        bad = json.loads(json.dumps(pp))
        bad["metadata"]["name"] = "empty"
        bad["spec"]["resourceSelectors"] = []
        p = self.kubectl("apply", "-f", "-", input=dump_yaml(bad), check=False)
        self.assertNotEqual(p.returncode, 0, "resourceSelectors has minItems 1")
        self.assertIn("spec.resourceSelectors", p.stderr)
        bad["metadata"]["name"] = "enum"
        bad["spec"]["resourceSelectors"] = pp["spec"]["resourceSelectors"]
        bad["spec"]["conflictResolution"] = "Sometimes"
        p = self.kubectl("apply", "-f", "-", input=dump_yaml(bad), check=False)
        self.assertNotEqual(p.returncode, 0, "conflictResolution is an enum")
        self.assertIn("spec.conflictResolution", p.stderr)

    def test_bundled_cluster_status_and_columns(self):
        cluster = {"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
                   "metadata": {"name": "member-e2e"},
                   "spec": {"syncMode": "Push", "apiEndpoint": "https://10.0.0.1:6443",
                            "region": "eu-west-1", "provider": "aws"}}
        self.kubectl("apply", "-f", "-", input=dump_yaml(cluster))
        status = {"status": {"kubernetesVersion": "v1.32.0", "conditions": [{
            "type": "Ready", "status": "True", "reason": "ClusterReady",
            "message": "cluster is healthy and ready to accept workloads",
            "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
        self.kubectl("patch", "cluster", "member-e2e", "--subresource=status", "--type",
                     "merge", "-p", json.dumps(status))
        out = self.kubectl("get", "clusters", "member-e2e").stdout
        self.assertEqual(out.splitlines()[0].split(), ["NAME", "VERSION", "MODE", "READY", "AGE"],
                         out)
        self.assertEqual(out.splitlines()[1].split()[:4], ["member-e2e", "v1.32.0", "Push",
                                                           "True"], out)
        wide = self.kubectl("get", "clusters", "member-e2e", "-o", "wide").stdout
        self.assertIn("eu-west-1", wide, f"priority-1 columns with -o wide:\n{wide}")
        self.kubectl("delete", "cluster", "member-e2e")

    def test_bundled_work_preserves_manifest(self):
        ns = self.new_namespace()
        manifest = deployment("nginx", "default", replicas=3)
        manifest["metadata"]["labels"] = {"karmada.io/managed": "true"}
        manifest["spec"]["template"]["spec"]["containers"][0]["env"] = [
            {"name": "X", "value": "1"}]
        work = {"apiVersion": "work.karmada.io/v1alpha1", "kind": "Work",
                "metadata": {"name": "nginx-687f7fb96f", "namespace": ns},
                "spec": {"workload": {"manifests": [manifest]}}}
        self.kubectl("apply", "-f", "-", input=dump_yaml(work))
        got = self.get_json("wk", "nginx-687f7fb96f", "-n", ns)
        self.assertEqual(got["spec"]["workload"]["manifests"], [manifest],
                         "Work manifests are stored verbatim (preserve-unknown-fields)")
        out = self.kubectl("get", "works", "-n", ns).stdout
        self.assertEqual(out.splitlines()[0].split()[:2], ["NAME", "WORKLOAD-KIND"], out)
        self.assertIn("Deployment", out.splitlines()[1], out)

    def test_explain_bundled_crd(self):
        out = self.kubectl("explain", "propagationpolicies.spec.conflictResolution").stdout
        self.assertIn("already exists in a member", out, f"explain on a bundled CRD:\n{out}")
        out = self.kubectl("explain", "pricebooks.spec.billing").stdout
        self.assertIn("Requests", out, f"explain pricebooks.spec.billing:\n{out}")


    def test_version_selects_kubectl_1_32(self):
        v = json.loads(self.kubectl("version", "-o", "json").stdout)
        self.assertEqual(v["serverVersion"]["minor"], "32",
                         "the server must report minor 32 (the dispatcher picks kubectl by it)")
        self.assertTrue(v["clientVersion"]["gitVersion"].startswith("v1.32."),
                        f"the dispatcher ran {v['clientVersion']['gitVersion']}, not kubectl 1.32")

    def test_set_image_and_rollout_restart(self):
        ns = self.new_namespace()
        self.create(deployment("ro", ns))
        gen = self.get_json("deploy", "ro", "-n", ns)["metadata"]["generation"]
        self.kubectl("set", "image", "deploy/ro", "-n", ns, "main=nginx:1.27")
        d = self.get_json("deploy", "ro", "-n", ns)
        self.assertEqual(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27")
        self.assertEqual(d["metadata"]["generation"], gen + 1, "a spec change bumps generation")
        self.kubectl("rollout", "restart", "deploy/ro", "-n", ns)
        ann = self.get_json("deploy", "ro", "-n", ns)["spec"]["template"]["metadata"].get(
            "annotations", {})
        self.assertIn("kubectl.kubernetes.io/restartedAt", ann,
                      "rollout restart stamps the pod template")

    def test_table_watch_column_definitions_only_first(self):
        # kube-api.md §6.1: with the Table Accept, only the first event carries columnDefinitions
        ns = self.new_namespace()
        lst = self.server.request("GET", f"/api/v1/namespaces/{ns}/configmaps")
        rv = lst.json()["metadata"]["resourceVersion"]
        for n in ("t1", "t2"):
            self.server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                                {"metadata": {"name": n}, "data": {"a": "b"}})
        conn = self.server.connection(timeout=10)
        conn.request("GET", f"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}"
                     "&timeoutSeconds=5",
                     headers={"Authorization": f"Bearer {self.server.token}",
                              "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,"
                                        "application/json"})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        events = [json.loads(resp.readline()) for _ in range(2)]
        conn.close()
        objs = [e["object"] for e in events]
        self.assertEqual([o.get("kind") for o in objs], ["Table", "Table"],
                         f"Table watch events must carry Table objects: {objs}")
        self.assertTrue(objs[0].get("columnDefinitions"), "first event has columnDefinitions")
        self.assertFalse(objs[1].get("columnDefinitions"),
                         "later events omit columnDefinitions")
        self.assertEqual(objs[1]["rows"][0]["cells"][:2], ["t2", 1], "row cells: name, data")

    def test_get_show_labels_label_columns_and_chunking(self):
        ns = self.new_namespace()
        self.create(*[configmap(f"c{i}", ns, labels={"color": c, "idx": str(i)})
                      for i, c in enumerate(["red", "blue", "red", "green", "blue"])])
        out = self.kubectl("get", "cm", "-n", ns, "--show-labels", "-l", "idx=0").stdout
        self.assertIn("LABELS", out.splitlines()[0], f"--show-labels:\n{out}")
        self.assertIn("color=red,idx=0", out, "labels come from rows[].object.metadata")
        out = self.kubectl("get", "cm", "-n", ns, "-L", "color").stdout
        self.assertIn("COLOR", out.splitlines()[0], f"-L color:\n{out}")
        rows = [line.split() for line in out.splitlines()[1:]]
        self.assertIn(["c3", "0", "green"], [[r[0], r[1], r[-1]] for r in rows if r], out)
        out = self.kubectl("get", "cm", "-n", ns, "--chunk-size=2", "-o", "name").stdout
        self.assertEqual(out.split(), [f"configmap/c{i}" for i in range(5)],
                         "kubectl follows continue tokens (limit=2) across pages")
        out = self.kubectl("get", "cm", "-n", ns, "--chunk-size=2").stdout
        self.assertEqual([line.split()[0] for line in out.splitlines()[1:]],
                         [f"c{i}" for i in range(5)], f"Table pages with --chunk-size:\n{out}")


class InsecureHttpKubectlTest(ServerTestCase):
    """`--insecure-http`: kubectl sends no credentials over http (kube-api.md §0.2, §12)."""

    server_args = ("--insecure-http",)

    def test_kubectl_over_http(self):
        self.assertTrue(self.server.server_url.startswith("http://"),
                        f"admin.kubeconfig server with --insecure-http: {self.server.server_url}")
        self.assertTrue(self.server.server_url.startswith("http://127.0.0.1:"),
                        "the http listener must stay on loopback")
        self.kubectl("create", "-f", "-", input=dump_yaml(configmap("plain", "default")))
        got = self.kubectl.json("get", "cm", "plain", "-n", "default")
        self.assertEqual(got["metadata"]["name"], "plain")
        self.kubectl("delete", "cm", "plain", "-n", "default")


if __name__ == "__main__":
    unittest.main()
