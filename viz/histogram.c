/* viz/histogram.c — bins and bars. */
#include "histogram.h"

#include <math.h>
#include <string.h>

void viz_range(const float *v, size_t n, size_t stride, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < n; i += stride ? stride : 1) {
        if (!isfinite(v[i]))
            continue;
        a = v[i] < a ? v[i] : a;
        b = v[i] > b ? v[i] : b;
    }
    *lo = a <= b ? a : 0.0;
    *hi = a <= b ? b : 0.0;
}

void viz_hist_fill(viz_hist *h, const float *v, size_t n, size_t stride, double lo, double hi,
                   int nbins)
{
    memset(h, 0, sizeof *h);
    nbins = nbins < 1 ? 1 : nbins > VIZ_HIST_MAX_BINS ? VIZ_HIST_MAX_BINS : nbins;
    if (!(hi > lo)) {
        double m = fabs(lo) > 0.0 ? fabs(lo) * 0.1 : 0.5;
        lo -= m;
        hi += m;
    }
    h->nbins = nbins;
    h->lo = lo;
    h->hi = hi;
    double scale = nbins / (hi - lo);
    if (stride < 1)
        stride = 1;
    for (size_t i = 0; i < n; i += stride) {
        double x = v[i];
        if (!isfinite(x)) {
            h->nonfinite++;
            continue;
        }
        if (x < lo) {
            h->below++;
            continue;
        }
        if (x > hi) {
            h->above++;
            continue;
        }
        int b = (int)((x - lo) * scale);
        if (b >= nbins)
            b = nbins - 1;
        h->count[b] += 1.0;
        h->n++;
    }
    for (int b = 0; b < nbins; b++)
        h->max = h->count[b] > h->max ? h->count[b] : h->max;
}

void viz_hist_draw(viz_canvas *c, const viz_plot *p, const viz_hist *h, double frac,
                   viz_color col, const viz_scale *by)
{
    if (h->max <= 0.0)
        return;
    float base = (float)(p->area.y + p->area.h);
    double bw = (h->hi - h->lo) / h->nbins;
    for (int b = 0; b < h->nbins; b++) {
        if (h->count[b] <= 0.0)
            continue;
        float x0 = viz_plot_px(p, h->lo + b * bw), x1 = viz_plot_px(p, h->lo + (b + 1) * bw);
        float top = base - (float)(h->count[b] / h->max * frac * p->area.h);
        int ix0 = (int)floorf(x0), ix1 = (int)floorf(x1);
        SDL_Rect bar = {ix0, (int)floorf(top), ix1 - ix0 > 1 ? ix1 - ix0 - 1 : 1,
                        (int)ceilf(base - floorf(top))};
        SDL_Rect clipped;
        if (bar.h < 1) {
            bar.h = 1;
            bar.y = (int)base - 1;
        }
        viz_color bc = by ? viz_scale_color(by, (float)(h->lo + (b + 0.5) * bw)) : col;
        if (SDL_IntersectRect(&bar, &p->area, &clipped))
            viz_fill_rect(c, clipped, bc);
    }
}
