#!/usr/bin/python3
"""Generates apimachinery/generated/builtin_schema_data.cc from the Kubernetes 1.32 schema data.

The output holds a compact JSON text (only the facts Flotilla uses: field layout in JSON and
protobuf, patch/list markers, defaults, enums, special types and the built-in resources list) as
raw string chunks that builtin_schema.cc parses once at first use. The generated file is committed
so the project builds without /work/shared.

Regenerate (stdlib only):
    /usr/bin/python3 apimachinery/gen/gen_builtin_schema.py \
        [/work/shared/data/k8s-1.32/schema.json] [apimachinery/generated/builtin_schema_data.cc]

Compact format (keys are short to keep the text small; absent means null/false/empty):
  {"types": {"<definition name>": {"k": kind, "g": group, "v": version, "p": proto message,
                                    "st": structType, "ks": kindScope, "f": [field, ...]}},
   "resources": [{group, version, kind, resource, singularName, namespaced, verbs,
                  subresources, subresourceKinds, shortNames, categories, removed}],
   "enums": {...}, "specialTypes": {"<name>": {"openapi", "openapiSchema", "oneOf"}}}
  field: {"j": json name, "t": type, "r": ref, "e": enum, "i": items type, "vals": values type,
          "pw": protoWrapper field number, "p": pointer, "o": omitempty, "opt": optional,
          "req": required, "n": proto number, "w": wire (b|v|f), "rp": repeated,
          "pt": proto scalar type, "via": [...], "ps": patchStrategy, "pk": patchMergeKey,
          "lt": listType, "lk": listMapKeys, "mt": mapType, "d": default}
  items/values type: {"t", "r", "e", "pw", "i"/"vals" when nested}
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IN = "/work/shared/data/k8s-1.32/schema.json"
DEFAULT_OUT = os.path.join(HERE, "..", "generated", "builtin_schema_data.cc")
CHUNK_LIMIT = 60000
WIRE = {"bytes": "b", "varint": "v", "fixed64": "f", "fixed32": "x"}


def compact_value_type(vt):
    out = {"t": vt["type"]}
    if vt.get("ref"):
        out["r"] = vt["ref"]
    if vt.get("enum"):
        out["e"] = vt["enum"]
    if vt.get("protoWrapper"):
        out["pw"] = vt["protoWrapper"]["number"]
    if vt.get("items"):
        out["i"] = compact_value_type(vt["items"])
    if vt.get("values"):
        out["vals"] = compact_value_type(vt["values"])
    return out


def compact_field(f):
    out = {"j": f["json"], "t": f["type"]}
    if f.get("ref"):
        out["r"] = f["ref"]
    if f.get("enum"):
        out["e"] = f["enum"]
    if f.get("items"):
        out["i"] = compact_value_type(f["items"])
    if f.get("values"):
        out["vals"] = compact_value_type(f["values"])
    if f.get("protoWrapper"):
        out["pw"] = f["protoWrapper"]["number"]
    for src, dst in (("pointer", "p"), ("omitempty", "o"), ("optional", "opt"),
                     ("required", "req")):
        if f.get(src):
            out[dst] = 1
    proto = f.get("proto")
    if proto:
        out["n"] = proto["number"]
        out["w"] = WIRE[proto["wire"]]
        if proto.get("repeated"):
            out["rp"] = 1
        if not proto["type"].startswith("k8s.io.") and not proto["type"].startswith("map<"):
            out["pt"] = proto["type"]
        if proto.get("via"):
            out["via"] = proto["via"]
    for src, dst in (("patchStrategy", "ps"), ("patchMergeKey", "pk"), ("listType", "lt"),
                     ("listMapKeys", "lk"), ("mapType", "mt")):
        if f.get(src):
            out[dst] = f[src]
    if "default" in f:
        out["d"] = f["default"]
    return out


def compact_type(t):
    out = {"k": t.get("kind"), "g": t.get("group", ""), "v": t.get("version", "")}
    if t.get("proto"):
        out["p"] = t["proto"]
    if t.get("structType"):
        out["st"] = t["structType"]
    if t.get("kindScope"):
        out["ks"] = t["kindScope"]
    out["f"] = [compact_field(f) for f in t["fields"]]
    return out


def compact_resource(r):
    out = {k: r[k] for k in ("group", "version", "kind", "resource", "singularName",
                             "namespaced", "verbs", "subresources", "subresourceKinds")}
    for k in ("shortNames", "categories"):
        if r.get(k):
            out[k] = r[k]
    if r.get("removedBy1_32"):
        out["removed"] = True
    return out


def compact_special(s):
    out = {}
    for k in ("openapi", "openapiSchema"):
        if k in s:
            out[k] = s[k]
    if "openapiV3OneOfTypes" in s:
        out["oneOf"] = s["openapiV3OneOfTypes"]
    return out


def dumps(v):
    return json.dumps(v, separators=(",", ":"), sort_keys=False, ensure_ascii=True)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_IN
    dst = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    with open(src, encoding="utf-8") as fh:
        schema = json.load(fh)

    # One logical line per type/resource keeps chunks splittable at line ends and diffs readable.
    lines = ['{"source":' + dumps(schema.get("source", "")) + ',"types":{']
    names = sorted(schema["types"])
    for idx, name in enumerate(names):
        sep = "," if idx + 1 < len(names) else ""
        lines.append(dumps(name) + ":" + dumps(compact_type(schema["types"][name])) + sep)
    lines.append('},"resources":[')
    res = schema["resources"]
    for idx, r in enumerate(res):
        sep = "," if idx + 1 < len(res) else ""
        lines.append(dumps(compact_resource(r)) + sep)
    lines.append('],"enums":' + dumps(schema["enums"]) + ',')
    specials = {k: compact_special(v) for k, v in schema["specialTypes"].items()}
    lines.append('"specialTypes":' + dumps(specials) + "}")

    chunks, cur, size = [], [], 0
    for line in lines:
        if ")FLT\"" in line:
            raise SystemExit("delimiter collision in generated text")
        if len(line) + 1 > CHUNK_LIMIT:
            raise SystemExit("line too long for one chunk: %d bytes" % len(line))
        if size + len(line) + 1 > CHUNK_LIMIT:
            chunks.append("\n".join(cur))
            cur, size = [], 0
        cur.append(line)
        size += len(line) + 1
    if cur:
        chunks.append("\n".join(cur))

    out = []
    out.append("// GENERATED FILE - DO NOT EDIT.\n")
    out.append("// Built-in Kubernetes 1.32 type schema (from k8s.io/api v0.32.4 data) as compact JSON,\n")
    out.append("// parsed once by builtin_schema.cc. Regenerate with:\n")
    out.append("//   /usr/bin/python3 apimachinery/gen/gen_builtin_schema.py\n")
    out.append("//       [/work/shared/data/k8s-1.32/schema.json [apimachinery/generated/"
               "builtin_schema_data.cc]]\n")
    out.append("// The format is described at the top of gen_builtin_schema.py.\n")
    out.append('#include "apimachinery/generated/builtin_schema_data.h"\n\n')
    out.append("namespace flotilla::apimachinery::generated {\nnamespace {\n\n")
    out.append("// Split in chunks below 60 KB so no single literal is huge.\n")
    out.append("constexpr const char* kChunks[] = {\n")
    for c in chunks:
        out.append('R"FLT(' + c + '\n)FLT",\n')
    out.append("};\n\n}  // namespace\n\n")
    out.append("std::string builtinSchemaJson() {\n")
    out.append("  std::string text;\n")
    out.append("  text.reserve(%d);\n" % (sum(len(c) + 1 for c in chunks) + 16))
    out.append("  for (const char* chunk : kChunks) text += chunk;\n")
    out.append("  return text;\n}\n\n")
    out.append("}  // namespace flotilla::apimachinery::generated\n")
    with open(dst, "w", encoding="utf-8") as fh:
        fh.write("".join(out))
    print("wrote %s: %d types, %d resources, %d chunks" %
          (dst, len(names), len(res), len(chunks)))


if __name__ == "__main__":
    main()
