/* viz/panel_activations.c — each layer's activation f(z) and its slope f'(z)
** as curves, over the histogram of that layer's pre-activations z in the last
** batch: saturated sigmoids and dead ReLUs show as mass where f' is flat. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "histogram.h"
#include "legend.h"
#include "panel.h"
#include "plot.h"
#include "text.h"

#define MAX_PLOTS 16
#define MAX_VALUES 20000        /* z values looked at per layer and frame, at most */

typedef struct alayout {
    int n, layer[MAX_PLOTS];
    SDL_Rect cell[MAX_PLOTS];
    SDL_Rect legend;
} alayout;

static int has_activation(const nn_model *m, int i)
{
    return nn_view_layer_activation(m, i).kind != NN_ACT_LINEAR;
}

/* Layers with an activation; when none has one, every layer with weights. */
static int pick_layers(const nn_model *m, int *out, int max)
{
    int n = 0;
    for (int i = 0; i < nn_view_layer_count(m) && n < max; i++)
        if (has_activation(m, i))
            out[n++] = i;
    for (int i = 0; n == 0 && i < nn_view_layer_count(m) && n < max; i++)
        if (nn_view_param_named(m, i, "kernel"))
            out[n++] = i;
    return n;
}

static int act_applies(const viz_frame *f, char *why, size_t len)
{
    int l[MAX_PLOTS];
    if (pick_layers(f->m, l, MAX_PLOTS) > 0)
        return 1;
    snprintf(why, len, "No layer with an activation or weights yet.");
    return 0;
}

static void layout(const viz_frame *f, SDL_Rect body, alayout *L)
{
    memset(L, 0, sizeof *L);
    L->n = pick_layers(f->m, L->layer, MAX_PLOTS);
    int lh = 24;
    L->legend = (SDL_Rect){body.x + 10, body.y + body.h - lh, body.w - 20, lh};
    SDL_Rect r = {body.x + 4, body.y + 4, body.w - 8, body.h - 8 - lh};
    int best_cols = 1;
    double best = -1.0;
    for (int cols = 1; cols <= L->n; cols++) {
        int rows = (L->n + cols - 1) / cols;
        double s = fmin((double)r.w / cols / 1.3, (double)r.h / rows);
        if (s > best) {
            best = s;
            best_cols = cols;
        }
    }
    int cols = best_cols, rows = (L->n + cols - 1) / cols;
    for (int i = 0; i < L->n; i++) {
        int a = i / cols, b = i % cols;
        L->cell[i] = (SDL_Rect){r.x + b * r.w / cols, r.y + a * r.h / rows, r.w / cols - 4,
                                r.h / rows - 4};
    }
}

static void act_subtitle(const viz_frame *f, char *buf, size_t len)
{
    int l = viz_sel_layer(f);
    const nn_tensor *z = nn_view_preact(f->m, l);
    nn_activation a = nn_view_layer_activation(f->m, l);
    if (z)
        snprintf(buf, len, "%s \xc2\xb7 %s \xc2\xb7 z of %d samples", nn_view_layer_name(f->m, l),
                 nn_activation_name(a.kind), z->shape[0]);
    else
        snprintf(buf, len, "%s \xc2\xb7 %s", nn_view_layer_name(f->m, l),
                 nn_activation_name(a.kind));
}

static void draw_one(const viz_frame *f, SDL_Rect cell, int layer)
{
    viz_canvas *c = f->c;
    const nn_model *m = f->m;
    nn_activation act = nn_view_layer_activation(m, layer);
    int sel = layer == viz_sel_layer(f);
    char head[128];
    snprintf(head, sizeof head, "%s \xc2\xb7 %s%s", nn_view_layer_name(m, layer),
             nn_activation_name(act.kind), act.kind == NN_ACT_SOFTMAX ? " (curve: \xcf\x83)" : "");
    int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
    viz_text(c, head, cell.x + 4, cell.y + 2, VIZ_TICK_PX, sel ? VIZ_SANS_BOLD : VIZ_SANS,
             sel ? viz_rgb(VIZ_ACCENT) : viz_rgb(VIZ_INK), VIZ_LEFT, cell.w - 8);
    if (sel)
        viz_stroke_rect(c, cell, viz_rgb(VIZ_ACCENT), 2);
    SDL_Rect pr = {cell.x + 2, cell.y + th + 4, cell.w - 4, cell.h - th - 6};
    if (pr.h < 40 || pr.w < 60)
        return;

    /* the z values of the last batch (every k-th when there are many) */
    const nn_tensor *z = nn_view_preact(m, layer);
    const float *zv = z ? nn_tensor_f32(z) : NULL;
    size_t nz = z ? z->size : 0, stride = nz > MAX_VALUES ? nz / MAX_VALUES : 1;
    double lo = -4.0, hi = 4.0;
    if (zv && nz) {
        double a, b;
        viz_range(zv, nz, stride, &a, &b);
        double r = fmax(fmax(fabs(a), fabs(b)), 3.0) * 1.05;
        lo = -r;
        hi = r;
    }
    /* the curves, sampled at one point per two pixels */
    enum { NPTS = 256 };
    double xs[NPTS], fy[NPTS], dy[NPTS], ymin = 0.0, ymax = 1.0;
    for (int i = 0; i < NPTS; i++) {
        xs[i] = lo + (hi - lo) * i / (NPTS - 1);
        fy[i] = nn_activation_value(act, (float)xs[i]);
        dy[i] = nn_activation_slope(act, (float)xs[i]);
        ymin = fmin(ymin, fmin(fy[i], dy[i]));
        ymax = fmax(ymax, fmax(fy[i], dy[i]));
    }
    /* a linear or ReLU curve can rise far above its slope: clip the view at 2.2 so
    ** the slope (at most ~1) stays readable; the curve leaves through the top */
    if (ymax > 2.2)
        ymax = 2.2;
    if (ymin < -2.2)
        ymin = -2.2;
    double pad = (ymax - ymin) * 0.06;
    viz_plot p = {0};
    viz_plot_axes(c, &p, pr, lo, hi, ymin - pad, ymax + pad, 0, "z", "f(z), f\xe2\x80\xb2(z)",
                  0);
    double flat = 0.0;
    if (zv && nz) {
        viz_hist h;
        viz_hist_fill(&h, zv, nz, stride, lo, hi, 48);
        viz_hist_draw(c, &p, &h, 0.85, viz_rgba(0xc9d3df, 255), NULL);
        size_t count = 0, total = 0;
        for (size_t i = 0; i < nz; i += stride) {
            if (!isfinite(zv[i]))
                continue;
            total++;
            count += fabsf(nn_activation_slope(act, zv[i])) < 0.05f;
        }
        flat = total ? (double)count / total : 0.0;
    }
    float y0 = viz_plot_py(&p, 0.0);
    viz_line(c, (float)p.area.x, y0, (float)(p.area.x + p.area.w - 1), y0, viz_rgb(VIZ_RULE));
    viz_plot_line(c, &p, xs, dy, NPTS, viz_palette(6), 2.0f, 1);
    viz_plot_line(c, &p, xs, fy, NPTS, viz_rgb(VIZ_INK), 2.0f, 0);
    if (zv && nz && act.kind != NN_ACT_LINEAR) {
        char note[96];
        snprintf(note, sizeof note, "f\xe2\x80\xb2 \xe2\x89\x88 0 for %.0f%%", flat * 100.0);
        viz_text(c, note, p.area.x + 4, p.area.y + 2, VIZ_SMALL_PX, VIZ_SANS,
                 viz_rgb(VIZ_INK_SOFT), VIZ_LEFT, p.area.w - 8);
    } else if (!zv) {
        viz_text(c, "no forward yet", p.area.x + 4, p.area.y + 2, VIZ_SMALL_PX, VIZ_SANS,
                 viz_rgb(VIZ_INK_SOFT), VIZ_LEFT, p.area.w - 8);
    }
}

static void act_draw(const viz_frame *f, SDL_Rect body)
{
    alayout L;
    layout(f, body, &L);
    for (int i = 0; i < L.n; i++) {
        SDL_Rect cell = L.cell[i];
        SDL_IntersectRect(&cell, &body, &cell);
        viz_clip(f->c, cell);
        draw_one(f, L.cell[i], L.layer[i]);
    }
    viz_clip(f->c, body);
    int x = L.legend.x, y = L.legend.y + 4;
    x += viz_legend_entry(f->c, x, y, viz_rgb(VIZ_INK), 0, 0, "f(z)") + 16;
    x += viz_legend_entry(f->c, x, y, viz_palette(6), 1, 0, "f\xe2\x80\xb2(z)") + 16;
    viz_legend_entry(f->c, x, y, viz_rgb(0xc9d3df), 0, 1,
                     L.legend.w > 520 ? "z of the last batch, all units (histogram)"
                                      : "z, last batch");
}

static int act_click(const viz_frame *f, SDL_Rect body, int x, int y)
{
    alayout L;
    layout(f, body, &L);
    for (int i = 0; i < L.n; i++)
        if (viz_in_rect(L.cell[i], x, y)) {
            f->ui->layer = L.layer[i];
            return 1;
        }
    return 0;
}

const viz_panel_ops viz_panel_activations = {
    "activations", "Activations", act_applies, act_subtitle, act_draw, act_click,
};
