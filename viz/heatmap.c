/* viz/heatmap.c — matrices and images, reduced to the pixels they get. */
#include "heatmap.h"

#include <math.h>
#include <stdlib.h>

static uint8_t *pixel_buffer(size_t n)
{
    static uint8_t *buf;
    static size_t cap;
    if (n > cap) {
        uint8_t *b = realloc(buf, n);
        if (!b)
            return NULL;
        buf = b;
        cap = n;
    }
    return buf;
}

static void put(uint8_t *p, viz_color c)
{
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
    p[3] = 255;
}

void viz_heatmap(viz_canvas *c, SDL_Rect r, const float *v, int rows, int cols,
                 size_t row_stride, size_t col_stride, const viz_scale *s)
{
    if (rows < 1 || cols < 1 || r.w < 1 || r.h < 1)
        return;
    /* picture rows and columns, and their reduced counts */
    int prow = rows, pcol = cols;
    int orow = prow < r.h ? prow : r.h, ocol = pcol < r.w ? pcol : r.w;
    uint8_t *px = pixel_buffer((size_t)orow * ocol * 4);
    if (!px)
        return;
    for (int i = 0; i < orow; i++) {
        int r0 = (int)((long)i * prow / orow), r1 = (int)((long)(i + 1) * prow / orow);
        for (int j = 0; j < ocol; j++) {
            int c0 = (int)((long)j * pcol / ocol), c1 = (int)((long)(j + 1) * pcol / ocol);
            double sum = 0.0;
            int n = 0;
            for (int a = r0; a < r1; a++)
                for (int b = c0; b < c1; b++) {
                    float x = v[(size_t)a * row_stride + (size_t)b * col_stride];
                    if (isfinite(x)) {
                        sum += x;
                        n++;
                    }
                }
            put(px + ((size_t)i * ocol + j) * 4, viz_scale_color(s, n ? (float)(sum / n) : NAN));
        }
    }
    if ((long)orow * ocol > 1024 || r.w / ocol < 6 || r.h / orow < 6) {
        viz_blit_rgba(c, px, ocol, orow, r, 0);
        return;
    }
    /* a few big cells: one rectangle each, edges at exact fractions of r (even sizes) */
    for (int i = 0; i < orow; i++) {
        int y0 = r.y + (int)((long)i * r.h / orow), y1 = r.y + (int)((long)(i + 1) * r.h / orow);
        for (int j = 0; j < ocol; j++) {
            int x0 = r.x + (int)((long)j * r.w / ocol);
            int x1 = r.x + (int)((long)(j + 1) * r.w / ocol);
            const uint8_t *p = px + ((size_t)i * ocol + j) * 4;
            viz_fill_rect(c, (SDL_Rect){x0, y0, x1 - x0, y1 - y0},
                          (viz_color){p[0], p[1], p[2], 255});
        }
    }
}

void viz_tiles(viz_canvas *c, SDL_Rect bounds, viz_color bg, int n, const SDL_Rect *rect,
               const size_t *offset, const float *v, int h, int w, size_t row_stride,
               size_t col_stride, const viz_scale *s)
{
    if (bounds.w < 1 || bounds.h < 1 || h < 1 || w < 1)
        return;
    uint8_t *px = pixel_buffer((size_t)bounds.w * bounds.h * 4);
    if (!px)
        return;
    for (size_t i = 0; i < (size_t)bounds.w * bounds.h; i++)
        put(px + 4 * i, bg);
    for (int t = 0; t < n; t++) {
        SDL_Rect r;
        if (!SDL_IntersectRect(&rect[t], &bounds, &r))
            continue;
        const float *tv = v + offset[t];
        for (int y = r.y; y < r.y + r.h; y++) {
            int a = (int)((long)(y - rect[t].y) * h / rect[t].h);
            uint8_t *row = px + ((size_t)(y - bounds.y) * bounds.w + (r.x - bounds.x)) * 4;
            for (int x = r.x; x < r.x + r.w; x++, row += 4) {
                int b = (int)((long)(x - rect[t].x) * w / rect[t].w);
                put(row, viz_scale_color(s, tv[(size_t)a * row_stride + (size_t)b * col_stride]));
            }
        }
    }
    viz_blit_rgba(c, px, bounds.w, bounds.h, bounds, 0);
}

int viz_heatmap_cell(SDL_Rect r, int rows, int cols, int x, int y, int *row, int *col)
{
    if (!viz_in_rect(r, x, y) || rows < 1 || cols < 1)
        return 0;
    *row = (int)((long)(y - r.y) * rows / r.h);
    *col = (int)((long)(x - r.x) * cols / r.w);
    return 1;
}

void viz_image(viz_canvas *c, SDL_Rect r, const float *v, int h, int w, int channels,
               const viz_scale *s)
{
    if (h < 1 || w < 1 || channels < 1)
        return;
    uint8_t *px = pixel_buffer((size_t)h * w * 4);
    if (!px)
        return;
    float span = s->hi > s->lo ? s->hi - s->lo : 1.0f;
    for (int i = 0; i < h * w; i++) {
        const float *p = v + (size_t)i * channels;
        if (channels >= 3) {
            for (int k = 0; k < 3; k++) {
                float t = (p[k] - s->lo) / span;
                t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
                px[i * 4 + k] = (uint8_t)lroundf(t * 255.0f);
            }
            px[i * 4 + 3] = 255;
        } else {
            put(px + (size_t)i * 4, viz_scale_color(s, p[0]));
        }
    }
    viz_blit_rgba(c, px, w, h, r, 0);
}

SDL_Rect viz_fit_aspect(SDL_Rect r, int w, int h)
{
    if (w < 1 || h < 1 || r.w < 1 || r.h < 1)
        return (SDL_Rect){r.x, r.y, 0, 0};
    int k = r.w / w < r.h / h ? r.w / w : r.h / h;
    SDL_Rect o;
    if (k >= 1) {
        o.w = w * k;
        o.h = h * k;
    } else if ((long)r.w * h < (long)r.h * w) {
        o.w = r.w;
        o.h = (int)((long)r.w * h / w);
    } else {
        o.h = r.h;
        o.w = (int)((long)r.h * w / h);
    }
    o.x = r.x + (r.w - o.w) / 2;
    o.y = r.y + (r.h - o.h) / 2;
    return o;
}
