#!/usr/bin/env bash
# Runs libFuzzer harnesses built by `make fuzz`, each for SECONDS (make fuzz-short, fuzz-long,
# and .ci/run through fuzz-short).
#
# usage: tests/reliability/fuzz-run.sh SECONDS TARGET...
#   (with the sanitizer options and MPSSL_CERTS in the environment: reliability.mk sets them)
#
# A harness starts by running every input it is given: the crashes kept as regressions
# (fuzz/regressions/<target>/), the seeds recorded from real handshakes (fuzz/corpus/<target>/)
# and what earlier runs found (build/fuzz/corpus/<target>/, where this run adds new inputs).
# Then it mutates them until SECONDS are up. A crash, sanitizer report, leak or slow input fails
# the harness: the input that did it is saved under build/fuzz/artifacts/ and its path printed
# with the end of the log. Every harness runs even after one failed. Prints one line per
# harness, "pass fuzz/<target>" or "FAIL fuzz/<target>", and last "N passed, N failed"; exits
# non-zero if one failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:?usage: $0 SECONDS TARGET...}
shift
build=build/fuzz
mkdir -p "$build/artifacts"

# Per input at most 10 s (-timeout); inputs up to 16 KiB, and a full handshake flight is under
# 4 KiB; memory per process capped at 4 GiB, well above a harness's peak (200 to 460 MB).
args=(-timeout=10 -max_len=16384 -rss_limit_mb=4096 -print_final_stats=1 -max_total_time="$seconds")

passed=0 failed=0
for target in "$@"; do
    log=$build/$target.log
    corpora=("$build/corpus/$target" fuzz/corpus/"$target")
    [ -d fuzz/regressions/"$target" ] && corpora+=(fuzz/regressions/"$target")
    mkdir -p "$build/corpus/$target"
    echo "fuzz: $target for $seconds s"
    # The outer timeout only guards against a harness that stops answering: libFuzzer ends the
    # run itself after SECONDS, plus the time to run its starting inputs.
    if timeout --kill-after=10 $((seconds + 600)) "$build/fuzz-$target" "${args[@]}" \
        -artifact_prefix="$build/artifacts/$target-" "${corpora[@]}" >"$log" 2>&1; then
        grep -E "^#[0-9]+[[:space:]]+DONE" "$log"
        echo "pass fuzz/$target"
        passed=$((passed + 1))
    else
        tail -60 "$log"
        saved=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n 1)
        echo "fuzz: $target failed; input saved as: ${saved:-(none: see the log)}; log: $log"
        echo "FAIL fuzz/$target"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
