/* viz/frame.c — the dashboard grid, title bars and the status line. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "viz.h"

#define GAP 6

static int applies(const viz_frame *f, int id, char *why, size_t len)
{
    const viz_panel_ops *p = viz_panel_get(id);
    if (why && len)
        why[0] = '\0';
    if (!f->m) {
        if (why)
            snprintf(why, len, "No model shown: call viz.show(model).");
        return 0;
    }
    return !p->applies || p->applies(f, why, len);
}

int viz_frame_layout(const viz_frame *f, int view, int w, int h, int *ids, SDL_Rect *rects)
{
    SDL_Rect area = {GAP, GAP, w - 2 * GAP, h - VIZ_STATUS_H - GAP};
    int n = 0;
    if (view >= 0 && view < VIZ_PANEL_COUNT) {
        ids[0] = view;
        rects[0] = area;
        return 1;
    }
    for (int k = 0; k < VIZ_PANEL_COUNT; k++)
        if (applies(f, k, NULL, 0) &&
            (k != VIZ_PANEL_FORMULA || viz_formula_in_dashboard(f)))
            ids[n++] = k;
    if (n == 0) {
        ids[0] = VIZ_PANEL_NETWORK;
        rects[0] = area;
        return 1;
    }
    /* the grid whose cells come closest to the 3:2 a panel reads best in */
    int best_cols = 1;
    double best = -1.0;
    for (int cols = 1; cols <= n; cols++) {
        int rows = (n + cols - 1) / cols;
        double cw = (double)area.w / cols, ch = (double)area.h / rows;
        double score = fmin(cw / 1.5, ch);
        if (score > best + 1e-9) {
            best = score;
            best_cols = cols;
        }
    }
    int cols = best_cols, rows = (n + cols - 1) / cols;
    for (int i = 0; i < n; i++) {
        int r = i / cols, c = i % cols;
        /* the last row's panels share its width */
        int in_row = r == rows - 1 ? n - r * cols : cols;
        int x0 = area.x + c * (area.w + GAP) / in_row;
        int x1 = area.x + (c + 1) * (area.w + GAP) / in_row - GAP;
        int y0 = area.y + r * (area.h + GAP) / rows;
        int y1 = area.y + (r + 1) * (area.h + GAP) / rows - GAP;
        rects[i] = (SDL_Rect){x0, y0, x1 - x0, y1 - y0};
    }
    return n;
}

SDL_Rect viz_frame_body(SDL_Rect panel)
{
    SDL_Rect b = {panel.x + 1, panel.y + VIZ_TITLE_H, panel.w - 2, panel.h - VIZ_TITLE_H - 1};
    if (b.w < 0)
        b.w = 0;
    if (b.h < 0)
        b.h = 0;
    return b;
}

static void draw_title(viz_frame *f, int id, SDL_Rect r)
{
    viz_canvas *c = f->c;
    const viz_panel_ops *p = viz_panel_get(id);
    SDL_Rect bar = {r.x, r.y, r.w, VIZ_TITLE_H};
    viz_fill_rect(c, bar, viz_rgb(0xf7f8f9));
    viz_line(c, (float)r.x, (float)(r.y + VIZ_TITLE_H - 1), (float)(r.x + r.w - 1),
             (float)(r.y + VIZ_TITLE_H - 1), viz_rgb(VIZ_RULE));
    int th = viz_text_height(VIZ_TITLE_PX, VIZ_SANS);
    int ty = r.y + (VIZ_TITLE_H - th) / 2;
    int x = r.x + 8;
    /* the key that shows this panel alone */
    char key[12];
    snprintf(key, sizeof key, "%d", id + 1);
    SDL_Rect kb = {x, r.y + 6, 16, VIZ_TITLE_H - 12};
    viz_stroke_rect(c, kb, viz_rgb(VIZ_RULE), 1);
    viz_text(c, key, kb.x + kb.w / 2, kb.y + (kb.h - viz_text_height(VIZ_SMALL_PX, VIZ_SANS)) / 2,
             VIZ_SMALL_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_CENTER, 0);
    x += 22;

    char right[96] = "";
    if (f->m)
        viz_step_text(f, right, sizeof right);
    int rw = viz_text_width(right, VIZ_TICK_PX, VIZ_SANS);
    int limit = r.x + r.w - 8;
    if (rw > 0 && rw < r.w / 3) {
        viz_text(c, right, limit, r.y + (VIZ_TITLE_H - viz_text_height(VIZ_TICK_PX, VIZ_SANS)) / 2,
                 VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_RIGHT, 0);
        limit -= rw + 12;
    }
    int w = viz_text(c, p->title, x, ty, VIZ_TITLE_PX, VIZ_SANS_BOLD, viz_rgb(VIZ_INK), VIZ_LEFT,
                     limit - x);
    char sub[200] = "";
    if (f->m && p->subtitle && applies(f, id, NULL, 0))
        p->subtitle(f, sub, sizeof sub);
    if (sub[0] && limit - (x + w) > 30) {
        char full[220];
        snprintf(full, sizeof full, " \xc2\xb7 %s", sub);
        viz_text(c, full, x + w, ty, VIZ_TITLE_PX, VIZ_SANS, viz_rgb(VIZ_INK), VIZ_LEFT,
                 limit - (x + w));
    }
}

static void draw_panel(viz_frame *f, int id, SDL_Rect r)
{
    viz_canvas *c = f->c;
    viz_clip(c, r);
    viz_fill_rect(c, r, viz_rgb(VIZ_PANEL));
    draw_title(f, id, r);
    SDL_Rect body = viz_frame_body(r);
    viz_clip(c, body);
    char why[256];
    if (applies(f, id, why, sizeof why))
        viz_panel_get(id)->draw(f, body);
    else
        viz_panel_message(c, body, why);
    viz_clip(c, r);
    viz_stroke_rect(c, r, viz_rgb(VIZ_RULE), 1);
    viz_unclip(c);
}

/* "epoch 3/10 · batch 120/1688 · loss 0.5213 · accuracy 0.8125 · 5230 samples/s · running" */
static void status_text(const viz_frame *f, char *buf, size_t len)
{
    const viz_run *run = f->run;
    const nn_model *m = f->m;
    size_t n = 0;
    buf[0] = '\0';
    if (!m) {
        snprintf(buf, len, "no model shown");
        return;
    }
    char num[32];
    if (run->in_fit || run->batches > 0) {
        if (run->epochs > 0)
            n += snprintf(buf + n, len - n, "epoch %d/%d", run->epoch + 1, run->epochs);
        else
            n += snprintf(buf + n, len - n, "epoch %d", run->epoch + 1);
        if (run->batches > 0)
            n += snprintf(buf + n, len - n, " \xc2\xb7 batch %d/%d", run->batch + 1, run->batches);
        else
            n += snprintf(buf + n, len - n, " \xc2\xb7 batch %d", run->batch + 1);
    } else {
        n += snprintf(buf + n, len - n, "%d epochs", nn_view_epoch_count(m));
    }
    int nb = 0;
    const float *bl = nn_view_batch_losses(m, &nb);
    if (nb > 0 && n < len)
        n += snprintf(buf + n, len - n, " \xc2\xb7 loss %s",
                      viz_fmt_num(num, sizeof num, bl[nb - 1]));
    for (int k = 0; k < nn_view_metric_count(m) && k < 2 && n < len; k++) {
        double v;
        if (nn_view_batch_metric(m, k, &v) == 0)
            n += snprintf(buf + n, len - n, " \xc2\xb7 %s %s", nn_view_metric_name(m, k),
                          viz_fmt_num(num, sizeof num, v));
    }
    if (run->in_fit && run->samples_per_s > 0.0 && n < len)
        n += snprintf(buf + n, len - n, " \xc2\xb7 %.0f samples/s", run->samples_per_s);
    if (n < len)
        snprintf(buf + n, len - n, " \xc2\xb7 %s",
                 run->paused ? "paused" : run->in_fit ? "running" : "idle");
}

static void draw_status(viz_frame *f, const viz_chrome *chrome)
{
    viz_canvas *c = f->c;
    SDL_Rect bar = {0, c->h - VIZ_STATUS_H, c->w, VIZ_STATUS_H};
    viz_fill_rect(c, bar, viz_rgb(0xe4e6e9));
    viz_line(c, 0.0f, (float)bar.y, (float)c->w, (float)bar.y, viz_rgb(VIZ_RULE));
    int ty = bar.y + (VIZ_STATUS_H - viz_text_height(VIZ_LABEL_PX, VIZ_SANS)) / 2;
    char left[400];
    status_text(f, left, sizeof left);
    if (chrome && chrome->message) {
        size_t n = strlen(left);
        snprintf(left + n, sizeof left - n, "   \xe2\x80\x94 %s", chrome->message);
    }
    const char *keys = f->run->paused
        ? "space resume \xc2\xb7 n step \xc2\xb7 x stop \xc2\xb7 s save \xc2\xb7 1-8 panel"
        : f->stage && f->stage->in_step       /* stepping a training step (stage.h) */
        ? ". next stage \xc2\xb7 8 formula \xc2\xb7 1-8, Tab panel \xc2\xb7 "
          "\xe2\x86\x90\xe2\x86\x92 layer \xc2\xb7 \xe2\x86\x91\xe2\x86\x93 unit \xc2\xb7 "
          "[ ] sample"
        : "space pause \xc2\xb7 n step \xc2\xb7 s save \xc2\xb7 1-8, Tab panel \xc2\xb7 "
          "\xe2\x86\x90\xe2\x86\x92 layer \xc2\xb7 \xe2\x86\x91\xe2\x86\x93 unit \xc2\xb7 l log";
    int lw = viz_text_width(left, VIZ_LABEL_PX, VIZ_SANS);
    int room = c->w - 16;
    int used = viz_text(c, left, 8, ty, VIZ_LABEL_PX, VIZ_SANS, viz_rgb(VIZ_INK), VIZ_LEFT,
                        lw < room ? 0 : room);
    int key_room = c->w - 8 - (8 + used + 24);
    if (chrome && chrome->show_keys && key_room > 120)
        viz_text(c, keys, c->w - 8, ty, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_RIGHT,
                 key_room);
}

void viz_frame_draw(viz_frame *f, int view, const viz_chrome *chrome)
{
    viz_canvas *c = f->c;
    viz_canvas_begin(c, viz_rgb(VIZ_BG));
    int ids[VIZ_PANEL_COUNT];
    SDL_Rect rects[VIZ_PANEL_COUNT];
    int n = viz_frame_layout(f, view, c->w, c->h, ids, rects);
    f->alone = n == 1;
    for (int i = 0; i < n; i++)
        draw_panel(f, ids[i], rects[i]);
    draw_status(f, chrome);
    viz_canvas_end(c);
}
