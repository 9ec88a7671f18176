/* viz/frame.h — one frame: the dashboard grid, title bars, the status line.
**
** viz_frame_draw is the single drawing path: the window calls it on its
** renderer and viz_snapshot on a software canvas, so a snapshot is what the
** window shows.
*/
#ifndef VIZ_FRAME_H
#define VIZ_FRAME_H

#include "panel.h"

#define VIZ_STATUS_H 26
#define VIZ_TITLE_H 28

/* What the status line says besides the run: a transient message and the keys. */
typedef struct viz_chrome {
    const char *message;        /* "saved x.png", or NULL */
    int show_keys;
} viz_chrome;

/* Panel rectangles for `view` (-1 dashboard, else one panel alone) in a w x h
** window: up to VIZ_PANEL_COUNT ids and rectangles; returns how many. The
** dashboard shows the panels that apply to the model. */
int viz_frame_layout(const viz_frame *f, int view, int w, int h, int *ids, SDL_Rect *rects);

/* The body of a panel rectangle (below its title bar). */
SDL_Rect viz_frame_body(SDL_Rect panel);

/* Draw a whole frame on f->c. */
void viz_frame_draw(viz_frame *f, int view, const viz_chrome *chrome);

#endif
