/* viz/error.c — the window's error message. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static char message[512];

const char *viz_error(void)
{
    return message;
}

int viz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return -1;
}

void viz_error_clear(void)
{
    message[0] = '\0';
}
