/* repl/text.c — building a string from pieces kept on the Lua stack. */
#include "shell.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void repl_text_begin(lua_State *L, repl_text *t)
{
    lua_newtable(L);
    t->L = L;
    t->parts = lua_gettop(L);
    t->n = 0;
    t->len = 0;
}

void repl_text_addlen(repl_text *t, const char *s, size_t len)
{
    if (len == 0)
        return;
    lua_pushlstring(t->L, s, len);
    lua_rawseti(t->L, t->parts, ++t->n);
    t->len += len;
}

void repl_text_add(repl_text *t, const char *s)
{
    repl_text_addlen(t, s, strlen(s));
}

void repl_text_addf(repl_text *t, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        repl_text_addlen(t, small, (size_t)n);
        return;
    }
    char *big = lua_newuserdatauv(t->L, (size_t)n + 1, 0);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    repl_text_addlen(t, big, (size_t)n);
    lua_pop(t->L, 1);
}

void repl_text_addvalue(repl_text *t)
{
    size_t len;
    lua_tolstring(t->L, -1, &len);
    t->len += len;
    lua_rawseti(t->L, t->parts, ++t->n);
}

size_t repl_text_len(const repl_text *t)
{
    return t->len;
}

void repl_text_end(repl_text *t)
{
    lua_State *L = t->L;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= t->n; i++) {
        lua_rawgeti(L, t->parts, i);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    lua_replace(L, t->parts);
}
