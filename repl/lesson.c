/* repl/lesson.c — the lesson runner's C side: finds lessons/ and loads its
** library (lessons/lib.lua, where say, pause, check, try, lesson and lessons
** are written), and gives that library what only C can do: read a line the
** way the REPL does (the window stays alive meanwhile, and space in the window
** goes on like Enter), the command-line settings, and the list of lesson files. */
#include "shell.h"

#include <dirent.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/datasets.h"
#include "viz/viz.h"

#define LIB_NAME "lib.lua"

static int paused_before;            /* the window's pause state when pause() began */

/* ------------------------------------------------------------- the window */

/* Space in the window toggles its training pause (viz/window.c). While a
** lesson waits in pause() no training runs, so a toggle there means "go on":
** the state is put back and the wait ends. */
static int window_said_go_on(void)
{
    if (viz_paused() == paused_before)
        return 0;
    viz_set_paused(paused_before);
    return 1;
}

/* ------------------------------------------------------ helpers for lib.lua */

/* read(prompt [, pausing]) -> the line typed, "" when the window said go on
** (pausing only), nil at the end of input; Ctrl-C raises "interrupted!". */
static int host_read(lua_State *L)
{
    const char *prompt = luaL_optstring(L, 1, "> ");
    int pausing = lua_toboolean(L, 2);
    char *line = NULL;
    fflush(stdout);
    paused_before = viz_paused();
    int r = repl_read_line(L, prompt, &line, pausing ? window_said_go_on : NULL);
    switch (r) {
    case REPL_READ_LINE:
        lua_pushstring(L, line);
        free(line);
        return 1;
    case REPL_READ_WOKEN:
        lua_pushliteral(L, "");
        return 1;
    case REPL_READ_INTERRUPTED:
        return luaL_error(L, "interrupted!");
    default:
        lua_pushnil(L);
        return 1;
    }
}

/* Colours on stdout: a terminal, TERM not "dumb", NO_COLOR not set. */
static int use_color(void)
{
    const char *term = getenv("TERM");
    const char *no = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && term && strcmp(term, "dumb") != 0 && !(no && *no);
}

/* settings() -> {auto =, lang =, headless =, debug =, terminal =, color =}
** (lang is nil when --lang was not given; terminal: stdin is one). */
static int host_settings(lua_State *L)
{
    lua_createtable(L, 0, 6);
    lua_pushboolean(L, use_color());
    lua_setfield(L, -2, "color");
    lua_pushboolean(L, repl_auto());
    lua_setfield(L, -2, "auto");
    lua_pushstring(L, repl_lang());
    lua_setfield(L, -2, "lang");
    lua_pushboolean(L, repl_headless());
    lua_setfield(L, -2, "headless");
    lua_pushboolean(L, repl_debug());
    lua_setfield(L, -2, "debug");
    lua_pushboolean(L, isatty(STDIN_FILENO));
    lua_setfield(L, -2, "terminal");
    return 1;
}

/* list(dir) -> the names of the regular files in dir ending in ".lua",
** sorted; nil and a message when dir cannot be read. */
static int host_list(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    DIR *d = opendir(dir);
    if (!d) {
        luaL_pushfail(L);
        lua_pushfstring(L, "cannot read the lessons directory %s", dir);
        return 2;
    }
    lua_newtable(L);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0) {
            lua_pushstring(L, e->d_name);
            lua_rawseti(L, -2, ++n);
        }
    }
    closedir(d);
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_remove(L, -2);
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0);
    return 1;
}

/* ------------------------------------------------------- when not found */

static int lessons_missing(lua_State *L)
{
    return luaL_error(L, "%s", lua_tostring(L, lua_upvalueindex(1)));
}

static void define_missing(lua_State *L, const char *why)
{
    static const char *const names[] = {"lesson", "lessons", "__lesson_run", NULL};
    for (int i = 0; names[i]; i++) {
        lua_pushstring(L, why);
        lua_pushcclosure(L, lessons_missing, 1);
        lua_setglobal(L, names[i]);
    }
}

/* ------------------------------------------------------------- loading */

/* The directory holding lib.lua: lessons/ beside the data/ directory that
** nn_dataset_find would use. Fills dir; returns 0 when there is none. */
static int find_lessons(char *dir, size_t len)
{
    char found[PATH_MAX];
    nn_error err;
    if (nn_dataset_find("../lessons/" LIB_NAME, found, sizeof found, &err) != NN_OK)
        return 0;
    char real[PATH_MAX];
    const char *path = realpath(found, real) ? real : found;
    snprintf(dir, len, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    return 1;
}

void repl_open_lessons(lua_State *L)
{
    char dir[PATH_MAX];
    if (!find_lessons(dir, sizeof dir)) {
        define_missing(L, "nnscope's lessons were not found: they sit in lessons/ beside "
                       "data/ (looked under $NNSCOPE_HOME, beside the program and in the "
                       "current directory); set NNSCOPE_HOME to the nnscope directory");
        return;
    }
    char lib[PATH_MAX + sizeof LIB_NAME + 1];
    snprintf(lib, sizeof lib, "%s/%s", dir, LIB_NAME);
    int status = luaL_loadfile(L, lib);
    if (status == LUA_OK) {
        static const luaL_Reg host[] = {
            {"read", host_read}, {"settings", host_settings}, {"list", host_list},
            {NULL, NULL},
        };
        luaL_newlib(L, host);
        lua_pushstring(L, dir);
        status = lua_pcall(L, 2, 0, 0);
    }
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        lua_pushfstring(L, "the lesson library did not load: %s", msg ? msg : "?");
        define_missing(L, lua_tostring(L, -1));
        lua_pop(L, 2);
    }
}

int repl_run_lesson(lua_State *L, const char *n)
{
    lua_getglobal(L, "__lesson_run");       /* lesson(n), returning the counts */
    lua_pushstring(L, n);
    int status = repl_docall(L, 1, 2);
    if (repl_report(L, status, 1) != LUA_OK)
        return 0;
    lua_Integer failed = lua_tointeger(L, -1);
    lua_pop(L, 2);
    return !(repl_auto() && failed > 0);
}
