#!/usr/bin/env bash
# tests/cli/repl.sh — the nnscope program from the outside: -e, scripts and
# their arguments, -i, piped REPL input, errors, --version, --help; then the
# real readline mode driven through tmux (Ctrl-C at the prompt and while Lua
# runs, Tab completion, multi-line prompts, history kept across sessions).
# Prints PASS/FAIL lines like the C tests.
set -u
cd "$(dirname "$0")/../.."
NNSCOPE=$PWD/${BUILD_DIR:-build}/nnscope
export NNSCOPE_NO_HISTORY=1 SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
tmp=$(mktemp -d)
tmux_socket="nnscope-test-$$"
cleanup() {
    command -v tmux >/dev/null && tmux -L "$tmux_socket" kill-server 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

pass() { echo "PASS repl.sh: $1"; }
fail() {
    echo "FAIL repl.sh: $1"
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

# check NAME CONDITION...: PASS when the condition (a command) succeeds.
check() {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name" "rc=$rc" "stdout: $out" "stderr: $err"
    fi
}

has() { [[ $1 == *"$2"* ]]; }
no_crash() { [ "$rc" -lt 128 ]; }

# ------------------------------------------------------------ without a terminal

run_cmd "" -e 'print(1+1)'
check "-e prints 2" test "$out" = "2" -a "$rc" -eq 0

run_cmd "" -e 'x = 20' -e 'print(x + 1)'
check "several -e run in order" test "$out" = "21" -a "$rc" -eq 0

cat >"$tmp/args.lua" <<'EOF'
print(arg[0], arg[1], arg[2], select("#", ...), ...)
print(arg[-1] ~= nil)
EOF
run_cmd "" "$tmp/args.lua" one two
check "a script gets arg and ... like lua" \
    test "$out" = "$tmp/args.lua	one	two	2	one	two
true" -a "$rc" -eq 0

run_cmd 'print("from stdin", ...)' - a
check "- runs a script from stdin" test "$out" = "from stdin	a" -a "$rc" -eq 0

echo 'y = 5' >"$tmp/i.lua"
run_cmd 'y * 2
' -i "$tmp/i.lua"
check "-i runs the script then reads piped stdin" test "$out" = "10" -a "$rc" -eq 0

echo 'x = = 1' >"$tmp/bad.lua"
run_cmd "" "$tmp/bad.lua"
check "a syntax error in a script exits 1 with the message" \
    eval '[ "$rc" -eq 1 ] && has "$err" "bad.lua:1:" && has "$err" "unexpected symbol" && no_crash'

run_cmd "" "$tmp/missing.lua"
check "a missing script exits 1 naming it" \
    eval '[ "$rc" -eq 1 ] && has "$err" "cannot open" && has "$err" "missing.lua"'

run_cmd "" -e 'error("oops")'
check "a runtime error in -e prints the message and exits 1" \
    eval '[ "$rc" -eq 1 ] && has "$err" "(command line):1: oops" && ! has "$err" "traceback"'

run_cmd "" --debug -e 'error("deep")'
check "--debug adds a Lua traceback" \
    eval '[ "$rc" -eq 1 ] && has "$err" "deep" && has "$err" "stack traceback"'

run_cmd "" -e 'prnt("x")'
check "a misspelt global gets a hint" has "$err" "(did you mean 'print'?)"

run_cmd "" -e 'string.formt("x")'
check "a misspelt field gets a hint" has "$err" "(did you mean 'format'?)"

run_cmd 'for i = 1, 2 do
print(i)
end
'
check "a piped multi-line chunk runs once complete" test "$out" = "1
2" -a "$rc" -eq 0

run_cmd '1+1
'
check "piped REPL auto-prints 1+1" test "$out" = "2"

run_cmd '{1, 2, 3}
{b = "x", a = 1}
"text", 3
nil
'
check "piped REPL prints tables, several values and nil" test "$out" = '{1, 2, 3}
{a = 1, b = "x"}
text	3
nil'

run_cmd 'error("first")
print("after")
local t = nil; t.x = 1
print("still here")
'
check "errors print and the session continues" \
    eval '[ "$out" = "after
still here" ] && has "$err" "stdin:1: first" && has "$err" "attempt to index a nil value" \
          && [ "$rc" -eq 0 ]'

run_cmd 'function f()
return 1
'
check "input ending inside a chunk reports it, no crash" \
    eval 'has "$err" "<eof>" && [ "$rc" -eq 0 ]'

run_cmd 'x = 1 +
'
check "a bad line does not wait forever" eval 'has "$err" "<eof>" && no_crash'

run_cmd "" --version
version=$(sed -n 's/^#define NN_VERSION "\(.*\)"/\1/p' nn/nn.h)
check "--version prints NN_VERSION" \
    eval '[ -n "$version" ] && has "$out" "nnscope $version" && [ "$rc" -eq 0 ]'

run_cmd "" --help
check "--help prints the usage" \
    eval '[ "$rc" -eq 0 ] && has "$out" "usage:" && has "$out" "--headless" \
          && has "$out" "-e CODE"'

run_cmd "" --no-such-option
check "an unknown option is refused" \
    eval '[ "$rc" -eq 1 ] && has "$err" "unknown option" && has "$err" "usage:"'

run_cmd "" --headless --lesson 2 --lang=zh --auto -e 'print("ok")'
check "--headless, --lesson, --lang, --auto are accepted (-e first, then the lesson)" \
    eval '[ "$(head -n 1 <<<"$out")" = "ok" ] && has "$out" "第 2 课完成" && [ "$rc" -eq 0 ]'

run_cmd "" -e
check "-e without a chunk is refused" eval '[ "$rc" -eq 1 ] && has "$err" "needs a Lua chunk"'

run_cmd "" --lesson
check "--lesson without a value is refused" \
    eval '[ "$rc" -eq 1 ] && has "$err" "'"'"'--lesson'"'"' needs a value"'

# ------------------------------------------------------------ with a terminal

if ! command -v tmux >/dev/null; then
    echo "SKIP repl.sh: tmux is not installed; the terminal tests did not run"
    exit 0
fi

T() { tmux -L "$tmux_socket" -f /dev/null "$@"; }
sess=0

# start ENV...: a new tmux session running nnscope --headless with the given
# environment, once its first prompt shows; the shell then says how it ended.
start() {
    sess=$((sess + 1))
    T new-session -d -s "s$sess" -x 100 -y 40 \
        "env $* $NNSCOPE --headless; echo \"EXITED rc=\$?\"; sleep 10"
    # the old session goes after the new one exists, so the server stays up
    [ "$sess" -gt 1 ] && T kill-session -t "s$((sess - 1))" 2>/dev/null
    wait_for $'pictures.\n>'
}

# wait_for TEXT: until the screen shows TEXT (3 s at most). tmux drops the
# spaces at the ends of lines, so TEXT should not rely on them.
wait_for() {
    for _ in $(seq 60); do
        screen=$(T capture-pane -p -t "s$sess" 2>/dev/null)
        has "$screen" "$1" && return 0
        sleep 0.05
    done
    return 1
}

keys() { T send-keys -t "s$sess" "$@"; }
type_line() { keys -l "$1"; keys Enter; }

tcheck() {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name" "screen:" "$(T capture-pane -p -t "s$sess" 2>/dev/null)"
    fi
}

start NNSCOPE_NO_HISTORY=1
type_line "1+1"
tcheck "terminal: 1+1 prints 2" wait_for $'> 1+1\n2\n>'

keys -l "abc"
wait_for "> abc"    # ^C flushes unread input: let readline take abc first
keys C-c
wait_for "abc^C"
type_line "40+2"
tcheck "terminal: Ctrl-C at the prompt clears the line and gives a fresh prompt" \
    wait_for $'> abc^C\n> 40+2\n42\n>'

type_line "for i = 1, 2 do"
wait_for ">>"
type_line "print(i * 10)"
type_line "end"
tcheck "terminal: a multi-line chunk asks for more with >>" \
    wait_for $'> for i = 1, 2 do\n>> print(i * 10)\n>> end\n10\n20\n>'

type_line "while true do end"
sleep 0.3
keys C-c
tcheck "terminal: Ctrl-C stops running Lua code with interrupted!" wait_for "interrupted!"
type_line 'print("alive")'
tcheck "terminal: the prompt comes back after an interrupt" wait_for $'alive\n>'

type_line 'obj = setmetatable({}, {__index = {fit = function() return "fitted" end}})'
keys -l "obj:fi"
keys Tab
keys -l "()"
keys Enter
tcheck "terminal: Tab completes obj:fi to obj:fit" wait_for $'> obj:fit()\nfitted\n'

keys C-d
tcheck "terminal: Ctrl-D quits with status 0" wait_for "EXITED rc=0"

# History: kept in $HOME/.nnscope_history, recalled in a new session; a
# multi-line chunk comes back as one entry.
history_recalled() {
    wait_for $'> for i = 1, 1 do\nprint(\'hist\', i)\nend\nhist' \
        && wait_for $'> 6*7\n42\n' && grep -qx '6\*7' "$tmp/home/.nnscope_history"
}
history_untouched() {
    wait_for $'> 1+2\n3\n' && ! grep -q '1+2' "$tmp/home/.nnscope_history"
}

mkdir -p "$tmp/home"
start HOME="$tmp/home" NNSCOPE_NO_HISTORY=
type_line "6*7"
wait_for "42"
type_line "for i = 1, 1 do"
type_line "print('hist', i)"
type_line "end"
wait_for "hist"
keys C-d
wait_for "EXITED"
start HOME="$tmp/home" NNSCOPE_NO_HISTORY=
keys Up
keys Enter
wait_for "hist"
keys Up Up
keys Enter
tcheck "terminal: history is kept across sessions" history_recalled
keys C-d
wait_for "EXITED"

start HOME="$tmp/home" NNSCOPE_NO_HISTORY=1
type_line "1+2"
tcheck "terminal: NNSCOPE_NO_HISTORY leaves the history file alone" history_untouched
keys C-d
exit 0
