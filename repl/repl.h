/* repl/repl.h — what the nnscope program offers the rest of repl/ and the window:
** command-line settings, Ctrl-C, the idle hook, printing above the prompt, and
** the documentation registry behind help().
**
** Everything here runs on the one thread that runs Lua, SDL and readline. */
#ifndef REPL_REPL_H
#define REPL_REPL_H

#include <lua.h>

/* ---------------------------------------------------------------- settings */

/* Non-zero when no window may open: --headless was given, or neither DISPLAY
** nor WAYLAND_DISPLAY is set. Snapshots to files still work when headless. */
int repl_headless(void);

/* Non-zero with --debug: errors print with a Lua traceback. */
int repl_debug(void);

/* The value of --lesson N (as typed), or NULL when not given. */
const char *repl_lesson(void);

/* Non-zero with --auto (run a lesson without waiting for the learner). */
int repl_auto(void);

/* The value of --lang (e.g. "en", "zh"), or NULL when not given. */
const char *repl_lang(void);

/* ------------------------------------------------------------------ Ctrl-C */

/* Non-zero once Ctrl-C was pressed and nobody has handled it yet. Long C loops
** (fit, evaluate, timeit) poll this, stop cleanly, then call
** repl_clear_interrupt(). Lua code is stopped by a hook raising "interrupted!"
** unless C code cleared the flag first. */
int repl_interrupted(void);
void repl_clear_interrupt(void);

/* Non-zero while a command (a REPL line, a script, -e code) is running. */
int repl_busy(void);

/* -------------------------------------------------------------- the window */

/* Set the function called while the REPL waits for input (every ~16 ms) and,
** at most that often, while Lua code runs; the window pumps its events and
** redraws there. fn = NULL removes it. `ud` is passed back unchanged. */
void repl_set_idle_hook(void (*fn)(void *ud), void *ud);

/* Print a line (or lines; a final newline is added) for the learner without
** breaking the edit line: above the prompt when the REPL waits for input,
** plainly on stdout while a command runs. */
void repl_print_above(const char *msg);

/* ---------------------------------------------------------- documentation */

/* Register documentation for help(). The value at stack index `obj_index`
** (a function, a table, or a userdata; 0 for none) and `name` (e.g.
** "nn.Dense", "Model:fit") both find the entry; help("Dense") and help("fit")
** also find it by the part after the last '.' or ':' when no other entry took
** that short name first. `signature`, `text`, `example` may be NULL. Strings
** are copied. The stack is left as it was. Raises a Lua error only when out of
** memory. From Lua: __doc(obj, {name=, signature=, text=, example=}). */
void repl_doc(lua_State *L, int obj_index, const char *name, const char *signature,
              const char *text, const char *example);

#endif
