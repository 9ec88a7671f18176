/* nn/error.c — the error record. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

nn_status nn_error_set(nn_error *err, nn_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void nn_error_clear(nn_error *err)
{
    if (err) {
        err->code = NN_OK;
        err->msg[0] = '\0';
    }
}

const char *nn_status_name(nn_status code)
{
    switch (code) {
    case NN_OK:      return "ok";
    case NN_ESHAPE:  return "shape mismatch";
    case NN_EARG:    return "bad argument";
    case NN_ENOMEM:  return "out of memory";
    case NN_EIO:     return "i/o error";
    case NN_EFORMAT: return "bad file format";
    case NN_ESTATE:  return "wrong state";
    case NN_ENAN:    return "not a number";
    case NN_ESTOP:   return "stopped";
    }
    return "unknown error";
}
