/* viz/histogram.h — counting values into bins and drawing the bars. */
#ifndef VIZ_HISTOGRAM_H
#define VIZ_HISTOGRAM_H

#include <stddef.h>

#include "colormap.h"
#include "plot.h"

#define VIZ_HIST_MAX_BINS 128

typedef struct viz_hist {
    int nbins;
    double lo, hi;                      /* bins split [lo, hi] evenly */
    double count[VIZ_HIST_MAX_BINS];
    double max;                         /* the largest bin */
    size_t n;                           /* values counted into bins */
    size_t below, above, nonfinite;     /* values outside [lo, hi], NaN and Inf */
} viz_hist;

/* Count n values (every `stride`-th from v) into nbins bins over [lo, hi]
** (nbins clamped to 1..VIZ_HIST_MAX_BINS; a degenerate range is widened). */
void viz_hist_fill(viz_hist *h, const float *v, size_t n, size_t stride, double lo, double hi,
                   int nbins);

/* The finite minimum and maximum of v (0, 0 when none). */
void viz_range(const float *v, size_t n, size_t stride, double *lo, double *hi);

/* Bars on plot p (x in data units): the tallest reaches `frac` of the area's
** height from its bottom. Each bar in col, or, when `by` is given, in the
** colour of its bin's centre on that scale. */
void viz_hist_draw(viz_canvas *c, const viz_plot *p, const viz_hist *h, double frac,
                   viz_color col, const viz_scale *by);

#endif
