/* viz/panel_sample.c — the current sample and what the model makes of it: the
** input (as an image when it is one) and the output as class probability bars,
** the predicted class darker and the true class marked. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "colormap.h"
#include "heatmap.h"
#include "panel.h"
#include "plot.h"
#include "text.h"

static int sample_applies(const viz_frame *f, char *why, size_t len)
{
    if (nn_view_layer_count(f->m) > 0 && nn_view_input_shape(f->m, 0))
        return 1;
    snprintf(why, len, "The model's input shape is not known yet.");
    return 0;
}

static void sample_subtitle(const viz_frame *f, char *buf, size_t len)
{
    const viz_sample *s = f->s;
    if (!s->valid)
        snprintf(buf, len, "no forward pass yet");
    else if (s->pinned)
        snprintf(buf, len, "the sample given to viz.sample");
    else
        snprintf(buf, len, "sample %d of the last batch of %d", s->row + 1, s->batch);
}

static void class_name(const viz_frame *f, int k, char *buf, size_t len)
{
    if (k >= 0 && k < f->n_classes)
        snprintf(buf, len, "%s", f->class_names[k]);
    else
        snprintf(buf, len, "class %d", k);
}

/* The input: an image, a point with its coordinates, or bars of its values. */
static void draw_input(const viz_frame *f, SDL_Rect r)
{
    viz_canvas *c = f->c;
    const viz_sample *s = f->s;
    int h, w, ch;
    viz_text(c, "input", r.x, r.y, VIZ_LABEL_PX, VIZ_SANS_BOLD, viz_rgb(VIZ_INK), VIZ_LEFT, r.w);
    SDL_Rect box = {r.x, r.y + 20, r.w, r.h - 20};
    if (viz_input_image_shape(f->m, &h, &w, &ch)) {
        SDL_Rect img = viz_fit_aspect(viz_inset(box, 4), w, h);
        viz_scale sc = viz_scale_fit(VIZ_CMAP_GREY, s->x, (size_t)s->x_size, 1);
        sc.lo = sc.lo < 0.0f ? sc.lo : 0.0f;
        viz_image(c, img, s->x, h, w, ch, &sc);
        viz_stroke_rect(c, viz_inset(img, -1), viz_rgb(VIZ_RULE), 1);
        return;
    }
    /* a few features: name, value, and a bar centred on zero */
    int n = s->x_size < 24 ? s->x_size : 24;
    viz_scale sc = viz_scale_fit(VIZ_CMAP_DIVERGING, s->x, (size_t)s->x_size, 1);
    int lh = box.h / (n ? n : 1);
    lh = lh > 26 ? 26 : lh;
    int num_right = box.x + 96, bar_w = (box.w - 104) / 2, mid = num_right + 8 + bar_w;
    int th = viz_text_height(VIZ_TICK_PX, VIZ_MONO);
    for (int i = 0; i < n && lh >= 10; i++) {
        int y = box.y + i * lh;
        char lab[32], num[32];
        snprintf(lab, sizeof lab, "x%d", i + 1);
        viz_text(c, lab, box.x, y + (lh - th) / 2, VIZ_TICK_PX, VIZ_MONO, viz_rgb(VIZ_INK_SOFT),
                 VIZ_LEFT, 0);
        viz_fmt_num(num, sizeof num, s->x[i]);
        viz_text(c, num, num_right, y + (lh - th) / 2, VIZ_TICK_PX, VIZ_MONO, viz_rgb(VIZ_INK),
                 VIZ_RIGHT, 0);
        if (bar_w < 8)
            continue;
        int len = (int)lroundf(s->x[i] / sc.hi * bar_w);
        SDL_Rect bar = {len < 0 ? mid + len : mid, y + 3, len < 0 ? -len : len, lh - 6};
        viz_fill_rect(c, bar, viz_scale_color(&sc, s->x[i]));
    }
    if (bar_w >= 8)
        viz_line(c, (float)mid, (float)box.y, (float)mid, (float)(box.y + n * lh),
                 viz_rgb(VIZ_RULE));
}

static void draw_output(const viz_frame *f, SDL_Rect r)
{
    viz_canvas *c = f->c;
    const viz_sample *s = f->s;
    int ol = nn_view_output_layer(f->m, 0);
    if (ol < 0 || ol >= s->n_layers || !s->out[ol]) {
        viz_panel_message(c, r, "No output for this sample yet.");
        return;
    }
    const float *p = s->out[ol];
    int k = s->size[ol];
    nn_activation_kind act = nn_view_layer_activation(f->m, ol).kind;
    int probs = act == NN_ACT_SOFTMAX || act == NN_ACT_SIGMOID;
    /* a single sigmoid unit is a two-class output: p(1) and 1 - p(1) */
    float two[2];
    int binary = k == 1 && act == NN_ACT_SIGMOID;
    if (binary) {
        two[0] = 1.0f - p[0];
        two[1] = p[0];
        p = two;
        k = 2;
    }
    int best = 0;
    for (int i = 1; i < k; i++)
        if (p[i] > p[best])
            best = i;
    int truth = s->label;
    char head[256], second[256], pn[64], tn[64], num[32];
    class_name(f, best, pn, sizeof pn);
    viz_fmt_num(num, sizeof num, p[best]);
    snprintf(head, sizeof head, "predicted: %s (%s)", pn, num);
    second[0] = '\0';
    if (truth >= 0) {
        class_name(f, truth, tn, sizeof tn);
        snprintf(second, sizeof second, "true: %s %s", tn,
                 truth == best ? "\xe2\x9c\x93 right" : "\xe2\x9c\x97 wrong");
    }
    if (!probs && !binary)
        snprintf(head, sizeof head, "output (%s)", nn_activation_name(act));
    int lh1 = viz_text_height(VIZ_LABEL_PX, VIZ_SANS) + 2;
    viz_text(c, head, r.x, r.y, VIZ_LABEL_PX, VIZ_SANS_BOLD, viz_rgb(VIZ_INK), VIZ_LEFT, r.w);
    viz_text(c, second, r.x, r.y + lh1, VIZ_LABEL_PX, VIZ_SANS, viz_rgb(VIZ_INK), VIZ_LEFT, r.w);
    int shown = k < 20 ? k : 20;
    int head_h = 2 * lh1 + 8;
    int top = r.y + head_h, lh = (r.h - head_h - 18) / (shown ? shown : 1);
    lh = lh > 30 ? 30 : lh;
    if (lh < 12)
        return;
    int name_w = 0;
    for (int i = 0; i < shown; i++) {
        char nm[64];
        class_name(f, i, nm, sizeof nm);
        int w = viz_text_width(nm, VIZ_TICK_PX, i == truth ? VIZ_SANS_BOLD : VIZ_SANS);
        name_w = w > name_w ? w : name_w;
    }
    name_w = name_w > r.w / 3 ? r.w / 3 : name_w;
    int bx = r.x + name_w + 20, bw = r.w - name_w - 20 - 76;
    float vmax = 1.0f;
    if (!probs) {
        vmax = 0.0f;
        for (int i = 0; i < k; i++)
            vmax = fabsf(p[i]) > vmax ? fabsf(p[i]) : vmax;
        vmax = vmax > 0.0f ? vmax : 1.0f;
    }
    viz_color base = viz_palette(0), strong = viz_mix(base, viz_rgb(0x000000), 0.3f);
    for (int i = 0; i < shown; i++) {
        int y = top + i * lh;
        char nm[64];
        class_name(f, i, nm, sizeof nm);
        int th = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
        viz_text(c, nm, bx - 20, y + (lh - th) / 2, VIZ_TICK_PX,
                 i == truth ? VIZ_SANS_BOLD : VIZ_SANS, viz_rgb(VIZ_INK), VIZ_RIGHT, name_w);
        if (i == truth)
            viz_text(c, "\xe2\x96\xb6", bx - 4, y + (lh - th) / 2, VIZ_TICK_PX, VIZ_SANS,
                     viz_rgb(VIZ_INK), VIZ_RIGHT, 0);
        SDL_Rect track = {bx, y + 3, bw, lh - 6};
        viz_fill_rect(c, track, viz_rgb(0xf1f2f4));
        float t = probs ? p[i] : fabsf(p[i]) / vmax;
        t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
        SDL_Rect bar = {bx, y + 3, (int)lroundf(t * bw), lh - 6};
        viz_fill_rect(c, bar, i == best ? strong : viz_mix(base, viz_rgb(0xffffff), 0.35f));
        if (i == truth)
            viz_stroke_rect(c, viz_inset(track, -1), viz_rgb(VIZ_INK), 1);
        viz_fmt_num(num, sizeof num, p[i]);
        viz_text(c, num, bx + bw + 6, y + (lh - th) / 2, VIZ_TICK_PX, VIZ_MONO,
                 viz_rgb(VIZ_INK_SOFT), VIZ_LEFT, 72);
    }
    const char *foot = truth >= 0
                           ? "\xe2\x96\xb6 true class (outlined) \xc2\xb7 dark bar: prediction"
                           : "dark bar: prediction \xc2\xb7 true class not known";
    viz_text(c, foot, r.x, top + shown * lh + 4, VIZ_SMALL_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT),
             VIZ_LEFT, r.w);
}

static void sample_draw(const viz_frame *f, SDL_Rect body)
{
    const viz_sample *s = f->s;
    if (!s->valid) {
        viz_panel_message(f->c, body, "No forward pass yet: train the model, or run "
                                      "model:forward(x), or choose one with viz.sample(x).");
        return;
    }
    SDL_Rect r = viz_inset(body, 10);
    int left_w = r.w * (r.w < 500 ? 30 : 38) / 100;
    if (left_w > r.h)
        left_w = r.h;
    SDL_Rect in = {r.x, r.y, left_w, r.h - 16};
    SDL_Rect out = {r.x + left_w + 16, r.y, r.w - left_w - 16, r.h - 16};
    draw_input(f, in);
    draw_output(f, out);
    if (!s->pinned)
        viz_text(f->c, "[ and ] choose another sample of the batch", r.x, r.y + r.h - 14,
                 VIZ_SMALL_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_LEFT, r.w);
}

const viz_panel_ops viz_panel_sample = {
    "sample", "Sample & prediction", sample_applies, sample_subtitle, sample_draw, NULL,
};
