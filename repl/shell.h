/* repl/shell.h — the parts of the nnscope program that talk to each other:
** settings (settings.c), running Lua code safely (run.c), the interactive loop
** (loop.c), pretty printing (show.c), completion and name suggestions
** (complete.c), help and timeit (help.c, topics.c), and a text builder (text.c).
** Other modules use repl.h only. */
#ifndef REPL_SHELL_H
#define REPL_SHELL_H

#include <lua.h>
#include <stddef.h>

#include "repl.h"

/* ---------------------------------------------------------------- settings */

void repl_set_headless(int on);
void repl_set_debug(int on);
void repl_set_lesson(const char *n);    /* the string must outlive the program (argv) */
void repl_set_auto(int on);
void repl_set_lang(const char *lang);   /* likewise */

/* ------------------------------------------------------------- running code */

/* Install the SIGINT handler that only sets the interrupt flag (and, while Lua
** runs in L, a hook that raises "interrupted!" at the next safe point). */
void repl_signals_install(lua_State *L);

/* Call the function below `narg` arguments on top of L's stack, as lua_pcall
** with a message handler: the error is the message (with a "did you mean"
** hint when one helps), plus a traceback with --debug. Marks the program busy
** meanwhile and lets Ctrl-C stop Lua code. Returns the lua_pcall status. */
int repl_docall(lua_State *L, int narg, int nres);

/* When status is not LUA_OK, print the error on top of the stack to stderr,
** prefixed by "nnscope: " when `prefixed`, and pop it. Returns status. */
int repl_report(lua_State *L, int status, int prefixed);

/* Call the idle hook if one is set and at least ~16 ms passed since the last
** call (or always when `force`). Never re-entered. */
void repl_idle(int force);

/* -------------------------------------------------------- interactive loop */

/* Make stdin fit for line-by-line reading by the loop; call before anything
** reads stdin when the loop will run and stdin is not a terminal. */
void repl_prepare_stdin(void);

/* Read, run and print until end of input: GNU readline (callback interface,
** history, completion) when stdin is a terminal, plain lines otherwise. */
void repl_loop(lua_State *L);

/* What repl_read_line gave. */
enum { REPL_READ_EOF, REPL_READ_LINE, REPL_READ_INTERRUPTED, REPL_READ_WOKEN };

/* Read one line the way the loop reads its own (readline on a terminal, the
** window kept alive while waiting), for the lesson runner's pause() and try().
** The prompt is shown (also without a terminal). REPL_READ_LINE: *line is the
** line without its newline, malloc'd, the caller frees it (a terminal keeps it
** in the history). REPL_READ_EOF: end of input. REPL_READ_INTERRUPTED: Ctrl-C
** (the flag is cleared). REPL_READ_WOKEN: `wake` (checked every ~16 ms; may be
** NULL) returned non-zero before a line came. *line is NULL unless a line came. */
int repl_read_line(lua_State *L, const char *prompt, char **line, int (*wake)(void));

/* ---------------------------------------------------------------- printing */

/* Push the text the REPL prints for the value at idx: strings as they are,
** tables abbreviated ({1, 2, 3, ... (100 items)}, {a = 1, b = "x"}), other
** values through tostring. May raise an error from a __tostring. */
void repl_show_push(lua_State *L, int idx);

/* Print the `n` values from stack index `first` as the REPL does, separated
** by tabs, on stdout; an error in a __tostring is reported, not raised. */
void repl_print_values(lua_State *L, int first, int n);

/* Sets the hidden global __show(v) -> the text the REPL would print. */
void repl_open_show(lua_State *L);

/* -------------------------------------------------- completion, suggestions */

/* Completion of the word that ends at byte `cursor` of `line`: globals and
** keywords, fields after '.', methods after ':' (walking metatables' __index
** tables and __methods tables; no function is called). Pushes a sorted Lua
** array of whole replacement words (e.g. "model:fit") and returns the byte
** offset where the word starts. Pushes an empty array inside strings and
** comments. */
size_t repl_complete(lua_State *L, const char *line, size_t cursor);

/* Sets the hidden global __complete(line [, cursor]) -> candidates, start
** (start 1-based; cursor defaults to the end of the line). */
void repl_open_complete(lua_State *L);

/* Push the field `key` of the value at idx as Lua would find it through
** tables, __methods tables and __index tables, calling no function (no
** __index function, no getter); pushes nil when it cannot be found that way. */
void repl_push_field(lua_State *L, int idx, const char *key);

/* Push the value a path of names names, "nn.layers.Dense" or "model:fit"
** (path[0..len), from the globals, through repl_push_field), or nil. */
void repl_push_path(lua_State *L, const char *path, size_t len);

/* Push a sorted array of the names reachable from the value at idx with '.'
** (or with ':', only functions, when `methods_only`), "__" names left out. */
void repl_push_names(lua_State *L, int idx, int methods_only);

/* Levenshtein distance between two short strings (99 when either is longer
** than 63 bytes). */
int repl_edit_distance(const char *a, const char *b);

/* The closest known name to `word`, pushed as a string (returns 1), or nothing
** pushed (returns 0) when none is close. kind 'g': globals; 'f': fields and
** methods reachable from the globals and the registered metatables. */
int repl_push_suggestion(lua_State *L, const char *word, int kind);

/* ---------------------------------------------------------- help and timeit */

/* Sets the globals help, timeit and __doc, and the hidden __help_text(x),
** and documents them. */
void repl_open_help(lua_State *L);

typedef struct repl_topic {
    const char *name;
    const char *aliases;    /* space-separated other names, or "" */
    const char *title;      /* one line */
    const char *text;
} repl_topic;

extern const repl_topic repl_topics[];  /* ends with a NULL name */
extern const char repl_tour[];

/* ------------------------------------------------------------------ lessons */

/* Load the lesson library (lessons/lib.lua, found like data/iris.csv: next to
** the program's data/ directory or under $NNSCOPE_HOME): the globals say,
** pause, check, try, quick, tr, lesson and lessons. When lessons/ cannot be
** found, lesson() and lessons() say so and where they looked. Never fails. */
void repl_open_lessons(lua_State *L);

/* Run lesson `n` (--lesson N; the text as typed) with lesson(n), reporting its
** errors. Returns 1 when it ran to the end, with every checkpoint passed in
** --auto mode; 0 otherwise (unknown lesson, an error, a failed checkpoint). */
int repl_run_lesson(lua_State *L, const char *n);

/* ------------------------------------------------------------ text builder */

/* Builds a string from pieces kept in a Lua table at a fixed stack slot, so
** building is safe to mix with other stack use and leaks nothing on errors. */
typedef struct repl_text {
    lua_State *L;
    int parts;      /* absolute index of the table of pieces */
    int n;          /* pieces */
    size_t len;     /* bytes */
} repl_text;

void repl_text_begin(lua_State *L, repl_text *t);      /* pushes the table */
void repl_text_add(repl_text *t, const char *s);
void repl_text_addlen(repl_text *t, const char *s, size_t len);
void repl_text_addf(repl_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void repl_text_addvalue(repl_text *t);      /* pops the string on top of the stack */
size_t repl_text_len(const repl_text *t);   /* bytes added so far */
void repl_text_end(repl_text *t);           /* replaces the table by the joined string */

#endif
