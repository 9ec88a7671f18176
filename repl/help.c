/* repl/help.c — help(): the documentation registry other modules fill through
** repl_doc / __doc, the concept topics, the tour, and timeit(). */
#include "shell.h"

#include <ctype.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DOCS_KEY "nnscope.docs"
#define MAX_FIELDS 60           /* fields listed for a table */
#define MAX_SUGGESTIONS 3
#define TIMEIT_TARGET 0.5       /* seconds timeit spends when it chooses n */
#define TIMEIT_MAX_RUNS 1000000

/* ---------------------------------------------------------------- registry */

/* Push the registry's docs table {byobj = weak-keyed, byname = {}}. */
static void push_docs(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, DOCS_KEY) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "byobj");
    lua_newtable(L);
    lua_setfield(L, -2, "byname");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, DOCS_KEY);
}

/* Push docs[part] ("byobj" or "byname"). */
static void push_docs_part(lua_State *L, const char *part)
{
    push_docs(L);
    lua_getfield(L, -1, part);
    lua_remove(L, -2);
}

static void set_string_field(lua_State *L, int t, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, t, key);
    }
}

/* The name after the last '.' or ':' ("fit" for "Model:fit"). */
static const char *short_name(const char *name)
{
    const char *s = name;
    for (const char *p = name; *p; p++)
        if (*p == '.' || *p == ':')
            s = p + 1;
    return s;
}

void repl_doc(lua_State *L, int obj_index, const char *name, const char *signature,
              const char *text, const char *example)
{
    int has_obj = obj_index != 0 && !lua_isnoneornil(L, obj_index);
    if (has_obj)
        obj_index = lua_absindex(L, obj_index);
    lua_createtable(L, 0, 5);
    int entry = lua_gettop(L);
    set_string_field(L, entry, "name", name);
    set_string_field(L, entry, "signature", signature);
    set_string_field(L, entry, "text", text);
    set_string_field(L, entry, "example", example);
    if (has_obj) {
        lua_pushvalue(L, obj_index);
        lua_setfield(L, entry, "object");
        push_docs_part(L, "byobj");
        lua_pushvalue(L, obj_index);
        lua_pushvalue(L, entry);
        lua_rawset(L, -3);
        lua_pop(L, 1);
    }
    if (name) {
        push_docs_part(L, "byname");
        lua_pushvalue(L, entry);
        lua_setfield(L, -2, name);
        const char *s = short_name(name);
        if (s != name && *s) {
            if (lua_getfield(L, -1, s) == LUA_TNIL) {
                lua_pushvalue(L, entry);
                lua_setfield(L, -3, s);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* __doc(obj, {name = ..., signature = ..., text = ..., example = ...}) */
static int l_doc(lua_State *L)
{
    static const char *const fields[] = {"name", "signature", "text", "example"};
    const char *v[4];
    luaL_checktype(L, 2, LUA_TTABLE);
    for (int i = 0; i < 4; i++) {
        int type = lua_getfield(L, 2, fields[i]);
        if (type != LUA_TNIL && type != LUA_TSTRING)
            return luaL_argerror(L, 2, lua_pushfstring(L, "field '%s' must be a string",
                                                       fields[i]));
        v[i] = lua_tostring(L, -1);
    }
    if (!v[0] && lua_isnoneornil(L, 1))
        return luaL_argerror(L, 2, "field 'name' is needed when there is no object");
    repl_doc(L, 1, v[0], v[1], v[2], v[3]);
    return 0;
}

/* Push the entry documenting the value at idx (by identity, else by its
** metatable's __name); returns 0 and pushes nothing when there is none. */
static int push_entry_for_value(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    push_docs_part(L, "byobj");
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TTABLE) {
        lua_remove(L, -2);
        return 1;
    }
    lua_pop(L, 2);
    int type = luaL_getmetafield(L, idx, "__name");
    if (type == LUA_TSTRING) {
        push_docs_part(L, "byname");
        lua_pushvalue(L, -2);
        if (lua_rawget(L, -2) == LUA_TTABLE) {
            lua_replace(L, -3);
            lua_pop(L, 1);
            return 1;
        }
        lua_pop(L, 3);
        return 0;
    }
    if (type != LUA_TNIL)
        lua_pop(L, 1);
    return 0;
}

/* Push byname[name] (exactly, else ignoring case); 0 and nothing if absent. */
static int push_entry_for_name(lua_State *L, const char *name)
{
    push_docs_part(L, "byname");
    if (lua_getfield(L, -1, name) == LUA_TTABLE) {
        lua_remove(L, -2);
        return 1;
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && strcasecmp(lua_tostring(L, -2), name) == 0) {
            lua_replace(L, -3);
            lua_pop(L, 1);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

static int same_name(const char *a, const char *b, size_t n, int exact_case)
{
    return exact_case ? strncmp(a, b, n) == 0 : strncasecmp(a, b, n) == 0;
}

static int word_in_list(const char *word, const char *list, int exact_case)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n > 0 && same_name(p, word, n, exact_case))
            return 1;
        p = e;
    }
    return 0;
}

/* The topic called `name` or one of its aliases (ignoring case unless
** `exact_case`), or NULL. */
static const repl_topic *find_topic(const char *name, int exact_case)
{
    size_t n = strlen(name);
    for (const repl_topic *tp = repl_topics; tp->name; tp++)
        if ((strlen(tp->name) == n && same_name(tp->name, name, n, exact_case))
            || word_in_list(name, tp->aliases, exact_case))
            return tp;
    return NULL;
}

/* ----------------------------------------------------------------- texts */

static void add_indented(repl_text *t, const char *s, const char *indent)
{
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n > 0)
            repl_text_add(t, indent);
        repl_text_addlen(t, s, n);
        repl_text_add(t, "\n");
        s += n + (e ? 1 : 0);
    }
}

/* The first line of a documented entry's signature or text, for lists. */
static void add_entry_summary(repl_text *t, int entry)
{
    lua_State *L = t->L;
    if (lua_getfield(L, entry, "signature") != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_getfield(L, entry, "text");
    }
    const char *s = lua_tostring(L, -1);
    if (s) {
        const char *e = strchr(s, '\n');
        repl_text_addlen(t, s, e ? (size_t)(e - s) : strlen(s));
    }
    lua_pop(L, 1);
}

/* "name  summary" lines for the fields of the table at idx. */
static void add_fields(repl_text *t, int idx)
{
    lua_State *L = t->L;
    repl_push_names(L, idx, 0);
    int names = lua_gettop(L);
    int n = (int)lua_rawlen(L, names);
    if (n == 0) {
        lua_pop(L, 1);
        return;
    }
    repl_text_add(t, "\nFields:\n");
    for (int i = 1; i <= n && i <= MAX_FIELDS; i++) {
        lua_rawgeti(L, names, i);
        const char *key = lua_tostring(L, -1);
        repl_push_field(L, idx, key);
        repl_text_addf(t, "  %-24s ", key);
        if (push_entry_for_value(L, -1)) {
            add_entry_summary(t, lua_gettop(L));
            lua_pop(L, 1);
        } else {
            repl_text_add(t, luaL_typename(L, -1));
        }
        repl_text_add(t, "\n");
        lua_pop(L, 2);
    }
    if (n > MAX_FIELDS)
        repl_text_addf(t, "  ... (%d more)\n", n - MAX_FIELDS);
    lua_pop(L, 1);
}

/* "Methods: a, b, c" for a value whose metatable offers them. */
static void add_methods(repl_text *t, int idx)
{
    lua_State *L = t->L;
    repl_push_names(L, idx, 1);
    int names = lua_gettop(L);
    int n = (int)lua_rawlen(L, names);
    if (n > 0) {
        repl_text_add(t, "\nMethods:");
        int col = 8;
        for (int i = 1; i <= n; i++) {
            lua_rawgeti(L, names, i);
            size_t len;
            const char *s = lua_tolstring(L, -1, &len);
            if (col + (int)len + 2 > 78) {
                repl_text_add(t, i > 1 ? ",\n " : "\n ");
                col = 1;
            } else if (i > 1) {
                repl_text_add(t, ",");
                col++;
            }
            repl_text_add(t, " ");
            repl_text_add(t, s);
            col += (int)len + 1;
            lua_pop(L, 1);
        }
        repl_text_add(t, "\n");
    }
    lua_pop(L, 1);
}

static void add_entry(repl_text *t, int entry)
{
    lua_State *L = t->L;
    if (lua_getfield(L, entry, "signature") != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_getfield(L, entry, "name");
    }
    repl_text_add(t, luaL_optstring(L, -1, "(no name)"));
    repl_text_add(t, "\n");
    lua_pop(L, 1);
    if (lua_getfield(L, entry, "text") == LUA_TSTRING) {
        repl_text_add(t, "\n");
        add_indented(t, lua_tostring(L, -1), "  ");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, entry, "example") == LUA_TSTRING) {
        repl_text_add(t, "\nExample:\n");
        add_indented(t, lua_tostring(L, -1), "  ");
    }
    lua_pop(L, 1);
}

/* Push the shortest global path naming the value at idx ("string.format"),
** looking two levels down; returns 0 and pushes nothing when not found. */
static int push_global_path(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, NULL);
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, g)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, idx)) {
            lua_pop(L, 1);
            lua_replace(L, g);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pushnil(L);     /* the best deeper path found so far */
    int best = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, g)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) && !lua_rawequal(L, -1, g)
            && strcmp(lua_tostring(L, -2), "package") != 0) {
            int tbl = lua_gettop(L);
            lua_pushnil(L);
            while (lua_next(L, tbl)) {
                if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, idx)) {
                    lua_pushfstring(L, "%s.%s", lua_tostring(L, tbl - 1), lua_tostring(L, -2));
                    if (lua_isnil(L, best) || lua_rawlen(L, -1) < lua_rawlen(L, best)
                        || (lua_rawlen(L, -1) == lua_rawlen(L, best)
                            && strcmp(lua_tostring(L, -1), lua_tostring(L, best)) < 0))
                        lua_replace(L, best);
                    else
                        lua_pop(L, 1);
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    if (lua_isnil(L, best)) {
        lua_settop(L, g - 1);
        return 0;
    }
    lua_replace(L, g);
    lua_settop(L, g);
    return 1;
}

static int is_stdlib_path(const char *path, int cfunction)
{
    static const char *const libs[] = {
        "string.", "table.", "math.", "io.", "os.", "coroutine.", "utf8.", "debug.", NULL,
    };
    for (int i = 0; libs[i]; i++)
        if (strncmp(path, libs[i], strlen(libs[i])) == 0)
            return 1;
    return cfunction && !strchr(path, '.');
}

/* A Lua function's parameters: "(a, b, ...)". */
static void add_parameters(repl_text *t, int idx)
{
    lua_State *L = t->L;
    lua_Debug ar;
    lua_pushvalue(L, idx);
    lua_getinfo(L, ">u", &ar);
    repl_text_add(t, "(");
    lua_pushvalue(L, idx);
    for (int i = 1; i <= ar.nparams; i++) {
        const char *p = lua_getlocal(L, NULL, i);
        repl_text_addf(t, "%s%s", i > 1 ? ", " : "", p ? p : "?");
    }
    lua_pop(L, 1);
    if (ar.isvararg)
        repl_text_add(t, ar.nparams ? ", ..." : "...");
    repl_text_add(t, ")");
}

/* What can be said about an undocumented value. */
static void add_described(repl_text *t, int idx, const char *name)
{
    lua_State *L = t->L;
    int named = push_global_path(L, idx);
    if (named)
        name = lua_tostring(L, -1);
    if (!name)
        name = "this value";
    switch (lua_type(L, idx)) {
    case LUA_TFUNCTION:
        if (lua_iscfunction(L, idx)) {
            if (named && is_stdlib_path(name, 1))
                repl_text_addf(t, "%s: a function of Lua's standard library.\n"
                               "See the Lua 5.4 manual, section 6:\n"
                               "  https://www.lua.org/manual/5.4/manual.html#6\n", name);
            else
                repl_text_addf(t, "%s: a function written in C, not documented yet.\n", name);
        } else {
            lua_Debug ar;
            lua_pushvalue(L, idx);
            lua_getinfo(L, ">S", &ar);
            repl_text_addf(t, "%s", name);
            add_parameters(t, idx);
            repl_text_addf(t, "\n\n  A Lua function defined at %s:%d.\n", ar.short_src,
                           ar.linedefined);
        }
        break;
    case LUA_TTABLE:
        repl_text_addf(t, "%s: a table", name);
        if (lua_rawlen(L, idx) > 0)
            repl_text_addf(t, " (a list of %d items)", (int)lua_rawlen(L, idx));
        repl_text_add(t, ".\n");
        add_fields(t, idx);
        break;
    case LUA_TUSERDATA: {
        int type = luaL_getmetafield(L, idx, "__name");
        if (type == LUA_TSTRING)
            repl_text_addf(t, "%s: an object of type %s.\n", name, lua_tostring(L, -1));
        else
            repl_text_addf(t, "%s: a userdata value.\n", name);
        if (type != LUA_TNIL)
            lua_pop(L, 1);
        add_methods(t, idx);
        break;
    }
    default:
        luaL_tolstring(L, idx, NULL);
        repl_text_addvalue(t);
        repl_text_addf(t, " is a %s.\nhelp(x) documents functions, tables and objects;\n"
                       "help(\"name\") looks a name or a topic up.\n", luaL_typename(L, idx));
        break;
    }
    if (named)
        lua_pop(L, 1);
}

static void add_value_help(repl_text *t, int idx, const char *name)
{
    lua_State *L = t->L;
    if (push_entry_for_value(L, idx)) {
        add_entry(t, lua_gettop(L));
        lua_pop(L, 1);
        if (lua_type(L, idx) == LUA_TTABLE)
            add_fields(t, idx);
        else if (lua_type(L, idx) == LUA_TUSERDATA)
            add_methods(t, idx);
        return;
    }
    add_described(t, idx, name);
}

static void add_topic(repl_text *t, const repl_topic *tp)
{
    repl_text_addf(t, "%s: %s\n\n", tp->name, tp->title);
    add_indented(t, tp->text, "  ");
}

static void add_topic_list(repl_text *t)
{
    for (const repl_topic *tp = repl_topics; tp->name; tp++)
        repl_text_addf(t, "  %-16s %s\n", tp->name, tp->title);
    repl_text_add(t, "Example: help(\"backprop\")\n");
}

/* Add to the set at `set` every name help() knows. */
static void collect_help_names(lua_State *L, int set)
{
    for (const repl_topic *tp = repl_topics; tp->name; tp++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, set, tp->name);
    }
    push_docs_part(L, "byname");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushboolean(L, 1);
        lua_rawset(L, set);
    }
    lua_pop(L, 1);
}

/* "Did you mean: a, b?" for an unknown name: close spellings, and names that
** contain it. */
static void add_suggestions(repl_text *t, const char *word)
{
    lua_State *L = t->L;
    lua_newtable(L);
    int set = lua_gettop(L);
    collect_help_names(L, set);
    if (repl_push_suggestion(L, word, 'f')) {
        lua_pushboolean(L, 1);
        lua_rawset(L, set);
    }
    const char *best[MAX_SUGGESTIONS] = {NULL};
    int dist[MAX_SUGGESTIONS];
    int limit = (int)strlen(word) / 3 + 1;
    if (limit > 3)
        limit = 3;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        const char *name = lua_tostring(L, -1);     /* kept alive by the set */
        int d = repl_edit_distance(word, name);
        if (d > limit && strlen(word) >= 3 && strcasestr(name, word))
            d = limit;
        if (d > limit)
            continue;
        for (int i = 0; i < MAX_SUGGESTIONS; i++) {
            if (!best[i] || d < dist[i] || (d == dist[i] && strcmp(name, best[i]) < 0)) {
                for (int j = MAX_SUGGESTIONS - 1; j > i; j--) {
                    best[j] = best[j - 1];
                    dist[j] = dist[j - 1];
                }
                best[i] = name;
                dist[i] = d;
                break;
            }
        }
    }
    if (best[0]) {
        repl_text_add(t, "Did you mean: ");
        for (int i = 0; i < MAX_SUGGESTIONS && best[i]; i++)
            repl_text_addf(t, "%s%s", i ? ", " : "", best[i]);
        repl_text_add(t, "?\n");
    }
    lua_pop(L, 1);
}

/* The documented entry on top of the stack, with the fields or methods of
** its object; pops it. */
static void add_entry_and_object(repl_text *t)
{
    lua_State *L = t->L;
    int entry = lua_gettop(L);
    add_entry(t, entry);
    if (lua_getfield(L, entry, "object") == LUA_TTABLE)
        add_fields(t, lua_gettop(L));
    else if (lua_type(L, -1) == LUA_TUSERDATA)
        add_methods(t, lua_gettop(L));
    lua_pop(L, 2);
}

/* Does the type name `tname` ("nn.Model") match the `want` typed before a ':'
** ("Model" or "nn.Model"); any type when want is empty? */
static int type_matches(const char *tname, const char *want, size_t wlen)
{
    size_t n = strlen(tname);
    if (wlen == 0)
        return 1;
    if (n == wlen)
        return strncmp(tname, want, wlen) == 0;
    return n > wlen && tname[n - wlen - 1] == '.' && strncmp(tname + n - wlen, want, wlen) == 0;
}

/* "fit" or "Model:fit" naming an undocumented method of registered types:
** say whose method it is. Returns 0 (adding nothing) when none has it. */
static int add_method_owners(repl_text *t, const char *name)
{
    lua_State *L = t->L;
    const char *colon = strchr(name, ':');
    const char *method = colon ? colon + 1 : name;
    size_t wlen = colon ? (size_t)(colon - name) : 0;
    int found = 0;
    lua_pushnil(L);
    while (lua_next(L, LUA_REGISTRYINDEX)) {
        if (lua_istable(L, -1)) {
            lua_pushliteral(L, "__name");
            if (lua_rawget(L, -2) == LUA_TSTRING
                && type_matches(lua_tostring(L, -1), name, wlen)) {
                for (int i = 0; i < 2; i++) {
                    lua_pushstring(L, i == 0 ? "__methods" : "__index");
                    if (lua_rawget(L, -3) == LUA_TTABLE) {
                        lua_pushstring(L, method);
                        if (lua_rawget(L, -2) == LUA_TFUNCTION) {
                            if (!found)
                                repl_text_addf(t, "%s: a method of ", method);
                            repl_text_addf(t, "%s%s", found ? ", " : "", lua_tostring(L, -3));
                            found++;
                            i = 2;
                        }
                        lua_pop(L, 1);
                    }
                    lua_pop(L, 1);
                }
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if (found)
        repl_text_addf(t, " objects (obj:%s(...)), not documented yet.\n", method);
    return found;
}

/* help("name"): a topic, a documented name, a path to a value, in that order
** (a topic's exact name first; "Dense" finds the documented nn.Dense before
** the topic "dense"). */
static void add_name_help(repl_text *t, const char *name)
{
    lua_State *L = t->L;
    if (strcasecmp(name, "topics") == 0) {
        repl_text_add(t, "Topics: help(\"name\") explains each.\n");
        add_topic_list(t);
        return;
    }
    const repl_topic *tp = find_topic(name, 1);
    if (tp) {
        add_topic(t, tp);
        if (push_entry_for_name(L, name)) {
            lua_getfield(L, -1, "name");
            repl_text_addf(t, "\nAlso documented: help(\"%s\")\n", lua_tostring(L, -1));
            lua_pop(L, 2);
        }
        return;
    }
    tp = find_topic(name, 0);
    if (push_entry_for_name(L, name)) {
        add_entry_and_object(t);
        if (tp)
            repl_text_addf(t, "\nThe concept: help(\"%s\")\n", tp->name);
        return;
    }
    if (tp) {
        add_topic(t, tp);
        return;
    }
    repl_push_path(L, name, strlen(name));
    if (!lua_isnil(L, -1)) {
        add_value_help(t, lua_gettop(L), name);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (add_method_owners(t, name))
        return;
    repl_text_addf(t, "No help for '%s'.\n", name);
    add_suggestions(t, name);
    repl_text_add(t, "help() shows the tour; help(\"topics\") lists the concepts.\n");
}

/* Push the text help(x) prints for the argument at idx (none: the tour). */
static void push_help_text(lua_State *L, int idx)
{
    repl_text t;
    int none = lua_isnone(L, idx);
    idx = lua_absindex(L, idx);
    repl_text_begin(L, &t);
    if (none) {
        repl_text_add(&t, repl_tour);
        repl_text_add(&t, "\n");
        add_topic_list(&t);
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        add_name_help(&t, lua_tostring(L, idx));
    } else if (lua_isnil(L, idx)) {
        repl_text_add(&t, "help(nil): there is nothing to document here; a misspelt name\n"
                      "is nil in Lua. Try help(\"Dense\"), help(nn) or help() for the tour.\n");
    } else {
        add_value_help(&t, idx, NULL);
    }
    repl_text_end(&t);
}

/* Write the string at idx through io.write when it exists (so it can be
** redirected from Lua), else to stdout. */
static void emit(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_getglobal(L, "io") == LUA_TTABLE && lua_getfield(L, -1, "write") == LUA_TFUNCTION) {
        lua_pushvalue(L, idx);
        lua_call(L, 1, 0);
        lua_pop(L, 1);
    } else {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        fwrite(s, 1, len, stdout);
        lua_settop(L, idx);
    }
    fflush(stdout);
}

static int l_help(lua_State *L)
{
    lua_settop(L, lua_gettop(L) > 0 ? 1 : 0);
    push_help_text(L, 1);
    emit(L, -1);
    return 0;
}

static int l_help_text(lua_State *L)
{
    lua_settop(L, lua_gettop(L) > 0 ? 1 : 0);
    push_help_text(L, 1);
    return 1;
}

/* ------------------------------------------------------------------ timeit */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void format_seconds(char *buf, size_t size, double s)
{
    static const char *const units[] = {"s", "ms", "us", "ns"};
    int u = 0;
    while (u < 3 && s < 1.0) {
        s *= 1000.0;
        u++;
    }
    snprintf(buf, size, s < 10 ? "%.2f %s" : s < 100 ? "%.1f %s" : "%.0f %s", s, units[u]);
}

/* Call the function at idx n times; returns the seconds taken. */
static double time_calls(lua_State *L, int idx, lua_Integer n)
{
    double t0 = now_seconds();
    for (lua_Integer i = 0; i < n; i++) {
        if (repl_interrupted()) {
            repl_clear_interrupt();
            luaL_error(L, "interrupted!");
        }
        lua_pushvalue(L, idx);
        lua_call(L, 0, 0);
    }
    return now_seconds() - t0;
}

/* timeit(fn [, n]) or timeit("code" [, n]): calls it n times (by default as
** many as fit in about half a second) and prints the time per call. */
static int l_timeit(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t len;
        const char *code = lua_tolstring(L, 1, &len);
        lua_pushfstring(L, "return %s", code);
        if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=timeit") != LUA_OK) {
            lua_pop(L, 2);
            if (luaL_loadbuffer(L, code, len, "=timeit") != LUA_OK)
                return lua_error(L);
        } else {
            lua_remove(L, -2);
        }
        lua_replace(L, 1);
    }
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_Integer n = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, n >= 0, 2, "the number of calls must be positive");
    double total;
    if (n > 0) {
        total = time_calls(L, 1, n);
    } else {
        double first = time_calls(L, 1, 1);
        n = 1;
        total = first;
        if (first < TIMEIT_TARGET / 2) {
            double runs = ceil(TIMEIT_TARGET / (first > 1e-7 ? first : 1e-7));
            n = runs > TIMEIT_MAX_RUNS ? TIMEIT_MAX_RUNS : (lua_Integer)runs;
            total = time_calls(L, 1, n);
        }
    }
    char per[32], all[32];
    format_seconds(per, sizeof per, total / (double)n);
    format_seconds(all, sizeof all, total);
    lua_pushfstring(L, "%I call%s, %s per call (total %s)\n", (LUAI_UACINT)n,
                    n == 1 ? "" : "s", per, all);
    emit(L, -1);
    return 0;
}

/* ------------------------------------------------------------------ opening */

void repl_open_help(lua_State *L)
{
    static const luaL_Reg globals[] = {
        {"help", l_help},
        {"timeit", l_timeit},
        {"__doc", l_doc},
        {"__help_text", l_help_text},
        {NULL, NULL},
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, globals, 0);
    lua_getfield(L, -1, "help");
    repl_doc(L, -1, "help", "help([x])",
             "Explains x: a function, table or object (help(nn.Dense)), a documented\n"
             "name or a concept (help(\"fit\"), help(\"backprop\")). help() alone gives a\n"
             "short tour; help(\"topics\") lists the concepts.",
             "help(\"softmax\")");
    lua_pop(L, 1);
    lua_getfield(L, -1, "timeit");
    repl_doc(L, -1, "timeit", "timeit(fn [, n])",
             "Calls fn n times and prints the time per call. Without n it repeats fn\n"
             "for about half a second. fn may also be a string of Lua code.",
             "local a = nn.randn{256, 256}\n"
             "timeit(function() return a:matmul(a) end, 10)\n"
             "timeit(\"nn.zeros{1000}\")");
    lua_pop(L, 2);
}
