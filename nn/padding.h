/* nn/padding.h — "valid" and "same" padding of windowed layers (Conv2D, pooling).
**
** Along one axis of size n with window k and stride s (TensorFlow's arithmetic):
**   valid: out = floor((n - k) / s) + 1, no padding (no output when n < k)
**   same:  out = ceil(n / s); pad_total = max((out - 1) s + k - n, 0),
**          pad_before = pad_total / 2 (the extra one, if any, goes after)
*/
#ifndef NN_PADDING_H
#define NN_PADDING_H

#include "error.h"

typedef enum { NN_PADDING_VALID, NN_PADDING_SAME } nn_padding;

/* Look up "valid" or "same" (Keras's names); NN_EARG lists both otherwise. */
nn_status nn_padding_parse(const char *name, nn_padding *out, nn_error *err);

/* "valid" or "same". */
const char *nn_padding_name(nn_padding p);

/* The output size along one axis (0 when the window does not fit), and the
** padding before the first element into *pad_before (may be NULL). */
int nn_padding_out_size(int n, int k, int stride, nn_padding p, int *pad_before);

/* Where a 2-D window slides over a (h, w, c) sample, channels-last: output pixel
** (oh, ow) reads input rows oh * sh - pad_top + i (0 <= i < kh) and columns
** ow * sw - pad_left + j (0 <= j < kw); positions outside the input are padding. */
typedef struct nn_window {
    int h, w, c;            /* input, per sample */
    int kh, kw;             /* window */
    int sh, sw;             /* strides */
    int pad_top, pad_left;
    int oh, ow;             /* output */
} nn_window;

/* Fill *g; returns 0 when the window leaves no output (oh or ow would be 0), else 1. */
int nn_window_init(nn_window *g, int h, int w, int c, int kh, int kw, int sh, int sw,
                   nn_padding p);

#endif
