/* nn/error.h — status codes and the error record every fallible nn_ call fills.
**
** A call that can fail returns an nn_status (NN_OK == 0) and, when it fails,
** writes a human-readable message into the nn_error the caller passed. The
** message names the layer and the shapes involved where that applies. `err`
** may be NULL when the caller does not want the message.
*/
#ifndef NN_ERROR_H
#define NN_ERROR_H

typedef enum {
    NN_OK = 0,
    NN_ESHAPE,      /* shapes do not fit together */
    NN_EARG,        /* a bad argument value (unknown name, out of range) */
    NN_ENOMEM,      /* an allocation failed or a size overflowed */
    NN_EIO,         /* a file could not be opened, read or written */
    NN_EFORMAT,     /* a file's contents are not what they claim */
    NN_ESTATE,      /* a call made in the wrong state (fit before compile) */
    NN_ENAN,        /* a NaN or Inf appeared in the loss */
    NN_ESTOP        /* a callback asked to stop (not a failure of the core) */
} nn_status;

typedef struct nn_error {
    nn_status code;
    char msg[512];
} nn_error;

/* Fill `err` (if not NULL) with `code` and a printf-style message; returns `code`
** so a caller can write `return nn_error_set(err, NN_ESHAPE, "...", ...);`. */
nn_status nn_error_set(nn_error *err, nn_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset `err` to NN_OK with an empty message. */
void nn_error_clear(nn_error *err);

/* A short name for a status code ("shape mismatch", "out of memory", ...). */
const char *nn_status_name(nn_status code);

#endif
