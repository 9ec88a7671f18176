/* nn/rng.h — a small seeded random generator (PCG32). Everything random in nnscope
** draws from one of these: the same seed gives the same run. */
#ifndef NN_RNG_H
#define NN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct nn_rng { uint64_t state, inc; } nn_rng;

void     nn_rng_seed(nn_rng *r, uint64_t seed);
uint32_t nn_rng_u32(nn_rng *r);
/* Uniform in [0, 1). */
float    nn_rng_uniform(nn_rng *r);
/* Uniform integer in [0, n). */
uint32_t nn_rng_below(nn_rng *r, uint32_t n);
/* Standard normal (Box-Muller). */
float    nn_rng_normal(nn_rng *r);
/* Fisher-Yates shuffle of idx[0..n-1]. */
void     nn_rng_shuffle(nn_rng *r, int *idx, size_t n);

#endif
