/* viz/panel_features.c — feature maps: for the current sample, every channel of
** a Conv2D (or pooling) layer's output as a small viridis tile, and the
** Conv2D filters behind the selected channel. Click a tile to enlarge it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "colormap.h"
#include "heatmap.h"
#include "legend.h"
#include "panel.h"
#include "text.h"

#define MAX_TILES 128

typedef struct flayout {
    int layer, h, w, ch;
    SDL_Rect input, grid, filters, legend, zoom;
    int tile, cols, shown, gap;
} flayout;

static int first_image_layer(const nn_model *m, int from)
{
    int h, w, c, n = nn_view_layer_count(m);
    if (from >= 0 && from < n && viz_layer_image_shape(m, from, &h, &w, &c))
        return from;
    for (int i = 0; i < n; i++)
        if (viz_layer_image_shape(m, i, &h, &w, &c))
            return i;
    return -1;
}

static int features_applies(const viz_frame *f, char *why, size_t len)
{
    if (first_image_layer(f->m, -1) >= 0)
        return 1;
    snprintf(why, len, "Feature maps need a Conv2D layer: this model has none (it sees its input "
                       "as a flat vector). Build a CNN to see them here.");
    return 0;
}

static void layout(const viz_frame *f, SDL_Rect body, flayout *L)
{
    memset(L, 0, sizeof *L);
    L->layer = first_image_layer(f->m, viz_sel_layer(f));
    viz_layer_image_shape(f->m, L->layer, &L->h, &L->w, &L->ch);
    SDL_Rect r = viz_inset(body, 8);
    L->legend = (SDL_Rect){r.x, r.y + r.h - 28, r.w, 28};
    r.h -= 32;
    int side = r.h / 3 < r.w / 5 ? r.h / 3 : r.w / 5;
    L->input = (SDL_Rect){r.x, r.y + 18, side, side};
    int has_filters = nn_view_param_named(f->m, L->layer, "kernel") != NULL;
    L->filters = has_filters ? (SDL_Rect){r.x, L->input.y + side + 26, side,
                                          r.y + r.h - (L->input.y + side + 26)}
                             : (SDL_Rect){0, 0, 0, 0};
    L->grid = (SDL_Rect){r.x + side + 16, r.y + 18, r.w - side - 16, r.h - 18};
    L->zoom = L->grid;
    L->gap = 3;
    int n = L->ch < MAX_TILES ? L->ch : MAX_TILES;
    int best = 0, best_cols = 1;
    for (int cols = 1; cols <= n; cols++) {
        int rows = (n + cols - 1) / cols;
        int s = (L->grid.w - (cols - 1) * L->gap) / cols;
        int s2 = (L->grid.h - (rows - 1) * L->gap) / rows;
        s = s < s2 ? s : s2;
        if (s > best) {
            best = s;
            best_cols = cols;
        }
    }
    L->tile = best;
    L->cols = best_cols;
    L->shown = n;
    /* centre the grid in its area */
    int gw = best_cols * best + (best_cols - 1) * L->gap;
    if (gw < L->grid.w) {
        L->grid.x += (L->grid.w - gw) / 2;
        L->grid.w = gw;
    }
}

static SDL_Rect tile_rect(const flayout *L, int i)
{
    int r = i / L->cols, c = i % L->cols;
    return (SDL_Rect){L->grid.x + c * (L->tile + L->gap), L->grid.y + r * (L->tile + L->gap),
                      L->tile, L->tile};
}

static void features_subtitle(const viz_frame *f, char *buf, size_t len)
{
    flayout L;
    SDL_Rect none = {0, 0, 600, 400};
    layout(f, none, &L);
    const char *name = nn_view_layer_name(f->m, L.layer);
    if (f->ui->layer == L.layer)
        snprintf(buf, len, "%s \xc2\xb7 channel %d of %d \xc2\xb7 %dx%d", name, f->ui->unit + 1,
                 L.ch,
                 L.h, L.w);
    else
        snprintf(buf, len, "%s \xc2\xb7 %d channels of %dx%d", name, L.ch, L.h, L.w);
}

static viz_scale layer_scale(const viz_frame *f, int layer, const float *v, size_t n)
{
    nn_activation_kind k = nn_view_layer_activation(f->m, layer).kind;
    if (viz_act_nonnegative(k)) {
        viz_scale s = viz_scale_fit(VIZ_CMAP_VIRIDIS, v, n, 1);
        s.lo = 0.0f;
        return s;
    }
    /* pooling of a ReLU output is non-negative too */
    viz_scale s = viz_scale_fit(VIZ_CMAP_VIRIDIS, v, n, 1);
    if (s.lo >= 0.0f) {
        s.lo = 0.0f;
        return s;
    }
    return viz_scale_fit(VIZ_CMAP_DIVERGING, v, n, 1);
}

static void draw_filters(const viz_frame *f, const flayout *L, int channel)
{
    viz_canvas *c = f->c;
    const nn_param *k = nn_view_param_named(f->m, L->layer, "kernel");
    if (!k || k->value->ndim != 4 || L->filters.h < 40)
        return;
    int kh = k->value->shape[0], kw = k->value->shape[1], kin = k->value->shape[2],
        kout = k->value->shape[3];
    if (channel >= kout)
        return;
    char cap[96];
    snprintf(cap, sizeof cap, "filter %d", channel + 1);
    viz_text(c, cap, L->filters.x, L->filters.y - 18, VIZ_TICK_PX, VIZ_SANS_BOLD,
             viz_rgb(VIZ_INK), VIZ_LEFT, L->filters.w);
    const float *w = nn_tensor_f32(k->value);
    viz_scale s = viz_scale_fit(VIZ_CMAP_DIVERGING, w, k->value->size, 1);
    int n = kin < 16 ? kin : 16;
    int cols = n <= 1 ? 1 : n <= 4 ? 2 : 4;
    int rows = (n + cols - 1) / cols;
    int t = (L->filters.w - (cols - 1) * 4) / cols;
    int t2 = (L->filters.h - 16 - (rows - 1) * 4) / rows;
    t = t < t2 ? t : t2;
    if (t < 6)
        return;
    size_t cs = (size_t)kin * kout;
    for (int i = 0; i < n; i++) {
        SDL_Rect tr = {L->filters.x + (i % cols) * (t + 4), L->filters.y + (i / cols) * (t + 4), t,
                       t};
        viz_heatmap(c, tr, w + (size_t)i * kout + channel, kh, kw, cs * kw, cs, &s);
        viz_stroke_rect(c, viz_inset(tr, -1), viz_rgb(VIZ_RULE), 1);
    }
    snprintf(cap, sizeof cap, "%dx%d, %d input%s%s", kh, kw, kin, kin == 1 ? "" : "s",
             kin > n ? " (16 shown)" : "");
    int y = L->filters.y + rows * (t + 4);
    viz_text(c, cap, L->filters.x, y, VIZ_SMALL_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_LEFT,
             L->filters.w);
    SDL_Rect lr = {L->filters.x, y + 18, L->filters.w, 28};
    if (lr.y + lr.h <= L->filters.y + L->filters.h + 20)
        viz_legend_bar(c, lr, &s, NULL);
}

static void features_draw(const viz_frame *f, SDL_Rect body)
{
    viz_canvas *c = f->c;
    flayout L;
    layout(f, body, &L);
    const viz_sample *s = f->s;
    int ih, iw, ic;
    viz_text(c, "input", L.input.x, L.input.y - 18, VIZ_TICK_PX, VIZ_SANS_BOLD, viz_rgb(VIZ_INK),
             VIZ_LEFT, L.input.w);
    if (s->valid && viz_input_image_shape(f->m, &ih, &iw, &ic)) {
        viz_scale g = viz_scale_fit(VIZ_CMAP_GREY, s->x, (size_t)s->x_size, 1);
        g.lo = g.lo < 0.0f ? g.lo : 0.0f;
        SDL_Rect img = viz_fit_aspect(L.input, iw, ih);
        viz_image(c, img, s->x, ih, iw, ic, &g);
        viz_stroke_rect(c, viz_inset(img, -1), viz_rgb(VIZ_RULE), 1);
    }
    int sel = f->ui->layer == L.layer ? f->ui->unit : 0;
    draw_filters(f, &L, sel);
    const float *v = s->valid && L.layer < s->n_layers ? s->out[L.layer] : NULL;
    int hw = L.h * L.w;
    if (!v || s->size[L.layer] != hw * L.ch) {
        viz_panel_message(c, L.grid, "No forward pass yet: the feature maps of the current "
                                     "sample appear here.");
        return;
    }
    viz_scale sc = layer_scale(f, L.layer, v, (size_t)hw * L.ch);
    char cap[120];
    int zoom = f->ui->zoom >= 0 && f->ui->zoom < L.ch && f->ui->layer == L.layer;
    if (zoom) {
        SDL_Rect big = viz_fit_aspect(L.zoom, L.w, L.h);
        viz_heatmap(c, big, v + f->ui->zoom, L.h, L.w, (size_t)L.w * L.ch, (size_t)L.ch, &sc);
        viz_stroke_rect(c, viz_inset(big, -2), viz_rgb(VIZ_ACCENT), 2);
        snprintf(cap, sizeof cap, "channel %d \xc2\xb7 click to see all", f->ui->zoom + 1);
        viz_text(c, cap, L.grid.x, L.grid.y - 18, VIZ_TICK_PX, VIZ_SANS_BOLD, viz_rgb(VIZ_INK),
                 VIZ_LEFT, L.grid.w);
    } else {
        SDL_Rect rects[MAX_TILES], all;
        size_t offs[MAX_TILES];
        for (int i = 0; i < L.shown; i++) {
            rects[i] = viz_fit_aspect(tile_rect(&L, i), L.w, L.h);
            offs[i] = (size_t)i;
            if (i == 0)
                all = rects[0];
            else
                SDL_UnionRect(&all, &rects[i], &all);
        }
        if (L.shown > 0)
            viz_tiles(c, all, viz_rgb(VIZ_PANEL), L.shown, rects, offs, v, L.h, L.w,
                      (size_t)L.w * L.ch, (size_t)L.ch, &sc);
        for (int i = 0; i < L.shown; i++)
            if (i == sel && f->ui->layer == L.layer)
                viz_stroke_rect(c, viz_inset(rects[i], -2), viz_rgb(VIZ_ACCENT), 2);
        snprintf(cap, sizeof cap, "%d channel%s%s \xc2\xb7 click one to enlarge", L.ch,
                 L.ch == 1 ? "" : "s", L.ch > L.shown ? " (128 shown)" : "");
        viz_text(c, cap, L.grid.x, L.grid.y - 18, VIZ_TICK_PX, VIZ_SANS_BOLD, viz_rgb(VIZ_INK),
                 VIZ_LEFT, L.grid.w);
    }
    viz_legend_bar(c, L.legend, &sc, sc.cmap == VIZ_CMAP_VIRIDIS
                   ? "activation (scale per layer)" : "output (scale per layer)");
}

static int features_click(const viz_frame *f, SDL_Rect body, int x, int y)
{
    flayout L;
    layout(f, body, &L);
    if (f->ui->zoom >= 0 && f->ui->layer == L.layer) {
        if (!viz_in_rect(L.zoom, x, y))
            return 0;
        f->ui->zoom = -1;
        return 1;
    }
    for (int i = 0; i < L.shown; i++)
        if (viz_in_rect(tile_rect(&L, i), x, y)) {
            f->ui->layer = L.layer;
            f->ui->unit = i;
            f->ui->zoom = i;
            return 1;
        }
    return 0;
}

const viz_panel_ops viz_panel_features = {
    "features", "Feature maps", features_applies, features_subtitle, features_draw,
    features_click,
};
