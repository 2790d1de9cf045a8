"""Static checks of charts/flotilla/crds/*.yaml: each file is one valid, structural CRD.

No server needed. The rules are the apiextensions.k8s.io/v1 rules for structural schemas (every
object/array node and every property has a type unless it is int-or-string or preserves unknown
fields; no type/default/description inside anyOf/allOf/oneOf/not except the int-or-string
pattern; only name/generateName restrictions under metadata), plus naming rules the API server
enforces on CRD creation and the checks that the generator and the committed files agree.
"""
import glob
import importlib.util
import os
import re
import unittest

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CRD_DIR = os.path.join(REPO, "charts", "flotilla", "crds")
GENERATOR = os.path.join(REPO, "charts", "tools", "gen_crds.py")

JUNCTORS = ("allOf", "anyOf", "oneOf", "not")
COLUMN_TYPES = {"integer", "number", "string", "boolean", "date"}
SCALAR_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
                "object": dict, "array": list}
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

EXPECTED = {
    # plural.group: (kind, scope, shortNames, status subresource)
    "propagationpolicies.policy.karmada.io": ("PropagationPolicy", "Namespaced", ["pp"], False),
    "clusterpropagationpolicies.policy.karmada.io": ("ClusterPropagationPolicy", "Cluster",
                                                     ["cpp"], False),
    "overridepolicies.policy.karmada.io": ("OverridePolicy", "Namespaced", ["op"], False),
    "clusteroverridepolicies.policy.karmada.io": ("ClusterOverridePolicy", "Cluster", ["cop"],
                                                  False),
    "clustertaintpolicies.policy.karmada.io": ("ClusterTaintPolicy", "Cluster", [], False),
    "federatedresourcequotas.policy.karmada.io": ("FederatedResourceQuota", "Namespaced", [],
                                                  True),
    "clusters.cluster.karmada.io": ("Cluster", "Cluster", [], True),
    "resourcebindings.work.karmada.io": ("ResourceBinding", "Namespaced", ["rb"], True),
    "clusterresourcebindings.work.karmada.io": ("ClusterResourceBinding", "Cluster", ["crb"],
                                                True),
    "works.work.karmada.io": ("Work", "Namespaced", ["wk"], True),
    "multiclusterservices.networking.karmada.io": ("MultiClusterService", "Namespaced", ["mcs"],
                                                   True),
    "multiclusteringresses.networking.karmada.io": ("MultiClusterIngress", "Namespaced", ["mci"],
                                                    True),
    "serviceexports.multicluster.x-k8s.io": ("ServiceExport", "Namespaced", ["svcex"], True),
    "serviceimports.multicluster.x-k8s.io": ("ServiceImport", "Namespaced", ["svcim"], True),
    "pricebooks.estimator.flotilla.io": ("PriceBook", "Cluster", ["pb"], False),
}


def load_crds():
    out = {}
    for path in sorted(glob.glob(os.path.join(CRD_DIR, "*.yaml"))):
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        out[os.path.basename(path)] = docs
    return out


def structural_errors(node, path, in_junctor=False, under_metadata=False):
    """Returns a list of 'path: problem' strings for one schema node (recursively)."""
    errs = []
    if not isinstance(node, dict):
        return [f"{path}: schema node is not a mapping"]
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if in_junctor:
        for banned in ("type", "default", "description", "additionalProperties", "nullable"):
            if banned in node:
                errs.append(f"{path}: '{banned}' is not allowed inside {'/'.join(JUNCTORS)}")
    elif "type" not in node and not int_or_string and not preserve:
        errs.append(f"{path}: no 'type' (structural schemas need one unless "
                    "x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields)")
    t = node.get("type")
    if t is not None and t not in SCALAR_TYPES:
        errs.append(f"{path}: unknown type {t!r}")
    if int_or_string:
        if "type" in node:
            errs.append(f"{path}: x-kubernetes-int-or-string must not also set type")
        any_of = node.get("anyOf")
        if any_of not in (None, [{"type": "integer"}, {"type": "string"}]):
            errs.append(f"{path}: int-or-string anyOf must be exactly [integer, string]")
    if "properties" in node and "additionalProperties" in node:
        errs.append(f"{path}: properties and additionalProperties are mutually exclusive")
    if ("properties" in node or "additionalProperties" in node) and t not in (None, "object"):
        errs.append(f"{path}: properties on a non-object node")
    if t == "array" and "items" not in node:
        errs.append(f"{path}: array without items")
    if "items" in node and t != "array" and not in_junctor:
        errs.append(f"{path}: items on a non-array node")
    if under_metadata:
        for key in node.get("properties", {}):
            if key not in ("name", "generateName"):
                errs.append(f"{path}.{key}: only metadata.name/generateName may be restricted")
        if "default" in node:
            errs.append(f"{path}: defaults are not allowed under metadata")
    # default and enum must agree with the type
    py_type = SCALAR_TYPES.get(t)
    if "default" in node and py_type is not None:
        d = node["default"]
        if not isinstance(d, py_type) or (t in ("integer", "number") and isinstance(d, bool)):
            errs.append(f"{path}: default {d!r} is not of type {t}")
        if "enum" in node and d not in node["enum"]:
            errs.append(f"{path}: default {d!r} is not one of enum {node['enum']}")
    if "enum" in node and py_type is not None:
        for v in node["enum"]:
            if not isinstance(v, py_type):
                errs.append(f"{path}: enum value {v!r} is not of type {t}")
    if "pattern" in node:
        try:
            re.compile(node["pattern"])
        except re.error as e:
            errs.append(f"{path}: bad pattern: {e}")
    for key in ("required",):
        for r in node.get(key, []):
            if "properties" in node and r not in node["properties"]:
                errs.append(f"{path}: required field {r!r} is not declared in properties")
    if node.get("x-kubernetes-list-type") == "map":
        item = node.get("items", {})
        for k in node.get("x-kubernetes-list-map-keys", []):
            sub = item.get("properties", {}).get(k)
            if sub is None:
                errs.append(f"{path}: list map key {k!r} is not a property of the items")
            elif k not in item.get("required", []) and "default" not in sub:
                errs.append(f"{path}: list map key {k!r} must be required or defaulted")
    for name, sub in node.get("properties", {}).items():
        errs += structural_errors(sub, f"{path}.{name}", in_junctor,
                                  under_metadata=(path == "<root>" and name == "metadata"))
    ap = node.get("additionalProperties")
    if isinstance(ap, dict):
        errs += structural_errors(ap, f"{path}[*]", in_junctor)
    if "items" in node:
        if isinstance(node["items"], list):
            errs.append(f"{path}: items must be a single schema, not a list")
        else:
            errs += structural_errors(node["items"], f"{path}[]", in_junctor)
    for j in JUNCTORS:
        subs = node.get(j)
        if j == "anyOf" and int_or_string and subs == [{"type": "integer"}, {"type": "string"}]:
            continue  # the one allowed use of type inside a junctor
        if subs is None:
            continue
        for idx, sub in enumerate(subs if isinstance(subs, list) else [subs]):
            errs += structural_errors(sub, f"{path}.{j}[{idx}]", True)
            # fields named inside a junctor must also be declared outside it
            for prop in sub.get("properties", {}):
                if prop not in node.get("properties", {}):
                    errs.append(f"{path}.{j}[{idx}]: property {prop!r} only declared inside {j}")
    return errs


class CrdFilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = load_crds()

    def test_one_crd_per_file(self):
        self.assertTrue(self.files, f"no CRD files found in {CRD_DIR}")
        for fname, docs in self.files.items():
            with self.subTest(file=fname):
                self.assertEqual(len(docs), 1, f"{fname}: expected exactly one YAML document")
                self.assertEqual(docs[0].get("apiVersion"), "apiextensions.k8s.io/v1")
                self.assertEqual(docs[0].get("kind"), "CustomResourceDefinition")

    def test_expected_crds_present(self):
        names = {docs[0]["metadata"]["name"] for docs in self.files.values()}
        missing = set(EXPECTED) - names
        self.assertFalse(missing, f"CRDs missing from {CRD_DIR}: {sorted(missing)}")

    def test_names_and_scope(self):
        for fname, docs in self.files.items():
            crd = docs[0]
            spec = crd["spec"]
            names = spec["names"]
            with self.subTest(crd=crd["metadata"]["name"]):
                self.assertEqual(crd["metadata"]["name"], f"{names['plural']}.{spec['group']}",
                                 "CRD name must be <plural>.<group>")
                self.assertEqual(fname, f"{spec['group']}_{names['plural']}.yaml",
                                 "file name must be <group>_<plural>.yaml")
                for key in ("plural", "singular", "kind", "listKind"):
                    self.assertIn(key, names, f"names.{key} missing")
                self.assertEqual(names["listKind"], names["kind"] + "List")
                self.assertEqual(names["singular"], names["kind"].lower())
                for n in [names["plural"], names["singular"]] + names.get("shortNames", []):
                    self.assertRegex(n, DNS1123_LABEL, f"{n!r} is not a DNS-1123 label")
                self.assertIn(spec["scope"], ("Namespaced", "Cluster"))
                exp = EXPECTED.get(crd["metadata"]["name"])
                if exp:
                    kind, scope, short, status = exp
                    self.assertEqual(names["kind"], kind)
                    self.assertEqual(spec["scope"], scope)
                    self.assertEqual(names.get("shortNames", []), short)
                    for v in spec["versions"]:
                        has_status = "status" in (v.get("subresources") or {})
                        self.assertEqual(has_status, status,
                                         f"version {v['name']}: status subresource should be "
                                         f"{'on' if status else 'off'}")

    def test_versions(self):
        for docs in self.files.values():
            crd = docs[0]
            versions = crd["spec"]["versions"]
            with self.subTest(crd=crd["metadata"]["name"]):
                self.assertTrue(versions, "no versions")
                storage = [v["name"] for v in versions if v.get("storage")]
                self.assertEqual(len(storage), 1, f"exactly one storage version, got {storage}")
                for v in versions:
                    self.assertTrue(v.get("served"), f"version {v['name']} not served")
                    self.assertIn("openAPIV3Schema", v.get("schema", {}),
                                  f"version {v['name']} has no schema")

    def test_binding_versions(self):
        for name in ("resourcebindings.work.karmada.io", "clusterresourcebindings.work.karmada.io"):
            crd = next(d[0] for d in self.files.values() if d[0]["metadata"]["name"] == name)
            versions = {v["name"]: v for v in crd["spec"]["versions"]}
            self.assertEqual(set(versions), {"v1alpha1", "v1alpha2"}, name)
            self.assertTrue(versions["v1alpha2"]["storage"], f"{name}: v1alpha2 must be storage")

    def test_schemas_are_structural(self):
        for docs in self.files.values():
            crd = docs[0]
            for v in crd["spec"]["versions"]:
                schema = v["schema"]["openAPIV3Schema"]
                with self.subTest(crd=crd["metadata"]["name"], version=v["name"]):
                    self.assertEqual(schema.get("type"), "object", "root must be type: object")
                    errs = structural_errors(schema, "<root>")
                    self.assertFalse(errs, "not structural:\n  " + "\n  ".join(errs))

    def test_printer_columns(self):
        for docs in self.files.values():
            crd = docs[0]
            for v in crd["spec"]["versions"]:
                for c in v.get("additionalPrinterColumns", []):
                    with self.subTest(crd=crd["metadata"]["name"], column=c.get("name")):
                        self.assertTrue(c.get("name"), "column without a name")
                        self.assertIn(c.get("type"), COLUMN_TYPES)
                        self.assertTrue(c.get("jsonPath", "").startswith("."),
                                        "jsonPath must start with '.'")

    def test_pricebook_shape(self):
        crd = next(d[0] for d in self.files.values()
                   if d[0]["metadata"]["name"] == "pricebooks.estimator.flotilla.io")
        spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
        billing = spec["properties"]["billing"]
        self.assertEqual(billing["enum"], ["Requests", "Limits"])
        self.assertEqual(billing["default"], "Requests")
        rule = spec["properties"]["rules"]["items"]["properties"]
        self.assertEqual(rule["prices"]["additionalProperties"]["type"], "string")
        fs = rule["targetCluster"]["properties"]["fieldSelector"]
        self.assertIn("matchExpressions", fs["properties"])

    def test_defaults_from_karmada(self):
        crd = next(d[0] for d in self.files.values()
                   if d[0]["metadata"]["name"] == "propagationpolicies.policy.karmada.io")
        spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
        p = spec["properties"]
        self.assertEqual(p["priority"]["default"], 0)
        self.assertEqual(p["preemption"]["default"], "Never")
        self.assertEqual(p["conflictResolution"]["default"], "Abort")
        self.assertEqual(p["schedulerName"]["default"], "default-scheduler")
        self.assertEqual(p["resourceSelectors"]["minItems"], 1)
        rs = p["placement"]["properties"]["replicaScheduling"]["properties"]
        self.assertEqual(rs["replicaSchedulingType"]["default"], "Divided")

    def test_generator_matches_committed_files(self):
        spec = importlib.util.spec_from_file_location("gen_crds", GENERATOR)
        gen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen)
        generated = gen.all_crds()
        self.assertEqual(set(generated), set(self.files),
                         "generator and committed CRD files list different files")
        for fname, doc in generated.items():
            with open(os.path.join(CRD_DIR, fname)) as f:
                committed = f.read()
            self.assertEqual(gen.render(doc), committed,
                             f"{fname} differs from charts/tools/gen_crds.py output; regenerate")


if __name__ == "__main__":
    unittest.main()
