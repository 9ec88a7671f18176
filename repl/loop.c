/* repl/loop.c — the interactive loop, as lua.c does it: try "return " .. line
** first so "1+1" prints 2, ask for more lines while the chunk ends too early,
** run under lua_pcall, print results, go on after errors.
**
** On a terminal, input goes through GNU readline's callback interface, driven
** by poll() on stdin with a ~16 ms timeout so the window (the idle hook) keeps
** running while the learner thinks. Otherwise lines are read plainly. */
#include "shell.h"

#include <errno.h>
#include <lauxlib.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define PROMPT "> "
#define PROMPT_MORE ">> "
#define POLL_MS 16
#define HISTORY_FILE ".nnscope_history"
#define HISTORY_MAX 1000
#define EOF_MARK "<eof>"

/* What reading a line gave. */
enum { READ_EOF, READ_LINE, READ_INTERRUPTED, READ_WOKEN };

static lua_State *loop_L;           /* for completion */
static int use_readline;            /* stdin is a terminal */
static int reading;                 /* readline's handler is installed */
static char *history_path;
static char *got_line;
static int got;                     /* READ_LINE or READ_EOF once the handler ran */
static int setup_done;              /* readline_setup has run */
static int (*wake_fn)(void);        /* repl_read_line's: stop waiting when it says so */

/* ------------------------------------------------------------------ history */

static void history_open(void)
{
    const char *home = getenv("HOME");
    const char *off = getenv("NNSCOPE_NO_HISTORY");
    stifle_history(HISTORY_MAX);
    history_comment_char = '#';     /* a multi-line chunk stays one entry in the file, */
    history_write_timestamps = 1;   /* between two "#<time>" lines */
    history_multiline_entries = 1;
    if ((off && *off) || !home || !*home)
        return;
    size_t n = strlen(home) + sizeof HISTORY_FILE + 1;
    history_path = malloc(n);
    if (!history_path)
        return;
    snprintf(history_path, n, "%s/%s", home, HISTORY_FILE);
    if (read_history(history_path) != 0)
        write_history(history_path);        /* creates it, so appends work */
}

static void history_save(const char *chunk)
{
    if (!use_readline || !*chunk)
        return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1)
                                          : NULL;
    if (last && strcmp(last->line, chunk) == 0)
        return;
    add_history(chunk);
    if (history_path)
        append_history(1, history_path);
}

static void history_close(void)
{
    if (history_path)
        history_truncate_file(history_path, HISTORY_MAX);
    free(history_path);
    history_path = NULL;
}

/* --------------------------------------------------------------- completion */

static char **matches;      /* candidates of the current completion */
static int n_matches;

static char *next_match(const char *text, int state)
{
    static int i;
    (void)text;
    if (state == 0)
        i = 0;
    return i < n_matches ? strdup(matches[i++]) : NULL;
}

static void free_matches(void)
{
    for (int i = 0; i < n_matches; i++)
        free(matches[i]);
    free(matches);
    matches = NULL;
    n_matches = 0;
}

/* Runs under lua_pcall: args line, cursor; returns candidates, start. */
static int complete_call(lua_State *L)
{
    size_t len;
    const char *line = lua_tolstring(L, 1, &len);
    size_t start = repl_complete(L, line, (size_t)lua_tointeger(L, 2));
    lua_pushinteger(L, (lua_Integer)start);
    return 2;
}

/* readline's text is rl_line_buffer[start..end); our candidates replace the
** word from `ws`: cut or extend them so they replace readline's text. */
static char **attempt_completion(const char *text, int start, int end)
{
    lua_State *L = loop_L;
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0';
    free_matches();
    lua_pushcfunction(L, complete_call);
    lua_pushstring(L, rl_line_buffer);
    lua_pushinteger(L, end);
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
        lua_pop(L, 1);
        return NULL;
    }
    int ws = (int)lua_tointeger(L, -1);
    int n = (int)lua_rawlen(L, -2);
    matches = calloc((size_t)(n ? n : 1), sizeof *matches);
    for (int i = 1; matches && i <= n; i++) {
        lua_rawgeti(L, -2, i);
        const char *c = lua_tostring(L, -1);
        size_t clen = strlen(c);
        char *m = NULL;
        if (ws <= start && (size_t)(start - ws) <= clen) {
            m = strdup(c + (start - ws));
        } else if (ws > start) {
            m = malloc((size_t)(ws - start) + clen + 1);
            if (m) {
                memcpy(m, rl_line_buffer + start, (size_t)(ws - start));
                memcpy(m + (ws - start), c, clen + 1);
            }
        }
        if (m)
            matches[n_matches++] = m;
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return n_matches ? rl_completion_matches(text, next_match) : NULL;
}

/* ------------------------------------------------------------ reading lines */

static void on_line(char *line)
{
    rl_callback_handler_remove();   /* no prompt until the command has run */
    reading = 0;
    got_line = line;
    got = line ? READ_LINE : READ_EOF;
}

/* Ctrl-C at the prompt: show ^C after what was typed and drop it; the caller
** shows a new prompt. ^C is written before the handler goes, as leaving
** readline's terminal mode ends with a carriage return (bracketed paste). */
static void cancel_line(void)
{
    rl_point = rl_end;
    rl_redisplay();
    fputs("^C\n", rl_outstream);
    fflush(rl_outstream);
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    rl_callback_handler_remove();
    reading = 0;
}

/* The window answered instead of the keyboard: end the edit line as Enter would. */
static void drop_line(void)
{
    rl_point = rl_end;
    rl_redisplay();
    fputc('\n', rl_outstream);
    fflush(rl_outstream);
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    rl_callback_handler_remove();
    reading = 0;
}

/* Wait for stdin while keeping the idle hook running; returns poll's answer
** (1 readable, 0 timeout, -1 error or signal). */
static int wait_input(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int n = poll(&p, 1, POLL_MS);
    repl_idle(0);
    return n;
}

static int read_line_readline(const char *prompt, char **line)
{
    got = -1;
    got_line = NULL;
    rl_callback_handler_install(prompt, on_line);
    reading = 1;
    while (got < 0) {
        if (repl_interrupted()) {
            repl_clear_interrupt();
            cancel_line();
            return READ_INTERRUPTED;
        }
        if (wake_fn && wake_fn()) {
            drop_line();
            return READ_WOKEN;
        }
        int n = wait_input();
        if (n > 0) {
            rl_callback_read_char();
        } else if (n < 0 && errno != EINTR) {
            rl_callback_handler_remove();
            reading = 0;
            return READ_EOF;
        }
    }
    *line = got_line;
    return got;
}

/* Without a terminal: lines from stdin (unbuffered, see repl_prepare_stdin, so
** poll() tells the truth), with the idle hook running while none comes. */
static int read_line_plain(char **line)
{
    static char *buf;
    static size_t cap;
    for (;;) {
        if (repl_interrupted()) {
            repl_clear_interrupt();
            return READ_INTERRUPTED;
        }
        if (wake_fn && wake_fn())
            return READ_WOKEN;
        int n = wait_input();
        if (n < 0 && errno != EINTR)
            return READ_EOF;
        if (n <= 0)
            continue;
        errno = 0;
        ssize_t len = getline(&buf, &cap, stdin);
        if (len < 0) {
            if (errno == EINTR && !feof(stdin)) {
                clearerr(stdin);
                continue;
            }
            free(buf);
            buf = NULL;
            cap = 0;
            return READ_EOF;
        }
        if (len > 0 && buf[len - 1] == '\n')
            buf[--len] = '\0';
        *line = strdup(buf);
        return *line ? READ_LINE : READ_EOF;
    }
}

void repl_prepare_stdin(void)
{
    if (!isatty(STDIN_FILENO))
        setvbuf(stdin, NULL, _IONBF, 0);
}

/* ------------------------------------------------------------- the chunks */

static int incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX)
        return 0;
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    size_t mark = sizeof EOF_MARK - 1;
    return len >= mark && strcmp(msg + len - mark, EOF_MARK) == 0;
}

/* Run the function on top of the stack and print what it returns. */
static void run_and_print(lua_State *L)
{
    int base = lua_gettop(L) - 1;
    int status = repl_docall(L, 0, LUA_MULTRET);
    fflush(stdout);
    if (status == LUA_OK) {
        int n = lua_gettop(L) - base;
        if (n > 0)
            repl_print_values(L, base + 1, n);
    } else {
        repl_report(L, status, 0);
    }
    lua_settop(L, base);
}

/* Feed one line. The lines of an unfinished chunk are kept in *chunk (a
** malloc'd string, NULL when none); returns 1 while the chunk wants more. */
static int feed_line(lua_State *L, char **chunk, const char *line)
{
    if (!*chunk) {
        lua_pushfstring(L, "return %s", line);
        int status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin");
        lua_remove(L, -2);
        if (status == LUA_OK) {
            history_save(line);
            run_and_print(L);
            return 0;
        }
        lua_pop(L, 1);
        *chunk = strdup(line);
    } else {
        size_t a = strlen(*chunk), b = strlen(line);
        char *more = realloc(*chunk, a + b + 2);
        if (more) {
            more[a] = '\n';
            memcpy(more + a + 1, line, b + 1);
            *chunk = more;
        }
    }
    if (!*chunk)
        return 0;
    int status = luaL_loadbuffer(L, *chunk, strlen(*chunk), "=stdin");
    if (incomplete(L, status)) {
        lua_pop(L, 1);
        return 1;
    }
    history_save(*chunk);
    free(*chunk);
    *chunk = NULL;
    if (status == LUA_OK)
        run_and_print(L);
    else
        repl_report(L, status, 0);
    return 0;
}

/* End of input in the middle of a chunk: report its syntax error. */
static void finish_chunk(lua_State *L, char **chunk)
{
    if (!*chunk)
        return;
    int status = luaL_loadbuffer(L, *chunk, strlen(*chunk), "=stdin");
    if (status == LUA_OK)
        lua_pop(L, 1);
    else
        repl_report(L, status, 0);
    free(*chunk);
    *chunk = NULL;
}

/* ------------------------------------------------------------------ the loop */

static void readline_setup(lua_State *L)
{
    if (setup_done)
        return;
    setup_done = 1;
    rl_readline_name = "nnscope";
    rl_catch_signals = 0;           /* our SIGINT handler only sets a flag */
    rl_attempted_completion_function = attempt_completion;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,)}[]+-*/%^~#";
    rl_completer_word_break_characters = rl_basic_word_break_characters;
    loop_L = L;
    history_open();
}

void repl_loop(lua_State *L)
{
    char *chunk = NULL;
    use_readline = isatty(STDIN_FILENO);
    if (use_readline)
        readline_setup(L);
    for (;;) {
        char *line = NULL;
        int r = use_readline ? read_line_readline(chunk ? PROMPT_MORE : PROMPT, &line)
                             : read_line_plain(&line);
        if (r == READ_EOF)
            break;
        if (r == READ_INTERRUPTED || r == READ_WOKEN) {
            free(chunk);
            chunk = NULL;
            continue;
        }
        feed_line(L, &chunk, line);
        free(line);
    }
    finish_chunk(L, &chunk);
    if (use_readline) {
        fputc('\n', stdout);
        history_close();
        free_matches();
        setup_done = 0;
    }
    fflush(stdout);
}

int repl_read_line(lua_State *L, const char *prompt, char **line, int (*wake)(void))
{
    static const int result[] = {
        [READ_EOF] = REPL_READ_EOF, [READ_LINE] = REPL_READ_LINE,
        [READ_INTERRUPTED] = REPL_READ_INTERRUPTED, [READ_WOKEN] = REPL_READ_WOKEN,
    };
    *line = NULL;
    use_readline = isatty(STDIN_FILENO);
    if (use_readline) {
        readline_setup(L);
    } else {
        fputs(prompt, stdout);
        fflush(stdout);
    }
    wake_fn = wake;
    int r = use_readline ? read_line_readline(prompt, line) : read_line_plain(line);
    wake_fn = NULL;
    if (r == READ_LINE)
        history_save(*line);
    if (!use_readline && r != READ_LINE)
        fputc('\n', stdout);
    return result[r];
}

/* ----------------------------------------------------------- the window's */

void repl_print_above(const char *msg)
{
    size_t len = strlen(msg);
    const char *nl = len > 0 && msg[len - 1] == '\n' ? "" : "\n";
    if (!reading || repl_busy()) {
        fflush(stdout);
        printf("%s%s", msg, nl);
        fflush(stdout);
        return;
    }
    int point = rl_point;
    char *saved = rl_copy_text(0, rl_end);
    rl_save_prompt();
    rl_replace_line("", 0);
    rl_redisplay();
    fprintf(rl_outstream, "%s%s", msg, nl);
    fflush(rl_outstream);
    rl_restore_prompt();
    rl_replace_line(saved ? saved : "", 0);
    rl_point = point;
    rl_on_new_line();
    rl_redisplay();
    free(saved);
}
