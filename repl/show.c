/* repl/show.c — how the REPL prints results: tables abbreviated and readable
** ({1, 2, 3, ... (100 items)}, {a = 1, b = "x"}), everything else through
** tostring, so tensors, layers and models print with their own __tostring. */
#include "shell.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_tensor.h"

#define TOP_ITEMS 10        /* array items shown in the printed table */
#define TOP_KEYS 20         /* other keys shown in the printed table */
#define NESTED_ITEMS 5      /* the same for a table inside it */
#define NESTED_KEYS 8
#define MAX_DEPTH 1         /* tables deeper than this print as {...} */
#define SHORT 60            /* longest string or tostring shown inside a table */
#define MAX_SORTED 10000    /* keys beyond this are counted, not sorted */

typedef struct key_entry {
    int rank;               /* numbers, strings, booleans, the rest */
    double num;
    const char *str;
    int pos;                /* index in the keys table */
} key_entry;

static int compare_keys(const void *pa, const void *pb)
{
    const key_entry *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank - b->rank;
    if (a->rank == 0 && a->num != b->num)
        return a->num < b->num ? -1 : 1;
    if (a->rank == 1) {
        int c = strcmp(a->str, b->str);
        if (c)
            return c;
    }
    return a->pos - b->pos;
}

static int is_identifier(const char *s)
{
    static const char *const reserved[] = {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
        "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true",
        "until", "while", NULL,
    };
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return 0;
    for (int i = 0; reserved[i]; i++)
        if (strcmp(s, reserved[i]) == 0)
            return 0;
    return 1;
}

/* A string as a Lua literal, cut after SHORT bytes. */
static void add_quoted(repl_text *t, const char *s, size_t len)
{
    repl_text_add(t, "\"");
    size_t n = len > SHORT ? SHORT : len;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char num[8];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 32 || c == 127) {
            snprintf(num, sizeof num, "\\%d", c);
            esc = num;
        }
        if (esc) {
            repl_text_addlen(t, s + i - run, run);
            repl_text_add(t, esc);
            run = 0;
        } else {
            run++;
        }
    }
    repl_text_addlen(t, s + n - run, run);
    repl_text_add(t, len > n ? "...\"" : "\"");
}

/* tostring of the value at idx, first line only, cut after SHORT bytes. */
static void add_short_tostring(repl_text *t, int idx)
{
    size_t len;
    const char *s = luaL_tolstring(t->L, idx, &len);
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) : len;
    if (n > SHORT)
        n = SHORT;
    repl_text_addlen(t, s, n);
    if (n < len)
        repl_text_add(t, " ...");
    lua_pop(t->L, 1);
}

static int has_tostring(lua_State *L, int idx)
{
    int found = luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL;
    if (found)
        lua_pop(L, 1);
    return found;
}

static void add_table(repl_text *t, int idx, int depth);

/* A tensor inside a table, in one line: tensor(shape=(60000, 28, 28), dtype=uint8). */
static void add_tensor_summary(repl_text *t, const nn_tensor *x)
{
    repl_text_add(t, "tensor(shape=(");
    for (int i = 0; i < x->ndim; i++)
        repl_text_addf(t, "%s%d", i ? ", " : "", x->shape[i]);
    repl_text_addf(t, "%s), dtype=%s)", x->ndim == 1 ? "," : "",
                   x->dtype == NN_U8 ? "uint8" : "float32");
}

/* A value inside a table. */
static void add_nested(repl_text *t, int idx, int depth)
{
    lua_State *L = t->L;
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        add_quoted(t, s, len);
        break;
    case LUA_TTABLE:
        if (has_tostring(L, idx))
            add_short_tostring(t, idx);
        else
            add_table(t, idx, depth);
        break;
    case LUA_TFUNCTION:
        repl_text_add(t, "<function>");
        break;
    case LUA_TUSERDATA: {
        const nn_tensor *x = repl_tensor_test(L, idx);
        if (x)
            add_tensor_summary(t, x);
        else
            add_short_tostring(t, idx);
        break;
    }
    default:
        add_short_tostring(t, idx);
        break;
    }
}

static void add_key(repl_text *t, int idx)
{
    lua_State *L = t->L;
    if (lua_type(L, idx) == LUA_TSTRING && is_identifier(lua_tostring(L, idx))) {
        repl_text_add(t, lua_tostring(L, idx));
    } else {
        repl_text_add(t, "[");
        add_nested(t, idx, MAX_DEPTH + 1);
        repl_text_add(t, "]");
    }
    repl_text_add(t, " = ");
}

/* Push the table's keys that are not in 1..n as a Lua array, sorted (the first
** MAX_SORTED of them); return how many keys there are in all. */
static int push_sorted_keys(lua_State *L, int idx, lua_Integer n)
{
    lua_newtable(L);
    int keys = lua_gettop(L);
    int count = 0, kept = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_isinteger(L, -1)) {
            lua_Integer k = lua_tointeger(L, -1);
            if (k >= 1 && k <= n)
                continue;
        }
        count++;
        if (kept < MAX_SORTED) {
            lua_pushvalue(L, -1);
            lua_rawseti(L, keys, ++kept);
        }
    }
    key_entry *e = lua_newuserdatauv(L, (size_t)(kept ? kept : 1) * sizeof *e, 0);
    for (int i = 0; i < kept; i++) {
        lua_rawgeti(L, keys, i + 1);
        int type = lua_type(L, -1);
        e[i].rank = type == LUA_TNUMBER ? 0 : type == LUA_TSTRING ? 1
                  : type == LUA_TBOOLEAN ? 2 : 3;
        e[i].num = type == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
        e[i].str = type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;   /* kept alive by keys */
        e[i].pos = i + 1;
        lua_pop(L, 1);
    }
    qsort(e, (size_t)kept, sizeof *e, compare_keys);
    lua_createtable(L, kept, 0);
    for (int i = 0; i < kept; i++) {
        lua_rawgeti(L, keys, e[i].pos);
        lua_rawseti(L, -2, i + 1);
    }
    lua_replace(L, keys);
    lua_pop(L, 1);
    return count;
}

static void add_table(repl_text *t, int idx, int depth)
{
    lua_State *L = t->L;
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "table too deep to print");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (depth > MAX_DEPTH) {
        lua_pushnil(L);
        int empty = lua_next(L, idx) == 0;
        if (!empty)
            lua_pop(L, 2);
        repl_text_add(t, empty ? "{}" : "{...}");
        return;
    }
    int max_items = depth == 0 ? TOP_ITEMS : NESTED_ITEMS;
    int max_keys = depth == 0 ? TOP_KEYS : NESTED_KEYS;
    int nkeys = push_sorted_keys(L, idx, n);
    int keys = lua_gettop(L);
    const char *sep = "";
    repl_text_add(t, "{");
    for (lua_Integer i = 1; i <= n && i <= max_items; i++) {
        repl_text_add(t, sep);
        lua_rawgeti(L, idx, i);
        add_nested(t, -1, depth + 1);
        lua_pop(L, 1);
        sep = ", ";
    }
    if (n > max_items) {
        repl_text_addf(t, ", ... (%lld items)", (long long)n);
    }
    int shown = (int)lua_rawlen(L, keys);
    if (shown > max_keys)
        shown = max_keys;
    for (int i = 1; i <= shown; i++) {
        repl_text_add(t, sep);
        lua_rawgeti(L, keys, i);
        add_key(t, -1);
        lua_rawget(L, idx);
        add_nested(t, -1, depth + 1);
        lua_pop(L, 1);
        sep = ", ";
    }
    if (nkeys > shown)
        repl_text_addf(t, "%s... (%d more)", sep, nkeys - shown);
    repl_text_add(t, "}");
    lua_pop(L, 1);
}

void repl_show_push(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE && !has_tostring(L, idx)) {
        repl_text t;
        repl_text_begin(L, &t);
        add_table(&t, idx, 0);
        repl_text_end(&t);
    } else {
        luaL_tolstring(L, idx, NULL);
    }
}

/* Runs under lua_pcall: the values to print are the arguments. */
static int print_values(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        repl_show_push(L, i);
        const char *s = lua_tolstring(L, -1, &len);
        if (i > 1)
            fputc('\t', stdout);
        fwrite(s, 1, len, stdout);
        lua_pop(L, 1);
    }
    fputc('\n', stdout);
    fflush(stdout);
    return 0;
}

void repl_print_values(lua_State *L, int first, int n)
{
    lua_pushcfunction(L, print_values);
    for (int i = 0; i < n; i++)
        lua_pushvalue(L, first + i);
    if (lua_pcall(L, n, 0, 0) != LUA_OK) {
        lua_pushfstring(L, "error while printing the result: %s", lua_tostring(L, -1));
        lua_remove(L, -2);
        repl_report(L, LUA_ERRRUN, 0);
    }
}

static int l_show(lua_State *L)
{
    luaL_checkany(L, 1);
    repl_show_push(L, 1);
    return 1;
}

void repl_open_show(lua_State *L)
{
    lua_pushcfunction(L, l_show);
    lua_setglobal(L, "__show");
}
