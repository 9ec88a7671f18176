#!/usr/bin/env python3
"""The . key in the real window steps a training step one stage at a time.

    python3 tests/cli/step_window.py build/nnscope

Runs `nnscope -i` on a script that shows a small model and calls
viz.step_mode, on a private Xvfb display; while the REPL waits for input on a
pipe, presses . in the window through XTest (libX11 + libXtst via ctypes) and
checks the REPL reports each stage ("[window] forward · dense", ..., the loss,
backward, the update), with no line typed. Prints "PASS ...", "FAIL ..." or
"SKIP ..." (no Xvfb or no XTest here).
"""
import ctypes
import os
import select
import subprocess
import sys
import tempfile
import time

NAME = "step_window: . in the window steps one stage at the prompt"

SCRIPT = """
local m = nn.Sequential{nn.Dense{3, activation = "relu", input_dim = 2},
                        nn.Dense{2, activation = "softmax"}}
m:compile{optimizer = "adam", loss = "categorical_crossentropy"}
viz.show(m)
viz.step_mode(m, nn.tensor{{0, 1}, {1, 0}}, nn.tensor{{1, 0}, {0, 1}})
viz.panel("formula")
print("ready")
"""


def skip(why):
    print("SKIP %s (%s)" % (NAME, why))
    sys.exit(0)


def start_xvfb():
    """Xvfb on a display number of our own (others may run Xvfb on this machine)."""
    base = 300 + os.getpid() % 600
    for n in range(base, base + 20):
        if os.path.exists("/tmp/.X%d-lock" % n):
            continue
        try:
            proc = subprocess.Popen(["Xvfb", ":%d" % n, "-screen", "0", "1400x900x24",
                                     "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except FileNotFoundError:
            skip("no Xvfb")
        for _ in range(100):
            if os.path.exists("/tmp/.X11-unix/X%d" % n) or proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is None and os.path.exists("/tmp/.X11-unix/X%d" % n):
            return proc, ":%d" % n
        proc.kill()
        proc.wait()
    skip("Xvfb did not start")


def press(display, keysym):
    try:
        x11 = ctypes.CDLL("libX11.so.6")
        xtst = ctypes.CDLL("libXtst.so.6")
    except OSError:
        return False
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XKeysymToKeycode.restype = ctypes.c_ubyte
    handle = x11.XOpenDisplay(display.encode())
    if not handle:
        return False
    d = ctypes.c_void_p(handle)
    keycode = x11.XKeysymToKeycode(d, keysym)
    xtst.XTestFakeMotionEvent(d, 0, 400, 300, 0)     # the pointer over the window
    x11.XFlush(d)
    time.sleep(0.2)
    xtst.XTestFakeKeyEvent(d, keycode, 1, 0)
    xtst.XTestFakeKeyEvent(d, keycode, 0, 0)
    x11.XFlush(d)
    x11.XCloseDisplay(d)
    return True


def main():
    program = sys.argv[1]
    try:
        ctypes.CDLL("libXtst.so.6")
    except OSError:
        skip("no libXtst")
    xvfb, display = start_xvfb()
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(SCRIPT)
    script.close()
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", NNSCOPE_NO_HISTORY="1")
    env.pop("WAYLAND_DISPLAY", None)
    nn = subprocess.Popen([program, "-i", script.name], env=env, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""
    try:
        def wait_for(text, seconds):
            nonlocal out
            end = time.time() + seconds
            while text not in out and time.time() < end:
                ready, _, _ = select.select([nn.stdout], [], [], 0.2)
                if ready:
                    chunk = os.read(nn.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    out += chunk
            return text in out

        if not wait_for(b"ready", 30):
            print("FAIL %s: the script never got ready\n    %r" % (NAME, out[-400:]))
            return 1
        if b"runs headless" in out:
            skip("no window opened on Xvfb")
        time.sleep(0.5)
        want = [b"] forward \xc2\xb7 dense\n", b"] forward \xc2\xb7 dense_1\n",
                b"] loss \xc2\xb7 loss", b"] backward \xc2\xb7 dense_1\n",
                b"] backward \xc2\xb7 dense\n", b"] update"]
        for stage in want:
            if not press(display, 0x2e):            # XK_period
                skip("cannot send keys to Xvfb")
            if not wait_for(stage, 10):
                print("FAIL %s: no %r after pressing .\n    %r" % (NAME, stage, out[-600:]))
                return 1
        print("PASS %s" % NAME)
        return 0
    finally:
        nn.kill()
        nn.wait()
        xvfb.kill()
        xvfb.wait()
        os.unlink(script.name)


if __name__ == "__main__":
    sys.exit(main())
