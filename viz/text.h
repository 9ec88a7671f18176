/* viz/text.h — text with SDL_ttf, and how numbers are written.
**
** Fonts (DejaVu Sans, DejaVu Sans Mono, DejaVu Sans Bold; WenQuanYi Micro Hei
** for strings holding CJK characters: SDL_ttf does not fall back between fonts,
** so the font is chosen per string) are opened once per size and kept until
** viz_text_quit. Rendered strings are cached as textures per canvas and
** dropped when unused for a few seconds of frames.
*/
#ifndef VIZ_TEXT_H
#define VIZ_TEXT_H

#include <stddef.h>

#include "draw.h"

typedef enum { VIZ_SANS, VIZ_SANS_BOLD, VIZ_MONO, VIZ_FONT_COUNT } viz_font_kind;

/* Horizontal alignment of a string at x: its left edge, centre or right edge. */
enum { VIZ_LEFT = 0, VIZ_CENTER = 1, VIZ_RIGHT = 2 };

/* Sizes in pixels (shared/VISUAL.md). */
#define VIZ_TITLE_PX 16
#define VIZ_LABEL_PX 13
#define VIZ_TICK_PX  12
#define VIZ_SMALL_PX 11

/* Start SDL_ttf (once). Returns 0, or -1 with viz_error set. */
int viz_text_init(void);

/* Close every font and stop SDL_ttf. */
void viz_text_quit(void);

/* Directory the fonts are read from instead of the Debian paths ($NNSCOPE_FONTS
** also sets it); NULL restores the default. */
void viz_text_set_font_dir(const char *dir);

/* Draw s with its top at y, aligned at x; clipped to max_w pixels (0: no limit)
** with a trailing ellipsis when cut. Returns the width drawn. A missing font
** draws nothing and returns 0 (viz_error says which file was missing). */
int viz_text(viz_canvas *c, const char *s, int x, int y, int px, viz_font_kind kind,
             viz_color col, int align, int max_w);

/* The same, rotated a quarter turn anticlockwise (reading upwards), centred
** vertically on y: for a y axis label. */
void viz_text_vertical(viz_canvas *c, const char *s, int x, int y, int px, viz_font_kind kind,
                       viz_color col);

/* Width in pixels s would take, and the line height of a font size. */
int viz_text_width(const char *s, int px, viz_font_kind kind);
int viz_text_height(int px, viz_font_kind kind);

/* A number with 4 significant digits, scientific below 1e-3 and from 1e6 up
** ("0.5213", "12.35", "4.200e-04", "0" for zero, "nan", "inf"). Returns buf. */
char *viz_fmt_num(char *buf, size_t len, double v);

/* A tick label for v on an axis whose ticks are `step` apart: just enough
** decimals to tell neighbours apart ("0.25", "1000", "1e-05"). Returns buf. */
char *viz_fmt_tick(char *buf, size_t len, double v, double step);

/* Cache of rendered strings (owned by a canvas). */
viz_text_cache *viz_text_cache_new(void);
void viz_text_cache_free(viz_text_cache *tc);
void viz_text_cache_age(viz_text_cache *tc, unsigned long frame);

#endif
