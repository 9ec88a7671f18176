/* viz/legend.h — colour bars that say what a colour means. */
#ifndef VIZ_LEGEND_H
#define VIZ_LEGEND_H

#include "colormap.h"

/* A horizontal colour bar for scale s inside r: `caption` on the left (what the
** colour shows and whether the scale is per tile, per layer or global), then
** the bar with its numbers under it at both ends and at 0 (a diverging
** scale's middle) when that is inside the range. Needs r.h >= 26 and room for
** the numbers; draws nothing in less. The caption is left out when it does not
** fit beside the bar. Returns the height used. */
int viz_legend_bar(viz_canvas *c, SDL_Rect r, const viz_scale *s, const char *caption);

/* One swatch-and-name entry at (x, y), 12 px text: a short line (solid or
** dashed) or, with `box`, a filled square. Returns the width used. */
int viz_legend_entry(viz_canvas *c, int x, int y, viz_color col, int dashed, int box,
                     const char *name);

#endif
