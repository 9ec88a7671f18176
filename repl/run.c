/* repl/run.c — running Lua code safely: lua_pcall with a message handler, Ctrl-C
** (a signal handler that only sets a flag, a hook that raises "interrupted!" at a
** safe point, as lua.c does), the busy flag, the idle hook, and error reports. */
#include "shell.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Lua instructions between two idle calls from a running command (~1 ms). */
#define IDLE_COUNT 100000
#define IDLE_PERIOD 0.016

static lua_State *running_L;
static volatile sig_atomic_t interrupt_flag;
static volatile sig_atomic_t busy_flag;
static void (*idle_fn)(void *ud);
static void *idle_ud;
static double idle_last;
static int in_idle;

/* ------------------------------------------------------------------ Ctrl-C */

int repl_interrupted(void)
{
    return interrupt_flag != 0;
}

void repl_clear_interrupt(void)
{
    interrupt_flag = 0;
}

int repl_busy(void)
{
    return busy_flag != 0;
}

static void on_hook(lua_State *L, lua_Debug *ar);

/* The hook a running command has when no Ctrl-C is pending: a count hook that
** keeps the window alive, or none. */
static void set_base_hook(lua_State *L)
{
    if (idle_fn)
        lua_sethook(L, on_hook, LUA_MASKCOUNT, IDLE_COUNT);
    else
        lua_sethook(L, NULL, 0, 0);
}

/* Ctrl-C pending: raise "interrupted!" here, unless C code (fit) has already
** handled and cleared it. Otherwise give the window its turn. */
static void on_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    set_base_hook(L);
    if (interrupt_flag) {
        interrupt_flag = 0;
        luaL_error(L, "interrupted!");
    }
    repl_idle(0);
}

/* Only sets the flag, and asks Lua to stop at the next call, return or
** instruction count (lua_sethook may be called from a signal handler). */
static void on_sigint(int sig)
{
    (void)sig;
    interrupt_flag = 1;
    if (busy_flag && running_L)
        lua_sethook(running_L, on_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void repl_signals_install(lua_State *L)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: poll() and read() return EINTR */
    sigaction(SIGINT, &sa, NULL);
    running_L = L;
}

/* ------------------------------------------------------------- idle hook */

void repl_set_idle_hook(void (*fn)(void *ud), void *ud)
{
    idle_fn = fn;
    idle_ud = ud;
    if (busy_flag && running_L && !interrupt_flag)
        set_base_hook(running_L);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void repl_idle(int force)
{
    if (!idle_fn || in_idle)
        return;
    double t = now_seconds();
    if (!force && t - idle_last < IDLE_PERIOD)
        return;
    idle_last = t;
    in_idle = 1;
    idle_fn(idle_ud);
    in_idle = 0;
}

/* --------------------------------------------------------- running a call */

/* Append " (did you mean 'X'?)" to messages about a misspelt name:
** "attempt to call a nil value (field 'Dnse')" and the like. */
static void push_with_hint(lua_State *L, const char *msg)
{
    static const char *const kinds[] = {"(global '", "(field '", "(method '", NULL};
    lua_pushstring(L, msg);
    if (!strstr(msg, "a nil value"))
        return;
    for (int i = 0; kinds[i]; i++) {
        const char *p = strstr(msg, kinds[i]);
        if (!p)
            continue;
        p += strlen(kinds[i]);
        const char *q = strchr(p, '\'');
        if (!q || q - p > 63)
            return;
        char name[64];
        memcpy(name, p, (size_t)(q - p));
        name[q - p] = '\0';
        if (repl_push_suggestion(L, name, i == 0 ? 'g' : 'f')) {
            lua_pushfstring(L, "%s (did you mean '%s'?)", msg, lua_tostring(L, -1));
            lua_replace(L, -3);
            lua_pop(L, 1);
        }
        return;
    }
}

static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    push_with_hint(L, msg);
    if (repl_debug())
        luaL_traceback(L, L, lua_tostring(L, -1), 1);
    return 1;
}

int repl_docall(lua_State *L, int narg, int nres)
{
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    int was_busy = busy_flag;
    running_L = L;
    busy_flag = 1;
    if (!interrupt_flag)
        set_base_hook(L);
    int status = lua_pcall(L, narg, nres, base);
    busy_flag = was_busy;
    if (!was_busy) {
        lua_sethook(L, NULL, 0, 0);
        interrupt_flag = 0;     /* a Ctrl-C that stopped nothing is dropped */
    }
    lua_remove(L, base);
    return status;
}

int repl_report(lua_State *L, int status, int prefixed)
{
    if (status == LUA_OK)
        return status;
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL)
        msg = "(error object is not a string)";
    fflush(stdout);
    fprintf(stderr, "%s%s\n", prefixed ? "nnscope: " : "", msg);
    fflush(stderr);
    lua_pop(L, 1);
    return status;
}
