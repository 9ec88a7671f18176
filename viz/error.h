/* viz/error.h — the window's error message.
**
** viz calls that can fail return -1 (or NULL) and leave a message here for the
** caller to read with viz_error(); nothing in viz prints, exits or aborts. The
** message is one per process, like SDL_GetError, overwritten by the next
** failure.
*/
#ifndef VIZ_ERROR_H
#define VIZ_ERROR_H

/* The message of the last failure ("" when none since viz_error_clear). */
const char *viz_error(void);

/* Set the message printf-style; returns -1 so a caller can write
** `return viz_fail("...", ...);`. */
int viz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void viz_error_clear(void);

#endif
