/* repl/settings.c — the command-line settings other code reads. */
#include "shell.h"

#include <stdlib.h>

static int headless_flag;
static int debug_flag;
static int auto_flag;
static const char *lesson_arg;
static const char *lang_arg;

void repl_set_headless(int on) { headless_flag = on; }
void repl_set_debug(int on) { debug_flag = on; }
void repl_set_lesson(const char *n) { lesson_arg = n; }
void repl_set_auto(int on) { auto_flag = on; }
void repl_set_lang(const char *lang) { lang_arg = lang; }

int repl_debug(void) { return debug_flag; }
const char *repl_lesson(void) { return lesson_arg; }
int repl_auto(void) { return auto_flag; }
const char *repl_lang(void) { return lang_arg; }

static int has_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

int repl_headless(void)
{
    return headless_flag || (!has_value("DISPLAY") && !has_value("WAYLAND_DISPLAY"));
}
