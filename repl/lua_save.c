/* repl/lua_save.c — saving and loading from Lua: model:save, save_weights,
** load_weights, get_config, to_json; nn.models.load_model, save_model,
** model_from_config, model_from_json. Configs travel as JSON text between Lua
** tables and the core (nn/save.h); JSON null inside a list is nn.null. */
#include "lua_model.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"

#define NULL_MT "nn.null"
#define MAX_DEPTH 64

/* -------------------------------------------------------- JSON -> Lua */

static void push_null(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, NULL_MT ".value");
}

/* Objects become tables (null members are left out: a missing key reads as
** nil); arrays become lists (null items are nn.null, so lengths stay right);
** integral numbers become integers. */
static void push_json(lua_State *L, const nn_json *v)
{
    switch (v->type) {
    case NN_JSON_NULL:   push_null(L); return;
    case NN_JSON_FALSE:  lua_pushboolean(L, 0); return;
    case NN_JSON_TRUE:   lua_pushboolean(L, 1); return;
    case NN_JSON_STRING: lua_pushlstring(L, v->string, v->len); return;
    case NN_JSON_NUMBER:
        if (v->number == floor(v->number) && fabs(v->number) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)v->number);
        else
            lua_pushnumber(L, v->number);
        return;
    case NN_JSON_ARRAY:
        lua_createtable(L, v->n, 0);
        for (int i = 0; i < v->n; i++) {
            push_json(L, &v->items[i]);
            lua_rawseti(L, -2, i + 1);
        }
        return;
    case NN_JSON_OBJECT:
        lua_createtable(L, 0, v->n);
        for (int i = 0; i < v->n; i++) {
            if (v->items[i].type == NN_JSON_NULL)
                continue;
            push_json(L, &v->items[i]);
            lua_setfield(L, -2, v->keys[i]);
        }
        return;
    }
}

/* -------------------------------------------------------- Lua -> JSON */

typedef struct to_json {
    lua_State *L;
    const char *fname;
    nn_jbuf b;
} to_json;

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Raise a Lua error after releasing the buffer (luaL_error long-jumps). */
static int fail(to_json *t, const char *what)
{
    nn_jbuf_free(&t->b);
    return luaL_error(t->L, "%s: %s", t->fname, what);
}

static void write_value(to_json *t, int idx, int depth);

/* A table is a list when its keys are exactly 1..n; otherwise every key must
** be a string. The keys are written sorted, so the text does not depend on
** Lua's table order. */
static void write_table(to_json *t, int idx, int depth)
{
    lua_State *L = t->L;
    if (depth > MAX_DEPTH || !lua_checkstack(L, 6))
        fail(t, "the table is nested too deeply (or contains itself)");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    int count = 0, strings = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
        strings += lua_type(L, -1) == LUA_TSTRING;
    }
    if (count == 0) {
        nn_jbuf_puts(&t->b, "{}");
        return;
    }
    if (strings == 0 && count == n) {
        nn_jbuf_puts(&t->b, "[");
        for (lua_Integer i = 1; i <= n; i++) {
            nn_jbuf_puts(&t->b, i > 1 ? ", " : "");
            lua_rawgeti(L, idx, i);
            write_value(t, lua_gettop(L), depth + 1);
            lua_pop(L, 1);
        }
        nn_jbuf_puts(&t->b, "]");
        return;
    }
    if (strings != count)
        fail(t, "a table mixes list items with named fields (a config needs one or the other)");
    const char **keys = lua_newuserdatauv(L, (size_t)count * sizeof *keys, 0);
    int k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        keys[k++] = lua_tostring(L, -1);    /* the table keeps these strings alive */
    }
    qsort(keys, (size_t)count, sizeof *keys, compare_keys);
    nn_jbuf_puts(&t->b, "{");
    for (int i = 0; i < count; i++) {
        nn_jbuf_puts(&t->b, i ? ", " : "");
        nn_jbuf_string(&t->b, keys[i]);
        nn_jbuf_puts(&t->b, ": ");
        lua_getfield(L, idx, keys[i]);
        write_value(t, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    nn_jbuf_puts(&t->b, "}");
    lua_pop(L, 1);
}

static void write_value(to_json *t, int idx, int depth)
{
    lua_State *L = t->L;
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        nn_jbuf_puts(&t->b, lua_toboolean(L, idx) ? "true" : "false");
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            nn_jbuf_printf(&t->b, "%lld", (long long)lua_tointeger(L, idx));
        } else {
            double d = lua_tonumber(L, idx);
            if (!isfinite(d))
                fail(t, "a number in the config is NaN or infinite, which JSON cannot hold");
            nn_jbuf_number(&t->b, d);
        }
        return;
    case LUA_TSTRING:
        if (strlen(lua_tostring(L, idx)) != lua_rawlen(L, idx))
            fail(t, "a string in the config contains a NUL character");
        nn_jbuf_string(&t->b, lua_tostring(L, idx));
        return;
    case LUA_TTABLE:
        write_table(t, idx, depth);
        return;
    default:
        if (luaL_testudata(L, idx, NULL_MT)) {
            nn_jbuf_puts(&t->b, "null");
            return;
        }
        lua_pushfstring(L, "a config holds numbers, strings, booleans, tables and nn.null, "
                        "not %s", luaL_typename(L, idx));
        fail(t, lua_tostring(L, -1));
    }
}

/* The table at idx as JSON text (pushed as a Lua string). */
static void push_table_json(lua_State *L, int idx, const char *fname)
{
    to_json t = {L, fname, {0}};
    nn_jbuf_init(&t.b);
    luaL_checktype(L, idx, LUA_TTABLE);
    write_value(&t, lua_absindex(L, idx), 0);
    if (t.b.oom)
        fail(&t, "out of memory");
    lua_pushlstring(L, t.b.data, t.b.len);
    nn_jbuf_free(&t.b);
}

/* ---------------------------------------------------------- model methods */

/* The model's name from its Lua table ("sequential", ...). */
static const char *model_name(lua_State *L, int model)
{
    lua_getfield(L, model, "name");
    const char *name = lua_tostring(L, -1);
    return name ? name : "model";
}

/* model:save(path): architecture, weights, compile settings, optimizer state. */
static int model_save(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    nn_error err;
    if (nn_model_save(m, path, model_name(L, 1), &err) != NN_OK)
        return luaL_error(L, "save: %s", err.msg);
    return 0;
}

static int model_save_weights(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    nn_error err;
    if (nn_model_save_weights(m, path, &err) != NN_OK)
        return luaL_error(L, "save_weights: %s", err.msg);
    return 0;
}

static int model_load_weights(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    nn_error err;
    if (nn_model_load_weights(m, path, &err) != NN_OK)
        return luaL_error(L, "load_weights: %s", err.msg);
    return 0;
}

/* model:get_config(): Keras's get_config(), the inner config ({name = ...,
** layers = {...}}) as Lua tables. */
static int model_get_config(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_error err;
    char *text = nn_model_to_json(m, model_name(L, 1), &err);
    if (!text)
        return luaL_error(L, "get_config: %s", err.msg);
    nn_json *v = nn_json_parse(text, strlen(text), NULL, &err);
    free(text);
    if (!v)
        return luaL_error(L, "get_config: %s", err.msg);
    luaL_checkstack(L, 4 * (MAX_DEPTH + 2), "get_config");  /* push_json then cannot fail */
    push_json(L, nn_json_get(v, "config"));
    nn_json_free(v);
    return 1;
}

/* model:to_json(): Keras's to_json(), the whole config as a JSON string. */
static int model_to_json(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_error err;
    char *text = nn_model_to_json(m, model_name(L, 1), &err);
    if (!text)
        return luaL_error(L, "to_json: %s", err.msg);
    lua_pushstring(L, text);
    free(text);
    return 1;
}

/* ------------------------------------------------------------- nn.models */

/* Wrap a model built by the core, or raise its error. */
static int push_built(lua_State *L, nn_model *m, const char *name, const char *fname,
                      const nn_error *err)
{
    if (!m)
        return luaL_error(L, "%s: %s", fname, err->msg);
    repl_model_push(L, m, name);
    return 1;
}

/* nn.models.load_model(path): compiled again when it was saved compiled. */
static int load_model(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    nn_error err;
    char name[128];
    nn_model *m = nn_model_load(path, repl_model_next_seed(L), name, sizeof name, &err);
    return push_built(L, m, name, "load_model", &err);
}

/* nn.models.save_model(model, path), as keras.models.save_model. */
static int save_model(lua_State *L)
{
    return model_save(L);
}

static int from_json_text(lua_State *L, const char *text, size_t len, const char *fname)
{
    nn_error err;
    char name[128];
    nn_model *m = nn_model_from_json(text, len, repl_model_next_seed(L), name, sizeof name,
                                     &err);
    return push_built(L, m, name, fname, &err);
}

/* nn.models.model_from_config(cfg): cfg as get_config() returns it, or the
** whole {class_name = ..., config = {...}}. */
static int model_from_config(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    push_table_json(L, 1, "model_from_config");
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    return from_json_text(L, text, len, "model_from_config");
}

static int model_from_json(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    return from_json_text(L, text, len, "model_from_json");
}

static int null_tostring(lua_State *L)
{
    lua_pushliteral(L, "nn.null");
    return 1;
}

/* help() entries: name, signature, text, example (each example runs as it stands:
** tests/lua/test_docs.lua runs them). */
static const char *const docs[][4] = {
    {"Model:save", "model:save(filepath)",
     "Saves the whole model as safetensors: the config (get_config), the weights,\n"
     "the compile settings and the optimizer's state, so that fit goes on exactly\n"
     "where it stopped. The write is atomic: a failed save leaves the old file.",
     "local model = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "local path = os.tmpname()\n"
     "model:save(path)\n"
     "local again = nn.models.load_model(path)\n"
     "os.remove(path)"},
    {"Model:save_weights", "model:save_weights(filepath)",
     "Saves the weights alone (\"dense/kernel\", \"dense/bias\", ...) as safetensors,\n"
     "which numpy, PyTorch and Python's safetensors read.",
     "local model = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "local path = os.tmpname()\n"
     "model:save_weights(path)\n"
     "os.remove(path)"},
    {"Model:load_weights", "model:load_weights(filepath)",
     "Loads weights saved by save_weights (or save) into a model of the same\n"
     "architecture: by name, else in order. A weight of another shape is refused\n"
     "with the layer's name and both shapes, and then nothing has changed.",
     "local a = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "local b = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "local path = os.tmpname()\n"
     "a:save_weights(path)\n"
     "b:load_weights(path)\n"
     "os.remove(path)"},
    {"Model:get_config", "model:get_config()",
     "The architecture as tables, as Keras's get_config(): {name = ..., layers =\n"
     "{{class_name = \"Dense\", config = {units = 2, ...}}, ...}}. A JSON null in a\n"
     "list is nn.null. nn.models.model_from_config builds the model again.",
     "local cfg = nn.Sequential{nn.Dense{2, input_dim = 3}}:get_config()\n"
     "print(cfg.layers[2].class_name, cfg.layers[2].config.units)"},
    {"Model:to_json", "model:to_json()",
     "The architecture as JSON text, as Keras's to_json(): {\"class_name\":\n"
     "\"Sequential\", \"config\": {...}}. nn.models.model_from_json reads it back.",
     "print(nn.Sequential{nn.Dense{2, input_dim = 3}}:to_json())"},
    {"nn.models.load_model", "nn.models.load_model(filepath)",
     "A model saved by model:save, compiled as it was and with its optimizer's\n"
     "state. A damaged file, or one whose weights do not fit its config, is\n"
     "refused with the reason; loading never runs code.",
     "local path = os.tmpname()\n"
     "nn.Sequential{nn.Dense{2, input_dim = 3}, name = \"mine\"}:save(path)\n"
     "local model = nn.models.load_model(path)\n"
     "print(model.name)\n"
     "os.remove(path)"},
    {"nn.models.save_model", "nn.models.save_model(model, filepath)",
     "The same as model:save(filepath).",
     "local path = os.tmpname()\n"
     "nn.models.save_model(nn.Sequential{nn.Dense{2, input_dim = 3}}, path)\n"
     "os.remove(path)"},
    {"nn.models.model_from_config", "nn.models.model_from_config(config)",
     "A new model, with fresh weights, from a config table: what get_config\n"
     "returns, or Keras's whole form {class_name = \"Sequential\", config = {...}}.",
     "local cfg = nn.Sequential{nn.Dense{2, input_dim = 3}}:get_config()\n"
     "cfg.layers[2].config.units = 5\n"
     "local wider = nn.models.model_from_config(cfg)"},
    {"nn.models.model_from_json", "nn.models.model_from_json(json)",
     "A new model, with fresh weights, from the text of model:to_json().",
     "local text = nn.Sequential{nn.Dense{2, input_dim = 3}}:to_json()\n"
     "local twin = nn.models.model_from_json(text)"},
    {"nn.null", "nn.null",
     "JSON's null where get_config needs a value in a list (batch_input_shape =\n"
     "{nn.null, 784}: any batch size). model_from_config writes it back as null.",
     "print(nn.Sequential{nn.Dense{2, input_dim = 3}}:get_config().layers[1].config"
     ".batch_input_shape[1] == nn.null)"},
};

static void register_docs(lua_State *L, int nn)
{
    luaL_getmetatable(L, "nn.Model");
    lua_getfield(L, -1, "__methods");
    lua_getfield(L, nn, "models");
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        const char *name = docs[i][0];
        if (strncmp(name, "Model:", 6) == 0)
            lua_getfield(L, -2, name + 6);
        else if (strncmp(name, "nn.models.", 10) == 0)
            lua_getfield(L, -1, name + 10);
        else
            lua_getfield(L, nn, name + 3);
        repl_doc(L, -1, name, docs[i][1], docs[i][2], docs[i][3]);
        lua_pop(L, 1);
    }
    lua_pop(L, 3);
}

void repl_open_save(lua_State *L, int nn)
{
    luaL_newmetatable(L, NULL_MT);
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_newuserdatauv(L, 0, 0);
    luaL_setmetatable(L, NULL_MT);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, NULL_MT ".value");
    lua_setfield(L, nn, "null");

    static const luaL_Reg methods[] = {
        {"save", model_save},
        {"save_weights", model_save_weights},
        {"load_weights", model_load_weights},
        {"get_config", model_get_config},
        {"to_json", model_to_json},
        {NULL, NULL},
    };
    luaL_getmetatable(L, "nn.Model");
    lua_getfield(L, -1, "__methods");
    luaL_setfuncs(L, methods, 0);
    lua_pop(L, 2);

    static const luaL_Reg models[] = {
        {"load_model", load_model},
        {"save_model", save_model},
        {"model_from_config", model_from_config},
        {"model_from_json", model_from_json},
        {NULL, NULL},
    };
    if (lua_getfield(L, nn, "models") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, nn, "models");
    }
    luaL_setfuncs(L, models, 0);
    lua_pop(L, 1);
    register_docs(L, nn);
}
