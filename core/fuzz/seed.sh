#!/usr/bin/env bash
# Rebuilds the seed corpora under corpus/<target>/ from the repository's
# real inputs: tests/data/*, the builtin policies (policies/*.json) and the
# conformance vectors (tests/vectors/*.json). The seeds of the host's
# yaml_read target go to host/fuzz/corpus/yaml_read/. Needs python3; Go, when
# present, gives the go_buildinfo target a real build-info header.
#
#   core/fuzz/seed.sh
set -eu
cd "$(dirname "$0")"
root=../..
rm -rf corpus "$root/host/fuzz/corpus/yaml_read"
mkdir -p corpus

python3 - "$root" <<'PY'
import hashlib, json, os, pathlib, sys

root = pathlib.Path(sys.argv[1])
corpus = pathlib.Path("corpus")
builtin = {p.stem: p.read_text() for p in (root / "policies").glob("*.json")
           if p.name != "policy.schema.json"}

def put(target, data, hint=""):
    if isinstance(data, str):
        data = data.encode()
    d = (root / "host/fuzz/corpus" if target == "yaml_read" else corpus) / target
    d.mkdir(parents=True, exist_ok=True)
    name = (hint + "-" if hint else "") + hashlib.sha1(data).hexdigest()[:12]
    (d / name).write_bytes(data)

def policy_text(p):
    if isinstance(p, str) and p in builtin:
        return builtin[p]
    return p if isinstance(p, str) else json.dumps(p, indent=1)

data = sorted(p for p in (root / "tests/data").iterdir() if p.is_file() and p.name != "README.md")
for p in data:
    raw = p.read_bytes()
    ext = p.suffix.lstrip(".")
    if ext == "json":
        put("inspect_json", raw, p.stem)
        put("api_run_json", json.dumps({"op": "read", "text": raw.decode(), "file": p.name}), "read")
    if ext == "txt":
        put("go_buildinfo", raw, p.stem)
    # yaml_read: the first byte picks the extension (low 2 bits: yaml, yml,
    # json, txt) and the input kind (next bits: auto, kube, inspect, oci,
    # go-version, go-binary).
    sel = {"yaml": 0, "json": 2, "txt": 3}.get(ext)
    if sel is not None:
        put("yaml_read", bytes([sel]) + raw, p.stem)
        if ext == "yaml":
            put("yaml_read", bytes([sel | 1 << 2]) + raw, p.stem + "-kube")

for name, text in builtin.items():
    put("policy_load", text, name)
    put("api_run_json", json.dumps({"op": "validate", "policy": text}), "validate")

ops_policy = {"derive", "explain", "check", "cards", "describe"}
for vf in sorted((root / "tests/vectors").glob("*.json")):
    v = json.loads(vf.read_text())
    op, defaults = v["op"], v.get("defaults", {})
    for n, case in enumerate(v["cases"]):
        # api_run_json gets the first few cases of each file (each holds a
        # whole policy); the other targets get every case.
        few = n < 6
        c = {**defaults, **{k: x for k, x in case.items()
                            if k not in ("name", "source", "expect", "about")}}
        if op == "validate":
            text = c.get("policy_text") or policy_text(c["policy"])
            put("policy_load", text, "error")
            if few:
                put("api_run_json", json.dumps({"op": "validate", "policy": text}), "validate")
            continue
        if op == "parse_reference":
            put("reference", c["reference"])
            put("api_run_json", json.dumps({"op": op, "reference": c["reference"]}), "reference")
            continue
        req = {"op": op, **c}
        if "policy_text" in c:
            req["policy"] = req.pop("policy_text")
            put("policy_load", req["policy"], "error")
        elif op in ops_policy:
            req["policy"] = policy_text(c["policy"])
            if not isinstance(c["policy"], str) or c["policy"] not in builtin:
                put("policy_load", req["policy"], "vector")
        if few:
            put("api_run_json", json.dumps(req), op)
        for tag in case.get("expect", {}).get("tags", []) or []:
            put("reference", tag, "tag")
        if op == "derive" and isinstance(c.get("policy"), str) and c["policy"] in builtin:
            ctx = c.get("context", {})
            esc = lambda s: str(s).replace("\n", "\\n")
            lines = [c["policy"]]
            for sec, ch in (("env", "e"), ("args", "a"), ("git", "g"), ("files", "f")):
                lines += [f"{ch}{k}={esc(x)}" for k, x in ctx.get(sec, {}).items()]
            if ctx.get("arch") is not None:
                lines.append(f"A={esc(ctx['arch'])}")
            for k, o in ctx.get("commands", {}).items():
                if o.get("outcome") == "output":
                    lines.append(f"c{k}={esc(o.get('stdout', ''))}")
                else:
                    lines.append(f"n{k}={o.get('outcome') if o.get('outcome') != 'failed' else esc(o.get('reason', ''))}")
            for k, x in ctx.get("loaded", {}).items():
                lines.append(f"l{k}={esc(x)}" if x is not None else f"L{k}")
            put("derive", "\n".join(lines) + "\n", c["policy"])
PY

# A real Go build-info header: build the test provider and keep the
# 16-byte aligned window from the magic to the end of the module info.
if command -v go >/dev/null; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if (cd "$root/tests/data/go/provider" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
        go build -trimpath -ldflags='-X main.version=v0.3.0' -o "$tmp/provider" ./cmd/... ) 2>/dev/null; then
        python3 - "$tmp/provider" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
magic = b"\xff Go buildinf:"
i = 0
while True:
    i = b.find(magic, i)
    if i < 0 or i % 16 == 0:
        break
    i += 1
end = b.find(bytes.fromhex("f932433186182072008242104116d8f2"), i)
if i >= 0 and end > i:
    open("corpus/go_buildinfo/provider-window", "wb").write(b[i:end + 16 + 64])
PY
    fi
fi
du -sh corpus "$root/host/fuzz/corpus"
for d in corpus/* "$root"/host/fuzz/corpus/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) files"; done
