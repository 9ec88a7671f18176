/* viz/plot.c — axes, ticks and series. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "text.h"

int viz_nice_ticks(double lo, double hi, int want, double *ticks, int max, double *step)
{
    if (!(hi > lo) || want < 1) {
        *step = 1.0;
        return 0;
    }
    double raw = (hi - lo) / want;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double nice = f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0;
    double s = nice * mag;
    *step = s;
    int n = 0;
    for (double t = ceil(lo / s - 1e-9) * s; t <= hi + s * 1e-9 && n < max; t += s)
        ticks[n++] = fabs(t) < s * 1e-9 ? 0.0 : t;
    return n;
}

/* Log-axis ticks: powers of ten in range, plus 2 and 5 times them when few decades. */
static int log_ticks(double lo, double hi, double *ticks, int max)
{
    int n = 0;
    double d0 = floor(log10(lo)), d1 = ceil(log10(hi));
    int fill = d1 - d0 <= 2;
    for (double d = d0; d <= d1 && n < max; d++) {
        static const double mult[3] = {1.0, 2.0, 5.0};
        for (int k = 0; k < (fill ? 3 : 1) && n < max; k++) {
            double t = mult[k] * pow(10.0, d);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9))
                ticks[n++] = t;
        }
    }
    return n;
}

float viz_plot_px(const viz_plot *p, double x)
{
    return (float)(p->area.x + (x - p->x0) / (p->x1 - p->x0) * p->area.w);
}

float viz_plot_py(const viz_plot *p, double y)
{
    double t;
    if (p->ylog) {
        if (!(y > 0.0))
            return NAN;
        t = (log10(y) - log10(p->y0)) / (log10(p->y1) - log10(p->y0));
    } else {
        t = (y - p->y0) / (p->y1 - p->y0);
    }
    return (float)(p->area.y + p->area.h - t * p->area.h);
}

static void widen(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0.0;
        *hi = 1.0;
    }
    if (*hi <= *lo) {
        double m = fabs(*lo) > 0.0 ? fabs(*lo) * 0.1 : 0.5;
        *lo -= m;
        *hi += m;
    }
}

/* Tick positions and labels of a y axis, and the widest label. */
typedef struct yticks {
    double t[32], step;
    char lab[32][32];
    int n, widest;
} yticks;

static void fix_range(double *x0, double *x1, double *y0, double *y1, int ylog)
{
    widen(x0, x1);
    if (ylog) {
        if (!(*y1 > 0.0))
            *y1 = 1.0;
        if (!(*y0 > 0.0) || *y0 >= *y1)
            *y0 = *y1 / 10.0;
    } else {
        widen(y0, y1);
    }
}

static void y_ticks(yticks *yt, SDL_Rect r, double y0, double y1, int ylog)
{
    int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
    int want = (r.h - 2 * th) / 50;
    yt->step = 1.0;
    yt->n = ylog ? log_ticks(y0, y1, yt->t, 32)
                 : viz_nice_ticks(y0, y1, want < 2 ? 2 : want, yt->t, 32, &yt->step);
    yt->widest = 0;
    for (int i = 0; i < yt->n; i++) {
        if (ylog)
            viz_fmt_num(yt->lab[i], sizeof yt->lab[i], yt->t[i]);
        else
            viz_fmt_tick(yt->lab[i], sizeof yt->lab[i], yt->t[i], yt->step);
        int w = viz_text_width(yt->lab[i], VIZ_TICK_PX, VIZ_SANS);
        yt->widest = w > yt->widest ? w : yt->widest;
    }
}

static int left_margin(const yticks *yt, const char *ylabel, int flags)
{
    int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
    return ((flags & VIZ_AXIS_NO_YTICKS) ? 4 : yt->widest + 8) +
           (ylabel && *ylabel ? th + 4 : 0);
}

int viz_plot_left_margin(SDL_Rect r, double y0, double y1, int ylog, const char *ylabel,
                         int flags)
{
    double x0 = 0.0, x1 = 1.0;
    fix_range(&x0, &x1, &y0, &y1, ylog);
    yticks yt;
    y_ticks(&yt, r, y0, y1, ylog);
    return left_margin(&yt, ylabel, flags);
}

void viz_plot_axes(viz_canvas *c, viz_plot *p, SDL_Rect r, double x0, double x1, double y0,
                   double y1, int ylog, const char *xlabel, const char *ylabel, int flags)
{
    fix_range(&x0, &x1, &y0, &y1, ylog);
    p->x0 = x0;
    p->x1 = x1;
    p->y0 = y0;
    p->y1 = y1;
    p->ylog = ylog;

    viz_color ink = viz_rgb(VIZ_INK_SOFT), grid = viz_rgb(VIZ_GRID);
    int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
    int no_x = flags & VIZ_AXIS_NO_XTICKS, no_y = flags & VIZ_AXIS_NO_YTICKS;
    yticks yt;
    y_ticks(&yt, r, y0, y1, ylog);
    int left = left_margin(&yt, ylabel, flags);
    if (left < p->min_left)
        left = p->min_left;
    int bottom = no_x ? 4 : th + 6 + (xlabel && *xlabel ? th + 2 : 0);
    p->area.x = r.x + left;
    p->area.y = r.y + th / 2;
    p->area.w = r.w - left - 10;
    p->area.h = r.h - bottom - th / 2;
    if (p->area.w < 10)
        p->area.w = 10;
    if (p->area.h < 10)
        p->area.h = 10;
    SDL_Rect a = p->area;
    viz_fill_rect(c, a, viz_rgb(VIZ_PANEL));

    for (int i = 0; i < yt.n; i++) {
        float y = viz_plot_py(p, yt.t[i]);
        if (!(flags & VIZ_AXIS_NO_GRID))
            viz_line(c, (float)a.x, y, (float)(a.x + a.w - 1), y, grid);
        if (!no_y)
            viz_line(c, (float)a.x - 4, y, (float)a.x, y, ink);
        if (!no_y)
            viz_text(c, yt.lab[i], a.x - 6, (int)lroundf(y) - th / 2, VIZ_TICK_PX, VIZ_SANS,
                     ink, VIZ_RIGHT, 0);
    }

    double xt[32], xstep = 1.0;
    int want_x = a.w / 80;
    if (want_x < 2)
        want_x = 2;
    int nx = viz_nice_ticks(x0, x1, want_x, xt, 32, &xstep);
    int last_right = -100000;
    for (int i = 0; i < nx; i++) {
        float x = viz_plot_px(p, xt[i]);
        if (!(flags & VIZ_AXIS_NO_GRID))
            viz_line(c, x, (float)a.y, x, (float)(a.y + a.h - 1), grid);
        viz_line(c, x, (float)(a.y + a.h), x, (float)(a.y + a.h + 4), ink);
        if (no_x)
            continue;
        char lab[32];
        viz_fmt_tick(lab, sizeof lab, xt[i], xstep);
        int w = viz_text_width(lab, VIZ_TICK_PX, VIZ_SANS);
        int lx = (int)lroundf(x) - w / 2;
        if (lx < last_right + 6 || lx + w > r.x + r.w)
            continue;       /* never let tick labels collide or leave the rectangle */
        viz_text(c, lab, lx, a.y + a.h + 5, VIZ_TICK_PX, VIZ_SANS, ink, VIZ_LEFT, 0);
        last_right = lx + w;
    }
    viz_stroke_rect(c, a, viz_rgb(VIZ_RULE), 1);
    if (xlabel && *xlabel && !no_x)
        viz_text(c, xlabel, a.x + a.w / 2, a.y + a.h + 5 + th + 1, VIZ_TICK_PX, VIZ_SANS,
                 viz_rgb(VIZ_INK), VIZ_CENTER, a.w);
    if (ylabel && *ylabel)
        viz_text_vertical(c, ylabel, r.x, a.y + a.h / 2, VIZ_TICK_PX, VIZ_SANS,
                          viz_rgb(VIZ_INK));
}

void viz_plot_line(viz_canvas *c, const viz_plot *p, const double *x, const double *y, int n,
                   viz_color col, float width, int dashed)
{
    if (n < 1)
        return;
    SDL_FPoint *pts = malloc((size_t)n * sizeof *pts);
    if (!pts)
        return;
    for (int i = 0; i < n; i++) {
        pts[i].x = isfinite(x[i]) ? viz_plot_px(p, x[i]) : NAN;
        pts[i].y = isfinite(y[i]) ? viz_plot_py(p, y[i]) : NAN;
    }
    SDL_Rect saved = c->clip, area = p->area;
    if (saved.w > 0 && !SDL_IntersectRect(&saved, &p->area, &area))
        area.w = area.h = 0;
    viz_clip(c, area);
    if (n == 1) {
        if (!isnan(pts[0].x) && !isnan(pts[0].y))
            viz_fill_circle(c, pts[0].x, pts[0].y, width + 1.0f, col);
    } else {
        viz_polyline(c, pts, n, width, col, dashed);
    }
    viz_clip_restore(c, saved);
    free(pts);
}

void viz_plot_dots(viz_canvas *c, const viz_plot *p, const double *x, const double *y, int n,
                   float r, viz_color col)
{
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        float px = viz_plot_px(p, x[i]), py = viz_plot_py(p, y[i]);
        if (!isnan(py) && viz_in_rect(viz_inset(p->area, -1), (int)px, (int)py))
            viz_fill_circle(c, px, py, r, col);
    }
}

void viz_plot_key(viz_canvas *c, const viz_plot *p, int n, const viz_color *cols,
                  const int *dashed, const char *const *names, int bottom)
{
    if (n < 1)
        return;
    int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS), w = 0;
    for (int i = 0; i < n; i++) {
        int tw = viz_text_width(names[i], VIZ_TICK_PX, VIZ_SANS) + 26;
        w = tw > w ? tw : w;
    }
    SDL_Rect box = {p->area.x + p->area.w - w - 14, p->area.y + 6, w + 8, n * (th + 2) + 6};
    if (bottom)
        box.y = p->area.y + p->area.h - box.h - 6;
    if (box.x < p->area.x + 4 || box.h > p->area.h - 8)
        return;     /* no room: the key would hide the data */
    viz_fill_rect(c, box, viz_rgba(0xffffff, 225));
    viz_stroke_rect(c, box, viz_rgb(VIZ_RULE), 1);
    for (int i = 0; i < n; i++) {
        int y = box.y + 3 + i * (th + 2);
        int cy = y + th / 2;
        SDL_FPoint seg[2] = {{(float)box.x + 4, (float)cy}, {(float)box.x + 24, (float)cy}};
        viz_polyline(c, seg, 2, 2.0f, cols[i], dashed[i]);
        viz_text(c, names[i], box.x + 28, y, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK), VIZ_LEFT,
                 0);
    }
}
