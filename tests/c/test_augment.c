/* tests/c/test_augment.c — shifts and flips of image batches: known shifts
** pixel by pixel (values by hand), random ones against a search over every
** allowed shift, determinism by seed, error texts. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

static void shift_image_by_hand(void)
{
    /* 3x3, one channel: down 1, left 1 */
    float x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, out[9];
    float want[] = {0, 0, 0, 2, 3, 0, 5, 6, 0};
    nn_augment_shift_image(out, x, 3, 3, 1, 1, -1);
    for (int i = 0; i < 9; i++)
        CHECK(out[i] == want[i]);
    /* 2x3, two channels: right 2, up 1 */
    float x2[] = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6}, out2[12];
    float want2[] = {0, 0, 0, 0, 4, -4, 0, 0, 0, 0, 0, 0};
    nn_augment_shift_image(out2, x2, 2, 3, 2, -1, 2);
    for (int i = 0; i < 12; i++)
        CHECK(out2[i] == want2[i]);
    /* a shift as large as the image leaves only zeros */
    nn_augment_shift_image(out, x, 3, 3, 1, 0, 3);
    for (int i = 0; i < 9; i++)
        CHECK(out[i] == 0.0f);
}

static void flip_image_by_hand(void)
{
    float x[] = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6}, out[12];
    float want[] = {3, -3, 2, -2, 1, -1, 6, -6, 5, -5, 4, -4};
    nn_augment_flip_image(out, x, 2, 3, 2);
    for (int i = 0; i < 12; i++)
        CHECK(out[i] == want[i]);
}

static nn_tensor *numbered_batch(int n, int h, int w)
{
    int dims[] = {n, h, w, 1};
    nn_tensor *t = nn_tensor_new(NN_F32, 4, dims, NULL);
    for (size_t i = 0; i < t->size; i++)
        nn_tensor_f32(t)[i] = (float)(i + 1);
    return t;
}

/* Whether out is img shifted by some (dy, dx) with |dy| <= my, |dx| <= mx,
** compared with a naive index check written here. */
static int is_some_shift(const float *out, const float *img, int H, int W, int my, int mx)
{
    for (int dy = -my; dy <= my; dy++) {
        for (int dx = -mx; dx <= mx; dx++) {
            int same = 1;
            for (int i = 0; i < H && same; i++)
                for (int j = 0; j < W && same; j++) {
                    int inside = i - dy >= 0 && i - dy < H && j - dx >= 0 && j - dx < W;
                    float v = inside ? img[(i - dy) * W + (j - dx)] : 0.0f;
                    same = out[i * W + j] == v;
                }
            if (same)
                return 1;
        }
    }
    return 0;
}

static void random_shift_stays_in_range_and_is_seeded(void)
{
    nn_tensor *x = numbered_batch(20, 10, 8);
    nn_rng r;
    nn_rng_seed(&r, 7);
    nn_error err;
    nn_tensor *a = nn_augment_random_shift(x, 0.2, 0.25, &r, &err);
    CHECK(a != NULL);
    int moved = 0;
    for (int n = 0; a && n < 20; n++) {
        const float *o = nn_tensor_f32(a) + n * 80, *in = nn_tensor_f32(x) + n * 80;
        CHECK(is_some_shift(o, in, 10, 8, 2, 2));
        moved += memcmp(o, in, 80 * sizeof *o) != 0;
    }
    CHECK(moved >= 10);
    nn_rng_seed(&r, 7);
    nn_tensor *b = nn_augment_random_shift(x, 0.2, 0.25, &r, &err);
    CHECK(a && b && memcmp(a->data, b->data, x->size * sizeof(float)) == 0);
    nn_rng_seed(&r, 8);
    nn_tensor *c = nn_augment_random_shift(x, 0.2, 0.25, &r, &err);
    CHECK(a && c && memcmp(a->data, c->data, x->size * sizeof(float)) != 0);
    /* ranges of 1 or more are pixels; range 0 changes nothing */
    nn_tensor *d = nn_augment_random_shift(x, 1, 0, &r, &err);
    for (int n = 0; d && n < 20; n++)
        CHECK(is_some_shift(nn_tensor_f32(d) + n * 80, nn_tensor_f32(x) + n * 80, 10, 8, 1, 0));
    nn_tensor *e = nn_augment_random_shift(x, 0, 0, &r, &err);
    CHECK(e && memcmp(e->data, x->data, x->size * sizeof(float)) == 0);
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(c);
    nn_tensor_free(d);
    nn_tensor_free(e);
    nn_tensor_free(x);
}

static void random_flip_flips_about_half(void)
{
    nn_tensor *x = numbered_batch(64, 2, 3);
    nn_rng r;
    nn_rng_seed(&r, 3);
    nn_error err;
    nn_tensor *a = nn_augment_random_flip(x, &r, &err);
    int flipped = 0, kept = 0;
    for (int n = 0; a && n < 64; n++) {
        const float *o = nn_tensor_f32(a) + n * 6, *in = nn_tensor_f32(x) + n * 6;
        int same = 1, mirror = 1;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) {
                same = same && o[i * 3 + j] == in[i * 3 + j];
                mirror = mirror && o[i * 3 + j] == in[i * 3 + 2 - j];
            }
        CHECK(same || mirror);
        flipped += mirror;
        kept += same;
    }
    CHECK(flipped > 16 && kept > 16);
    nn_rng_seed(&r, 3);
    nn_tensor *b = nn_augment_random_flip(x, &r, &err);
    CHECK(a && b && memcmp(a->data, b->data, x->size * sizeof(float)) == 0);
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(x);
}

static void augment_uint8_and_three_dims(void)
{
    int dims[] = {1, 2, 2};
    nn_tensor *x = nn_tensor_new(NN_U8, 3, dims, NULL);
    uint8_t v[] = {10, 20, 30, 40};
    memcpy(x->data, v, 4);
    nn_rng r;
    nn_rng_seed(&r, 1);
    nn_tensor *o = nn_augment_random_shift(x, 0, 0, &r, NULL);
    CHECK(o && o->dtype == NN_F32 && o->ndim == 3);
    CHECK(o && nn_tensor_f32(o)[0] == 10.0f && nn_tensor_f32(o)[3] == 40.0f);
    nn_tensor_free(o);
    nn_tensor_free(x);
}

static void augment_errors(void)
{
    nn_tensor *x = nn_tensor_new2(3, 4, NULL);
    nn_rng r;
    nn_rng_seed(&r, 1);
    nn_error err;
    CHECK(nn_augment_random_flip(x, &r, &err) == NULL);
    CHECK(err.code == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "random_flip: expected a batch of images");
    CHECK_CONTAINS(err.msg, "(3, 4)");
    nn_tensor *y = numbered_batch(1, 2, 2);
    CHECK(nn_augment_random_shift(y, -0.1, 0, &r, &err) == NULL);
    CHECK(err.code == NN_EARG);
    CHECK_CONTAINS(err.msg, ">= 0");
    nn_tensor_free(x);
    nn_tensor_free(y);
}

void suite_augment(void)
{
    t_run("augment shift image by hand", shift_image_by_hand);
    t_run("augment flip image by hand", flip_image_by_hand);
    t_run("augment random shift in range, seeded", random_shift_stays_in_range_and_is_seeded);
    t_run("augment random flip flips about half, seeded", random_flip_flips_about_half);
    t_run("augment uint8 and (N, H, W) batches", augment_uint8_and_three_dims);
    t_run("augment errors", augment_errors);
}
