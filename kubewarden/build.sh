#!/usr/bin/env bash
# Builds the Kubewarden policy module from the imprint-kubewarden crate:
#   target/kubewarden/imprint_kubewarden.wasm       the waPC guest, with its
#                                                   io.kubewarden.metadata section
#   target/kubewarden/imprint_kubewarden.raw.wasm   the same without it, for
#                                                   `kwctl annotate -m kubewarden/metadata.yml`
# wasm32-unknown-unknown, no wasm-bindgen: the module imports only the waPC
# host functions (module `wapc`). Reproducible like wasm/build.sh: no machine
# paths in it, so a clean checkout rebuilds it byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

cargo_home=${CARGO_HOME:-$HOME/.cargo}
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$PWD=/imprint"
cargo build -p imprint-kubewarden --lib --target wasm32-unknown-unknown --profile wasm-release
raw=target/wasm32-unknown-unknown/wasm-release/imprint_kubewarden.wasm

out=target/kubewarden
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$raw" "$work/policy.wasm"

# Optimize with binaryen's wasm-opt when it is installed (wasm/'s npm
# package, as wasm/build.sh does), before the metadata is added.
opt=wasm/node_modules/.bin/wasm-opt
if [ -x "$opt" ]; then
  "$opt" -O3 --strip-debug --strip-producers "$work/policy.wasm" -o "$work/policy.opt.wasm"
  mv "$work/policy.opt.wasm" "$work/policy.wasm"
fi

# Only the waPC host functions may be imported (no wasm-bindgen, no WASI).
if command -v node >/dev/null 2>&1; then
  node -e '
    const m = new WebAssembly.Module(require("fs").readFileSync(process.argv[1]));
    const bad = WebAssembly.Module.imports(m).filter(i => i.module !== "wapc");
    if (bad.length) { console.error("kubewarden/build.sh: unexpected imports:", bad); process.exit(1); }
  ' "$work/policy.wasm"
fi

# The metadata section, from kubewarden/metadata.yml (host build of the
# crate's small step; the release profile the rest of the workspace uses).
cargo build --release -p imprint-kubewarden --bin imprint-kubewarden-metadata
target/release/imprint-kubewarden-metadata kubewarden/metadata.yml "$work/policy.wasm" "$out/imprint_kubewarden.wasm"
cp "$work/policy.wasm" "$out/imprint_kubewarden.raw.wasm"
ls -l "$out/imprint_kubewarden.wasm"
printf 'gzipped: %s bytes\n' "$(gzip -9 -c "$out/imprint_kubewarden.wasm" | wc -c)"
