/* repl/complete.c — Tab completion as a pure function of the input line and the
** Lua state (testable without a terminal), and "did you mean" suggestions. */
#include "shell.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 16        /* metatable __index links followed */
#define MAX_VISITED 4000    /* tables visited when collecting names for suggestions */

static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
    "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
    "while", NULL,
};

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static int is_name(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (; *s; s++)
        if (!is_word_char(*s))
            return 0;
    for (int i = 0; keywords[i]; i++)
        if (strcmp(s, keywords[i]) == 0)
            return 0;
    return 1;
}

/* -------------------------------------------------------- walking values */

/* lua_getfield without metamethods, on the table at idx; returns the type. */
static int raw_field(lua_State *L, int idx, const char *key)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, key);
    return lua_rawget(L, idx);
}

void repl_push_field(lua_State *L, int idx, const char *key)
{
    lua_pushvalue(L, idx);
    for (int depth = 0; depth < MAX_CHAIN; depth++) {
        if (lua_istable(L, -1)) {
            if (raw_field(L, -1, key) != LUA_TNIL) {
                lua_remove(L, -2);
                return;
            }
            lua_pop(L, 1);
        }
        if (!lua_getmetatable(L, -1))
            break;
        lua_remove(L, -2);
        if (raw_field(L, -1, "__methods") == LUA_TTABLE) {
            if (raw_field(L, -1, key) != LUA_TNIL) {
                lua_replace(L, -3);
                lua_pop(L, 1);
                return;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "__index") != LUA_TTABLE) {
            lua_pop(L, 1);
            break;
        }
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
}

/* Add to the set at `set` the names of the table at idx (only those whose
** value is a function when `methods_only`). */
static void add_table_names(lua_State *L, int idx, int set, int methods_only)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && (!methods_only || lua_isfunction(L, -1))
            && is_name(lua_tostring(L, -2))) {
            lua_pushvalue(L, -2);
            lua_pushboolean(L, 1);
            lua_rawset(L, set);
        }
        lua_pop(L, 1);
    }
}

/* Add the names reachable with '.' or ':' from the value at idx. */
static void add_names(lua_State *L, int idx, int set, int methods_only)
{
    lua_pushvalue(L, idx);
    for (int depth = 0; depth < MAX_CHAIN; depth++) {
        if (lua_istable(L, -1))
            add_table_names(L, lua_gettop(L), set, methods_only);
        if (!lua_getmetatable(L, -1))
            break;
        lua_remove(L, -2);
        if (raw_field(L, -1, "__methods") == LUA_TTABLE)
            add_table_names(L, lua_gettop(L), set, methods_only);
        lua_pop(L, 1);
        if (raw_field(L, -1, "__index") != LUA_TTABLE) {
            lua_pop(L, 1);
            break;
        }
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Replace the set at `set` by a sorted array of "prefix .. name" for the names
** starting with `partial`; names starting with "__" only when `partial` does. */
static void set_to_candidates(lua_State *L, int set, const char *prefix, size_t plen,
                              const char *partial)
{
    size_t len = strlen(partial);
    int hidden_ok = strncmp(partial, "__", 2) == 0;
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        const char *name = lua_tostring(L, -1);
        if (strncmp(name, partial, len) == 0 && (hidden_ok || strncmp(name, "__", 2) != 0))
            n++;
    }
    const char **names = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *names, 0);
    int k = 0;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        const char *name = lua_tostring(L, -1);     /* kept alive by the set */
        if (k < n && strncmp(name, partial, len) == 0
            && (hidden_ok || strncmp(name, "__", 2) != 0))
            names[k++] = name;
    }
    qsort(names, (size_t)k, sizeof *names, compare_strings);
    lua_createtable(L, k, 0);
    for (int i = 0; i < k; i++) {
        lua_pushlstring(L, prefix, plen);
        lua_pushstring(L, names[i]);
        lua_concat(L, 2);
        lua_rawseti(L, -2, i + 1);
    }
    lua_replace(L, set);
    lua_pop(L, 1);
}

/* ---------------------------------------------------------------- the line */

/* Non-zero when byte `cursor` of `line` is inside a string or a comment. */
static int in_string_or_comment(const char *line, size_t cursor)
{
    char quote = 0;
    for (size_t i = 0; i < cursor; i++) {
        char c = line[i];
        if (quote) {
            if (c == '\\')
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '-' && line[i + 1] == '-' && i + 1 < cursor) {
            return 1;
        } else if (c == '[' && (line[i + 1] == '[' || line[i + 1] == '=')) {
            return 1;   /* a long string: too rare at a prompt to parse fully */
        }
    }
    return quote != 0;
}

/* Where the word that ends at `cursor` starts: names, '.' and ':', but not
** across a ".." (concatenation). */
static size_t word_start(const char *line, size_t cursor)
{
    size_t start = cursor;
    while (start > 0 && (is_word_char(line[start - 1]) || line[start - 1] == '.'
                         || line[start - 1] == ':'))
        start--;
    for (size_t i = cursor; i >= start + 2; i--)
        if (line[i - 1] == '.' && line[i - 2] == '.')
            return i;
    return start;
}

void repl_push_path(lua_State *L, const char *word, size_t len)
{
    lua_pushglobaltable(L);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && is_word_char(word[j]))
            j++;
        if (j == i || isdigit((unsigned char)word[i])
            || (j < len && word[j] != '.' && word[j] != ':')) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        lua_pushlstring(L, word + i, j - i);
        repl_push_field(L, -2, lua_tostring(L, -1));
        lua_remove(L, -2);
        lua_remove(L, -2);
        if (lua_isnil(L, -1))
            return;
        i = j + 1;
    }
}

size_t repl_complete(lua_State *L, const char *line, size_t cursor)
{
    size_t start = word_start(line, cursor);
    const char *word = line + start;
    size_t wlen = cursor - start;
    lua_newtable(L);
    int set = lua_gettop(L);
    if (in_string_or_comment(line, cursor) || isdigit((unsigned char)*word))
        return cursor;
    size_t sep = wlen;
    while (sep > 0 && word[sep - 1] != '.' && word[sep - 1] != ':')
        sep--;
    char *partial = lua_newuserdatauv(L, wlen - sep + 1, 0);
    memcpy(partial, word + sep, wlen - sep);
    partial[wlen - sep] = '\0';
    if (sep == 0) {
        lua_pushglobaltable(L);
        add_names(L, lua_gettop(L), set, 0);
        lua_pop(L, 1);
        for (int i = 0; keywords[i]; i++) {
            lua_pushboolean(L, 1);
            lua_setfield(L, set, keywords[i]);
        }
    } else if (sep > 1) {
        repl_push_path(L, word, sep - 1);
        if (!lua_isnil(L, -1))
            add_names(L, lua_gettop(L), set, word[sep - 1] == ':');
        lua_pop(L, 1);
    }
    set_to_candidates(L, set, word, sep, partial);
    lua_pop(L, 1);
    return start;
}

void repl_push_names(lua_State *L, int idx, int methods_only)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    int set = lua_gettop(L);
    add_names(L, idx, set, methods_only);
    set_to_candidates(L, set, "", 0, "");
}

static int l_complete(lua_State *L)
{
    size_t len;
    const char *line = luaL_checklstring(L, 1, &len);
    lua_Integer cursor = luaL_optinteger(L, 2, (lua_Integer)len);
    luaL_argcheck(L, cursor >= 0 && (size_t)cursor <= len, 2, "cursor outside the line");
    size_t start = repl_complete(L, line, (size_t)cursor);
    lua_pushinteger(L, (lua_Integer)start + 1);
    return 2;
}

void repl_open_complete(lua_State *L)
{
    lua_pushcfunction(L, l_complete);
    lua_setglobal(L, "__complete");
}

/* ------------------------------------------------------------ suggestions */

int repl_edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int row[64];
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Collect into `set` the names of the table at idx and of the tables below it,
** `depth` levels down, each table once (visited is a set of tables). */
static void collect_deep(lua_State *L, int idx, int set, int visited, int depth, int *budget)
{
    if (depth < 0 || *budget <= 0 || !lua_istable(L, idx))
        return;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, visited) != LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, visited);
    (*budget)--;
    add_names(L, idx, set, 0);
    luaL_checkstack(L, 4, NULL);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_istable(L, -1))
            collect_deep(L, lua_gettop(L), set, visited, depth - 1, budget);
        lua_pop(L, 1);
    }
}

/* The names of the registered metatables' methods (nn.Model's fit, ...). */
static void collect_registry(lua_State *L, int set)
{
    lua_pushnil(L);
    while (lua_next(L, LUA_REGISTRYINDEX)) {
        if (lua_istable(L, -1)) {
            int named = raw_field(L, -1, "__name") == LUA_TSTRING;
            lua_pop(L, 1);
            for (int i = 0; named && i < 2; i++) {
                if (raw_field(L, -1, i == 0 ? "__methods" : "__index") == LUA_TTABLE)
                    add_table_names(L, lua_gettop(L), set, 0);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
}

int repl_push_suggestion(lua_State *L, const char *word, int kind)
{
    int top = lua_gettop(L);
    luaL_checkstack(L, 20, NULL);
    lua_newtable(L);
    int set = lua_gettop(L);
    lua_pushglobaltable(L);
    if (kind == 'g') {
        add_names(L, lua_gettop(L), set, 0);
    } else {
        lua_newtable(L);
        int budget = MAX_VISITED;
        collect_deep(L, lua_gettop(L) - 1, set, lua_gettop(L), 3, &budget);
        lua_pop(L, 1);
        collect_registry(L, set);
    }
    lua_pop(L, 1);
    int limit = (int)strlen(word) / 3 + 1;
    if (limit > 3)
        limit = 3;
    const char *best = NULL;
    int best_d = limit + 1;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        const char *name = lua_tostring(L, -1);
        int d = repl_edit_distance(word, name);
        if (d == 0) {
            best = NULL;
            lua_pop(L, 1);
            break;
        }
        if (d < best_d || (d == best_d && best && strcmp(name, best) < 0)) {
            best_d = d;
            best = name;
        }
    }
    if (!best) {
        lua_settop(L, top);
        return 0;
    }
    lua_pushstring(L, best);
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return 1;
}
