/* nn/rng.c — PCG32 (O'Neill, 2014): 64-bit state, 32-bit output, XSH-RR. */
#include "rng.h"

#include <math.h>

void nn_rng_seed(nn_rng *r, uint64_t seed)
{
    r->state = 0;
    r->inc = (seed << 1u) | 1u;
    nn_rng_u32(r);
    r->state += 0x853c49e6748fea9bULL ^ seed;
    nn_rng_u32(r);
}

uint32_t nn_rng_u32(nn_rng *r)
{
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

float nn_rng_uniform(nn_rng *r)
{
    return (float)(nn_rng_u32(r) >> 8) * (1.0f / 16777216.0f);
}

uint32_t nn_rng_below(nn_rng *r, uint32_t n)
{
    /* Lemire's nearly-divisionless bounded integer, with rejection for exactness. */
    uint64_t m = (uint64_t)nn_rng_u32(r) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = -n % n;
        while (low < threshold) {
            m = (uint64_t)nn_rng_u32(r) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

float nn_rng_normal(nn_rng *r)
{
    float u1 = nn_rng_uniform(r), u2 = nn_rng_uniform(r);
    if (u1 < 1e-12f)
        u1 = 1e-12f;
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530718f * u2);
}

void nn_rng_shuffle(nn_rng *r, int *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = nn_rng_below(r, (uint32_t)i);
        int t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
