/* nn/augment.h — simple image augmentation, as Keras's ImageDataGenerator does
** it with width_shift_range / height_shift_range (fill_mode "constant", cval 0)
** and horizontal_flip.
**
** Batches are channels-last: (N, H, W, C), or (N, H, W) read as C = 1. The
** random functions draw from the caller's generator, one draw after another in
** image order (height shift, then width shift, per image; one draw per image
** for flips), so the same seed gives the same batch. Each returns a new float32
** tensor of x's shape, owned by the caller, or NULL with err set (NN_ESHAPE for
** a batch that is not 3-D or 4-D, NN_EARG for a bad range, NN_ENOMEM).
*/
#ifndef NN_AUGMENT_H
#define NN_AUGMENT_H

#include "rng.h"
#include "tensor.h"

/* Shift one image by dy rows and dx columns, filling with zeros:
**   out[i][j][c] = x[i - dy][j - dx][c]   (0 when i - dy or j - dx is outside)
** x, out: (H, W, C), distinct buffers. Positive dy moves the content down,
** positive dx to the right. */
void nn_augment_shift_image(float *out, const float *x, int H, int W, int C, int dy, int dx);

/* Mirror one image left to right: out[i][j][c] = x[i][W - 1 - j][c]. x, out: (H, W, C),
** distinct buffers. */
void nn_augment_flip_image(float *out, const float *x, int H, int W, int C);

/* Each image shifted by its own random amount: dy = round(u * max_dy), dx =
** round(v * max_dx) with u, v uniform in [-1, 1); a range below 1 is a fraction
** of the height (width), one of 1 or more a number of pixels, as in Keras (which
** shifts by fractions of a pixel too, interpolating; here shifts are whole
** pixels). Ranges must be >= 0. */
nn_tensor *nn_augment_random_shift(const nn_tensor *x, double height_range, double width_range,
                                   nn_rng *rng, nn_error *err);

/* Each image mirrored left to right with probability 1/2. */
nn_tensor *nn_augment_random_flip(const nn_tensor *x, nn_rng *rng, nn_error *err);

#endif
