/* viz/plot.h — axes with round ticks, line series, keys.
**
** viz_plot_axes lays out a plot inside a rectangle (room for tick labels and
** axis labels), draws the frame, grid, ticks at round values (the 1-2-5 rule,
** or powers of ten on a log axis) and the labels, and remembers the mapping;
** then series and marks are drawn in data coordinates, clipped to the area.
*/
#ifndef VIZ_PLOT_H
#define VIZ_PLOT_H

#include "draw.h"

typedef struct viz_plot {
    SDL_Rect area;              /* where data goes */
    double x0, x1, y0, y1;      /* data range shown */
    int ylog;                   /* y axis in log10 (y0, y1 > 0) */
    int min_left;               /* set before viz_plot_axes: the least left margin, so
                                ** stacked plots share their x positions (0: none) */
} viz_plot;

enum {
    VIZ_AXIS_NO_XTICKS = 1,     /* no x tick labels nor x label (a plot stacked above another) */
    VIZ_AXIS_NO_GRID = 2,
    VIZ_AXIS_NO_YTICKS = 4,     /* no y tick labels (an overlay's y scale is its own) */
};

/* Lay out and draw axes for [x0, x1] x [y0, y1] inside r. Degenerate ranges are
** widened; with ylog, non-positive bounds are replaced by a decade below y1.
** Labels may be NULL. p->min_left is read (initialise p). */
void viz_plot_axes(viz_canvas *c, viz_plot *p, SDL_Rect r, double x0, double x1, double y0,
                   double y1, int ylog, const char *xlabel, const char *ylabel, int flags);

/* The left margin viz_plot_axes would take for these y settings. */
int viz_plot_left_margin(SDL_Rect r, double y0, double y1, int ylog, const char *ylabel,
                         int flags);

/* Pixel position of data coordinates (NaN for y <= 0 on a log axis). */
float viz_plot_px(const viz_plot *p, double x);
float viz_plot_py(const viz_plot *p, double y);

/* A line through (x[i], y[i]); NaN breaks it. Clipped to the area. */
void viz_plot_line(viz_canvas *c, const viz_plot *p, const double *x, const double *y, int n,
                   viz_color col, float width, int dashed);

/* Dots at (x[i], y[i]) of radius r (NaN skipped). */
void viz_plot_dots(viz_canvas *c, const viz_plot *p, const double *x, const double *y, int n,
                   float r, viz_color col);

/* Round tick positions covering [lo, hi], about `want` of them (1-2-5 rule):
** up to `max` written to ticks; returns the count and the step in *step. */
int viz_nice_ticks(double lo, double hi, int want, double *ticks, int max, double *step);

/* A key in the top-right corner of the area (bottom-right with `bottom`): n
** entries of colour, dashed, name. */
void viz_plot_key(viz_canvas *c, const viz_plot *p, int n, const viz_color *cols,
                  const int *dashed, const char *const *names, int bottom);

#endif
