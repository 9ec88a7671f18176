#!/usr/bin/env python3
"""A lesson waiting in pause() goes on when space is pressed in the real window.

    python3 tests/cli/lesson_window.py build/nnscope LESSONS_HOME

LESSONS_HOME holds data/ and lessons/ (lib.lua and 01_*.lua, a lesson that shows
a model, prints "waiting", pauses, then prints "went on"). Runs nnscope on a
private Xvfb display, presses space there through XTest (libX11 + libXtst via
ctypes) and checks that the lesson went on without any Enter on stdin.
Prints "PASS ...", "FAIL ..." or "SKIP ..." (no Xvfb or no XTest here).
"""
import ctypes
import os
import select
import subprocess
import sys
import time

NAME = "lessons.sh: space in the window goes on at pause()"


def skip(why):
    print("SKIP %s (%s)" % (NAME, why))
    sys.exit(0)


def start_xvfb():
    """Xvfb on a display number of our own (others may run Xvfb on this machine)."""
    base = 200 + os.getpid() % 700
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


def press_space(display):
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
    keycode = x11.XKeysymToKeycode(d, 0x20)         # XK_space
    xtst.XTestFakeMotionEvent(d, 0, 400, 300, 0)     # the pointer over the window
    x11.XFlush(d)
    time.sleep(0.3)
    xtst.XTestFakeKeyEvent(d, keycode, 1, 0)
    xtst.XTestFakeKeyEvent(d, keycode, 0, 0)
    x11.XFlush(d)
    x11.XCloseDisplay(d)
    return True


def main():
    program, home = sys.argv[1], sys.argv[2]
    try:
        ctypes.CDLL("libXtst.so.6")
    except OSError:
        skip("no libXtst")
    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display, NNSCOPE_HOME=home, SDL_VIDEODRIVER="x11",
               NNSCOPE_NO_HISTORY="1")
    env.pop("WAYLAND_DISPLAY", None)
    nn = subprocess.Popen([program, "--lesson", "1"], env=env, stdin=subprocess.PIPE,
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

        if not wait_for(b"waiting", 30):
            print("FAIL %s: the lesson never reached its pause\n    %r" % (NAME, out[-400:]))
            return 1
        if b"watch:\ttrue" not in out:
            skip("no window opened on Xvfb")
        time.sleep(0.5)
        if not press_space(display):
            skip("cannot send keys to Xvfb")
        if wait_for(b"went on", 15):
            print("PASS %s" % NAME)
            return 0
        print("FAIL %s: still waiting after space\n    %r" % (NAME, out[-400:]))
        return 1
    finally:
        nn.kill()
        nn.wait()
        xvfb.kill()
        xvfb.wait()


if __name__ == "__main__":
    sys.exit(main())
