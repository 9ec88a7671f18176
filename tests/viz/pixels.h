/* tests/viz/pixels.h — reading back what a frame drew, for the window tests. */
#ifndef TESTS_VIZ_PIXELS_H
#define TESTS_VIZ_PIXELS_H

#include <SDL.h>

#include "viz/draw.h"

/* Send what was drawn on c to its surface. */
void px_sync(viz_canvas *c);

/* The pixel at (x, y) of an RGBA32 surface (after SDL_RenderFlush). */
viz_color px_at(SDL_Surface *s, int x, int y);

/* 1 when two colours differ by at most tol in each of r, g, b. */
int px_near(viz_color a, viz_color b, int tol);

/* The bounding box of the pixels of exactly colour c (alpha ignored) inside r
** (the whole surface when r.w == 0); returns how many there are. */
int px_find(SDL_Surface *s, SDL_Rect r, viz_color c, SDL_Rect *box);

/* Pixels in r that differ from colour bg by more than tol. */
int px_count_not(SDL_Surface *s, SDL_Rect r, viz_color bg, int tol);

/* Mean row of the pixels of exactly colour c in column x (-1 when none). */
double px_column_row(SDL_Surface *s, int x, viz_color c);

/* A model with one Dense layer of `units` units over `in` inputs, linear, compiled
** with SGD and MSE; NULL on failure. */
struct nn_model *model_dense(int in, int units);

#endif
