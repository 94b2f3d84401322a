#!/usr/bin/env bash
# Runs the yaml_read target with core/fuzz/run.sh (same options, same
# output), in this directory: host/fuzz/run.sh [seconds-per-target].
here=$(cd "$(dirname "$0")" && pwd)
FUZZ_DIR=$here exec "$here/../../core/fuzz/run.sh" "$@"
