#!/usr/bin/env bash
# `make bench`: nnscope against PyTorch on the same models, data, batch sizes and seeds.
#
# Builds build/bench_nn (the C core alone) and build/nnscope, then runs, interleaved
# over BENCH_ROUNDS rounds (3), nnscope and PyTorch in three thread configurations:
#   default  - PyTorch as it comes (OMP_NUM_THREADS and OPENBLAS_NUM_THREADS unset)
#   ob1      - OPENBLAS_NUM_THREADS=1 (the issue's "tuned" setting)
#   tuned    - OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(nproc): on some machines
#              PyTorch's default picks fewer intra-op threads than there are cores
# nnscope runs as it comes, and also with OPENBLAS_NUM_THREADS=1 (for information)
# and compares nnscope with the best PyTorch configuration of each row. sgemm speed is
# measured in every round too, and (when the window is built) training with the window
# live, offscreen; once: peak memory of an MLP training run.
#
# Prints the table of medians and ratios, each target of issue 7 marked met / not met,
# and writes it to bench/RESULTS.md. Raw results (JSON lines) go to build/bench/.
#   BENCH_ROUNDS=1   one round instead of 3
#   BENCH_QUICK=1    a tenth of the training data and fewer repetitions (a smoke run;
#                    its ratios are not the benchmark's and RESULTS.md says so)
#   BENCH_NICE=-10   run every measured process at that nice level (needs root): on a
#                    shared machine, other work then disturbs the numbers less
# Python: Debian's /usr/bin/python3 with python3-torch and python3-numpy
# (scripts/install-deps.sh --bench installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${BENCH_ROUNDS:-3}
quick=${BENCH_QUICK:-0}
py=/usr/bin/python3
out=build/bench
mkdir -p "$out"
raw=$out/raw.jsonl
: > "$raw"
log=$out/log.txt
: > "$log"

nice=()
[ -n "${BENCH_NICE:-}" ] && nice=(nice -n "$BENCH_NICE")
qflag=()
[ "$quick" = "1" ] && qflag=(--quick)
ncpu=$(nproc)

# Other work on the machine skews every number: say so in the results.
load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "{\"impl\": \"machine\", \"work\": \"load\", \"start\": $load_start," \
     "\"nice\": \"${BENCH_NICE:-0}\"}" >>"$raw"
if awk "BEGIN { exit !($load_start > 0.5) }"; then
    echo "bench: warning: load average $load_start before starting; other processes will" \
         "slow down both sides unevenly"
fi

echo "bench: building"
make -s -j2 build/bench_nn
have_nnscope=1
if ! make -s -j2 build/nnscope >>"$log" 2>&1; then
    have_nnscope=0
    echo "bench: build/nnscope does not build yet (see $log); its rows are n/a"
fi

# Run a command, append its JSON lines to the raw file tagged with the round; show progress.
collect() {
    local round=$1 what=$2; shift 2
    local start=$SECONDS
    printf 'bench: round %-3s %-28s' "${round//\"/}" "$what"
    if ! "${nice[@]}" "$@" 2>>"$log" | sed "s/^{/{\"round\": $round, /" >>"$raw"; then
        echo " failed (see $log)"
        return 0
    fi
    echo " $((SECONDS - start)) s"
}

torch_run() {   # torch_run ROUND SEED CONFIG ENV... -- ARGS...
    local round=$1 seed=$2 cfg=$3; shift 3
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    collect "$round" "pytorch $cfg" env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS \
        -u MKL_NUM_THREADS "${envs[@]}" "$py" scripts/bench_torch.py --config "$cfg" \
        --seed "$seed" "${qflag[@]}" "$@"
}

# nnscope runs as a learner gets it: OpenBLAS's own thread count, no tuning variables.
# It also runs with OPENBLAS_NUM_THREADS=1, for information only (the ratios use the
# default), to show what OpenBLAS's threads bring or cost on each row.
nn_run() {      # nn_run ROUND SEED WORKS [CONFIG ENV...]
    local round=$1 seed=$2 works=$3 cfg=${4:-default}
    shift 3; [ $# -gt 0 ] && shift
    collect "$round" "nnscope $cfg (C core)" env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS \
        "$@" build/bench_nn "${qflag[@]}" --seed "$seed" --only "$works" --config "$cfg"
}

# Each round uses its own seed (the same for every side in the round): one epoch's test
# accuracy moves by a point or two with the seed, so the accuracy rows compare medians
# over seeds; the MLP gets two more seeds after the rounds (it is quick).
for r in $(seq 1 "$rounds"); do
    seed=$((41 + r))    # rotate the order so no side always runs on a cold (or warm) machine
    case $(( (r - 1) % 3 )) in
        0) order="nn default ob1 nn1 tuned" ;;
        1) order="default nn1 ob1 tuned nn" ;;
        *) order="tuned nn default ob1 nn1" ;;
    esac
    for who in $order; do
        case $who in
            nn)      nn_run "$r" "$seed" mlp,cnn,step,sgemm
                     [ "$have_nnscope" = 1 ] &&
                         collect "$r" "window live (nnscope)" "$py" scripts/bench_lua.py \
                             window "${qflag[@]}" ;;
            nn1)     nn_run "$r" "$seed" mlp,cnn,step ob1 OPENBLAS_NUM_THREADS=1 ;;
            default) torch_run "$r" "$seed" default -- ;;
            ob1)     torch_run "$r" "$seed" ob1 OPENBLAS_NUM_THREADS=1 -- ;;
            tuned)   torch_run "$r" "$seed" tuned OPENBLAS_NUM_THREADS=1 -- --threads "$ncpu" ;;
        esac
    done
done

for seed in $((42 + rounds)) $((43 + rounds)); do
    collect '"acc"' "MLP accuracy, seed $seed" build/bench_nn "${qflag[@]}" --seed "$seed" \
        --only mlp
    torch_run '"acc"' "$seed" tuned OPENBLAS_NUM_THREADS=1 -- --threads "$ncpu" --only mlp
done
collect 0 "peak memory (C core)" env -u OPENBLAS_NUM_THREADS build/bench_nn "${qflag[@]}" \
    --only mem
if [ "$have_nnscope" = 1 ]; then
    collect 0 "peak memory (nnscope)" "$py" scripts/bench_lua.py memory "${qflag[@]}"
fi

"$py" scripts/bench_report.py "$raw" bench/RESULTS.md --rounds "$rounds" --quick "$quick"
