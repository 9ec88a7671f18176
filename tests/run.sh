#!/usr/bin/env bash
# Runs every test: C unit tests, window tests, Lua API tests, command-line tests and
# lesson runs. Each prints PASS/FAIL lines; this script counts them and ends with
# "N passed, N failed", exiting non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
export NNSCOPE_NO_HISTORY=1
unset DISPLAY
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {   # run a command; a non-zero exit that printed no FAIL counts as one failure
    local name=$1; shift
    local start=$SECONDS
    if ! "$@" 2>&1 | tee -a "$log"; then :; fi
    local rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name exited with status $rc" | tee -a "$log"
    fi
    echo "  ($name: $((SECONDS - start)) s)"
}

run "C unit tests" build/test_nn
[ -x build/test_viz ] && run "window tests" build/test_viz
for f in tests/lua/test_*.lua; do
    [ -e "$f" ] || continue
    run "$f" build/nnscope --headless tests/lua/harness.lua "$f"
done
for f in tests/cli/*.sh; do
    [ -e "$f" ] || continue
    run "$f" bash "$f"
done

passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
