/* nn/padding.c — output sizes and padding of windowed layers. */
#include "padding.h"

#include <string.h>

nn_status nn_padding_parse(const char *name, nn_padding *out, nn_error *err)
{
    if (name && strcmp(name, "valid") == 0) {
        *out = NN_PADDING_VALID;
        return NN_OK;
    }
    if (name && strcmp(name, "same") == 0) {
        *out = NN_PADDING_SAME;
        return NN_OK;
    }
    return nn_error_set(err, NN_EARG, "unknown padding '%s' (known: valid, same)",
                        name ? name : "(null)");
}

const char *nn_padding_name(nn_padding p)
{
    return p == NN_PADDING_SAME ? "same" : "valid";
}

int nn_padding_out_size(int n, int k, int stride, nn_padding p, int *pad_before)
{
    int out, before = 0;
    if (p == NN_PADDING_SAME) {
        out = (n + stride - 1) / stride;
        int total = (out - 1) * stride + k - n;
        before = total > 0 ? total / 2 : 0;
    } else {
        out = n >= k ? (n - k) / stride + 1 : 0;
    }
    if (pad_before)
        *pad_before = before;
    return out;
}

int nn_window_init(nn_window *g, int h, int w, int c, int kh, int kw, int sh, int sw,
                   nn_padding p)
{
    g->h = h;
    g->w = w;
    g->c = c;
    g->kh = kh;
    g->kw = kw;
    g->sh = sh;
    g->sw = sw;
    g->oh = nn_padding_out_size(h, kh, sh, p, &g->pad_top);
    g->ow = nn_padding_out_size(w, kw, sw, p, &g->pad_left);
    return g->oh > 0 && g->ow > 0;
}
