/* viz/panel_network.c — the network: layers left to right, units as nodes
** coloured by their activation for the current sample, edges coloured by the
** weight's sign and drawn thicker for larger magnitudes (TensorFlow
** Playground's picture). Wide layers show an even sample of their units with
** the count; an image input is drawn as its image; image-shaped outputs
** (Conv2D, pooling) as a column of channel tiles. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "heatmap.h"
#include "legend.h"
#include "panel.h"
#include "text.h"

#define MAX_COLS 24
#define MAX_SHOWN 16

enum { COL_NODES, COL_IMAGE, COL_TILES };

typedef struct ncol {
    int layer;                  /* -1: the model input */
    int kind;
    int units, shown;
    int idx[MAX_SHOWN];         /* which units are drawn */
    float x, y[MAX_SHOWN], r;   /* centre x, node centres, node radius (or half tile) */
    SDL_Rect img;               /* COL_IMAGE */
    SDL_Rect area;              /* the whole column */
    int ih, iw, ic;             /* image or tile shape */
} ncol;

typedef struct nlayout {
    int n;
    ncol col[MAX_COLS];
    SDL_Rect legend;
    int label_h;
} nlayout;

static int network_applies(const viz_frame *f, char *why, size_t len)
{
    if (nn_view_layer_count(f->m) > 0 && nn_view_input_shape(f->m, 0))
        return 1;
    if (nn_view_layer_count(f->m) == 0)
        snprintf(why, len, "The model has no layers yet: model:add(nn.Dense{...}) adds one.");
    else
        snprintf(why, len, "The model's input shape is not known yet: give the first layer "
                           "input_dim or input_shape, or train it once.");
    return 0;
}

/* While stepping stage by stage: the layer being computed (-2: every layer with
** weights, for the update; -1: none). */
static int stage_layer(const viz_frame *f)
{
    const viz_stage *st = f->stage;
    if (!st || !st->known || !st->stepping)
        return -1;
    if (st->kind == NN_STAGE_LOSS)
        return nn_view_output_layer(f->m, 0);
    return st->kind == NN_STAGE_UPDATE ? -2 : st->node;
}

static void network_subtitle(const viz_frame *f, char *buf, size_t len)
{
    int l = viz_sel_layer(f);
    const char *name = nn_view_layer_name(f->m, l);
    if (stage_layer(f) != -1) {
        /* "forward · dense_1 · ...": the stage being stepped through comes first */
        const viz_stage *st = f->stage;
        int sl = stage_layer(f);
        int n = snprintf(buf, len, "%s \xc2\xb7 ", nn_stage_name(st->kind));
        if (sl >= 0 && sl != l && n > 0 && (size_t)n < len)
            n += snprintf(buf + n, len - n, "%s \xc2\xb7 ", nn_view_layer_name(f->m, sl));
        if (n > 0 && (size_t)n < len) {
            buf += n;
            len -= (size_t)n;
        }
    }
    int units = viz_layer_units(f->m, l);
    const viz_sample *s = f->s;
    if (s->valid && s->pinned)
        snprintf(buf, len, "%s \xc2\xb7 unit %d of %d \xc2\xb7 chosen sample", name,
                 f->ui->unit + 1,
                 units);
    else if (s->valid)
        snprintf(buf, len, "%s \xc2\xb7 unit %d of %d \xc2\xb7 sample %d of batch", name,
                 f->ui->unit + 1, units, s->row + 1);
    else
        snprintf(buf, len, "%s \xc2\xb7 unit %d of %d", name, f->ui->unit + 1, units);
}

/* Units to draw: all when they fit, else an even sample that keeps the selected one. */
static void choose_units(ncol *c, int units, int room, int selected)
{
    int shown = units < room ? units : room;
    shown = shown > MAX_SHOWN ? MAX_SHOWN : shown < 1 ? 1 : shown;
    c->units = units;
    c->shown = shown;
    for (int i = 0; i < shown; i++)
        c->idx[i] = shown == units ? i
                                   : (int)((long)i * (units - 1) / (shown > 1 ? shown - 1 : 1));
    if (selected >= 0 && selected < units && shown < units) {
        int best = 0;
        for (int i = 1; i < shown; i++)
            if (abs(c->idx[i] - selected) < abs(c->idx[best] - selected))
                best = i;
        c->idx[best] = selected;
    }
}

static void layout(const viz_frame *f, SDL_Rect body, nlayout *L)
{
    const nn_model *m = f->m;
    memset(L, 0, sizeof *L);
    int nl = nn_view_layer_count(m);
    L->n = nl + 1 < MAX_COLS ? nl + 1 : MAX_COLS;
    int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS), sh = viz_text_height(VIZ_SMALL_PX, VIZ_SANS);
    L->label_h = th + sh + 6;
    int legend_h = body.h >= 260 ? 30 : 0;
    L->legend = (SDL_Rect){body.x + 10, body.y + body.h - legend_h, body.w - 20, legend_h - 4};
    SDL_Rect area = {body.x + 4, body.y + 6, body.w - 8, body.h - 6 - legend_h};
    int top = area.y + L->label_h, bottom = area.y + area.h - (sh + 6);
    int avail = bottom - top;
    float colw = (float)area.w / L->n;
    int sel_layer = viz_sel_layer(f);
    for (int k = 0; k < L->n; k++) {
        ncol *c = &L->col[k];
        c->layer = k - 1;
        c->x = area.x + colw * (k + 0.5f);
        c->area = (SDL_Rect){(int)(area.x + colw * k), area.y, (int)colw, area.h};
        int sel = c->layer == sel_layer ? f->ui->unit : -1;
        int h, w, ch;
        if (k == 0 && viz_input_image_shape(m, &h, &w, &ch)) {
            c->kind = COL_IMAGE;
            c->ih = h;
            c->iw = w;
            c->ic = ch;
            c->units = h * w * ch;
            int side = (int)fminf(colw - 12.0f, avail * 0.6f);
            SDL_Rect box = {(int)(c->x - side / 2.0f), top + (avail - side) / 2, side, side};
            c->img = viz_fit_aspect(box, w, h);
            continue;
        }
        if (k > 0 && viz_layer_image_shape(m, c->layer, &h, &w, &ch)) {
            c->kind = COL_TILES;
            c->ih = h;
            c->iw = w;
            c->ic = ch;
            float tile = fminf(colw * 0.6f, 64.0f);
            int room = (int)(avail / (tile * 0.5f + 4.0f));
            choose_units(c, ch, room, sel);
            tile = fminf(tile, (float)avail / c->shown - 4.0f);
            c->r = tile / 2.0f;
        } else {
            int units = k == 0 ? viz_shape_size(nn_view_input_shape(m, 0))
                               : viz_shape_size(nn_view_layer_out_shape(m, c->layer));
            choose_units(c, units, avail / 14, sel);
            float pitch = (float)avail / c->shown;
            c->r = fminf(fminf(pitch * 0.36f, colw * 0.16f), 13.0f);
            c->r = c->r < 2.5f ? 2.5f : c->r;
        }
        float pitch = (float)avail / c->shown;
        for (int i = 0; i < c->shown; i++)
            c->y[i] = top + pitch * (i + 0.5f);
    }
}

/* The colour scale of a column's values for this sample. */
static viz_scale column_scale(const viz_frame *f, const ncol *c, const float *v, int n)
{
    if (c->layer >= 0) {
        nn_activation_kind k = nn_view_layer_activation(f->m, c->layer).kind;
        if (k == NN_ACT_SIGMOID || k == NN_ACT_SOFTMAX)
            return (viz_scale){VIZ_CMAP_VIRIDIS, 0.0f, 1.0f, 0.0f};
        if (viz_act_nonnegative(k)) {
            viz_scale s = viz_scale_fit(VIZ_CMAP_VIRIDIS, v, (size_t)n, 1);
            s.lo = 0.0f;
            return s;
        }
    }
    /* no activation of its own (Flatten, Dropout, pooling): magnitudes when nothing
    ** is negative, signed values otherwise */
    viz_scale s = viz_scale_fit(VIZ_CMAP_VIRIDIS, v, (size_t)n, 1);
    if (s.lo >= 0.0f) {
        s.lo = 0.0f;
        return s;
    }
    return viz_scale_fit(VIZ_CMAP_DIVERGING, v, (size_t)n, 1);
}

static const float *column_values(const viz_frame *f, const ncol *c, int *n)
{
    const viz_sample *s = f->s;
    if (!s->valid) {
        *n = 0;
        return NULL;
    }
    if (c->layer < 0) {
        *n = s->x_size;
        return s->x;
    }
    if (c->layer >= s->n_layers || !s->out[c->layer]) {
        *n = 0;
        return NULL;
    }
    *n = s->size[c->layer];
    return s->out[c->layer];
}

/* Edges from column a to column b (b's layer has the kernel). */
static void draw_edges(const viz_frame *f, const ncol *a, const ncol *b, int weighted)
{
    viz_canvas *c = f->c;
    const nn_param *k = nn_view_param_named(f->m, b->layer, "kernel");
    float x0 = a->kind == COL_IMAGE ? (float)(a->img.x + a->img.w + 2) : a->x + a->r;
    float x1 = b->x - b->r;
    viz_color plain = viz_rgb(0xd0d4da);
    int dense = weighted && k && k->value->ndim == 2 && a->kind == COL_NODES &&
                k->value->shape[0] == a->units && k->value->shape[1] == b->units;
    if (!dense) {
        /* no weight per pair: thin lines show how values flow */
        float ya = a->kind == COL_IMAGE ? a->img.y + a->img.h / 2.0f : 0.0f;
        for (int j = 0; j < b->shown; j++) {
            if (a->kind == COL_IMAGE) {
                viz_line(c, x0, ya, x1, b->y[j], plain);
                continue;
            }
            int i = (int)((long)j * a->shown / b->shown);
            viz_line(c, x0, a->y[i], x1, b->y[j], plain);
        }
        return;
    }
    const float *w = nn_tensor_f32(k->value);
    viz_scale s = viz_scale_fit(VIZ_CMAP_DIVERGING, w, k->value->size, 1);
    int out = k->value->shape[1];
    /* faint ones first, so strong weights end up on top */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < a->shown; i++)
            for (int j = 0; j < b->shown; j++) {
                float v = w[(size_t)a->idx[i] * out + b->idx[j]];
                float t = fabsf(v) / s.hi;
                if ((pass == 0) != (t < 0.5f))
                    continue;
                /* weak weights fade into the white ground (opaque: blending
                ** every edge pixel would cost more than the rest of the frame) */
                viz_color col = viz_mix(viz_rgb(0xffffff), viz_scale_color(&s, v),
                                        0.35f + 0.65f * t);
                viz_thick_line(c, x0, a->y[i], x1, b->y[j], 0.6f + 2.8f * t, col);
            }
}

static void draw_column(const viz_frame *f, const ncol *c)
{
    viz_canvas *cv = f->c;
    int n;
    const float *v = column_values(f, c, &n);
    int sel_layer = viz_sel_layer(f);
    int is_sel = c->layer == sel_layer;
    viz_color ring = viz_rgb(0x8a939d);
    if (c->kind == COL_IMAGE) {
        if (v && n == c->units) {
            viz_scale s = viz_scale_fit(VIZ_CMAP_GREY, v, (size_t)n, 1);
            s.lo = s.lo < 0.0f ? s.lo : 0.0f;
            viz_image(cv, c->img, v, c->ih, c->iw, c->ic, &s);
        } else {
            viz_fill_rect(cv, c->img, viz_rgb(VIZ_ZERO));
        }
        viz_stroke_rect(cv, viz_inset(c->img, -1), viz_rgb(VIZ_RULE), 1);
    } else if (c->kind == COL_TILES) {
        int hw = c->ih * c->iw;
        for (int i = 0; i < c->shown; i++) {
            SDL_Rect t = {(int)(c->x - c->r), (int)(c->y[i] - c->r), (int)(2 * c->r),
                          (int)(2 * c->r)};
            t = viz_fit_aspect(t, c->iw, c->ih);
            if (v && n == hw * c->ic) {
                const float *ch0 = v + c->idx[i];
                viz_scale s = viz_scale_fit(VIZ_CMAP_VIRIDIS, ch0, (size_t)hw * c->ic, c->ic);
                viz_heatmap(cv, t, ch0, c->ih, c->iw, (size_t)c->iw * c->ic, (size_t)c->ic, &s);
            } else {
                viz_fill_rect(cv, t, viz_rgb(VIZ_ZERO));
            }
            int sel = is_sel && c->idx[i] == f->ui->unit;
            viz_stroke_rect(cv, viz_inset(t, sel ? -2 : -1), sel ? viz_rgb(VIZ_ACCENT) : ring,
                            sel ? 2 : 1);
        }
    } else {
        viz_scale s = {VIZ_CMAP_DIVERGING, -1.0f, 1.0f, 0.0f};
        if (v && n == c->units)
            s = column_scale(f, c, v, n);
        for (int i = 0; i < c->shown; i++) {
            viz_color fill = v && n == c->units ? viz_scale_color(&s, v[c->idx[i]])
                                                : viz_rgb(VIZ_ZERO);
            viz_fill_circle(cv, c->x, c->y[i], c->r, fill);
            int sel = is_sel && c->idx[i] == f->ui->unit;
            if (sel)
                viz_stroke_circle(cv, c->x, c->y[i], c->r + 2.0f, 3.0f, viz_rgb(VIZ_ACCENT));
            else
                viz_stroke_circle(cv, c->x, c->y[i], c->r, 1.0f, ring);
        }
        /* the output layer's class names beside its nodes, when they are few */
        int last = c->layer == nn_view_layer_count(f->m) - 1;
        if (last && c->shown == c->units && c->r >= 5.0f && f->n_classes > 0) {
            for (int i = 0; i < c->shown && c->idx[i] < f->n_classes; i++) {
                int room = c->area.x + c->area.w - (int)(c->x + c->r + 4);
                viz_text(cv, f->class_names[c->idx[i]], (int)(c->x + c->r + 4),
                         (int)c->y[i] - 7, VIZ_SMALL_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT),
                         VIZ_LEFT, room);
            }
        }
    }
    /* labels: name and type above, the count below */
    char a[96], b[96];
    int colw = c->area.w - 4;
    if (c->layer < 0) {
        snprintf(a, sizeof a, "input");
        char shape[64];
        nn_shape_str(shape, sizeof shape, nn_view_input_shape(f->m, 0));
        snprintf(b, sizeof b, "%s", shape);
    } else {
        snprintf(a, sizeof a, "%s", nn_view_layer_name(f->m, c->layer));
        nn_activation act = nn_view_layer_activation(f->m, c->layer);
        if (act.kind != NN_ACT_LINEAR)
            snprintf(b, sizeof b, "%s \xc2\xb7 %s", nn_view_layer_type(f->m, c->layer),
                     nn_activation_name(act.kind));
        else
            snprintf(b, sizeof b, "%s", nn_view_layer_type(f->m, c->layer));
    }
    int y = c->area.y;
    viz_color ink = is_sel ? viz_rgb(VIZ_ACCENT) : viz_rgb(VIZ_INK);
    viz_text(cv, a, (int)c->x, y, VIZ_TICK_PX, is_sel ? VIZ_SANS_BOLD : VIZ_SANS, ink,
             VIZ_CENTER, colw);
    viz_text(cv, b, (int)c->x, y + viz_text_height(VIZ_TICK_PX, VIZ_SANS) + 1, VIZ_SMALL_PX,
             VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_CENTER, colw);
    char cnt[64];
    if (c->kind == COL_IMAGE)
        snprintf(cnt, sizeof cnt, "%dx%d image", c->ih, c->iw);
    else if (c->shown < c->units)
        snprintf(cnt, sizeof cnt, "%d of %d %s", c->shown, c->units,
                 c->kind == COL_TILES ? "channels" : "shown");
    else
        snprintf(cnt, sizeof cnt, "%d %s%s", c->units, c->kind == COL_TILES ? "channel" : "unit",
                 c->units == 1 ? "" : "s");
    viz_text(cv, cnt, (int)c->x, c->area.y + c->area.h - viz_text_height(VIZ_SMALL_PX, VIZ_SANS),
             VIZ_SMALL_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_CENTER, colw);
}

static void network_draw(const viz_frame *f, SDL_Rect body)
{
    nlayout L;
    layout(f, body, &L);
    for (int k = 1; k < L.n; k++) {
        /* edges come from each source column of the layer (the previous one in a
        ** chain; several for Add, Concatenate); weights only on a single source */
        int n_in = nn_view_layer_input_count(f->m, L.col[k].layer);
        for (int in = 0; in < n_in; in++) {
            int src = nn_view_layer_source(f->m, L.col[k].layer, in);
            int a = src < 0 ? 0 : src + 1;
            if (a < k)
                draw_edges(f, &L.col[a], &L.col[k], n_in == 1);
        }
    }
    for (int k = 0; k < L.n; k++)
        draw_column(f, &L.col[k]);
    /* the stage being computed: its layer's column outlined in the accent colour */
    int sl = stage_layer(f);
    for (int k = 1; k < L.n && sl != -1; k++)
        if (L.col[k].layer == sl || (sl == -2 && nn_view_param_count(f->m, L.col[k].layer) > 0))
            viz_stroke_rect(f->c, viz_inset(L.col[k].area, 2), viz_rgb(VIZ_ACCENT), 2);
    if (L.legend.h > 0) {
        /* the edges with a weight each are Dense kernels: the nearest one's scale */
        int kl = -1, sel = viz_sel_layer(f), nl = nn_view_layer_count(f->m);
        for (int d = 0; d < nl && kl < 0; d++)
            for (int sgn = 1; sgn >= -1 && kl < 0; sgn -= 2) {
                int i = sel + sgn * d;
                const nn_param *k = i >= 0 && i < nl ? nn_view_param_named(f->m, i, "kernel")
                                                     : NULL;
                if (k && k->value->ndim == 2)
                    kl = i;
            }
        if (kl >= 0) {
            const nn_tensor *w = nn_view_param_named(f->m, kl, "kernel")->value;
            viz_scale s = viz_scale_fit(VIZ_CMAP_DIVERGING, nn_tensor_f32(w), w->size, 1);
            char cap[120];
            int wide = L.legend.w > 700;
            snprintf(cap, sizeof cap, wide ? "edge: weight of %s (scale per layer)"
                                           : "weight of %s", nn_view_layer_name(f->m, kl));
            SDL_Rect lr = L.legend;
            lr.w = lr.w * 6 / 10;
            viz_legend_bar(f->c, lr, &s, cap);
        }
        const char *note = !f->s->valid      ? "node: no forward pass yet"
                           : L.legend.w > 700 ? "node: activation for this sample "
                                                "(colour per layer)"
                                              : "node: activation";
        viz_text(f->c, note, L.legend.x + L.legend.w, L.legend.y + 2, VIZ_TICK_PX, VIZ_SANS,
                 viz_rgb(VIZ_INK_SOFT), VIZ_RIGHT, L.legend.w * 4 / 10 - 8);
    }
}

static int network_click(const viz_frame *f, SDL_Rect body, int x, int y)
{
    nlayout L;
    layout(f, body, &L);
    for (int k = 1; k < L.n; k++) {
        const ncol *c = &L.col[k];
        if (!viz_in_rect(c->area, x, y))
            continue;
        f->ui->layer = c->layer;
        for (int i = 0; i < c->shown; i++)
            if (fabsf(y - c->y[i]) <= c->r + 3 && fabsf(x - c->x) <= c->r + 3)
                f->ui->unit = c->idx[i];
        return 1;
    }
    return 0;
}

const viz_panel_ops viz_panel_network = {
    "network", "Network", network_applies, network_subtitle, network_draw, network_click,
};
