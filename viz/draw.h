/* viz/draw.h — the canvas every panel draws on, and its primitives.
**
** A canvas is an SDL renderer (a window's, or a software renderer writing into
** an RGBA32 surface for headless frames and snapshots) plus the caches that
** belong to it (text textures). Every drawing call takes the canvas, so the
** window and a snapshot go through exactly the same code. Coordinates are
** pixels, origin top left. Nothing here allocates per call except what the
** renderer itself does.
*/
#ifndef VIZ_DRAW_H
#define VIZ_DRAW_H

#include <SDL.h>
#include <stdint.h>

typedef struct viz_color { uint8_t r, g, b, a; } viz_color;

typedef struct viz_text_cache viz_text_cache;

typedef struct viz_canvas {
    SDL_Renderer *r;
    SDL_Surface *surface;       /* the target of a software canvas; NULL for a window's */
    int w, h;                   /* output size in pixels */
    viz_text_cache *text;       /* rendered strings, owned by the canvas */
    unsigned long frame;        /* frames drawn, for cache ageing */
    SDL_Rect clip;              /* the clip rectangle in force (w == 0: none) */
} viz_canvas;

/* A canvas drawing into a new w x h RGBA32 surface through SDL's software
** renderer (no window, no display needed). Returns 0, or -1 with viz_error set. */
int viz_canvas_init_surface(viz_canvas *c, int w, int h);

/* A canvas for an existing renderer (a window's); the caller keeps the renderer. */
int viz_canvas_init_renderer(viz_canvas *c, SDL_Renderer *r, int w, int h);

/* Release what the canvas owns (its surface, software renderer and caches). */
void viz_canvas_free(viz_canvas *c);

/* Start and end a frame: clear to `bg`; at the end, age the text cache. */
void viz_canvas_begin(viz_canvas *c, viz_color bg);
void viz_canvas_end(viz_canvas *c);

/* Restrict drawing to r (intersected with nothing: it replaces the clip), or
** lift the restriction. */
void viz_clip(viz_canvas *c, SDL_Rect r);
void viz_unclip(viz_canvas *c);

/* Put back a clip rectangle saved from c->clip (w == 0: none). */
void viz_clip_restore(viz_canvas *c, SDL_Rect saved);

/* --------------------------------------------------------------- colours */

viz_color viz_rgb(uint32_t hex);                /* 0xRRGGBB, opaque */
viz_color viz_rgba(uint32_t hex, uint8_t a);
viz_color viz_mix(viz_color a, viz_color b, float t);   /* a + (b - a) t, t in [0, 1] */

/* The window's fixed colours (shared/VISUAL.md). */
#define VIZ_BG          0xf0f1f3    /* the ground between panels */
#define VIZ_PANEL       0xffffff
#define VIZ_INK         0x222831    /* text */
#define VIZ_INK_SOFT    0x6b7280    /* secondary text, ticks */
#define VIZ_RULE        0xd5d8dc    /* frames, grid lines */
#define VIZ_GRID        0xeceef0
#define VIZ_ACCENT      0xd6246e    /* the selection, and nothing else */
#define VIZ_NEG         0xf59322    /* diverging map: negative */
#define VIZ_ZERO        0xe8eaeb    /*                zero     */
#define VIZ_POS         0x0877bd    /*                positive */

/* Tableau 10, for series and classes. */
viz_color viz_palette(int i);

/* ------------------------------------------------------------ primitives */

/* Filled shapes (rectangles, thick lines, circles, triangles) are batched and
** drawn together; this sends them now. Every other kind of drawing (lines,
** text, images, clipping) does it first, so order is kept. */
void viz_flush(viz_canvas *c);

void viz_fill_rect(viz_canvas *c, SDL_Rect r, viz_color col);
void viz_stroke_rect(viz_canvas *c, SDL_Rect r, viz_color col, int width);

/* A 1-pixel line, and a line `width` pixels wide (a quad, ends square, at
** least 1 wide). */
void viz_line(viz_canvas *c, float x0, float y0, float x1, float y1, viz_color col);
void viz_thick_line(viz_canvas *c, float x0, float y0, float x1, float y1, float width,
                    viz_color col);

/* A polyline through n points; NaN coordinates break it. With `dashed`, 6 px
** dashes and 4 px gaps measured along the line. */
void viz_polyline(viz_canvas *c, const SDL_FPoint *p, int n, float width, viz_color col,
                  int dashed);

void viz_fill_circle(viz_canvas *c, float cx, float cy, float r, viz_color col);
void viz_stroke_circle(viz_canvas *c, float cx, float cy, float r, float width, viz_color col);

/* A filled triangle. */
void viz_fill_triangle(viz_canvas *c, float x0, float y0, float x1, float y1, float x2,
                       float y2, viz_color col);

/* Draw w x h RGBA pixels (row-major, 4 bytes each, R G B A in memory) scaled
** into dst: nearest-neighbour (crisp cells), or with `smooth`, bilinear. */
void viz_blit_rgba(viz_canvas *c, const uint8_t *pixels, int w, int h, SDL_Rect dst,
                   int smooth);

/* 1 when (x, y) lies in r. */
int viz_in_rect(SDL_Rect r, int x, int y);

/* r shrunk by m pixels on each side (never below 0 wide or high). */
SDL_Rect viz_inset(SDL_Rect r, int m);

#endif
