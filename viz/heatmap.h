/* viz/heatmap.h — matrices and images as coloured cells.
**
** A matrix larger than the pixels it gets is reduced as it is drawn: blocks of
** values are averaged down to at most one cell per pixel, so a 784 x 128
** kernel costs one pass over its values per frame, whatever the window size.
*/
#ifndef VIZ_HEATMAP_H
#define VIZ_HEATMAP_H

#include "colormap.h"

/* Draw a rows x cols picture into r, coloured by s: cell (i, j) is the value
** v[i * row_stride + j * col_stride] (so a transpose, a column of a matrix or
** one channel of an image are only other strides). */
void viz_heatmap(viz_canvas *c, SDL_Rect r, const float *v, int rows, int cols,
                 size_t row_stride, size_t col_stride, const viz_scale *s);

/* Many small pictures at once (a tile per unit or channel), composed into one
** image and drawn in one go: tile i fills rect[i] (inside `bounds`; the rest of
** bounds is painted `bg`) with an h x w picture whose cell (a, b) is
** v[offset[i] + a * row_stride + b * col_stride], sampled nearest. */
void viz_tiles(viz_canvas *c, SDL_Rect bounds, viz_color bg, int n, const SDL_Rect *rect,
               const size_t *offset, const float *v, int h, int w, size_t row_stride,
               size_t col_stride, const viz_scale *s);

/* Which cell of a rows x cols picture drawn in r lies under (x, y): 1 and the
** row and column, or 0 outside. */
int viz_heatmap_cell(SDL_Rect r, int rows, int cols, int x, int y, int *row, int *col);

/* An image h x w with `channels` values per pixel (channels-last): 1 channel
** through scale s (greyscale or viridis), 3 as red, green, blue each mapped from
** [s->lo, s->hi] to [0, 255]. Drawn scaled into r. */
void viz_image(viz_canvas *c, SDL_Rect r, const float *v, int h, int w, int channels,
               const viz_scale *s);

/* The largest rectangle of aspect w:h centred in r, with a whole number of
** pixels per cell when it can (crisp images). */
SDL_Rect viz_fit_aspect(SDL_Rect r, int w, int h);

#endif
