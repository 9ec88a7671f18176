/* nn/synth.c — seeded synthetic 2-D classification sets. */
#include "synth.h"

#include <math.h>

#include "rng.h"

#define PI 3.14159265358979323846
#define MAX_CLASSES 1000

/* Uniform in [a, b). */
static float uniform(nn_rng *r, float a, float b)
{
    return a + (b - a) * nn_rng_uniform(r);
}

static nn_status check_common(const char *fn, int n, float noise, nn_error *err)
{
    if (n < 1)
        return nn_error_set(err, NN_EARG, "%s: n must be at least 1, not %d", fn, n);
    if (!(noise >= 0.0f) || isinf(noise))
        return nn_error_set(err, NN_EARG, "%s: noise must be a finite number >= 0, not %g", fn,
                            (double)noise);
    return NN_OK;
}

/* x (n, 2) and y (n,) float32, or both NULL and an error. */
static nn_status alloc_xy(int n, nn_tensor **x, nn_tensor **y, nn_error *err)
{
    *x = nn_tensor_new2(n, 2, err);
    *y = *x ? nn_tensor_new1(n, err) : NULL;
    if (!*y) {
        nn_tensor_free(*x);
        *x = NULL;
        return err ? err->code : NN_ENOMEM;
    }
    return NN_OK;
}

/* Fisher-Yates over the rows of x and y together. */
static void shuffle_rows(nn_rng *r, nn_tensor *x, nn_tensor *y)
{
    float *xs = nn_tensor_f32(x), *ys = nn_tensor_f32(y);
    for (int i = x->shape[0]; i > 1; i--) {
        int j = (int)nn_rng_below(r, (uint32_t)i);
        float t0 = xs[2 * (i - 1)], t1 = xs[2 * (i - 1) + 1], ty = ys[i - 1];
        xs[2 * (i - 1)] = xs[2 * j];
        xs[2 * (i - 1) + 1] = xs[2 * j + 1];
        ys[i - 1] = ys[j];
        xs[2 * j] = t0;
        xs[2 * j + 1] = t1;
        ys[j] = ty;
    }
}

nn_status nn_synth_xor(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                       nn_error *err)
{
    *x = *y = NULL;
    if (check_common("make_xor", n, noise, err) != NN_OK || alloc_xy(n, x, y, err) != NN_OK)
        return err ? err->code : NN_EARG;
    nn_rng r;
    nn_rng_seed(&r, seed);
    float *xs = nn_tensor_f32(*x), *ys = nn_tensor_f32(*y);
    for (int i = 0; i < n; i++) {
        float a = uniform(&r, -5.0f, 5.0f);
        a += a > 0 ? 0.3f : -0.3f;
        float b = uniform(&r, -5.0f, 5.0f);
        b += b > 0 ? 0.3f : -0.3f;
        float na = uniform(&r, -5.0f, 5.0f) * noise, nb = uniform(&r, -5.0f, 5.0f) * noise;
        xs[2 * i] = a;
        xs[2 * i + 1] = b;
        ys[i] = (a + na) * (b + nb) < 0 ? 1.0f : 0.0f;
    }
    shuffle_rows(&r, *x, *y);
    return NN_OK;
}

nn_status nn_synth_circles(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                           nn_error *err)
{
    *x = *y = NULL;
    if (check_common("make_circles", n, noise, err) != NN_OK || alloc_xy(n, x, y, err) != NN_OK)
        return err ? err->code : NN_EARG;
    const float radius = 5.0f;
    nn_rng r;
    nn_rng_seed(&r, seed);
    float *xs = nn_tensor_f32(*x), *ys = nn_tensor_f32(*y);
    for (int i = 0; i < n; i++) {
        int inside = i < n / 2;
        float rad = inside ? uniform(&r, 0.0f, radius * 0.5f)
                           : uniform(&r, radius * 0.7f, radius);
        float angle = uniform(&r, 0.0f, (float)(2 * PI));
        float a = rad * sinf(angle), b = rad * cosf(angle);
        float na = uniform(&r, -radius, radius) * noise, nb = uniform(&r, -radius, radius) * noise;
        xs[2 * i] = a;
        xs[2 * i + 1] = b;
        ys[i] = hypotf(a + na, b + nb) < radius * 0.5f ? 1.0f : 0.0f;
    }
    shuffle_rows(&r, *x, *y);
    return NN_OK;
}

nn_status nn_synth_moons(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                         nn_error *err)
{
    *x = *y = NULL;
    if (check_common("make_moons", n, noise, err) != NN_OK || alloc_xy(n, x, y, err) != NN_OK)
        return err ? err->code : NN_EARG;
    nn_rng r;
    nn_rng_seed(&r, seed);
    float *xs = nn_tensor_f32(*x), *ys = nn_tensor_f32(*y);
    int n_out = n / 2, n_in = n - n_out;
    for (int i = 0; i < n; i++) {
        int outer = i < n_out;
        int k = outer ? i : i - n_out, m = outer ? n_out : n_in;
        double t = m > 1 ? PI * k / (m - 1) : 0.0;
        xs[2 * i] = (float)(outer ? cos(t) : 1.0 - cos(t));
        xs[2 * i + 1] = (float)(outer ? sin(t) : 0.5 - sin(t));
        ys[i] = outer ? 0.0f : 1.0f;
    }
    shuffle_rows(&r, *x, *y);
    for (int i = 0; i < 2 * n; i++)
        xs[i] += noise * nn_rng_normal(&r);
    return NN_OK;
}

nn_status nn_synth_spirals(int n, int arms, float noise, uint64_t seed, nn_tensor **x,
                           nn_tensor **y, nn_error *err)
{
    *x = *y = NULL;
    if (check_common("make_spirals", n, noise, err) != NN_OK)
        return err ? err->code : NN_EARG;
    if (arms < 1 || arms > MAX_CLASSES || arms > n)
        return nn_error_set(err, NN_EARG, "make_spirals: arms must be 1 to %d and at most n = %d, "
                            "not %d", MAX_CLASSES, n, arms);
    if (alloc_xy(n, x, y, err) != NN_OK)
        return err ? err->code : NN_ENOMEM;
    nn_rng r;
    nn_rng_seed(&r, seed);
    float *xs = nn_tensor_f32(*x), *ys = nn_tensor_f32(*y);
    int row = 0;
    for (int k = 0; k < arms; k++) {
        int m = n / arms + (k < n % arms);
        double delta = 2 * PI * k / arms;
        for (int i = 0; i < m; i++, row++) {
            double rad = 5.0 * i / m, t = 1.75 * 2 * PI * i / m + delta;
            xs[2 * row] = (float)(rad * sin(t)) + uniform(&r, -1.0f, 1.0f) * noise;
            xs[2 * row + 1] = (float)(rad * cos(t)) + uniform(&r, -1.0f, 1.0f) * noise;
            ys[row] = (float)k;
        }
    }
    shuffle_rows(&r, *x, *y);
    return NN_OK;
}

nn_status nn_synth_blobs(int n, int k, const float *centers, float std, float box_lo,
                         float box_hi, uint64_t seed, nn_tensor **x, nn_tensor **y,
                         nn_error *err)
{
    *x = *y = NULL;
    if (check_common("make_blobs", n, 0.0f, err) != NN_OK)
        return err ? err->code : NN_EARG;
    if (k < 1 || k > MAX_CLASSES || k > n)
        return nn_error_set(err, NN_EARG, "make_blobs: centers must be 1 to %d and at most "
                            "n = %d, not %d", MAX_CLASSES, n, k);
    if (!(std >= 0.0f) || isinf(std))
        return nn_error_set(err, NN_EARG, "make_blobs: cluster_std must be a finite number "
                            ">= 0, not %g", (double)std);
    if (!centers && !(box_lo < box_hi && isfinite(box_lo) && isfinite(box_hi)))
        return nn_error_set(err, NN_EARG, "make_blobs: center_box must be two finite numbers, "
                            "low then high, not (%g, %g)", (double)box_lo, (double)box_hi);
    if (alloc_xy(n, x, y, err) != NN_OK)
        return err ? err->code : NN_ENOMEM;
    nn_rng r;
    nn_rng_seed(&r, seed);
    float drawn[2 * MAX_CLASSES];
    if (!centers) {
        for (int c = 0; c < 2 * k; c++)
            drawn[c] = uniform(&r, box_lo, box_hi);
        centers = drawn;
    }
    float *xs = nn_tensor_f32(*x), *ys = nn_tensor_f32(*y);
    int row = 0;
    for (int c = 0; c < k; c++) {
        int m = n / k + (c < n % k);
        for (int i = 0; i < m; i++, row++) {
            xs[2 * row] = centers[2 * c] + std * nn_rng_normal(&r);
            xs[2 * row + 1] = centers[2 * c + 1] + std * nn_rng_normal(&r);
            ys[row] = (float)c;
        }
    }
    shuffle_rows(&r, *x, *y);
    return NN_OK;
}
