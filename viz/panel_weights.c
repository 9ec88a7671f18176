/* viz/panel_weights.c — a layer's weights: the kernel as a heat map (or, for a
** first layer over images, each unit's weights as a tile the shape of the
** image), the bias, and histograms of the weights and of their gradients. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "heatmap.h"
#include "histogram.h"
#include "legend.h"
#include "panel.h"
#include "plot.h"
#include "text.h"

enum { MODE_MATRIX, MODE_IMAGE_TILES, MODE_FILTERS };

#define MAX_TILES 1024

typedef struct wlayout {
    int layer, mode;
    const nn_param *kernel, *bias;
    int rows, cols;             /* kernel as a matrix: inputs x units */
    int img_h, img_w, img_c;    /* MODE_IMAGE_TILES: the image each tile is */
    int kh, kw, kin, kout;      /* MODE_FILTERS */
    SDL_Rect main, legend, hist_w, hist_g, bias_strip;
    int tile, tcols, tshown, tfirst, tgap;   /* tiles: size, per row, shown, first */
} wlayout;

static int weights_applies(const viz_frame *f, char *why, size_t len)
{
    if (viz_nearest_kernel_layer(f->m, 0) >= 0)
        return 1;
    snprintf(why, len, "No layer with weights yet: add a Dense or Conv2D layer and build "
                       "the model.");
    return 0;
}

static void layout(const viz_frame *f, SDL_Rect body, wlayout *L)
{
    const nn_model *m = f->m;
    memset(L, 0, sizeof *L);
    L->layer = viz_nearest_kernel_layer(f->m, viz_sel_layer(f));
    L->kernel = nn_view_param_named(m, L->layer, "kernel");
    L->bias = nn_view_param_named(m, L->layer, "bias");
    const nn_tensor *k = L->kernel->value;
    L->mode = MODE_MATRIX;
    if (k->ndim == 4) {
        L->mode = MODE_FILTERS;
        L->kh = k->shape[0];
        L->kw = k->shape[1];
        L->kin = k->shape[2];
        L->kout = k->shape[3];
        L->rows = L->kh * L->kw * L->kin;
        L->cols = L->kout;
    } else {
        L->rows = k->ndim >= 2 ? k->shape[0] : 1;
        L->cols = k->ndim >= 2 ? (int)(k->size / (size_t)L->rows) : (int)k->size;
        int h, w, c;
        /* a kernel reading the model's input image: one tile per unit */
        if (nn_view_layer_source(m, L->layer, 0) == -1 && viz_input_image_shape(m, &h, &w, &c) &&
            h * w * c == L->rows) {
            L->mode = MODE_IMAGE_TILES;
            L->img_h = h;
            L->img_w = w;
            L->img_c = c;
        }
    }
    SDL_Rect r = viz_inset(body, 8);
    int hist_h = r.h >= 300 ? r.h * 28 / 100 : r.h >= 200 ? 80 : 0;
    int legend_h = 30;
    L->main = (SDL_Rect){r.x, r.y, r.w, r.h - hist_h - legend_h - (hist_h ? 6 : 0)};
    L->legend = (SDL_Rect){r.x, L->main.y + L->main.h + 4, r.w, legend_h - 4};
    if (hist_h) {
        int y = L->legend.y + legend_h;
        L->hist_w = (SDL_Rect){r.x, y, r.w / 2 - 4, hist_h};
        L->hist_g = (SDL_Rect){r.x + r.w / 2 + 4, y, r.w - r.w / 2 - 4, hist_h};
    }
    if (L->mode == MODE_MATRIX) {
        /* room for the axis captions and a bias strip under the matrix */
        int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
        SDL_Rect m2 = {L->main.x + th + 6, L->main.y, L->main.w - th - 6,
                       L->main.h - th - 4 - (L->bias ? 14 : 0)};
        L->main = m2;
        if (L->bias)
            L->bias_strip = (SDL_Rect){m2.x, m2.y + m2.h + 4, m2.w, 10};
        return;
    }
    /* tiles: the largest size that fits every unit, down to 12 px; beyond that,
    ** the units around the selected one */
    int n = L->mode == MODE_FILTERS ? L->kout : L->cols;
    int tw = L->mode == MODE_FILTERS ? L->kw : L->img_w;
    L->tgap = 3;
    int best = 0, best_cols = 1;
    for (int cols = 1; cols <= n; cols++) {
        int rows = (n + cols - 1) / cols;
        int s = (L->main.w - (cols - 1) * L->tgap) / cols;
        int s2 = (L->main.h - 14 - (rows - 1) * L->tgap) / rows;
        s = s < s2 ? s : s2;
        if (s > best) {
            best = s;
            best_cols = cols;
        }
    }
    int min_tile = tw > 12 ? tw / 2 : 12;
    if (best >= min_tile) {
        L->tile = best;
        L->tcols = best_cols;
        L->tshown = n;
        L->tfirst = 0;
    } else {
        L->tile = min_tile;
        L->tcols = (L->main.w + L->tgap) / (min_tile + L->tgap);
        int trows = (L->main.h - 14 + L->tgap) / (min_tile + L->tgap);
        L->tcols = L->tcols < 1 ? 1 : L->tcols;
        trows = trows < 1 ? 1 : trows;
        L->tshown = L->tcols * trows < n ? L->tcols * trows : n;
        L->tshown = L->tshown < MAX_TILES ? L->tshown : MAX_TILES;
        int sel = f->ui->layer == L->layer ? f->ui->unit : 0;
        L->tfirst = sel / L->tshown * L->tshown;
        if (L->tfirst + L->tshown > n)
            L->tfirst = n - L->tshown;
    }
}

static SDL_Rect tile_rect(const wlayout *L, int i)
{
    int r = i / L->tcols, c = i % L->tcols;
    int gw = L->tcols * L->tile + (L->tcols - 1) * L->tgap;
    int x0 = L->main.x + (L->main.w - gw) / 2;
    return (SDL_Rect){x0 + c * (L->tile + L->tgap), L->main.y + r * (L->tile + L->tgap), L->tile,
                      L->tile};
}

static void weights_subtitle(const viz_frame *f, char *buf, size_t len)
{
    wlayout L;
    SDL_Rect none = {0, 0, 400, 400};
    layout(f, none, &L);
    const char *name = nn_view_layer_name(f->m, L.layer);
    int units = viz_layer_units(f->m, L.layer);
    if (f->ui->layer == L.layer)
        snprintf(buf, len, "%s \xc2\xb7 unit %d of %d", name, f->ui->unit + 1, units);
    else
        snprintf(buf, len, "%s \xc2\xb7 %d units", name, units);
}

static void draw_tiles(const viz_frame *f, const wlayout *L, const viz_scale *s)
{
    viz_canvas *c = f->c;
    const float *w = nn_tensor_f32(L->kernel->value);
    int sel = f->ui->layer == L->layer ? f->ui->unit : -1;
    /* unit u's weights: column u of the (pixels, units) kernel, pixel (i, j) of
    ** channel 0 in row (i w + j) c; or filter u on input channel 0 of a
    ** (kh, kw, in, out) kernel */
    SDL_Rect rects[MAX_TILES];
    size_t offs[MAX_TILES];
    int n = L->tshown < MAX_TILES ? L->tshown : MAX_TILES;
    for (int i = 0; i < n; i++) {
        rects[i] = tile_rect(L, i);
        offs[i] = (size_t)(L->tfirst + i);
    }
    int ph = L->mode == MODE_IMAGE_TILES ? L->img_h : L->kh;
    int pw = L->mode == MODE_IMAGE_TILES ? L->img_w : L->kw;
    size_t cs = L->mode == MODE_IMAGE_TILES ? (size_t)L->img_c * L->cols
                                            : (size_t)L->kin * L->kout;
    SDL_Rect all = rects[0];
    for (int i = 1; i < n; i++)
        SDL_UnionRect(&all, &rects[i], &all);
    viz_tiles(c, all, viz_rgb(VIZ_PANEL), n, rects, offs, w, ph, pw, cs * pw, cs, s);
    for (int i = 0; i < n; i++)
        if (L->tfirst + i == sel)
            viz_stroke_rect(c, viz_inset(rects[i], -2), viz_rgb(VIZ_ACCENT), 2);
    char note[96];
    int units = L->mode == MODE_FILTERS ? L->kout : L->cols;
    if (L->tshown < units)
        snprintf(note, sizeof note,
                 "units %d\xe2\x80\x93%d of %d (\xe2\x86\x91\xe2\x86\x93 to move)",
                 L->tfirst + 1, L->tfirst + L->tshown, units);
    else if (L->mode == MODE_FILTERS)
        snprintf(note, sizeof note, "%d filters, %dx%d, input channel 1 of %d", units, L->kh,
                 L->kw, L->kin);
    else
        snprintf(note, sizeof note, "each tile: one unit's %d weights, as the %dx%d input image",
                 L->rows, L->img_h, L->img_w);
    SDL_Rect last = tile_rect(L, L->tshown - 1);
    viz_text(c, note, L->main.x + L->main.w / 2, last.y + last.h + 2, VIZ_TICK_PX, VIZ_SANS,
             viz_rgb(VIZ_INK_SOFT), VIZ_CENTER, L->main.w);
}

/* A histogram of values in a small plot, bars coloured by the diverging map:
** by `colours` (the heat map's scale) when given, else by the values' own range. */
static void draw_hist(const viz_frame *f, SDL_Rect r, const nn_tensor *t, const char *label,
                      const viz_scale *colours)
{
    viz_canvas *c = f->c;
    if (r.w < 60 || r.h < 50)
        return;
    double lo, hi;
    const float *v = nn_tensor_f32(t);
    viz_range(v, t->size, 1, &lo, &hi);
    if (lo == 0.0 && hi == 0.0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s: all zero so far", label);
        viz_panel_message(c, r, msg);
        return;
    }
    double m = fmax(fabs(lo), fabs(hi));
    viz_hist h;
    viz_hist_fill(&h, v, t->size, 1, -m, m, 41);
    viz_plot p = {0};
    viz_plot_axes(c, &p, r, -m, m, 0.0, h.max * 1.1, 0, label, NULL,
                  VIZ_AXIS_NO_YTICKS | VIZ_AXIS_NO_GRID);
    viz_scale s = {VIZ_CMAP_DIVERGING, (float)-m, (float)m, 0.0f};
    viz_hist_draw(c, &p, &h, 1.0 / 1.1, viz_rgb(VIZ_INK_SOFT), colours ? colours : &s);
}

static void weights_draw(const viz_frame *f, SDL_Rect body)
{
    viz_canvas *c = f->c;
    wlayout L;
    layout(f, body, &L);
    const nn_tensor *k = L.kernel->value;
    /* the 99th percentile of |w|: a few large weights would wash the rest out */
    viz_scale s = viz_scale_fit_robust(nn_tensor_f32(k), k->size, 0.99);
    int sel = f->ui->layer == L.layer ? f->ui->unit : -1;
    if (L.mode == MODE_MATRIX) {
        viz_heatmap(c, L.main, nn_tensor_f32(k), L.rows, L.cols, (size_t)L.cols, 1, &s);
        viz_stroke_rect(c, viz_inset(L.main, -1), viz_rgb(VIZ_RULE), 1);
        if (sel >= 0 && sel < L.cols) {
            int x0 = L.main.x + (int)((long)sel * L.main.w / L.cols);
            int x1 = L.main.x + (int)((long)(sel + 1) * L.main.w / L.cols);
            SDL_Rect col = {x0 - 1, L.main.y - 1, x1 - x0 + 2, L.main.h + 2};
            viz_stroke_rect(c, col, viz_rgb(VIZ_ACCENT), 2);
        }
        int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
        char cap[96];
        snprintf(cap, sizeof cap, "%d units \xe2\x86\x92", L.cols);
        int cy = L.bias ? L.bias_strip.y + L.bias_strip.h + 2 : L.main.y + L.main.h + 2;
        viz_text(c, cap, L.main.x + L.main.w / 2, cy, VIZ_TICK_PX, VIZ_SANS,
                 viz_rgb(VIZ_INK_SOFT), VIZ_CENTER, L.main.w);
        snprintf(cap, sizeof cap, "%d inputs \xe2\x86\x93", L.rows);
        viz_text_vertical(c, cap, L.main.x - th - 4, L.main.y + L.main.h / 2, VIZ_TICK_PX,
                          VIZ_SANS, viz_rgb(VIZ_INK_SOFT));
        if (L.bias) {
            const nn_tensor *b = L.bias->value;
            viz_heatmap(c, L.bias_strip, nn_tensor_f32(b), 1, (int)b->size, b->size, 1, &s);
            viz_text(c, "b", L.bias_strip.x - 4, L.bias_strip.y - 3, VIZ_SMALL_PX, VIZ_MONO,
                     viz_rgb(VIZ_INK_SOFT), VIZ_RIGHT, 0);
        }
    } else {
        draw_tiles(f, &L, &s);
    }
    viz_legend_bar(c, L.legend, &s, k->size >= 100 ? "weight (per layer; largest 1% saturate)"
                                                   : "weight (scale per layer)");
    if (L.hist_w.w > 0) {
        draw_hist(f, L.hist_w, k, "weights", &s);
        draw_hist(f, L.hist_g, L.kernel->grad, "gradients (last batch)", NULL);
    }
}

static int weights_click(const viz_frame *f, SDL_Rect body, int x, int y)
{
    wlayout L;
    layout(f, body, &L);
    if (L.mode == MODE_MATRIX) {
        int row, col;
        if (!viz_heatmap_cell(L.main, L.rows, L.cols, x, y, &row, &col))
            return 0;
        f->ui->layer = L.layer;
        f->ui->unit = col;
        return 1;
    }
    for (int i = 0; i < L.tshown; i++)
        if (viz_in_rect(tile_rect(&L, i), x, y)) {
            f->ui->layer = L.layer;
            f->ui->unit = L.tfirst + i;
            return 1;
        }
    return 0;
}

const viz_panel_ops viz_panel_weights = {
    "weights", "Weights", weights_applies, weights_subtitle, weights_draw, weights_click,
};
