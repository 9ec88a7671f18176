/* viz/draw.c — canvas set-up and drawing primitives over SDL_Renderer. */
#include "draw.h"

#include <math.h>
#include <stdlib.h>

#include "error.h"
#include "text.h"

/* ------------------------------------------------------------------ canvas */

int viz_canvas_init_surface(viz_canvas *c, int w, int h)
{
    SDL_memset(c, 0, sizeof *c);
    if (w < 1 || h < 1)
        return viz_fail("canvas size must be positive, not %dx%d", w, h);
    c->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
    if (!c->surface)
        return viz_fail("cannot create a %dx%d image: %s", w, h, SDL_GetError());
    c->r = SDL_CreateSoftwareRenderer(c->surface);
    if (!c->r) {
        SDL_FreeSurface(c->surface);
        c->surface = NULL;
        return viz_fail("cannot create a software renderer: %s", SDL_GetError());
    }
    c->w = w;
    c->h = h;
    c->text = viz_text_cache_new();
    SDL_SetRenderDrawBlendMode(c->r, SDL_BLENDMODE_BLEND);
    return 0;
}

int viz_canvas_init_renderer(viz_canvas *c, SDL_Renderer *r, int w, int h)
{
    SDL_memset(c, 0, sizeof *c);
    c->r = r;
    c->w = w;
    c->h = h;
    c->text = viz_text_cache_new();
    SDL_SetRenderDrawBlendMode(c->r, SDL_BLENDMODE_BLEND);
    return 0;
}

void viz_canvas_free(viz_canvas *c)
{
    viz_text_cache_free(c->text);
    if (c->surface) {
        SDL_DestroyRenderer(c->r);
        SDL_FreeSurface(c->surface);
    }
    SDL_memset(c, 0, sizeof *c);
}

void viz_canvas_begin(viz_canvas *c, viz_color bg)
{
    viz_flush(c);
    viz_unclip(c);
    SDL_SetRenderDrawColor(c->r, bg.r, bg.g, bg.b, 255);
    SDL_RenderClear(c->r);
}

void viz_canvas_end(viz_canvas *c)
{
    viz_flush(c);
    viz_unclip(c);
    viz_text_cache_age(c->text, c->frame);
    c->frame++;
}

void viz_clip(viz_canvas *c, SDL_Rect r)
{
    if (r.w < 0)
        r.w = 0;
    if (r.h < 0)
        r.h = 0;
    viz_flush(c);
    c->clip = r;
    SDL_RenderSetClipRect(c->r, &r);
}

void viz_unclip(viz_canvas *c)
{
    viz_flush(c);
    c->clip.w = 0;
    SDL_RenderSetClipRect(c->r, NULL);
}

void viz_clip_restore(viz_canvas *c, SDL_Rect saved)
{
    if (saved.w > 0)
        viz_clip(c, saved);
    else
        viz_unclip(c);
}

/* ----------------------------------------------------------------- colours */

viz_color viz_rgb(uint32_t hex)
{
    return viz_rgba(hex, 255);
}

viz_color viz_rgba(uint32_t hex, uint8_t a)
{
    viz_color col = {(uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex, a};
    return col;
}

viz_color viz_mix(viz_color a, viz_color b, float t)
{
    if (!(t > 0.0f))
        t = 0.0f;
    if (t > 1.0f)
        t = 1.0f;
    viz_color c = {
        (uint8_t)lroundf(a.r + (b.r - a.r) * t), (uint8_t)lroundf(a.g + (b.g - a.g) * t),
        (uint8_t)lroundf(a.b + (b.b - a.b) * t), (uint8_t)lroundf(a.a + (b.a - a.a) * t),
    };
    return c;
}

viz_color viz_palette(int i)
{
    static const uint32_t tableau10[10] = {
        0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
        0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
    };
    if (i < 0)
        i = -i;
    return viz_rgb(tableau10[i % 10]);
}

/* -------------------------------------------------------------- primitives */

/* Opaque colours are drawn without blending: SDL's software renderer blends
** per pixel even at full alpha, fifty times slower than a plain fill. */
static void set_color(viz_canvas *c, viz_color col)
{
    SDL_SetRenderDrawBlendMode(c->r, col.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(c->r, col.r, col.g, col.b, col.a);
}

static int vert_reserve(int extra);
static void vert_push(float x, float y, viz_color col);

/* Small rectangles: two triangles, batched with the other geometry; large ones
** through the renderer's own fill, which is much faster per pixel. */
void viz_fill_rect(viz_canvas *c, SDL_Rect r, viz_color col)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if ((long)r.w * r.h >= 256) {
        viz_flush(c);
        set_color(c, col);
        SDL_RenderFillRect(c->r, &r);
        return;
    }
    if (!vert_reserve(6))
        return;
    float x0 = (float)r.x, y0 = (float)r.y, x1 = (float)(r.x + r.w), y1 = (float)(r.y + r.h);
    vert_push(x0, y0, col);
    vert_push(x1, y0, col);
    vert_push(x1, y1, col);
    vert_push(x0, y0, col);
    vert_push(x1, y1, col);
    vert_push(x0, y1, col);
}

void viz_stroke_rect(viz_canvas *c, SDL_Rect r, viz_color col, int width)
{
    viz_flush(c);
    for (int i = 0; i < width && r.w > 0 && r.h > 0; i++) {
        set_color(c, col);
        SDL_RenderDrawRect(c->r, &r);
        r = viz_inset(r, 1);
    }
}

void viz_line(viz_canvas *c, float x0, float y0, float x1, float y1, viz_color col)
{
    viz_flush(c);
    set_color(c, col);
    SDL_RenderDrawLineF(c->r, x0, y0, x1, y1);
}

/* A growing vertex buffer reused by every geometry call (single-threaded):
** triangles collect here and go to the renderer in one call, before anything
** else is drawn (viz_flush), so a frame costs a few dozen draw calls, not
** thousands. */
static SDL_Vertex *verts;
static int n_verts, cap_verts;
static int translucent;         /* a batched vertex has alpha < 255 */

static int vert_reserve(int extra)
{
    if (n_verts + extra <= cap_verts)
        return 1;
    int cap = cap_verts ? cap_verts : 1024;
    while (cap < n_verts + extra)
        cap *= 2;
    SDL_Vertex *v = realloc(verts, (size_t)cap * sizeof *v);
    if (!v)
        return 0;
    verts = v;
    cap_verts = cap;
    return 1;
}

static void vert_push(float x, float y, viz_color col)
{
    SDL_Vertex v = {{x, y}, {col.r, col.g, col.b, col.a}, {0, 0}};
    verts[n_verts++] = v;
    translucent |= col.a != 255;
}

void viz_flush(viz_canvas *c)
{
    if (n_verts > 0) {
        SDL_SetRenderDrawBlendMode(c->r, translucent ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
        SDL_RenderGeometry(c->r, NULL, verts, n_verts, NULL, 0);
    }
    n_verts = 0;
    translucent = 0;
}

/* Two triangles per piece of the segment (x0,y0)-(x1,y1) of the given width.
** Long segments go in pieces of at most 16 px: SDL's software rasterizer visits
** every pixel of a triangle's bounding box, which for a long diagonal line is
** a thousand times its area. */
static void push_segment(float x0, float y0, float x1, float y1, float width, viz_color col)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    int pieces = (int)(len / 16.0f) + 1;
    if (len < 1e-6f || !vert_reserve(6 * pieces))
        return;
    float nx = -dy / len * width * 0.5f, ny = dx / len * width * 0.5f;
    for (int k = 0; k < pieces; k++) {
        float a0 = x0 + dx * k / pieces, b0 = y0 + dy * k / pieces;
        float a1 = x0 + dx * (k + 1) / pieces, b1 = y0 + dy * (k + 1) / pieces;
        vert_push(a0 + nx, b0 + ny, col);
        vert_push(a1 + nx, b1 + ny, col);
        vert_push(a1 - nx, b1 - ny, col);
        vert_push(a0 + nx, b0 + ny, col);
        vert_push(a1 - nx, b1 - ny, col);
        vert_push(a0 - nx, b0 - ny, col);
    }
}

static void push_disc(float cx, float cy, float r, viz_color col)
{
    int n = (int)(r * 2.0f);
    n = n < 10 ? 10 : n > 64 ? 64 : n;
    if (!vert_reserve(3 * n))
        return;
    for (int i = 0; i < n; i++) {
        float a0 = 2.0f * (float)M_PI * i / n, a1 = 2.0f * (float)M_PI * (i + 1) / n;
        vert_push(cx, cy, col);
        vert_push(cx + r * cosf(a0), cy + r * sinf(a0), col);
        vert_push(cx + r * cosf(a1), cy + r * sinf(a1), col);
    }
}

void viz_thick_line(viz_canvas *c, float x0, float y0, float x1, float y1, float width,
                    viz_color col)
{
    push_segment(x0, y0, x1, y1, width < 1.0f ? 1.0f : width, col);
}

void viz_polyline(viz_canvas *c, const SDL_FPoint *p, int n, float width, viz_color col,
                  int dashed)
{
    const float dash = 6.0f, gap = 4.0f;
    float phase = 0.0f;         /* distance along the current dash pattern */
    for (int i = 0; i + 1 < n; i++) {
        float x0 = p[i].x, y0 = p[i].y, x1 = p[i + 1].x, y1 = p[i + 1].y;
        if (isnan(x0) || isnan(y0) || isnan(x1) || isnan(y1))
            continue;
        if (!dashed) {
            push_segment(x0, y0, x1, y1, width, col);
            if (width > 2.5f && i + 2 < n)
                push_disc(x1, y1, width * 0.5f, col);
            continue;
        }
        float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy), at = 0.0f;
        while (at < len) {
            float period_left = phase < dash ? dash - phase : dash + gap - phase;
            float step = len - at < period_left ? len - at : period_left;
            if (phase < dash) {
                float a = at / len, b = (at + step) / len;
                push_segment(x0 + dx * a, y0 + dy * a, x0 + dx * b, y0 + dy * b, width, col);
            }
            at += step;
            phase += step;
            if (phase >= dash + gap)
                phase = 0.0f;
        }
    }
}

void viz_fill_circle(viz_canvas *c, float cx, float cy, float r, viz_color col)
{
    push_disc(cx, cy, r, col);
}

void viz_stroke_circle(viz_canvas *c, float cx, float cy, float r, float width, viz_color col)
{
    int n = (int)(r * 2.0f);
    n = n < 12 ? 12 : n > 72 ? 72 : n;
    float ri = r - width * 0.5f, ro = r + width * 0.5f;
    if (ri < 0.0f)
        ri = 0.0f;
    if (!vert_reserve(6 * n))
        return;
    for (int i = 0; i < n; i++) {
        float a0 = 2.0f * (float)M_PI * i / n, a1 = 2.0f * (float)M_PI * (i + 1) / n;
        float c0 = cosf(a0), s0 = sinf(a0), c1 = cosf(a1), s1 = sinf(a1);
        vert_push(cx + ri * c0, cy + ri * s0, col);
        vert_push(cx + ro * c0, cy + ro * s0, col);
        vert_push(cx + ro * c1, cy + ro * s1, col);
        vert_push(cx + ri * c0, cy + ri * s0, col);
        vert_push(cx + ro * c1, cy + ro * s1, col);
        vert_push(cx + ri * c1, cy + ri * s1, col);
    }
}

void viz_fill_triangle(viz_canvas *c, float x0, float y0, float x1, float y1, float x2,
                       float y2, viz_color col)
{
    if (!vert_reserve(3))
        return;
    vert_push(x0, y0, col);
    vert_push(x1, y1, col);
    vert_push(x2, y2, col);
}

void viz_blit_rgba(viz_canvas *c, const uint8_t *pixels, int w, int h, SDL_Rect dst,
                   int smooth)
{
    if (w < 1 || h < 1 || dst.w < 1 || dst.h < 1)
        return;
    viz_flush(c);
    SDL_Texture *t = SDL_CreateTexture(c->r, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC,
                                       w, h);
    if (!t)
        return;
    SDL_SetTextureScaleMode(t, smooth ? SDL_ScaleModeLinear : SDL_ScaleModeNearest);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    SDL_UpdateTexture(t, NULL, pixels, w * 4);
    SDL_RenderCopy(c->r, t, NULL, &dst);
    SDL_DestroyTexture(t);
}

int viz_in_rect(SDL_Rect r, int x, int y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

SDL_Rect viz_inset(SDL_Rect r, int m)
{
    r.x += m;
    r.y += m;
    r.w -= 2 * m;
    r.h -= 2 * m;
    if (r.w < 0)
        r.w = 0;
    if (r.h < 0)
        r.h = 0;
    return r;
}
