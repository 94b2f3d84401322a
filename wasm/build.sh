#!/usr/bin/env bash
# Builds the npm package in wasm/pkg from the imprint-wasm crate:
#   wasm/pkg/imprint_bg.wasm    the engine (one file for browsers, Node and wasmtime)
#   wasm/pkg/web/imprint.js     ES module glue for browsers and bundlers
#   wasm/pkg/node/imprint.js    CommonJS glue for Node
#   wasm/pkg/*.d.ts             TypeScript types, generated from the Rust types
#   wasm/pkg/package.json       exports for browser and Node
# Installs the wasm32 target and wasm-bindgen-cli (at exactly the version
# Cargo.lock pins, from crates.io) when they are missing. wasm-pack is not
# used: it downloads binaries at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$want" ] || { echo "wasm/build.sh: no wasm-bindgen in Cargo.lock" >&2; exit 2; }
if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
  echo "wasm/build.sh: installing wasm-bindgen-cli $want (a few minutes, once)" >&2
  # Not --locked: crates.io does not serve every version its lockfile names.
  cargo install wasm-bindgen-cli --version "$want"
fi
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# A reproducible module: no machine paths in it (panic locations name
# crates' sources), so a clean checkout rebuilds the GitHub Action's
# committed copy (action/dist/) byte for byte.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$PWD=/imprint"
cargo build -p imprint-wasm --target wasm32-unknown-unknown --profile wasm-release
wasm=target/wasm32-unknown-unknown/wasm-release/imprint_wasm.wasm

out=wasm/pkg
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out/web" --out-name imprint "$wasm"
wasm-bindgen --target nodejs --out-dir "$out/node" --out-name imprint "$wasm"
# Both glues load the same engine; keep one copy, byte for byte the same.
cmp "$out/web/imprint_bg.wasm" "$out/node/imprint_bg.wasm"
mv "$out/web/imprint_bg.wasm" "$out/imprint_bg.wasm"
rm "$out/node/imprint_bg.wasm" "$out/web/imprint_bg.wasm.d.ts" "$out/node/imprint_bg.wasm.d.ts"
sed -i 's#imprint_bg\.wasm#../imprint_bg.wasm#' "$out/web/imprint.js" "$out/node/imprint.js"
grep -q '../imprint_bg.wasm' "$out/web/imprint.js" && grep -q '../imprint_bg.wasm' "$out/node/imprint.js"

# Optimize with binaryen's wasm-opt when it is installed (npm's binaryen:
# Debian's binaryen 108 corrupts wasm-bindgen output). -O3 to match the
# profile's choice of speed (Cargo.toml); -Oz measured slower and no smaller gzipped.
opt=wasm/node_modules/.bin/wasm-opt
if [ -x "$opt" ]; then
  "$opt" -O3 --strip-debug --strip-producers "$out/imprint_bg.wasm" -o "$out/imprint_bg.wasm.opt"
  mv "$out/imprint_bg.wasm.opt" "$out/imprint_bg.wasm"
fi

version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
cat > "$out/package.json" <<JSON
{
  "name": "@imprint/engine",
  "version": "$version",
  "description": "The imprint build-provenance policy engine, compiled to WebAssembly: the same engine the imprint CLI runs.",
  "license": "Apache-2.0",
  "type": "module",
  "files": ["imprint_bg.wasm", "web/", "node/"],
  "types": "./web/imprint.d.ts",
  "main": "./node/imprint.cjs",
  "exports": {
    ".": {
      "types": "./web/imprint.d.ts",
      "node": "./node/imprint.cjs",
      "default": "./web/imprint.js"
    },
    "./web": { "types": "./web/imprint.d.ts", "default": "./web/imprint.js" },
    "./node": { "types": "./node/imprint.d.ts", "default": "./node/imprint.cjs" },
    "./imprint_bg.wasm": "./imprint_bg.wasm"
  },
  "sideEffects": false
}
JSON
# The Node glue is CommonJS; in a "type": "module" package it needs .cjs.
mv "$out/node/imprint.js" "$out/node/imprint.cjs"
ls -l "$out/imprint_bg.wasm"

# The module the npm CLI runs (cli/): the same engine plus the command
# line and input reading (the `cli` feature: clap and src/host.rs), so it
# parses arguments and words errors as the native CLI does. Built apart so
# the page and the engine package do not carry clap.
cargo build -p imprint-wasm --features cli --target wasm32-unknown-unknown --profile wasm-release
cli_out=wasm/pkg-cli
rm -rf "$cli_out"
wasm-bindgen --target nodejs --out-dir "$cli_out" --out-name imprint "$wasm"
mv "$cli_out/imprint.js" "$cli_out/imprint.cjs"
rm -f "$cli_out/imprint_bg.wasm.d.ts"
if [ -x "$opt" ]; then
  "$opt" -O3 --strip-debug --strip-producers "$cli_out/imprint_bg.wasm" -o "$cli_out/imprint_bg.wasm.opt"
  mv "$cli_out/imprint_bg.wasm.opt" "$cli_out/imprint_bg.wasm"
fi
ls -l "$cli_out/imprint_bg.wasm"
