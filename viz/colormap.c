/* viz/colormap.c — diverging, viridis and greyscale maps. */
#include "colormap.h"

#include <math.h>
#include <stdlib.h>

viz_color viz_cmap_diverging(float t)
{
    viz_color zero = viz_rgb(VIZ_ZERO);
    if (isnan(t))
        return zero;
    if (t < 0.0f)
        return viz_mix(zero, viz_rgb(VIZ_NEG), -t);
    return viz_mix(zero, viz_rgb(VIZ_POS), t);
}

/* Viridis sampled at 0, 0.1, ..., 1 (matplotlib's values), interpolated linearly. */
static const uint32_t viridis_stops[11] = {
    0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
    0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
};

viz_color viz_cmap_viridis(float t)
{
    if (!(t > 0.0f))
        t = 0.0f;
    if (t > 1.0f)
        t = 1.0f;
    float x = t * 10.0f;
    int i = (int)x;
    if (i >= 10)
        return viz_rgb(viridis_stops[10]);
    return viz_mix(viz_rgb(viridis_stops[i]), viz_rgb(viridis_stops[i + 1]), x - (float)i);
}

viz_color viz_cmap_grey(float t)
{
    if (!(t > 0.0f))
        t = 0.0f;
    if (t > 1.0f)
        t = 1.0f;
    uint8_t g = (uint8_t)lroundf(t * 255.0f);
    viz_color c = {g, g, g, 255};
    return c;
}

/* Tables of each map at LUT_N + 1 evenly spaced points, filled on first use:
** a heat map colours a hundred thousand cells per frame. The ends and the
** middle are exact entries. */
#define LUT_N 1024
static viz_color lut_div[LUT_N + 1], lut_vir[LUT_N + 1];
static int lut_ready;

static void lut_fill(void)
{
    for (int i = 0; i <= LUT_N; i++) {
        lut_div[i] = viz_cmap_diverging(2.0f * i / LUT_N - 1.0f);
        lut_vir[i] = viz_cmap_viridis((float)i / LUT_N);
    }
    lut_ready = 1;
}

/* Entry of t in [0, 1] (clamped; NaN gives -1). */
static int lut_index(float t)
{
    if (isnan(t))
        return -1;
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    return (int)lrintf(t * LUT_N);
}

viz_color viz_scale_color(const viz_scale *s, float v)
{
    if (!lut_ready)
        lut_fill();
    float span = s->hi - s->lo, t;
    int i;
    switch (s->cmap) {
    case VIZ_CMAP_DIVERGING:
        if (v >= s->mid)
            t = s->hi > s->mid ? (v - s->mid) / (s->hi - s->mid) : 0.0f;
        else
            t = s->mid > s->lo ? (v - s->mid) / (s->mid - s->lo) : 0.0f;
        i = lut_index(0.5f + 0.5f * t);
        return i < 0 ? viz_rgb(VIZ_ZERO) : lut_div[i];
    case VIZ_CMAP_VIRIDIS:
        i = lut_index(span > 0.0f ? (v - s->lo) / span : 0.0f);
        return lut_vir[i < 0 ? 0 : i];
    case VIZ_CMAP_GREY:
        return viz_cmap_grey(span > 0.0f ? (v - s->lo) / span : 0.0f);
    }
    return viz_rgb(VIZ_ZERO);
}

viz_scale viz_scale_fit(viz_cmap cmap, const float *v, size_t n, size_t stride)
{
    float lo = INFINITY, hi = -INFINITY;
    if (stride < 1)
        stride = 1;
    for (size_t i = 0; i < n; i += stride) {
        float x = v[i];
        if (!isfinite(x))
            continue;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    viz_scale s = {cmap, 0.0f, 1.0f, 0.0f};
    if (lo > hi)
        return cmap == VIZ_CMAP_DIVERGING ? (viz_scale){cmap, -1.0f, 1.0f, 0.0f} : s;
    if (cmap == VIZ_CMAP_DIVERGING) {
        float m = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
        if (m == 0.0f)
            m = 1.0f;
        s.lo = -m;
        s.hi = m;
    } else {
        s.lo = lo;
        s.hi = hi > lo ? hi : lo + 1.0f;
    }
    return s;
}

static int cmp_abs(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

viz_scale viz_scale_fit_robust(const float *v, size_t n, double q)
{
    enum { SAMPLE = 4096 };
    static float buf[SAMPLE];
    size_t m = n < SAMPLE ? n : SAMPLE, k = 0;
    for (size_t i = 0; i < m; i++) {
        float x = v[i * n / m];
        if (isfinite(x))
            buf[k++] = fabsf(x);
    }
    viz_scale s = {VIZ_CMAP_DIVERGING, -1.0f, 1.0f, 0.0f};
    if (k == 0)
        return s;
    qsort(buf, k, sizeof *buf, cmp_abs);
    size_t at = (size_t)(q * (double)(k - 1) + 0.5);
    float mx = buf[at < k ? at : k - 1];
    if (!(mx > 0.0f))
        mx = buf[k - 1] > 0.0f ? buf[k - 1] : 1.0f;
    s.lo = -mx;
    s.hi = mx;
    return s;
}

viz_scale viz_scale_union(viz_scale s, viz_scale t)
{
    s.lo = t.lo < s.lo ? t.lo : s.lo;
    s.hi = t.hi > s.hi ? t.hi : s.hi;
    return s;
}
