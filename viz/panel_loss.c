/* viz/panel_loss.c — loss and metrics: per-batch loss (raw and smoothed) and
** per-epoch values, training solid and validation dashed, loss and the other
** metrics on separate axes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "legend.h"
#include "panel.h"
#include "plot.h"
#include "text.h"

#define LOSS_HUE 0
#define METRIC_HUE 4

static int loss_applies(const viz_frame *f, char *why, size_t len)
{
    int nb = 0;
    nn_view_batch_losses(f->m, &nb);
    if (nn_view_compiled(f->m) || nb > 0 || nn_view_epoch_count(f->m) > 0)
        return 1;
    snprintf(why, len, "The model is not compiled yet: model:compile{optimizer = ..., loss = "
                       "...}; the loss then appears here as fit runs.");
    return 0;
}

static void loss_subtitle(const viz_frame *f, char *buf, size_t len)
{
    const char *loss = nn_view_loss_name(f->m), *opt = nn_view_optimizer_name(f->m);
    if (*loss)
        snprintf(buf, len, "%s \xc2\xb7 %s%s", loss, opt,
                 f->ui->ylog ? " \xc2\xb7 log scale" : "");
    else
        snprintf(buf, len, "not compiled");
}

/* Batches per epoch, for putting batches on an epoch axis; 0 when unknown. */
static double batches_per_epoch(const viz_frame *f, int nb, int ne)
{
    if (f->run->batches > 0)
        return f->run->batches;
    if (ne > 0 && nb >= ne)
        return (double)nb / ne;
    return 0.0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The 1st and 99th percentiles of v (sampled), so one spike does not flatten
** the curve; min and max for short series. */
static void robust_range(const float *v, int n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    if (n <= 0)
        return;
    enum { SAMPLE = 2048 };
    static float buf[SAMPLE];
    int m = n < SAMPLE ? n : SAMPLE, k = 0;
    for (int i = 0; i < m; i++) {
        float x = v[(long)i * n / m];
        if (isfinite(x))
            buf[k++] = x;
    }
    if (k == 0)
        return;
    qsort(buf, (size_t)k, sizeof *buf, cmp_float);
    int cut = k >= 100 ? k / 100 : 0;
    *lo = buf[cut];
    *hi = buf[k - 1 - cut];
}

static void extend(double *lo, double *hi, const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = v[i] < *lo ? v[i] : *lo;
            *hi = v[i] > *hi ? v[i] : *hi;
        }
}

static int is_loss_key(const char *k)
{
    return strcmp(k, "loss") == 0 || strcmp(k, "val_loss") == 0;
}

/* The per-batch losses: raw as a faint band (min to max per pixel column when
** there are more batches than pixels), smoothed as a line. */
static void draw_batches(viz_canvas *c, const viz_plot *p, const float *bl, int nb, double bpe,
                         viz_color hue)
{
    int cols = p->area.w;
    viz_color faint = viz_rgba(0xaec7e8, 255);
    if (nb > 2 * cols) {
        for (int px = 0; px < cols; px++) {
            int a = (int)((long)px * nb / cols), b = (int)((long)(px + 1) * nb / cols);
            float lo = INFINITY, hi = -INFINITY;
            for (int i = a; i < b; i++)
                if (isfinite(bl[i])) {
                    lo = bl[i] < lo ? bl[i] : lo;
                    hi = bl[i] > hi ? bl[i] : hi;
                }
            if (lo > hi)
                continue;
            float y0 = viz_plot_py(p, lo), y1 = viz_plot_py(p, hi);
            if (isnan(y0) || isnan(y1))
                continue;
            viz_line(c, (float)(p->area.x + px), y0, (float)(p->area.x + px), y1 - 1.0f, faint);
        }
    }
    int pts = nb < 2 * cols ? nb : 2 * cols;
    double *xs = malloc((size_t)pts * sizeof *xs), *ys = malloc((size_t)pts * sizeof *ys);
    double *raw = malloc((size_t)pts * sizeof *raw);
    if (!xs || !ys || !raw) {
        free(xs);
        free(ys);
        free(raw);
        return;
    }
    /* exponential moving average over a span that grows with the run */
    double span = nb / 30.0 < 5.0 ? 5.0 : nb / 30.0 > 200.0 ? 200.0 : nb / 30.0;
    double a = 2.0 / (span + 1.0), ema = NAN;
    int j = 0;
    for (int i = 0; i < nb && j < pts; i++) {
        if (isfinite(bl[i]))
            ema = isnan(ema) ? bl[i] : ema + a * (bl[i] - ema);
        if ((long)(i + 1) * pts / nb > j || i == nb - 1) {
            xs[j] = bpe > 0.0 ? (i + 1) / bpe : i + 1;
            ys[j] = ema;
            raw[j] = bl[i];
            j++;
        }
    }
    if (nb <= 2 * cols)
        viz_plot_line(c, p, xs, raw, j, faint, 1.0f, 0);
    viz_plot_line(c, p, xs, ys, j, hue, 2.0f, 0);
    free(xs);
    free(ys);
    free(raw);
}

static void draw_epoch_series(viz_canvas *c, const viz_plot *p, const double *v, int ne,
                              viz_color col, int dashed)
{
    double xs[4096];
    int n = ne < 4096 ? ne : 4096;
    for (int e = 0; e < n; e++)
        xs[e] = e + 1;
    viz_plot_line(c, p, xs, v, n, col, 2.0f, dashed);
    viz_plot_dots(c, p, xs, v, n, 3.5f, col);
}

static void loss_draw(const viz_frame *f, SDL_Rect body)
{
    viz_canvas *c = f->c;
    const nn_model *m = f->m;
    int nb = 0, ne = nn_view_epoch_count(m);
    const float *bl = nn_view_batch_losses(m, &nb);
    if (nb == 0 && ne == 0) {
        viz_panel_message(c, body, "No training yet: the loss appears here as model:fit(...) "
                                   "runs, one point per batch.");
        return;
    }
    double bpe = batches_per_epoch(f, nb, ne);
    const char *xlabel = bpe > 0.0 ? "epoch" : "batch";
    double x1 = bpe > 0.0 ? (double)nb / bpe : nb;
    if (ne > x1)
        x1 = ne;
    double x0 = bpe > 0.0 ? 0.0 : 1.0;

    /* which per-epoch keys go where */
    int nk = nn_view_history_key_count(m), n_metric_keys = 0;
    for (int k = 0; k < nk; k++)
        if (!is_loss_key(nn_view_history_key(m, k)))
            n_metric_keys++;

    SDL_Rect r = viz_inset(body, 6);
    SDL_Rect top = r, bottom = r;
    if (n_metric_keys > 0) {
        top.h = r.h * 58 / 100;
        bottom.y = top.y + top.h + 4;
        bottom.h = r.h - top.h - 4;
    }
    /* loss axes */
    double lo, hi;
    robust_range(bl, nb, &lo, &hi);
    /* the smoothed curve starts at the first batch's loss: keep that drop in view */
    if (nb > 0 && isfinite(bl[0]))
        hi = fmax(hi, bl[0]);
    int kl = nn_view_history_find(m, "loss"), kv = nn_view_history_find(m, "val_loss"), n;
    const double *el = kl >= 0 ? nn_view_history_values(m, kl, &n) : NULL;
    const double *ev = kv >= 0 ? nn_view_history_values(m, kv, &n) : NULL;
    if (el)
        extend(&lo, &hi, el, ne);
    if (ev)
        extend(&lo, &hi, ev, ne);
    if (!f->ui->ylog) {
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
    } else {
        lo *= 0.9;
        hi *= 1.1;
    }
    /* the metrics plot below shares the x positions: one left margin for both */
    double mlo = INFINITY, mhi = -INFINITY;
    for (int k = 0; k < nk; k++)
        if (!is_loss_key(nn_view_history_key(m, k)))
            extend(&mlo, &mhi, nn_view_history_values(m, k, &n), ne);
    double mpad = (mhi - mlo) * 0.08 + 1e-3;
    int left = viz_plot_left_margin(top, lo, hi, f->ui->ylog, "loss", 0);
    if (n_metric_keys) {
        int ml = viz_plot_left_margin(bottom, mlo - mpad, mhi + mpad, 0, "metric", 0);
        left = ml > left ? ml : left;
    }
    viz_plot p = {.min_left = left};
    viz_plot_axes(c, &p, top, x0, x1, lo, hi, f->ui->ylog, n_metric_keys ? NULL : xlabel,
                  "loss", n_metric_keys ? VIZ_AXIS_NO_XTICKS : 0);
    viz_color hue = viz_palette(LOSS_HUE);
    if (nb > 0)
        draw_batches(c, &p, bl, nb, bpe, hue);
    viz_color dark = viz_mix(hue, viz_rgb(0x000000), 0.35f);
    if (el && bpe > 0.0)
        draw_epoch_series(c, &p, el, ne, dark, 0);
    if (ev)
        draw_epoch_series(c, &p, ev, ne, dark, 1);
    viz_color kc[4];
    int kd[4], kn = 0;
    const char *names[4];
    if (nb > 0) {
        kc[kn] = viz_rgb(0xaec7e8);
        kd[kn] = 0;
        names[kn++] = "batch loss";
        kc[kn] = hue;
        kd[kn] = 0;
        names[kn++] = "smoothed";
    }
    if (el && bpe > 0.0) {
        kc[kn] = dark;
        kd[kn] = 0;
        names[kn++] = "epoch loss";
    }
    if (ev) {
        kc[kn] = dark;
        kd[kn] = 1;
        names[kn++] = "val_loss";
    }
    viz_plot_key(c, &p, kn, kc, kd, names, 0);
    if (!n_metric_keys)
        return;

    /* metrics axes: everything in the history that is not a loss */
    viz_plot q = {.min_left = left};
    viz_plot_axes(c, &q, bottom, x0, x1, mlo - mpad, mhi + mpad, 0, xlabel, "metric", 0);
    viz_color mc[8];
    int md[8], mn = 0;
    const char *mnames[8];
    int hue_i = 0;
    for (int k = 0; k < nk && mn < 8; k++) {
        const char *key = nn_view_history_key(m, k);
        if (is_loss_key(key) || strncmp(key, "val_", 4) == 0)
            continue;
        viz_color col = viz_palette(METRIC_HUE + 2 * hue_i++);
        const double *tv = nn_view_history_values(m, k, &n);
        draw_epoch_series(c, &q, tv, ne, col, 0);
        mc[mn] = col;
        md[mn] = 0;
        mnames[mn++] = key;
        char vkey[64];
        snprintf(vkey, sizeof vkey, "val_%s", key);
        int kvk = nn_view_history_find(m, vkey);
        if (kvk >= 0 && mn < 8) {
            draw_epoch_series(c, &q, nn_view_history_values(m, kvk, &n), ne, col, 1);
            mc[mn] = col;
            md[mn] = 1;
            mnames[mn++] = nn_view_history_key(m, kvk);
        }
    }
    /* the key goes where the curves are not: below them when they end high */
    int k0 = mn > 0 ? nn_view_history_find(m, mnames[0]) : -1;
    const double *lastv = k0 >= 0 ? nn_view_history_values(m, k0, &n) : NULL;
    int low = 1;
    if (lastv && ne > 0 && isfinite(lastv[ne - 1]))
        low = lastv[ne - 1] > (mlo + mhi) / 2;
    viz_plot_key(c, &q, mn, mc, md, mnames, low);
}

const viz_panel_ops viz_panel_loss = {
    "loss", "Loss & metrics", loss_applies, loss_subtitle, loss_draw, NULL,
};
