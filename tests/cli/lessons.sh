#!/usr/bin/env bash
# tests/cli/lessons.sh — every lesson runs to its end with --auto --headless (in
# English and in Chinese) with all its checkpoints passed; then the runner's own
# behaviour: unknown lessons, lessons(), a failed checkpoint's exit status, try()
# with a mistaken answer, pause() reading typed Lua, lessons not found.
# --auto shortens heavy training (NNSCOPE_LESSON_QUICK, see lessons/lib.lua);
# nothing is skipped. Prints PASS/FAIL lines like the C tests.
set -u
cd "$(dirname "$0")/../.."
NNSCOPE=$PWD/${BUILD_DIR:-build}/nnscope
export NNSCOPE_NO_HISTORY=1 SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
unset NNSCOPE_LANG NNSCOPE_LESSON_QUICK NNSCOPE_HOME
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS lessons.sh: $1"; }
fail() {
    echo "FAIL lessons.sh: $1"
    shift
    printf '    %s\n' "$@"
}

# run_cmd STDIN_TEXT ARGS...: runs nnscope; sets out, err, rc.
run_cmd() {
    local input=$1
    shift
    printf '%s' "$input" | "$NNSCOPE" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

check() {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name" "rc=$rc" "stdout (end): ${out: -600}" "stderr: $err"
    fi
}

has() { [[ $1 == *"$2"* ]]; }

# ---------------------------------------------------------------- every lesson

numbers=$(ls lessons | sed -n 's/^0*\([0-9][0-9]*\)_.*\.lua$/\1/p' | sort -n)
count=$(echo "$numbers" | wc -w)
check "at least 16 lessons ship" test "$count" -ge 16

# A lesson passes when it exits 0 and its summary counts every checkpoint passed.
lesson_ok() {   # lesson_ok N LANG
    local n=$1 lang=$2 line
    if [ "$lang" = zh ]; then
        line=$(grep "^第 $n 课完成" <<<"$out")
        [[ $line =~ ([0-9]+)\ 个检查点中通过了\ ([0-9]+)\ 个 ]] || return 1
        [ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
    else
        line=$(grep "^Lesson $n done" <<<"$out")
        [[ $line =~ ([0-9]+)\ of\ ([0-9]+)\ checkpoints ]] || return 1
        [ "${BASH_REMATCH[2]}" -gt 0 ] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
    fi
}

for n in $numbers; do
    start=$SECONDS
    run_cmd "" --headless --auto --lesson "$n"
    if [ "$rc" -eq 0 ] && lesson_ok "$n" en && [ -z "$err" ]; then
        echo "PASS lesson $n ($((SECONDS - start)) s)"
    else
        echo "FAIL lesson $n"
        printf '    %s\n' "rc=$rc" "stdout (end): ${out: -800}" "stderr: $err"
    fi
done

for n in $numbers; do
    run_cmd "" --headless --auto --lang zh --lesson "$n"
    if [ "$rc" -eq 0 ] && lesson_ok "$n" zh && [ -z "$err" ]; then
        echo "PASS lesson $n (zh)"
    else
        echo "FAIL lesson $n (zh)"
        printf '    %s\n' "rc=$rc" "stdout (end): ${out: -800}" "stderr: $err"
    fi
done

NNSCOPE_LANG=zh run_cmd "" --headless --auto --lesson 2
check "NNSCOPE_LANG=zh picks Chinese narration" \
    eval 'has "$out" "第 2 课" && has "$out" "一个神经元接收输入" && [ "$rc" -eq 0 ]'

run_cmd "" --headless --auto --lang fr --lesson 2
check "an unknown --lang says so and falls back to English" \
    eval 'has "$err" "no lessons in language" && has "$out" "Lesson 2 done" && [ "$rc" -eq 0 ]'

# ------------------------------------------------------------ lesson numbers

run_cmd "" --headless --auto --lesson 99
check "--lesson 99: a clear message and a non-zero status" \
    eval '[ "$rc" -ne 0 ] && has "$err" "no lesson 99" && has "$err" "lessons() lists them"'

run_cmd "" --headless --lesson abc
check "--lesson abc: a clear message and a non-zero status" \
    eval '[ "$rc" -ne 0 ] && has "$err" "no lesson abc"'

run_cmd "" --headless --lang zh --lesson 99
check "the unknown-lesson message in Chinese" eval '[ "$rc" -ne 0 ] && has "$err" "没有第 99 课"'

run_cmd 'lesson(99)
print("still here")
' --headless
check "lesson(99) in the REPL is an error and the session goes on" \
    eval 'has "$err" "no lesson 99" && [ "$out" = "still here" ]'

run_cmd "" --headless -e 'lessons()'
check "lessons() lists every lesson with its title" \
    eval '[ "$(grep -c "^ *[0-9][0-9]*  [A-Za-z]" <<<"$out")" -eq "$count" ] && has "$out" " 1  The REPL and tensors" && has "$out" "16  What the tutorials get wrong"'

run_cmd "" --headless --lang zh -e 'lessons()'
check "lessons() in Chinese" eval 'has "$out" "课程列表" && has "$out" "REPL 与张量"'

# ---------------------------------------------------------- the lesson library

cat >"$tmp/try.lua" <<'EOF'
x = 20
local v = try{{en = "Type x plus one"}, check = function(v) return v == 21 end,
              answers = {"x +", "x * 2", "x + 1"}, hint = "add one to x"}
print("went on with " .. tostring(v))
check(v == 21, "try should return the value")
EOF
run_cmd "" --headless --auto "$tmp/try.lua"
check "try: a mistaken answer shows the error and the hint, and the lesson goes on" \
    eval 'has "$out" "try> x +" && has "$out" "error: " && has "$out" "add one to x" \
          && has "$out" "try> x * 2" && has "$out" "not quite" && has "$out" "went on with 21" \
          && [ "$rc" -eq 0 ]'

cat >"$tmp/try_err.lua" <<'EOF'
local v = try{{en = "Type an error"}, check = function(v) return v == 1 end,
              answers = {"error(\"boom\")"}, hint = "it was never going to work"}
print("after the try: " .. tostring(v))
EOF
run_cmd "" --headless --auto "$tmp/try_err.lua"
check "try: an error raised by the answer is shown with the hint" \
    eval 'has "$out" "boom" && has "$out" "it was never going to work" && has "$out" "after the try: nil"'

# The runner takes lessons from lessons/ beside data/ under $NNSCOPE_HOME: a
# home of our own holds a lesson with a failing checkpoint.
mkdir -p "$tmp/home/data" "$tmp/home/lessons"
cp lessons/lib.lua "$tmp/home/lessons/"
cat >"$tmp/home/lessons/01_fails.lua" <<'EOF'
-- en: A lesson that fails
-- zh: 一课不通过的课
check(1 + 1 == 2, "fine")
check(1 + 1 == 3, "one plus one is not three")
print("the lesson goes on after a failed check")
EOF
cat >"$tmp/home/lessons/02_pauses.lua" <<'EOF'
-- en: A lesson that waits
-- zh: 一课会等待的课
secret = 6
pause()
local v = try{{en = "Type secret * 7"}, check = function(v) return v == 42 end,
              answer = "secret * 7", hint = "multiply"}
print("got " .. tostring(v))
EOF
NNSCOPE_HOME=$tmp/home run_cmd "" --headless --auto --lesson 1
check "--auto: a failed checkpoint prints its hint and exits non-zero" \
    eval '[ "$rc" -ne 0 ] && has "$out" "one plus one is not three" \
          && has "$out" "the lesson goes on after a failed check" && has "$out" "1 of 2 checkpoints"'

NNSCOPE_HOME=$tmp/home run_cmd "" --headless --lesson 1
check "without --auto a failed checkpoint does not change the exit status" test "$rc" -eq 0

NNSCOPE_HOME=$tmp/home run_cmd 'secret + 1
nope(
)

secret *
secret * 7
' --headless --lesson 2
check "pause runs typed Lua (errors too), Enter goes on, try reads the learner's answer" \
    eval 'has "$out" "7" && has "$err$out" "nope" && has "$out" "got 42" \
          && has "$out" "error: " && has "$out" "1 of 1 checkpoints" && [ "$rc" -eq 0 ]'

NNSCOPE_HOME=$tmp/home run_cmd '

' --headless --lesson 2
check "an empty answer at try shows an answer and goes on" \
    eval 'has "$out" "One answer: secret * 7" && has "$out" "got 42" && [ "$rc" -eq 0 ]'

NNSCOPE_HOME=$tmp/home run_cmd "" --headless --lesson 2
check "end of input at a pause lets the lesson finish with its scripted answers" \
    eval 'has "$out" "got 42" && [ "$rc" -eq 0 ]'

# Space in a real window (Xvfb) goes on at a pause; skipped without Xvfb or XTest.
mkdir -p "$tmp/winhome/data" "$tmp/winhome/lessons"
cp lessons/lib.lua "$tmp/winhome/lessons/"
cat >"$tmp/winhome/lessons/01_window.lua" <<'EOF'
-- en: The window goes on
-- zh: 窗口继续
local m = nn.Sequential{nn.Dense{4, input_dim = 2, activation = "relu"}, nn.Dense{2}}
print("watch:", watch(m, "network"))
print("waiting")
pause()
print("went on")
EOF
if command -v python3 >/dev/null; then
    python3 tests/cli/lesson_window.py "$NNSCOPE" "$tmp/winhome"
else
    echo "SKIP lessons.sh: space in the window goes on at pause() (no python3)"
fi

# At a terminal (tmux) a finished lesson hands its variables to the learner, but
# never replaces a global the learner set; Enter at the terminal goes on.
cat >"$tmp/home/lessons/03_globals.lua" <<'EOF'
-- en: A lesson that leaves variables
-- zh: 一课留下变量的课
mine = "from the lesson"
fresh = 42
pause()
EOF
if command -v tmux >/dev/null; then
    sock="nnscope-lessons-$$"
    tmux -L "$sock" new-session -d -x 120 -y 40 \
        "NNSCOPE_HOME=$tmp/home NNSCOPE_NO_HISTORY=1 $NNSCOPE --headless"
    screen() { tmux -L "$sock" capture-pane -p -S -100; }
    wait_screen() {   # wait_screen PATTERN (grep -E): up to 10 s
        for _ in $(seq 100); do
            screen | grep -qE -- "$1" && return 0
            sleep 0.1
        done
        return 1
    }
    wait_screen "^>" &&
        tmux -L "$sock" send-keys 'mine = "the learner'"'"'s"' Enter 'lesson(3)' Enter &&
        wait_screen "\\[Enter\\] >" && tmux -L "$sock" send-keys Enter &&
        wait_screen "Lesson 3 done" &&
        tmux -L "$sock" send-keys 'print(mine, fresh)' Enter
    wait_screen "the learner's +42"
    got=$?
    out=$(screen)
    err=""
    rc=$got
    tmux -L "$sock" kill-server 2>/dev/null
    check "at a terminal the lesson's new variables are handed over, the learner's kept" \
        eval '[ "$got" -eq 0 ] && has "$out" "variables are yours now: fresh"'
else
    echo "SKIP lessons.sh: variables handed over at a terminal (no tmux)"
fi

# Without lessons/ anywhere the runner says where it looked.
mkdir -p "$tmp/alone/bin"
cp "$NNSCOPE" "$tmp/alone/bin/nnscope"
(cd "$tmp/alone" && "$tmp/alone/bin/nnscope" --headless -e 'lesson(1)' >"$tmp/out" 2>"$tmp/err")
rc=$?
out=$(cat "$tmp/out")
err=$(cat "$tmp/err")
check "lessons not found: a clear message naming NNSCOPE_HOME" \
    eval '[ "$rc" -ne 0 ] && has "$err" "lessons were not found" && has "$err" "NNSCOPE_HOME"'
