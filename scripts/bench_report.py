#!/usr/bin/python3
"""Turns the JSON lines of a `make bench` run into the table of medians and ratios.

Usage: bench_report.py RAW.jsonl RESULTS.md [--rounds N] [--quick 0|1]

Prints the table and writes it (with the machine, the date and how to reproduce
it) to RESULTS.md. Every target of issue 7 is marked met, NOT MET, or n/a with
the reason. Ratios compare nnscope with the best PyTorch configuration of each row.
"""
import argparse
import json
import os
import platform
import statistics
import time

TORCH_CONFIGS = [("default", "PyTorch default"), ("ob1", "PyTorch OPENBLAS_NUM_THREADS=1"),
                 ("tuned", "PyTorch tuned (1 BLAS thread, all cores to torch)")]


class Results:
    def __init__(self, path):
        self.rows = []
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    self.rows.append(json.loads(line))

    def select(self, impl, config, work, timing=True):
        """Rows of one kind; timing rows leave out the extra accuracy-only runs."""
        return [r for r in self.rows
                if r.get("impl") == impl and r.get("config") == config and r.get("work") == work
                and not (timing and r.get("round") == "acc")]

    def values(self, impl, config, work, key, timing=True):
        return [r[key] for r in self.select(impl, config, work, timing)
                if isinstance(r.get(key), (int, float))]

    def median(self, impl, config, work, key, timing=True):
        vals = self.values(impl, config, work, key, timing)
        return statistics.median(vals) if vals else None

    def na(self, impl, work):
        for r in self.rows:
            if r.get("impl") == impl and r.get("work") == work and "na" in r:
                return r["na"]
        return None

    def first(self, impl, work, key):
        for r in self.rows:
            if r.get("impl") == impl and r.get("work") == work and key in r:
                return r[key]
        return None


def fmt_num(v, digits=0):
    if v is None:
        return "-"
    return "{:,.{}f}".format(v, digits)


def fmt_s(v):
    if v is None:
        return "-"
    return "%.3f s" % v if v < 10 else "%.1f s" % v


def verdict(ok):
    return "met" if ok else "**NOT MET**"


def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    os_name = "?"
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "%s, %d cores, %s" % (cpu, os.cpu_count() or 0, os_name)


def build(res, rounds, quick):
    lines = []
    out = lines.append
    torch_ver = next((r.get("torch") for r in res.rows if r.get("impl") == "torch"), "?")
    torch_threads = {c: next((r.get("threads") for r in res.rows
                              if r.get("impl") == "torch" and r.get("config") == c), None)
                     for c, _ in TORCH_CONFIGS}
    blas = res.first("openblas", "sgemm_2048", "openblas") or "OpenBLAS"
    out("# nnscope benchmark results")
    out("")
    out("Written by `make bench` (scripts/bench.sh) on %s." % time.strftime("%Y-%m-%d %H:%M"))
    out("Machine: %s. PyTorch %s (Debian's python3-torch); %s." % (machine(), torch_ver, blas))
    out("Medians of %d round%s, nnscope and PyTorch interleaved in each round; loading the"
        " data is not timed, shuffling, gathering batches and training are." %
        (rounds, "" if rounds == 1 else "s"))
    nice = res.first("machine", "load", "nice")
    if nice not in (None, "0"):
        out("Every measured process ran at nice %s (BENCH_NICE), so that other work on the"
            " machine disturbed it less." % nice)
    load = res.first("machine", "load", "start")
    if load is not None and load > 0.5:
        out("")
        out("**Warning: the load average was %.2f when the run started: other processes shared"
            " the cores, and the numbers are noisier than they should be.**" % load)
    if quick:
        out("")
        out("**Quick run (BENCH_QUICK=1): 6,000 training samples instead of 60,000 and fewer"
            " step repetitions. A smoke test of the machinery; these are not the benchmark's"
            " numbers.**")
    out("")
    out("PyTorch runs in three thread configurations; each ratio is against the best of them"
        " on that row. Intra-op threads PyTorch used: %s." %
        ", ".join("%s %s" % (c, torch_threads[c]) for c, _ in TORCH_CONFIGS
                  if torch_threads[c] is not None))
    out("")

    head = ["work", "nnscope"] + [name for _, name in TORCH_CONFIGS] + \
        ["ratio (vs best PyTorch)", "target", "status"]
    table = []

    def torch_vals(work, key):
        return [res.median("torch", c, work, key) for c, _ in TORCH_CONFIGS]

    def throughput_row(label, work, target, unit_fmt):
        nn_sps = res.median("nnscope", "default", work, "samples_per_s")
        nn_s = res.median("nnscope", "default", work, "seconds")
        t_sps = torch_vals(work, "samples_per_s")
        t_s = torch_vals(work, "seconds")
        cells = [label, unit_fmt(nn_sps, nn_s)] + [unit_fmt(a, b) for a, b in zip(t_sps, t_s)]
        best = max([v for v in t_sps if v is not None], default=None)
        na = res.na("nnscope", work)
        if nn_sps is None or best is None:
            cells += ["-", ">= %gx" % target, na or "n/a: not measured"]
        else:
            ratio = nn_sps / best
            cells += ["%.2fx" % ratio, ">= %gx" % target, verdict(ratio >= target)]
        table.append(cells)

    def sps(v, s):
        if v is None:
            return "-"
        return "%s/s (%s)" % (fmt_num(v), fmt_s(s))

    def secs(v, s):
        return fmt_s(s)

    throughput_row("MLP 784-128-10, Adam, batch 32, 1 epoch: samples/s", "mlp_epoch", 3, sps)
    throughput_row("CNN Conv32-Pool-Conv64-Pool-Dense64-Dense10, Adam, batch 128, 1 epoch: "
                   "samples/s", "cnn_epoch", 1.5, sps)
    throughput_row("MLP predict 10000 (batch 1000)", "mlp_predict", 2, secs)
    throughput_row("CNN predict 10000 (batch 1000)", "cnn_predict", 2, secs)

    for b, target in ((1, 5), (32, None)):
        work = "mlp_step_b%d" % b
        nn_us = res.median("nnscope", "default", work, "us")
        t_us = torch_vals(work, "us")
        cells = ["one MLP training step, batch %d" % b, fmt_num(nn_us) + " us" if nn_us else "-"]
        cells += [fmt_num(v) + " us" if v else "-" for v in t_us]
        best = min([v for v in t_us if v is not None], default=None)
        if nn_us is None or best is None:
            cells += ["-", "<= 1/%d" % target if target else "-", "n/a: not measured"]
        else:
            ratio = nn_us / best
            text = "%.2fx the time (%.1fx faster)" % (ratio, best / nn_us)
            if target:
                cells += [text, "<= 1/%d the time" % target, verdict(ratio <= 1.0 / target)]
            else:
                cells += [text, "-", "(no target)"]
        table.append(cells)

    def acc_cell(vals):
        if not vals:
            return "-"
        if len(vals) == 1:
            return "%.4f" % vals[0]
        return "%.4f (%.3f-%.3f, %d seeds)" % (statistics.median(vals), min(vals), max(vals),
                                                len(vals))

    for model in ("mlp", "cnn"):
        work = model + "_epoch"
        nn_accs = res.values("nnscope", "default", work, "test_acc", timing=False)
        t_accs = [res.values("torch", c, work, "test_acc", timing=False)
                  for c, _ in TORCH_CONFIGS]
        cells = ["test accuracy after 1 epoch, %s: median over seeds" % model.upper(),
                 acc_cell(nn_accs)] + [acc_cell(v) for v in t_accs]
        ref = [v for vals in t_accs for v in vals]
        if not nn_accs or not ref:
            cells += ["-", "within 1 point", res.na("nnscope", work) or "n/a: not measured"]
        else:
            diff = 100 * (statistics.median(nn_accs) - statistics.median(ref))
            cells += ["%+.2f points (vs all PyTorch runs)" % diff, "within 1 point",
                      verdict(abs(diff) <= 1.0)]
        table.append(cells)

    kept = res.median("nnscope", "default", "mlp_window", "kept")
    cells = ["MLP epoch with the window live (offscreen, 30 fps): speed kept"]
    if kept is None:
        cells += ["-", "", "", "", "-", ">= 90%",
                  res.na("nnscope", "mlp_window") or "n/a: not measured"]
    else:
        cells += ["%.1f%%" % (100 * kept), "", "", "", "-", ">= 90%", verdict(kept >= 0.9)]
    table.append(cells)

    for via, label in (("nnscope", "the nnscope program (Lua API)"), ("bench_nn", "the C core")):
        mb = [r["mb"] for r in res.rows if r.get("work") == "mlp_peak_mem" and
              r.get("via") == via and "mb" in r]
        na = next((r["na"] for r in res.rows if r.get("work") == "mlp_peak_mem" and
                   r.get("via") == via and "na" in r), None)
        cells = ["peak memory training the MLP on all of Fashion-MNIST, via %s" % label]
        if mb:
            cells += ["%.0f MB" % max(mb), "", "", "", "-", "< 400 MB", verdict(max(mb) < 400)]
        else:
            cells += ["-", "", "", "", "-", "< 400 MB", na or "n/a: not measured"]
        table.append(cells)

    out("| " + " | ".join(head) + " |")
    out("|" + "---|" * len(head))
    for row in table:
        out("| " + " | ".join(row) + " |")
    out("")

    # nnscope's own thread configurations, for information
    out("nnscope as it comes (OpenBLAS's own thread count) and with OPENBLAS_NUM_THREADS=1"
        " (information only; the ratios above use the first):")
    out("")
    out("| work | nnscope default | nnscope OPENBLAS_NUM_THREADS=1 |")
    out("|---|---|---|")
    for work, label, key, fmt in (
            ("mlp_epoch", "MLP epoch", "seconds", fmt_s),
            ("cnn_epoch", "CNN epoch", "seconds", fmt_s),
            ("mlp_predict", "MLP predict", "seconds", fmt_s),
            ("cnn_predict", "CNN predict", "seconds", fmt_s),
            ("mlp_step_b1", "MLP step, batch 1", "us", lambda v: fmt_num(v) + " us"),
            ("mlp_step_b32", "MLP step, batch 32", "us", lambda v: fmt_num(v) + " us")):
        a = res.median("nnscope", "default", work, key)
        b = res.median("nnscope", "ob1", work, key)
        if a is None and b is None:
            continue
        out("| %s | %s | %s |" % (label, fmt(a) if a is not None else "-",
                                  fmt(b) if b is not None else "-"))
    out("")

    # GFLOP/s as a fraction of the machine's sgemm speed
    peak = res.median("openblas", "default", "sgemm_2048", "gflops")
    out("Matrix work reached (useful FLOPs of the layers, counted from their shapes), as a"
        " fraction of OpenBLAS sgemm at 2048^3 (%s GFLOP/s, %s threads):" %
        (fmt_num(peak, 1), res.first("openblas", "sgemm_2048", "threads") or "?"))
    out("")
    out("| work | nnscope GFLOP/s | fraction of sgemm 2048^3 | best PyTorch GFLOP/s |")
    out("|---|---|---|---|")
    flops_of = {}
    for work in ("mlp_epoch", "cnn_epoch", "mlp_predict", "cnn_predict", "mlp_step_b1",
                 "mlp_step_b32"):
        g = res.median("nnscope", "default", work, "gflops")
        sel = res.select("nnscope", "default", work)
        if g is None:
            continue
        # the same FLOP count per sample for PyTorch: scale by its speed
        per = None
        if sel and sel[0].get("samples_per_s"):
            per = sel[0]["gflops"] / sel[0]["samples_per_s"]
            best = max([v for v in torch_vals(work, "samples_per_s") if v], default=None)
            tg = per * best if best else None
        else:
            per = sel[0]["gflops"] * sel[0]["seconds"] if sel else None
            best = min([v for v in torch_vals(work, "seconds") if v], default=None)
            tg = per / best if per and best else None
        flops_of[work] = per
        out("| %s | %s | %s | %s |" % (work, fmt_num(g, 1),
                                        "%.0f%%" % (100 * g / peak) if peak else "-",
                                        fmt_num(tg, 1)))
    out("")
    out("OpenBLAS sgemm alone at the models' shapes (row-major, same threads):")
    out("")
    out("| shape (M x N x K) | what | GFLOP/s | fraction of 2048^3 |")
    out("|---|---|---|---|")
    what = {"sgemm_2048": "square reference", "sgemm_mlp_fwd": "MLP layer 1 forward, batch 32",
            "sgemm_mlp_dw": "MLP layer 1 kernel gradient, batch 32",
            "sgemm_cnn_conv1": "CNN conv1 as im2col, batch 128",
            "sgemm_cnn_conv2": "CNN conv2 as im2col, batch 128"}
    for work, label in what.items():
        sel = res.select("openblas", "default", work)
        if not sel:
            continue
        g = res.median("openblas", "default", work, "gflops")
        out("| %d x %d x %d | %s | %s | %s |" % (sel[0]["m"], sel[0]["n"], sel[0]["k"], label,
                                               fmt_num(g, 1),
                                               "%.0f%%" % (100 * g / peak) if peak else "-"))
    out("")
    out("Reproduce: `make bench` (about 5 minutes on 2 cores; `BENCH_ROUNDS=1` for one round,"
        " `BENCH_QUICK=1` for a smoke run, `BENCH_NICE=-10` on a shared machine). Raw results:"
        " build/bench/raw.jsonl; where the time goes: bench/PROFILE.md.")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("md")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", type=int, default=0)
    args = ap.parse_args()
    res = Results(args.raw)
    text = "\n".join(build(res, args.rounds, bool(args.quick))) + "\n"
    print()
    print(text)
    with open(args.md, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
