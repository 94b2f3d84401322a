#!/usr/bin/env bash
# Runs every fuzz target (or those in $TARGETS) for a fixed time each, one
# after the other, one fuzzing process at a time, and prints the executions
# per target. Exit status: 0 when no target crashed, 1 when any did (the
# input is under artifacts/<target>/), 2 when the build failed.
#
#   core/fuzz/run.sh [seconds-per-target]        # default 60
#   TARGETS="reference derive" core/fuzz/run.sh 300
#   TIMEOUT=60 core/fuzz/run.sh 600   # seconds one input may take (default 5)
#   host/fuzz/run.sh 60                # the host's yaml_read target (runs this script)
#
# New inputs go to scratch/<target>/ (gitignored); corpus/<target>/ holds
# the committed seeds and is only read. Each run's numbers are appended to
# scratch/stats.tsv (target, seconds, executions, exit status).
set -u
# The fuzz crate's directory: this script's, or FUZZ_DIR (host/fuzz/run.sh).
cd "${FUZZ_DIR:-$(dirname "$0")}" || exit 2
secs=${1:-60}
# No sanitizer: imprint is safe Rust (unsafe_code is denied), so the bugs
# to find are panics, overflows, hangs and runaway memory, and without
# ASan the targets run several times faster.
fuzz=(cargo +nightly fuzz)
cargo +nightly fuzz build -s none >/dev/null || exit 2
targets=${TARGETS:-$("${fuzz[@]}" list)}
mkdir -p scratch
status=0
printf '%-14s %8s %14s  %s\n' target seconds executions result
for t in $targets; do
    mkdir -p "scratch/$t" "corpus/$t"
    log="scratch/$t.log"
    start=$(date +%s)
    "${fuzz[@]}" run -s none "$t" "scratch/$t" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout="${TIMEOUT:-5}" \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(awk '/stat::number_of_executed_units/ {n = $2} END {print n + 0}' "$log")
    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="CRASH (exit $rc, see $log and artifacts/$t/)"
        status=1
    fi
    printf '%-14s %8s %14s  %s\n' "$t" "$took" "$execs" "$result"
    printf '%s\t%s\t%s\t%s\n' "$t" "$took" "$execs" "$rc" >>scratch/stats.tsv
done
exit "$status"
