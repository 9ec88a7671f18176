#!/usr/bin/env bash
# Runs every test: C unit tests, window tests, Lua API tests, command-line tests and
# lesson runs. Each prints PASS/FAIL lines; this script counts them and ends with
# "N passed, N failed", exiting non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
# The build to test: build/ by default; `make test-sanitize` passes build-san.
export BUILD_DIR=${BUILD_DIR:-build}
B=$BUILD_DIR
# Read only by sanitized builds: stop at the first report, check leaks, suppress known
# third-party leaks at exit (tests/lsan.supp says which and why), and let an allocation
# too big for memory return NULL as malloc does, so tests reach the out-of-memory paths.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
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

run "C unit tests" "$B/test_nn"
[ -x "$B/test_viz" ] && run "window tests" "$B/test_viz"
for f in tests/lua/test_*.lua; do
    [ -e "$f" ] || continue
    run "$f" "$B/nnscope" --headless tests/lua/harness.lua "$f"
done
for f in tests/cli/*.sh; do
    [ -e "$f" ] || continue
    run "$f" bash "$f"
done

passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
