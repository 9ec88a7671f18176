/* repl/lua_options.c — option tables: typed reads and unknown-name suggestions. */
#include "lua_options.h"

#include <lauxlib.h>
#include <string.h>

/* Levenshtein distance, small strings only (option names). */
static int edit_distance(const char *a, const char *b)
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
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *repl_closest_name(const char *name, const char *const *known)
{
    const char *best = NULL;
    int best_d = 99;
    for (int i = 0; known[i]; i++) {
        int d = edit_distance(name, known[i]);
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
    }
    int limit = (int)strlen(name) / 3 + 1;
    return best_d <= (limit < 3 ? limit : 3) ? best : NULL;
}

void repl_check_options(lua_State *L, int idx, const char *fname, const char *const *known,
                        int positional)
{
    if (lua_isnoneornil(L, idx))
        return;
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *key = lua_tostring(L, -1);
            int found = 0;
            for (int i = 0; known[i] && !found; i++)
                found = strcmp(known[i], key) == 0;
            if (!found) {
                const char *close = repl_closest_name(key, known);
                if (close)
                    luaL_error(L, "%s: unknown option '%s' (did you mean '%s'?)", fname, key,
                               close);
                luaL_error(L, "%s: unknown option '%s'", fname, key);
            }
        } else if (lua_isinteger(L, -1)) {
            lua_Integer i = lua_tointeger(L, -1);
            if (i < 1 || i > positional)
                luaL_error(L, "%s: unexpected positional argument #%d in the options table",
                           fname, (int)i);
        } else {
            luaL_error(L, "%s: option names must be strings", fname);
        }
    }
}

/* Push t[key]; returns 1 if the field is present (not nil). */
static int get_field(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx)) {
        lua_pushnil(L);
        return 0;
    }
    return lua_getfield(L, idx, key) != LUA_TNIL;
}

lua_Integer repl_opt_integer(lua_State *L, int idx, const char *fname, const char *key,
                             lua_Integer def)
{
    lua_Integer v = def;
    if (get_field(L, idx, key)) {
        int isnum;
        v = lua_tointegerx(L, -1, &isnum);
        if (!isnum)
            luaL_error(L, "%s: option '%s' must be an integer, got %s", fname, key,
                       lua_type(L, -1) == LUA_TNUMBER ? "a fraction" : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

lua_Number repl_opt_number(lua_State *L, int idx, const char *fname, const char *key,
                           lua_Number def)
{
    lua_Number v = def;
    if (get_field(L, idx, key)) {
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "%s: option '%s' must be a number, got %s", fname, key,
                       luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

int repl_opt_boolean(lua_State *L, int idx, const char *fname, const char *key, int def)
{
    int v = def;
    if (get_field(L, idx, key)) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            luaL_error(L, "%s: option '%s' must be true or false, got %s", fname, key,
                       luaL_typename(L, -1));
        v = lua_toboolean(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

const char *repl_opt_string(lua_State *L, int idx, const char *fname, const char *key,
                            const char *def)
{
    const char *v = def;
    if (get_field(L, idx, key)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: option '%s' must be a string, got %s", fname, key,
                       luaL_typename(L, -1));
        v = lua_tostring(L, -1);
    }
    lua_pop(L, 1);
    return v;
}
