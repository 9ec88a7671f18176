#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD/fuzz for SECONDS each, one after the other:
#   tests/fuzz/run.sh BUILD SECONDS      (make fuzz and make fuzz-smoke call it)
# Each target fuzz_NAME starts from the committed seeds in tests/fuzz/corpus/NAME (plus
# tests/fuzz/NAME.dict when there is one) and keeps what it learns in BUILD/fuzz-corpus/NAME,
# so later runs go on from there. A crash, leak, sanitizer report or broken contract
# leaves its input in BUILD/fuzz-crashes/ and makes this script fail: turn it into a
# regression file in tests/bad/ and a test (tests/c/test_bad_inputs.c).
set -u
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/fuzz/run.sh BUILD SECONDS}
secs=${2:?usage: tests/fuzz/run.sh BUILD SECONDS}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/fuzz-crashes"
failed=0
summary=()
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin"); name=${name#fuzz_}
    work=$build/fuzz-corpus/$name
    mkdir -p "$work"
    args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384
          -print_final_stats=1 -artifact_prefix="$build/fuzz-crashes/$name-")
    [ -f "tests/fuzz/$name.dict" ] && args+=(-dict="tests/fuzz/$name.dict")
    log=$build/fuzz-$name.log
    echo "== fuzz_$name: $secs s"
    cpu0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    "$bin" "${args[@]}" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    cpu1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    tick=$(getconf CLK_TCK)
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$tick" 'BEGIN { printf "%.1f", (b - a) / t }')
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
    units=$(find "$work" -type f | wc -l)
    if [ "$rc" -ne 0 ]; then
        failed=1
        grep -E 'ERROR|SUMMARY|contract broken|Test unit written' "$log" | head -20
        result="FAILED (rc $rc, log $log)"
    else
        result=ok
    fi
    summary+=("fuzz_$name: ${runs:-?} runs, ${cpu} s CPU, corpus $units files: $result")
done
printf '%s\n' "${summary[@]}"
[ ${#summary[@]} -gt 0 ] || { echo "no fuzz targets in $build/fuzz" >&2; exit 1; }
exit $failed
