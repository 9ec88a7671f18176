/* viz/panel_boundary.c — for models on 2-D inputs: the model's output over the
** plane as a coloured field, with the training points on top (TensorFlow
** Playground's picture). The field is the model run on a 64 x 64 grid, through
** viz_probe, only when the weights changed; the result is cached. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "legend.h"
#include "panel.h"
#include "plot.h"
#include "sample.h"
#include "text.h"

#define N VIZ_FIELD_N

static int boundary_applies(const viz_frame *f, char *why, size_t len)
{
    const nn_shape *in = nn_view_input_shape(f->m, 0);
    if (in && in->ndim == 1 && in->dim[0] == 2)
        return 1;
    if (in)
        snprintf(why, len, "The decision boundary needs a model with 2 inputs (a point in the "
                           "plane); this one takes %d values per sample.", viz_shape_size(in));
    else
        snprintf(why, len, "The decision boundary needs a model with 2 inputs; this one's input "
                           "shape is not known yet.");
    return 0;
}

static void boundary_subtitle(const viz_frame *f, char *buf, size_t len)
{
    int ol = nn_view_output_layer(f->m, 0);
    snprintf(buf, len, "output of %s over the plane \xc2\xb7 %d point%s",
             ol >= 0 ? nn_view_layer_name(f->m, ol) : "?", f->field->n_points,
             f->field->n_points == 1 ? "" : "s");
}

/* The plane to show: a square around the points (or the last batch), grown
** but never shrunk, so the picture does not jump. */
static void fit_plane(const viz_frame *f, viz_field *fd)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int i = 0; i < fd->n_points; i++) {
        x0 = fmin(x0, fd->px[i]);
        x1 = fmax(x1, fd->px[i]);
        y0 = fmin(y0, fd->py[i]);
        y1 = fmax(y1, fd->py[i]);
    }
    const nn_tensor *x = nn_view_last_input(f->m);
    if (fd->n_points == 0 && x && x->ndim == 2 && x->shape[1] == 2)
        for (int i = 0; i < x->shape[0]; i++) {
            x0 = fmin(x0, nn_tensor_f32(x)[2 * i]);
            x1 = fmax(x1, nn_tensor_f32(x)[2 * i]);
            y0 = fmin(y0, nn_tensor_f32(x)[2 * i + 1]);
            y1 = fmax(y1, nn_tensor_f32(x)[2 * i + 1]);
        }
    if (!(x0 <= x1)) {
        x0 = y0 = -1.0;
        x1 = y1 = 1.0;
    }
    double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    double half = fmax(fmax(x1 - x0, y1 - y0) / 2 * 1.12, 1e-3);
    double nx0 = cx - half, nx1 = cx + half, ny0 = cy - half, ny1 = cy + half;
    if (fd->x1 > fd->x0) {
        nx0 = fmin(nx0, fd->x0);
        nx1 = fmax(nx1, fd->x1);
        ny0 = fmin(ny0, fd->y0);
        ny1 = fmax(ny1, fd->y1);
        double h = fmax(nx1 - nx0, ny1 - ny0) / 2;
        cx = (nx0 + nx1) / 2;
        cy = (ny0 + ny1) / 2;
        nx0 = cx - h;
        nx1 = cx + h;
        ny0 = cy - h;
        ny1 = cy + h;
    }
    if (nx0 != fd->x0 || nx1 != fd->x1 || ny0 != fd->y0 || ny1 != fd->y1)
        fd->valid = 0;
    fd->x0 = nx0;
    fd->x1 = nx1;
    fd->y0 = ny0;
    fd->y1 = ny1;
}

/* Run the model on the grid when the weights or the plane changed. */
static void update_field(const viz_frame *f, viz_field *fd)
{
    if (fd->valid && fd->key == f->weights_key)
        return;
    if (!viz_probe_allowed(f->m))
        return;
    nn_error err;
    nn_tensor *g = nn_tensor_new2(N * N, 2, &err);
    if (!g)
        return;
    float *gv = nn_tensor_f32(g);
    for (int i = 0; i < N; i++)         /* row 0 at the top: the largest x2 */
        for (int j = 0; j < N; j++) {
            gv[2 * (i * N + j)] = (float)(fd->x0 + (fd->x1 - fd->x0) * (j + 0.5) / N);
            gv[2 * (i * N + j) + 1] = (float)(fd->y1 - (fd->y1 - fd->y0) * (i + 0.5) / N);
        }
    nn_tensor *y = viz_probe(f->m, g, NULL, NULL);
    nn_tensor_free(g);
    if (!y)
        return;
    int k = (int)nn_tensor_row_size(y);
    float *v = realloc(fd->v, (size_t)N * N * k * sizeof *v);
    if (v) {
        memcpy(v, nn_tensor_f32(y), (size_t)N * N * k * sizeof *v);
        fd->v = v;
        fd->k = k;
        fd->valid = 1;
        fd->key = f->weights_key;
    }
    nn_tensor_free(y);
}

/* How outputs turn into colours: one output on a diverging scale (centred at
** 0.5 for a sigmoid, at 0 otherwise), two or more by the winning class. */
static viz_scale output_scale(const viz_frame *f, const viz_field *fd)
{
    int ol = nn_view_output_layer(f->m, 0);
    nn_activation_kind a = nn_view_layer_activation(f->m, ol).kind;
    if (fd->k == 1 && a == NN_ACT_SIGMOID)
        return (viz_scale){VIZ_CMAP_DIVERGING, 0.0f, 1.0f, 0.5f};
    if (fd->k == 1 && a == NN_ACT_TANH)
        return (viz_scale){VIZ_CMAP_DIVERGING, -1.0f, 1.0f, 0.0f};
    if (fd->k == 2)
        return (viz_scale){VIZ_CMAP_DIVERGING, -1.0f, 1.0f, 0.0f};
    return viz_scale_fit(VIZ_CMAP_DIVERGING, fd->v, (size_t)N * N * fd->k, (size_t)fd->k);
}

/* Class colours: the diverging ends for two classes, the palette beyond. */
static viz_color class_color(int c, int classes)
{
    if (classes <= 2)
        return c == 0 ? viz_rgb(VIZ_NEG) : viz_rgb(VIZ_POS);
    return viz_palette(c);
}

static viz_color field_color(const viz_field *fd, const viz_scale *s, const float *o)
{
    if (fd->k == 1)
        return viz_scale_color(s, o[0]);
    if (fd->k == 2)
        return viz_scale_color(s, o[1] - o[0]);
    int best = 0;
    float sum = 0.0f;
    for (int i = 0; i < fd->k; i++) {
        sum += o[i];
        best = o[i] > o[best] ? i : best;
    }
    float conf = sum > 0.0f ? o[best] / sum : 0.0f;
    float chance = 1.0f / fd->k;
    float t = (conf - chance) / (1.0f - chance);
    return viz_mix(viz_rgb(0xffffff), viz_palette(best), 0.15f + 0.6f * t);
}

static void boundary_draw(const viz_frame *f, SDL_Rect body)
{
    viz_canvas *c = f->c;
    viz_field *fd = f->field;
    fit_plane(f, fd);
    update_field(f, fd);
    SDL_Rect r = viz_inset(body, 8);
    SDL_Rect legend = {r.x, r.y + r.h - 28, r.w, 28};
    r.h -= 32;
    int side = r.w < r.h + 60 ? r.w - 60 : r.h;
    SDL_Rect box = {r.x + (r.w - side - 60) / 2, r.y, side + 60, side};
    viz_plot p = {0};
    viz_plot_axes(c, &p, box, fd->x0, fd->x1, fd->y0, fd->y1, 0, "x\xe2\x82\x81",
                  "x\xe2\x82\x82", VIZ_AXIS_NO_GRID);
    if (!fd->valid) {
        viz_panel_message(c, p.area, nn_view_has_backward(f->m)
                          ? "The field updates after the optimizer step."
                          : "No field yet: build or train the model.");
    } else {
        static uint8_t px[N * N * 4];
        viz_scale s = output_scale(f, fd);
        for (int i = 0; i < N * N; i++) {
            viz_color col = field_color(fd, &s, fd->v + (size_t)i * fd->k);
            px[4 * i] = col.r;
            px[4 * i + 1] = col.g;
            px[4 * i + 2] = col.b;
            px[4 * i + 3] = 255;
        }
        viz_blit_rgba(c, px, N, N, p.area, 1);
        const char *cap = fd->k == 1 ? "model output" : fd->k == 2
                                                            ? "p(class 1) \xe2\x88\x92 p(class 0)"
                                                            : "";
        if (fd->k <= 2)
            viz_legend_bar(c, legend, &s, cap);
        else
            viz_text(c, "colour: the most likely class, paler where the model is unsure",
                     legend.x, legend.y + 4, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT),
                     VIZ_LEFT, legend.w);
    }
    viz_stroke_rect(c, p.area, viz_rgb(VIZ_RULE), 1);
    int classes = fd->k > 2 ? fd->k : 2;
    SDL_Rect saved = c->clip;
    viz_clip(c, p.area);
    for (int i = 0; i < fd->n_points; i++) {
        float x = viz_plot_px(&p, fd->px[i]), y = viz_plot_py(&p, fd->py[i]);
        /* a shade darker than the field of the same class, so points show on it */
        viz_color col = fd->pc[i] >= 0
                            ? viz_mix(class_color(fd->pc[i], classes), viz_rgb(0x000000), 0.22f)
                            : viz_rgb(0x555555);
        viz_fill_circle(c, x, y, 5.0f, viz_rgb(0xffffff));
        viz_fill_circle(c, x, y, 3.8f, col);
    }
    /* the current sample, ringed */
    const viz_sample *s = f->s;
    if (s->valid && s->x_size == 2) {
        float x = viz_plot_px(&p, s->x[0]), y = viz_plot_py(&p, s->x[1]);
        viz_stroke_circle(c, x, y, 7.0f, 2.0f, viz_rgb(VIZ_INK));
    }
    viz_clip_restore(c, saved);
}

const viz_panel_ops viz_panel_boundary = {
    "boundary", "Decision boundary", boundary_applies, boundary_subtitle, boundary_draw, NULL,
};
