/* nn/synth.h — small seeded 2-D data sets for decision-boundary lessons.
**
** xor, circles, spirals and the two-gaussian set follow TensorFlow Playground's
** generators (src/dataset.ts), moons follows sklearn's make_moons, blobs
** sklearn's make_blobs. Each returns x (n, 2) float32 and y (n,) float32 class
** indices, rows shuffled (as the Playground and sklearn shuffle them), drawn
** from an nn_rng seeded with `seed`: the same arguments give the same data.
** The caller owns both tensors; on failure both are NULL and NN_EARG names the
** bad argument.
*/
#ifndef NN_SYNTH_H
#define NN_SYNTH_H

#include <stdint.h>

#include "tensor.h"

/* Points uniform in [-5, 5]^2, pushed 0.3 away from the axes; class 1 where
** exactly one coordinate is positive (x XOR y), judged on the point plus
** uniform noise in [-5, 5]^2 times `noise` (the Playground's 0 to 0.5). */
nn_status nn_synth_xor(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                       nn_error *err);

/* n/2 (rounded down) points at radius uniform in [0, 2.5] (class 1, inside), the rest at
** radius uniform in [3.5, 5] (class 0, the ring), each at a uniform angle; the
** class is judged on the point plus uniform noise in [-5, 5]^2 times `noise`. */
nn_status nn_synth_circles(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                           nn_error *err);

/* Two interleaving half circles: n/2 (rounded down) on the upper one (class 0),
** cos t, sin t for t evenly spaced in [0, pi]; the rest on the lower one
** (class 1), 1 - cos t, 0.5 - sin t; then gaussian noise of standard deviation
** `noise` added to every coordinate. */
nn_status nn_synth_moons(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                         nn_error *err);

/* `arms` interleaved spirals (the Playground draws 2), class k for arm k, the
** first n % arms arms one point longer. Point i of m on arm k is at radius
** r = 5 i / m and angle t = 3.5 pi i / m + 2 pi k / arms: (r sin t, r cos t),
** plus uniform noise in [-1, 1]^2 times `noise`. */
nn_status nn_synth_spirals(int n, int arms, float noise, uint64_t seed, nn_tensor **x,
                           nn_tensor **y, nn_error *err);

/* Gaussian blobs: `k` centres, given as centers[2k] or (when NULL) drawn
** uniform in [box_lo, box_hi)^2 (sklearn's center_box, default (-10, 10));
** n / k points around each (the first n % k one more),
** each coordinate normal with standard deviation `std`; class c for centre c.
** The Playground's two-gaussian set is centres (2, 2) and (-2, -2) with
** std sqrt(0.5 + 7 noise). */
nn_status nn_synth_blobs(int n, int k, const float *centers, float std, float box_lo,
                         float box_hi, uint64_t seed, nn_tensor **x, nn_tensor **y,
                         nn_error *err);

#endif
