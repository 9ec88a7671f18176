/* viz/colormap.c — diverging, viridis and greyscale maps. */
#include "colormap.h"

#include <math.h>

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

viz_color viz_scale_color(const viz_scale *s, float v)
{
    float span = s->hi - s->lo;
    switch (s->cmap) {
    case VIZ_CMAP_DIVERGING:
        if (v >= s->mid)
            return viz_cmap_diverging(s->hi > s->mid ? (v - s->mid) / (s->hi - s->mid) : 0.0f);
        return viz_cmap_diverging(s->mid > s->lo ? (v - s->mid) / (s->mid - s->lo) : 0.0f);
    case VIZ_CMAP_VIRIDIS:
        return viz_cmap_viridis(span > 0.0f ? (v - s->lo) / span : 0.0f);
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

viz_scale viz_scale_union(viz_scale s, viz_scale t)
{
    s.lo = t.lo < s.lo ? t.lo : s.lo;
    s.hi = t.hi > s.hi ? t.hi : s.hi;
    return s;
}
