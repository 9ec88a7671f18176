/* viz/colormap.h — the colour maps of shared/VISUAL.md.
**
** Diverging (signed values: weights, gradients, pre-activations, decision
** fields): orange #f59322 for negative, grey #e8eaeb for zero, blue #0877bd for
** positive, symmetric around 0 (TensorFlow Playground's map). Viridis for
** magnitudes (activations after ReLU, feature maps, probabilities). Greyscale,
** black to white, for images the learner knows as greyscale.
*/
#ifndef VIZ_COLORMAP_H
#define VIZ_COLORMAP_H

#include "draw.h"

typedef enum { VIZ_CMAP_DIVERGING, VIZ_CMAP_VIRIDIS, VIZ_CMAP_GREY } viz_cmap;

/* t in [-1, 1]: -1 orange, 0 grey, 1 blue (clamped; NaN gives grey). */
viz_color viz_cmap_diverging(float t);

/* t in [0, 1] (clamped; NaN gives the low end). */
viz_color viz_cmap_viridis(float t);
viz_color viz_cmap_grey(float t);

/* A scale: how values map to colours. A diverging scale puts grey at `mid`
** (0 for signed values, lo = -hi; 0.5 for a probability between two classes). */
typedef struct viz_scale {
    viz_cmap cmap;
    float lo, hi;
    float mid;
} viz_scale;

/* The colour of v on scale s. */
viz_color viz_scale_color(const viz_scale *s, float v);

/* A scale fitted to values: diverging over [-M, M] with M the largest |v|, or
** sequential over [min, max]. Non-finite values are skipped; a constant or empty
** input gets a unit range. `stride` steps through v (1: every value). */
viz_scale viz_scale_fit(viz_cmap cmap, const float *v, size_t n, size_t stride);

/* A diverging scale over [-M, M] with M the `q` quantile of |v| (0.99: the
** largest 1% saturate), so a few large values do not wash out the rest. At most
** 4096 values, evenly spread, are looked at. */
viz_scale viz_scale_fit_robust(const float *v, size_t n, double q);

/* Widen s to also cover t (same colour map). */
viz_scale viz_scale_union(viz_scale s, viz_scale t);

#endif
