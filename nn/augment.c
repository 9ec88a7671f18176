/* nn/augment.c — random shifts and flips of image batches. */
#include "augment.h"

#include <math.h>
#include <string.h>

void nn_augment_shift_image(float *out, const float *x, int H, int W, int C, int dy, int dx)
{
    for (int i = 0; i < H; i++) {
        for (int j = 0; j < W; j++) {
            float *o = out + ((size_t)i * W + j) * C;
            int si = i - dy, sj = j - dx;
            if (si < 0 || si >= H || sj < 0 || sj >= W)
                memset(o, 0, (size_t)C * sizeof *o);
            else
                memcpy(o, x + ((size_t)si * W + sj) * C, (size_t)C * sizeof *o);
        }
    }
}

void nn_augment_flip_image(float *out, const float *x, int H, int W, int C)
{
    for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++)
            memcpy(out + ((size_t)i * W + j) * C, x + ((size_t)i * W + (W - 1 - j)) * C,
                   (size_t)C * sizeof *out);
}

/* The batch's image size, and a float32 copy of x to fill (src: x as float32,
** borrowed when x is float32 already, else *tmp is a copy to free). */
static nn_tensor *prepare(const nn_tensor *x, const char *what, int *H, int *W, int *C,
                          const float **src, nn_tensor **tmp, nn_error *err)
{
    *tmp = NULL;
    if (x->ndim != 3 && x->ndim != 4) {
        char s[96];
        nn_error_set(err, NN_ESHAPE, "%s: expected a batch of images (N, H, W, C) or (N, H, W), "
                     "got shape %s", what, nn_shape_format(s, sizeof s, x->ndim, x->shape));
        return NULL;
    }
    *H = x->shape[1];
    *W = x->shape[2];
    *C = x->ndim == 4 ? x->shape[3] : 1;
    if (x->dtype != NN_F32) {
        *tmp = nn_tensor_to_f32(x, err);
        if (!*tmp)
            return NULL;
        *src = nn_tensor_f32(*tmp);
    } else {
        *src = nn_tensor_f32(x);
    }
    nn_tensor *out = nn_tensor_new(NN_F32, x->ndim, x->shape, err);
    if (!out)
        nn_tensor_free(*tmp);
    return out;
}

/* A whole-pixel shift within [-max, max]: round(u * max), u uniform in [-1, 1). */
static int draw_shift(nn_rng *rng, double range, int size)
{
    double max = range < 1.0 ? range * size : range;
    return (int)lround((2.0 * nn_rng_uniform(rng) - 1.0) * max);
}

nn_tensor *nn_augment_random_shift(const nn_tensor *x, double height_range, double width_range,
                                   nn_rng *rng, nn_error *err)
{
    if (!(height_range >= 0.0) || !(width_range >= 0.0)) {
        nn_error_set(err, NN_EARG, "random_shift: the ranges must be >= 0 (got height %g, "
                     "width %g)", height_range, width_range);
        return NULL;
    }
    int H, W, C;
    const float *src;
    nn_tensor *tmp;
    nn_tensor *out = prepare(x, "random_shift", &H, &W, &C, &src, &tmp, err);
    if (!out)
        return NULL;
    size_t img = (size_t)H * W * C;
    for (int n = 0; n < x->shape[0]; n++) {
        int dy = draw_shift(rng, height_range, H);
        int dx = draw_shift(rng, width_range, W);
        nn_augment_shift_image(nn_tensor_f32(out) + n * img, src + n * img, H, W, C, dy, dx);
    }
    nn_tensor_free(tmp);
    return out;
}

nn_tensor *nn_augment_random_flip(const nn_tensor *x, nn_rng *rng, nn_error *err)
{
    int H, W, C;
    const float *src;
    nn_tensor *tmp;
    nn_tensor *out = prepare(x, "random_flip", &H, &W, &C, &src, &tmp, err);
    if (!out)
        return NULL;
    size_t img = (size_t)H * W * C;
    for (int n = 0; n < x->shape[0]; n++) {
        float *o = nn_tensor_f32(out) + n * img;
        if (nn_rng_uniform(rng) < 0.5f)
            nn_augment_flip_image(o, src + n * img, H, W, C);
        else
            memcpy(o, src + n * img, img * sizeof *o);
    }
    nn_tensor_free(tmp);
    return out;
}
