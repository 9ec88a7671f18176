/* repl/main.c — the nnscope program: reads the command line, opens Lua with the
** `nn` and `viz` modules, then runs -e chunks, a script, and/or the REPL, as
** lua.c does. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua_nn.h"
#include "nn/nn.h"
#include "shell.h"

typedef struct options {
    int script;             /* argv index of the script, 0 when none */
    int interactive;        /* -i */
    int *chunks;            /* argv indices of the -e chunks, in order */
    int n_chunks;
    int version, help;
} options;

static void print_usage(FILE *f, const char *prog)
{
    fprintf(f,
        "usage: %s [options] [script.lua [args]]\n"
        "Without a script (or with -i), nnscope starts the interactive REPL.\n"
        "Options:\n"
        "  -e CODE      run the Lua chunk CODE (may be repeated)\n"
        "  -i           stay interactive after running a script or -e\n"
        "  -            run the script read from stdin\n"
        "  --           stop handling options\n"
        "  --headless   never open a window (snapshots still work)\n"
        "  --debug      show a Lua traceback with each error\n"
        "  --lesson N   start lesson N\n"
        "  --auto       run a lesson without waiting for the learner\n"
        "  --lang LANG  language of the lessons (en, zh, ...)\n"
        "  --version    print the version and exit\n"
        "  --help       print this help and exit\n", prog);
}

/* Handle "--name VALUE" and "--name=VALUE"; returns the value or NULL. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

/* Read the options; on a bad one, print why and return 0. */
static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            o->script = i;
            return 1;
        }
        if (strcmp(a, "--") == 0) {
            o->script = i + 1 < argc ? i + 1 : 0;
            return 1;
        }
        if (strcmp(a, "-i") == 0) {
            o->interactive = 1;
        } else if (strcmp(a, "-e") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "nnscope: '-e' needs a Lua chunk after it\n");
                return 0;
            }
            o->chunks[o->n_chunks++] = i;
        } else if (strcmp(a, "--headless") == 0) {
            repl_set_headless(1);
        } else if (strcmp(a, "--debug") == 0) {
            repl_set_debug(1);
        } else if (strcmp(a, "--auto") == 0) {
            repl_set_auto(1);
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0) {
            o->version = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = 1;
        } else if ((v = option_value(argc, argv, &i, "--lesson"))) {
            repl_set_lesson(v);
        } else if ((v = option_value(argc, argv, &i, "--lang"))) {
            repl_set_lang(v);
        } else if (strcmp(a, "--lesson") == 0 || strcmp(a, "--lang") == 0) {
            fprintf(stderr, "nnscope: '%s' needs a value after it\n", a);
            return 0;
        } else {
            fprintf(stderr, "nnscope: unknown option '%s' (try --help)\n", a);
            return 0;
        }
    }
    return 1;
}

/* The global `arg` as lua.c makes it: arg[0] the script, arg[1..] its
** arguments, the program and options at negative indices. */
static void create_arg_table(lua_State *L, int argc, char **argv, int script)
{
    lua_createtable(L, argc - script, script + 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

static void open_modules(lua_State *L)
{
    luaL_openlibs(L);
    luaL_requiref(L, "nn", luaopen_nn, 1);
    luaL_requiref(L, "viz", luaopen_viz, 1);
    lua_pop(L, 2);
    repl_open_help(L);
    repl_open_complete(L);
    repl_open_show(L);
    repl_open_lessons(L);
}

static int run_chunk(lua_State *L, const char *code, const char *name)
{
    int status = luaL_loadbuffer(L, code, strlen(code), name);
    if (status == LUA_OK)
        status = repl_docall(L, 0, 0);
    return repl_report(L, status, 1) == LUA_OK;
}

/* Run every -e chunk in order. */
static int run_e_chunks(lua_State *L, char **argv, const options *o)
{
    for (int i = 0; i < o->n_chunks; i++)
        if (!run_chunk(L, argv[o->chunks[i]], "=(command line)"))
            return 0;
    return 1;
}

/* Run the script at argv[script] with the arguments after it as `...`. */
static int run_script(lua_State *L, int argc, char **argv, int script)
{
    const char *name = argv[script];
    int from_stdin = strcmp(name, "-") == 0 && strcmp(argv[script - 1], "--") != 0;
    int status = luaL_loadfile(L, from_stdin ? NULL : name);
    if (status == LUA_OK) {
        int n = argc - script - 1;
        luaL_checkstack(L, n + 3, "too many arguments to the script");
        for (int i = script + 1; i < argc; i++)
            lua_pushstring(L, argv[i]);
        status = repl_docall(L, n, 0);
    }
    return repl_report(L, status, 1) == LUA_OK;
}

static void print_banner(void)
{
    printf("nnscope %s (%s): help() for a tour, Tab completes, Ctrl-D quits.\n", NN_VERSION,
           LUA_RELEASE);
    if (repl_headless())
        printf("No window (--headless, or no display found): terminal only; "
               "viz.snapshot still saves pictures.\n");
    fflush(stdout);
}

/* Everything, under lua_pcall so that memory errors while setting up are
** reported too. Returns true on success. */
static int pmain(lua_State *L)
{
    int argc = (int)lua_tointeger(L, 1);
    char **argv = lua_touserdata(L, 2);
    options o;
    memset(&o, 0, sizeof o);
    o.chunks = lua_newuserdatauv(L, (size_t)argc * sizeof *o.chunks, 0);
    if (!parse_args(argc, argv, &o)) {
        print_usage(stderr, argv[0]);
        return 0;
    }
    if (o.help || o.version) {
        if (o.version)
            printf("nnscope %s (%s)\n", NN_VERSION, LUA_RELEASE);
        if (o.help)
            print_usage(stdout, argv[0]);
        lua_pushboolean(L, 1);
        return 1;
    }
    /* After a lesson the learner stays at the prompt, unless it ran by itself. */
    const char *lesson = repl_lesson();
    int interactive = o.interactive ||
        (!o.script && !o.n_chunks && (!lesson || (!repl_auto() && isatty(STDIN_FILENO))));
    if (interactive || lesson)
        repl_prepare_stdin();
    open_modules(L);
    create_arg_table(L, argc, argv, o.script);
    repl_signals_install(L);
    if (!run_e_chunks(L, argv, &o))
        return 0;
    if (o.script && !run_script(L, argc, argv, o.script))
        return 0;
    /* a lesson stopped (Ctrl-C, an error) leaves a learner at the prompt */
    if (lesson && !repl_run_lesson(L, lesson) && !interactive)
        return 0;
    if (interactive) {
        if (isatty(STDIN_FILENO))
            print_banner();
        repl_loop(L);
    }
    lua_pushboolean(L, 1);
    return 1;
}

int main(int argc, char **argv)
{
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "nnscope: cannot create the Lua state: not enough memory\n");
        return EXIT_FAILURE;
    }
    lua_gc(L, LUA_GCGEN, 0, 0);
    lua_pushcfunction(L, pmain);
    lua_pushinteger(L, argc);
    lua_pushlightuserdata(L, argv);
    int status = lua_pcall(L, 2, 1, 0);
    int ok = status == LUA_OK && lua_toboolean(L, -1);
    repl_report(L, status, 1);
    lua_close(L);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
