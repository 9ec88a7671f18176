#!/usr/bin/env bash
# tests/cli/step_window.sh — the . key in a real window (Xvfb) steps a training
# step one stage at a time at the REPL's prompt (tests/cli/step_window.py).
# Prints PASS/FAIL/SKIP lines like the C tests.
set -u
cd "$(dirname "$0")/../.."
NNSCOPE=$PWD/${BUILD_DIR:-build}/nnscope
if command -v python3 >/dev/null; then
    python3 tests/cli/step_window.py "$NNSCOPE"
else
    echo "SKIP step_window.sh: . in the window steps one stage (no python3)"
fi
