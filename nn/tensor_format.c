/* nn/tensor_format.c — numpy-style text of a tensor (nn_tensor_format). */
#include "tensor.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "tensor("
#define LINE_WIDTH 75           /* numpy's default linewidth */
#define SUMMARY_THRESHOLD 1000  /* numpy's threshold: more elements are summarised */
#define EDGE_ITEMS 3            /* shown at each end of a summarised axis */
#define MAX_SHOWN 1296          /* (2 * EDGE_ITEMS)^NN_MAX_DIMS, above the threshold */
#define ELEM_LEN 24             /* longest element text, "-3.403e+38" and the like */

/* ------------------------------------------------------------ text buffer */

typedef struct text {
    char *s;
    size_t len, cap;
    size_t line_start;          /* where the current line begins */
    int failed;
} text;

static void put_n(text *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            b->line_start = b->len - n + i + 1;
}

static void put(text *b, const char *s) { put_n(b, s, strlen(s)); }

static void put_spaces(text *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_n(b, " ", 1);
}

static size_t column(const text *b) { return b->len - b->line_start; }

/* ------------------------------------------------------- shown elements */

/* The entries of an axis of length n that are shown: all of them, or the first
** and last EDGE_ITEMS with a gap (-1) between. Returns the count written. */
static int shown_entries(int n, int summarise, int *out)
{
    if (!summarise || n <= 2 * EDGE_ITEMS) {
        for (int i = 0; i < n; i++)
            out[i] = i;
        return n;
    }
    int k = 0;
    for (int i = 0; i < EDGE_ITEMS; i++)
        out[k++] = i;
    out[k++] = -1;
    for (int i = n - EDGE_ITEMS; i < n; i++)
        out[k++] = i;
    return k;
}

/* Flat offsets of the shown elements, in printing order. */
static void collect(const nn_tensor *t, int summarise, int depth, size_t base, size_t stride,
                    size_t *offs, int *count)
{
    int entries[2 * EDGE_ITEMS + 1 + SUMMARY_THRESHOLD];
    int n = shown_entries(t->shape[depth], summarise, entries);
    size_t inner = stride / (size_t)t->shape[depth];
    for (int i = 0; i < n; i++) {
        if (entries[i] < 0)
            continue;
        size_t at = base + (size_t)entries[i] * inner;
        if (depth == t->ndim - 1 || depth + 1 >= NN_MAX_DIMS)
            offs[(*count)++] = at;
        else
            collect(t, summarise, depth + 1, at, inner, offs, count);
    }
}

/* ------------------------------------------------------- number formats */

typedef enum { FMT_UINT, FMT_WHOLE, FMT_FIXED, FMT_SCI } number_format;

/* One format for every shown element, as numpy chooses one per array. */
static number_format choose_format(const nn_tensor *t, const size_t *offs, int n,
                                   int *decimals)
{
    if (t->dtype == NN_U8)
        return FMT_UINT;
    double maxabs = 0.0, minnz = INFINITY;
    int whole = 1;
    for (int i = 0; i < n; i++) {
        double v = nn_tensor_get(t, offs[i]);
        if (!isfinite(v))
            continue;
        double a = fabs(v);
        if (a > maxabs)
            maxabs = a;
        if (a > 0.0 && a < minnz)
            minnz = a;
        if (v != floor(v))
            whole = 0;
    }
    if (whole && maxabs < 1e8)
        return FMT_WHOLE;
    if (maxabs >= 1e5 || minnz < 1e-3 || maxabs / minnz >= 1e3)
        return FMT_SCI;
    int e = (int)floor(log10(maxabs));
    *decimals = 3 - e > 1 ? 3 - e : 1;      /* four significant digits for the largest */
    return FMT_FIXED;
}

static void format_one(char *buf, double v, number_format f, int decimals)
{
    if (isnan(v))
        snprintf(buf, ELEM_LEN, "nan");
    else if (isinf(v))
        snprintf(buf, ELEM_LEN, v < 0 ? "-inf" : "inf");
    else if (f == FMT_UINT)
        snprintf(buf, ELEM_LEN, "%d", (int)v);
    else if (f == FMT_WHOLE)
        snprintf(buf, ELEM_LEN, "%.0f.", v);
    else if (f == FMT_SCI)
        snprintf(buf, ELEM_LEN, "%.3e", v);
    else
        snprintf(buf, ELEM_LEN, "%.*f", decimals, v);
}

/* Zeros that end the fraction of a finite number's text (before any exponent),
** keeping one digit after the point. */
static int trailing_zeros(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot || !isdigit((unsigned char)s[strlen(s) - 1]))
        return -1;                          /* nan, inf, "3.": nothing to strip */
    const char *end = strchr(s, 'e');
    if (!end)
        end = s + strlen(s);
    int z = 0;
    while (end - 1 - z > dot + 1 && end[-1 - z] == '0')
        z++;
    return z;
}

/* Remove `z` characters before the exponent (or the end) of s. */
static void strip_zeros(char *s, int z)
{
    char *end = strchr(s, 'e');
    if (!end)
        end = s + strlen(s);
    memmove(end - z, end, strlen(end) + 1);
}

/* -------------------------------------------------------------- layout */

typedef struct layout {
    const nn_tensor *t;
    int summarise;
    char (*elems)[ELEM_LEN];
    int next;                   /* next element text to print */
    size_t width;               /* every element is right-aligned to this */
} layout;

static void emit(text *b, layout *lay, int depth)
{
    const nn_tensor *t = lay->t;
    int entries[2 * EDGE_ITEMS + 1 + SUMMARY_THRESHOLD];
    int n = shown_entries(t->shape[depth], lay->summarise, entries);
    size_t indent = strlen(PREFIX) + (size_t)depth + 1;
    int last_axis = depth == t->ndim - 1 || depth + 1 >= NN_MAX_DIMS;
    put(b, "[");
    for (int i = 0; i < n; i++) {
        if (i > 0) {
            put(b, ",");
            if (!last_axis) {
                for (int k = 0; k < t->ndim - depth - 1; k++)
                    put(b, "\n");
                put_spaces(b, indent);
            } else if (column(b) + 1 + lay->width > LINE_WIDTH) {
                put(b, "\n");
                put_spaces(b, indent);
            } else {
                put(b, " ");
            }
        }
        if (entries[i] < 0) {
            put(b, "...");
        } else if (last_axis) {
            const char *s = lay->elems[lay->next++];
            put_spaces(b, lay->width - strlen(s));
            put(b, s);
        } else {
            emit(b, lay, depth + 1);
        }
    }
    put(b, "]");
}

char *nn_tensor_format(const nn_tensor *t)
{
    size_t offs[MAX_SHOWN];
    int n = 0;
    int summarise = t->size > SUMMARY_THRESHOLD;
    collect(t, summarise, 0, 0, t->size, offs, &n);

    int decimals = 0;
    number_format f = choose_format(t, offs, n, &decimals);
    layout lay = {t, summarise, malloc((size_t)n * ELEM_LEN), 0, 0};
    if (!lay.elems)
        return NULL;
    int strip = -1;             /* zeros every fraction ends with: removed from all */
    for (int i = 0; i < n; i++) {
        format_one(lay.elems[i], nn_tensor_get(t, offs[i]), f, decimals);
        int z = trailing_zeros(lay.elems[i]);
        if (z >= 0 && (strip < 0 || z < strip))
            strip = z;
    }
    for (int i = 0; i < n; i++) {
        if (strip > 0 && trailing_zeros(lay.elems[i]) >= 0)
            strip_zeros(lay.elems[i], strip);
        if (strlen(lay.elems[i]) > lay.width)
            lay.width = strlen(lay.elems[i]);
    }

    text b = {0};
    char shape[96];
    put(&b, PREFIX);
    emit(&b, &lay, 0);
    put(&b, ", shape=");
    put(&b, nn_shape_format(shape, sizeof shape, t->ndim, t->shape));
    if (t->dtype == NN_U8)
        put(&b, ", dtype=uint8");
    put(&b, ")");
    free(lay.elems);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
