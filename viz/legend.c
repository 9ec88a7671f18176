/* viz/legend.c — colour bars and series keys. */
#include "legend.h"

#include <math.h>

#include "text.h"

int viz_legend_bar(viz_canvas *c, SDL_Rect r, const viz_scale *s, const char *caption)
{
    if (r.h < 26 || r.w < 60)
        return 0;
    viz_color ink = viz_rgb(VIZ_INK_SOFT);
    char lo[32], hi[32], zero[32];
    viz_fmt_num(lo, sizeof lo, s->lo);
    viz_fmt_num(hi, sizeof hi, s->hi);
    int lw = viz_text_width(lo, VIZ_TICK_PX, VIZ_MONO);
    int hw = viz_text_width(hi, VIZ_TICK_PX, VIZ_MONO);
    /* the bar must leave room for its three numbers side by side */
    int need = lw + hw + 40;
    int cap_w = 0;
    if (caption && *caption) {
        int want = viz_text_width(caption, VIZ_TICK_PX, VIZ_SANS);
        int room = r.w - need - lw / 2 - hw / 2 - 10;
        room = room < r.w / 2 ? room : r.w / 2;
        if (room >= 60) {
            cap_w = (want < room ? want : room) + 10;
            viz_text(c, caption, r.x, r.y + 2, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK), VIZ_LEFT,
                     cap_w - 10);
        }
    }
    /* keep the end labels inside r: the bar starts and ends half a label in */
    int bx = r.x + cap_w + lw / 2, bw = r.w - cap_w - lw / 2 - hw / 2;
    if (bw > 240)
        bw = 240;
    if (bw < need)
        return 0;
    const int bh = 10;
    for (int i = 0; i < bw; i++) {
        float v = s->lo + (s->hi - s->lo) * (i + 0.5f) / bw;
        SDL_Rect px = {bx + i, r.y + 2, 1, bh};
        viz_fill_rect(c, px, viz_scale_color(s, v));
    }
    SDL_Rect frame = {bx, r.y + 2, bw, bh};
    viz_stroke_rect(c, frame, viz_rgb(VIZ_RULE), 1);
    int ty = r.y + 2 + bh + 1;
    viz_text(c, lo, bx, ty, VIZ_TICK_PX, VIZ_MONO, ink, VIZ_CENTER, 0);
    viz_text(c, hi, bx + bw, ty, VIZ_TICK_PX, VIZ_MONO, ink, VIZ_CENTER, 0);
    float mid = s->cmap == VIZ_CMAP_DIVERGING ? s->mid : 0.0f;
    viz_fmt_num(zero, sizeof zero, mid);
    if (s->lo < mid && s->hi > mid) {
        int zx = bx + (int)lroundf(bw * (mid - s->lo) / (s->hi - s->lo));
        viz_line(c, (float)zx, (float)(r.y + 2), (float)zx, (float)(r.y + 2 + bh + 2), ink);
        int zw = viz_text_width(zero, VIZ_TICK_PX, VIZ_MONO);
        if (zx - zw / 2 > bx + lw / 2 + 4 && zx + zw / 2 < bx + bw - hw / 2 - 4)
            viz_text(c, zero, zx, ty, VIZ_TICK_PX, VIZ_MONO, ink, VIZ_CENTER, 0);
    }
    return 2 + bh + 1 + viz_text_height(VIZ_TICK_PX, VIZ_MONO);
}

int viz_legend_entry(viz_canvas *c, int x, int y, viz_color col, int dashed, int box,
                     const char *name)
{
    int h = viz_text_height(VIZ_TICK_PX, VIZ_SANS);
    int cy = y + h / 2;
    if (box) {
        SDL_Rect sw = {x, cy - 5, 10, 10};
        viz_fill_rect(c, sw, col);
    } else {
        SDL_FPoint p[2] = {{(float)x, (float)cy}, {(float)x + 22.0f, (float)cy}};
        viz_polyline(c, p, 2, 2.0f, col, dashed);
    }
    int sw = box ? 14 : 26;
    int tw = viz_text(c, name, x + sw, y, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK), VIZ_LEFT, 0);
    return sw + tw;
}
