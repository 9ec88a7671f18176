#!/usr/bin/python3
"""The rows of `make bench` measured through the nnscope program and its Lua API.

  bench_lua.py memory [--quick]   peak memory (ru_maxrss) of `nnscope --headless` loading
                                  Fashion-MNIST and training the MLP for one epoch
  bench_lua.py window [--quick]   the MLP's epoch without and with the window live
                                  (offscreen: --headless with NNSCOPE_VIZ_OFFSCREEN=1, so
                                  every frame is drawn as a window would, at 30 fps)

The Lua script prints marks ("@start", "@end") around each timed fit; this
script timestamps them as they arrive, since plain Lua has no wall clock finer
than a second. Prints JSON lines like bench_nn, or {"na": ...} when the program
cannot run that part yet.
"""
import json
import os
import resource
import subprocess
import sys
import time

NNSCOPE = os.environ.get("NNSCOPE", "build/nnscope")

PRELUDE = """
local n = %(n)d
local train = nn.datasets.fashion_mnist.load_data()
local x = train.x:slice(1, n):reshape{n, 784} / 255
local y = nn.utils.to_categorical(train.y:slice(1, n), 10)
local function mlp()
  local m = nn.Sequential{
    nn.layers.Dense{128, activation = "relu", input_dim = 784},
    nn.layers.Dense{10, activation = "softmax"},
  }
  m:compile{optimizer = "adam", loss = "categorical_crossentropy", metrics = {"accuracy"}}
  return m
end
local function timed_fit(tag, m)
  io.stdout:write("@start " .. tag .. "\\n"); io.stdout:flush()
  m:fit(x, y, {epochs = 1, batch_size = 32, verbose = 0})
  io.stdout:write("@end " .. tag .. "\\n"); io.stdout:flush()
end
"""

MEMORY = PRELUDE + """
timed_fit("fit", mlp())
"""

WINDOW = PRELUDE + """
if not viz or not viz.show then
  print("@na n/a: the window (viz) is not built"); return
end
local function with_window(tag)
  local m = mlp()
  local ok, e = pcall(viz.show, m)
  if not ok then print("@na n/a: viz.show failed: " .. tostring(e)); return false end
  if viz.fps then viz.fps(30) end
  timed_fit(tag, m)
  viz.close()
  return true
end
timed_fit("plain1", mlp())
if not with_window("window1") then return end
timed_fit("plain2", mlp())
with_window("window2")
"""


def run(script, args, env_extra):
    """Run nnscope on a chunk; returns ({tag: seconds}, peak RSS in KiB, n/a reason)."""
    env = dict(os.environ, **env_extra)
    env.pop("OPENBLAS_NUM_THREADS", None)
    env.pop("DISPLAY", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.Popen([NNSCOPE] + args + ["-e", script],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    marks, na = {}, None
    for line in proc.stdout:
        t = time.perf_counter()
        word = line.split()
        if not word:
            continue
        if word[0] in ("@start", "@end") and len(word) > 1:
            marks[(word[0], word[1])] = t
        elif word[0] == "@na":
            na = line[4:].strip()
    err = proc.stderr.read()
    rc = proc.wait()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if rc != 0 and na is None:
        na = "n/a: nnscope failed: " + (err.strip().splitlines() or ["exit %d" % rc])[-1]
    secs = {tag: marks[("@end", tag)] - marks[("@start", tag)]
            for (kind, tag) in marks if kind == "@start" and ("@end", tag) in marks}
    return secs, (peak if peak > before else None), na


def emit(rec):
    print(json.dumps(dict({"impl": "nnscope", "config": "default"}, **rec)), flush=True)


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    n = 6000 if "--quick" in sys.argv else 60000
    if not os.access(NNSCOPE, os.X_OK):
        emit({"work": "mlp_peak_mem" if what == "memory" else "mlp_window",
              "na": "n/a: %s not built" % NNSCOPE})
        return 0
    if what == "memory":
        secs, peak_kb, na = run(MEMORY % {"n": n}, ["--headless"], {})
        if na or peak_kb is None:
            emit({"work": "mlp_peak_mem", "via": "nnscope", "na": na or "n/a: no measurement"})
        else:
            emit({"work": "mlp_peak_mem", "via": "nnscope", "mb": peak_kb / 1024.0,
                  "samples": n, "fit_seconds": secs.get("fit")})
    elif what == "window":
        # headless, drawing every frame offscreen at the frame rate as a window would
        secs, _, na = run(WINDOW % {"n": n}, ["--headless"], {"NNSCOPE_VIZ_OFFSCREEN": "1",
                                                             "SDL_VIDEODRIVER": "dummy"})
        windows = [v for k, v in secs.items() if k.startswith("window")]
        plains = [v for k, v in secs.items() if k.startswith("plain")]
        if na or not windows or not plains:
            emit({"work": "mlp_window", "na": na or "n/a: no measurement"})
        else:
            # the fastest of each kind, so a busy moment does not pass for overhead
            emit({"work": "mlp_window", "seconds": min(windows), "plain_seconds": min(plains),
                  "kept": min(plains) / min(windows), "samples": n, "runs": len(windows)})
    else:
        print("usage: bench_lua.py memory|window [--quick]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
