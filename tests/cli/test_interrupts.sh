#!/usr/bin/env bash
# Ctrl-C and SIGTERM at awkward moments, through a pseudo-terminal: tests/cli/interrupts.py
# says what is covered. Run by tests/run.sh (which sets BUILD_DIR).
set -u
cd "$(dirname "$0")/../.."
exec python3 tests/cli/interrupts.py "${BUILD_DIR:-build}/nnscope"
