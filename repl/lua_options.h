/* repl/lua_options.h — reading Keras-style keyword arguments from a Lua table.
**
** Every binding takes its options as one table. These helpers read a field with
** a default, raise an error naming the field when its type is wrong, and refuse
** unknown names with a suggestion ("fit: unknown option 'epoch' (did you mean
** 'epochs'?)"). `idx` is the table's stack index; an absent table (nil/none) is
** read as empty. */
#ifndef REPL_LUA_OPTIONS_H
#define REPL_LUA_OPTIONS_H

#include <lua.h>

/* Raise an error if the table at idx has a string key not in `known` (NULL-
** terminated); integer keys 1..n are allowed when `positional` > 0 (up to n). */
void repl_check_options(lua_State *L, int idx, const char *fname, const char *const *known,
                        int positional);

lua_Integer repl_opt_integer(lua_State *L, int idx, const char *fname, const char *key,
                             lua_Integer def);
lua_Number  repl_opt_number(lua_State *L, int idx, const char *fname, const char *key,
                            lua_Number def);
int         repl_opt_boolean(lua_State *L, int idx, const char *fname, const char *key, int def);
/* The string is valid while the table is on the stack. */
const char *repl_opt_string(lua_State *L, int idx, const char *fname, const char *key,
                            const char *def);

/* The known name closest to `name` by edit distance, or NULL if none is close. */
const char *repl_closest_name(const char *name, const char *const *known);

#endif
