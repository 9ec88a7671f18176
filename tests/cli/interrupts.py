#!/usr/bin/env python3
"""Interrupt tests: drive the nnscope REPL through a pseudo-terminal, as a learner at a
keyboard does, and press Ctrl-C (or send SIGTERM) at the awkward moments.

    python3 tests/cli/interrupts.py [path/to/nnscope]     (tests/cli/test_interrupts.sh)

Prints "PASS name" or "FAIL name: why" per test, as the other tests do; exits 1 when
one failed. The program defaults to $BUILD_DIR/nnscope (build/nnscope). With
NNSCOPE_INTERRUPTS_LOG=file, the session's transcript is written there.

What is covered:
  - Ctrl-C at the prompt clears the half-typed line; the next line runs.
  - Ctrl-C in a running Lua loop raises "interrupted!" and the prompt comes back.
  - Ctrl-C during a long model:fit stops at the next batch, says where, returns the
    history so far (its epochs are readable), and the session goes on: the model
    evaluates and trains again.
  - Ctrl-C twice during fit, and Ctrl-C during predict, leave a working prompt.
  - Ctrl-D at the prompt ends nnscope with status 0 after all of the above.
  - Ctrl-C while a lesson trains (--auto --lesson 12): nnscope ends by itself, not killed.
  - SIGTERM during model:save leaves the previous file whole (when model:save exists).
"""
import os
import pty
import re
import select
import signal
import sys
import time

PROMPT = "> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\r")


class Session:
    """One nnscope in a pseudo-terminal; `out` is everything it printed so far."""

    def __init__(self, program, *args):
        env = dict(os.environ, TERM="dumb", NNSCOPE_NO_HISTORY="1",
                   SDL_VIDEODRIVER="dummy", OPENBLAS_NUM_THREADS="1")
        env.pop("DISPLAY", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(program, [program, "--headless"] + list(args), env)
        self.raw = ""
        self.mark = 0

    @property
    def out(self):
        return ANSI.sub("", self.raw)

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.raw += data.decode("utf-8", "replace")
        return True

    def expect(self, pattern, timeout=30):
        """Wait until `pattern` (a regex) appears after the mark; move the mark past it."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            m = rx.search(self.out, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = end - time.time()
            if left <= 0 or (not self.read_some(min(left, 0.2)) and not self.alive()):
                m = rx.search(self.out, self.mark)
                if m:
                    self.mark = m.end()
                    return m
                tail = self.out[-600:]
                raise AssertionError("waited for %r; the session printed last:\n%s"
                                     % (pattern, tail))

    def send(self, text):
        os.write(self.fd, text.encode())

    def line(self, code):
        self.send(code + "\r")

    def ctrl_c(self):
        self.send("\x03")

    def alive(self):
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.status = _
        self.pid = -1
        return False

    def finish(self, timeout=20):
        """Ctrl-D at the prompt; returns the exit status. Waits for the prompt first:
        between commands the terminal is in cooked mode, where a Ctrl-D typed ahead is
        an end-of-file for a read nobody makes, and is lost (as in any readline program)."""
        self.expect(PROMPT)
        time.sleep(0.1)
        self.send("\x04")
        end = time.time() + timeout
        while time.time() < end:
            self.read_some(0.1)
            if self.pid < 0 or not self.alive():
                return os.waitstatus_to_exitcode(self.status)
        self.kill()
        raise AssertionError("nnscope did not end after Ctrl-D")

    def kill(self):
        if self.pid > 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = -1
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# A data set big enough that fit runs for minutes unless interrupted.
SETUP = ("nn.utils.set_random_seed(1); x = nn.randn{4096, 64}; "
         "y = nn.utils.to_categorical(x:sum(2):gt(0), 2); "
         "model = nn.Sequential{nn.Dense{256, activation = 'relu', input_dim = 64}, "
         "nn.Dense{2, activation = 'softmax'}}; "
         "model:compile{optimizer = 'adam', loss = 'categorical_crossentropy', "
         "metrics = {'accuracy'}}; print('ready')")


def prompt_line_clears(s):
    s.line('print("abc')              # an unfinished chunk: the REPL asks for more
    time.sleep(0.2)
    s.send('print("typed but not run")')
    time.sleep(0.2)
    s.ctrl_c()
    time.sleep(0.2)
    s.line("print(6 * 7)")
    s.expect(r"\n42\n")
    if "typed but not run\n" in s.out:
        raise AssertionError("the line cleared by Ctrl-C ran")


def lua_loop_interrupted(s):
    s.line("n = 0; while true do n = n + 1 end")
    time.sleep(0.5)
    s.ctrl_c()
    s.expect(r"interrupted!")
    s.line("print('after the loop', n > 0)")
    s.expect(r"after the loop\s+true")


def fit_interrupted_keeps_history(s):
    s.line(SETUP)
    s.expect(r"\nready", timeout=60)
    s.line("h = model:fit(x, y, {epochs = 1000, batch_size = 16})")
    s.expect(r"Epoch 2/1000", timeout=120)
    s.ctrl_c()
    m = s.expect(r"interrupted: training stopped at epoch (\d+), batch (\d+)")
    epoch = int(m.group(1))
    s.line("print('epochs kept', #h.history.loss, #h.epoch)")
    m = s.expect(r"epochs kept\s+(\d+)\s+(\d+)")
    kept = int(m.group(1))
    if kept < 1 or kept > epoch:
        raise AssertionError("history holds %d epochs, interrupted in epoch %d" % (kept, epoch))
    s.line("print('evaluates', model:evaluate(x, y, {verbose = 0}) >= 0)")
    s.expect(r"evaluates\s+true")
    s.line("h2 = model:fit(x:slice(1, 64), y:slice(1, 64), {epochs = 1, verbose = 0}); "
           "print('trains again', #h2.history.loss)")
    s.expect(r"trains again\s+1")


def fit_interrupted_twice(s):
    s.line("model:fit(x, y, {epochs = 1000, batch_size = 16})")
    s.expect(r"Epoch 1/1000", timeout=60)
    time.sleep(0.3)
    s.ctrl_c()
    s.ctrl_c()
    s.expect(r"interrupted")
    s.line("print('still here')")
    s.expect(r"\nstill here")


def predict_interrupted(s):
    s.line("big = nn.randn{200000, 64}; print('made')")
    s.expect(r"\nmade", timeout=60)
    s.line("for i = 1, 1000 do model:predict(big, {verbose = 0}) end")
    time.sleep(1.0)
    s.ctrl_c()
    s.expect(r"interrupted")
    s.line("print('prompt back')")
    s.expect(r"\nprompt back")


def lesson_interrupted(program):
    """Ctrl-C while a lesson (run with --auto) trains: the training stops, the lesson
    goes on or ends with an error, and nnscope exits by itself, never by a signal."""
    s = Session(program, "--auto", "--lesson", "12")
    try:
        s.expect(r"train_it|fit\(", timeout=60)
        for _ in range(40):         # until one lands (in fit, or in the lesson's Lua code)
            time.sleep(0.25)
            s.ctrl_c()
            try:
                s.expect(r"interrupted", timeout=1)
                break
            except AssertionError:
                if not s.alive():
                    raise
        else:
            raise AssertionError("no Ctrl-C reached the lesson")
        deadline = time.time() + 300
        while s.alive() and time.time() < deadline:
            s.read_some(0.2)
        if s.pid > 0:
            raise AssertionError("the lesson did not end after Ctrl-C")
        if not os.WIFEXITED(s.status) or os.WEXITSTATUS(s.status) > 1:
            raise AssertionError("nnscope ended with wait status %d" % s.status)
    finally:
        s.kill()


def save_survives_sigterm(program):
    """SIGTERM while model:save writes over an existing file: the file is the old one or
    the new one, whole, never a torn mix (when model:save has landed)."""
    s = Session(program)
    try:
        s.line("print('has save', type(nn.Sequential{nn.Dense{1, input_dim = 1}}.save))")
        m = s.expect(r"has save\s+(\w+)")
        if m.group(1) != "function":
            return "model:save does not exist yet"
        path = "/tmp/nnscope-sigterm-%d.safetensors" % os.getpid()
        s.line("m = nn.Sequential{nn.Dense{4096, input_dim = 4096}, nn.Dense{10}}; "
               "m:save('%s'); print('first saved')" % path)
        s.expect(r"\nfirst saved", timeout=60)
        with open(path, "rb") as f:
            before = f.read()
        s.line("for i = 1, 100 do m:save('%s') end; print('saves done')" % path)
        time.sleep(0.5)
        os.kill(s.pid, signal.SIGTERM)
        deadline = time.time() + 20
        while s.alive() and time.time() < deadline:
            s.read_some(0.1)
        with open(path, "rb") as f:
            after = f.read()
        os.remove(path)
        # A save cut short leaves its temporary file (path.tmp-XXXXXX) beside the model.
        folder, base = os.path.split(path)
        left = [n for n in os.listdir(folder) if n.startswith(base + ".tmp-")]
        for n in left:
            os.remove(os.path.join(folder, n))
        if re.search(r"\nsaves done", s.out):
            raise AssertionError("the saves ended before SIGTERM came: make them longer")
        if after != before:
            raise AssertionError("the model file changed under SIGTERM: %d bytes, was %d"
                                 % (len(after), len(before)))
        return None
    finally:
        s.kill()


def main():
    program = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ.get("BUILD_DIR", "build"), "nnscope")
    failed = 0
    s = Session(program)
    try:
        s.expect(PROMPT, timeout=30)
        for name, fn in [
            ("Ctrl-C at the prompt clears the line", prompt_line_clears),
            ("Ctrl-C in a Lua loop raises interrupted!", lua_loop_interrupted),
            ("Ctrl-C during fit keeps the history so far", fit_interrupted_keeps_history),
            ("Ctrl-C twice during fit", fit_interrupted_twice),
            ("Ctrl-C during predict", predict_interrupted),
        ]:
            try:
                fn(s)
                print("PASS interrupts: " + name)
            except AssertionError as e:
                failed += 1
                print("FAIL interrupts: %s: %s" % (name, e))
            sys.stdout.flush()
        try:
            status = s.finish()
            if status != 0:
                raise AssertionError("exit status %d" % status)
            print("PASS interrupts: Ctrl-D ends the session with status 0")
        except AssertionError as e:
            failed += 1
            print("FAIL interrupts: Ctrl-D ends the session with status 0: %s" % e)
    finally:
        if os.environ.get("NNSCOPE_INTERRUPTS_LOG"):
            with open(os.environ["NNSCOPE_INTERRUPTS_LOG"], "w") as f:
                f.write(s.out)
        s.kill()
    try:
        lesson_interrupted(program)
        print("PASS interrupts: Ctrl-C during a lesson's training")
    except AssertionError as e:
        failed += 1
        print("FAIL interrupts: Ctrl-C during a lesson's training: %s" % e)
    sys.stdout.flush()
    try:
        why = save_survives_sigterm(program)
        if why:
            print("SKIP interrupts: SIGTERM during model:save leaves the previous file (%s)"
                  % why)
        else:
            print("PASS interrupts: SIGTERM during model:save leaves the previous file")
    except AssertionError as e:
        failed += 1
        print("FAIL interrupts: SIGTERM during model:save leaves the previous file: %s" % e)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
