/* nn/optim.h — optimizers: how a gradient turns into a weight update.
**
** Backprop fills each parameter's .grad; nn_optim_step then applies one update
** to every trainable parameter, following Keras's rule and defaults for each
** optimizer. State (momentum buffers, moment estimates, accumulators) lives in
** per-parameter slots created on the first step.
*/
#ifndef NN_OPTIM_H
#define NN_OPTIM_H

#include "layer.h"

typedef enum {
    NN_OPT_SGD, NN_OPT_RMSPROP, NN_OPT_ADAGRAD, NN_OPT_ADADELTA, NN_OPT_ADAM, NN_OPT_NADAM,
    NN_OPT_ADAMAX, NN_OPT_CUSTOM, NN_OPT_COUNT
} nn_optim_kind;

#define NN_OPT_SLOTS 3      /* most state tensors any optimizer keeps per parameter */

typedef struct nn_optimizer nn_optimizer;

/* An update rule written outside the core (a Lua function): updates p->value
** from p->grad, with its own state. `t` is the 1-based step number. */
typedef nn_status (*nn_optim_fn)(void *ud, nn_param *p, int index, long t, nn_error *err);

struct nn_optimizer {
    nn_optim_kind kind;
    float learning_rate;
    float momentum;         /* SGD, RMSprop */
    int nesterov;           /* SGD */
    float rho;              /* RMSprop (0.9), Adadelta (0.95) */
    float beta_1, beta_2;   /* Adam, Nadam, Adamax */
    float epsilon;          /* 1e-7 everywhere, as Keras */
    float initial_accumulator_value;   /* Adagrad (0.1) */
    int amsgrad;            /* Adam */
    int centered;           /* RMSprop */
    long iterations;        /* steps taken */
    double nadam_mu_product;  /* Nadam's running product of momentum schedule values */
    int n_params;           /* parameters the slots were made for */
    nn_tensor **slots;      /* n_params * NN_OPT_SLOTS, NULL where unused */
    nn_optim_fn custom;
    void *ud;
    char name[32];          /* for a custom optimizer */
};

/* A new optimizer of `kind` with Keras's default hyperparameters. */
nn_optimizer *nn_optim_new(nn_optim_kind kind, nn_error *err);

/* By Keras name, case-insensitive ("adam", "SGD", "rmsprop", ...); NN_EARG lists them. */
nn_optimizer *nn_optim_by_name(const char *name, nn_error *err);
nn_status nn_optim_kind_parse(const char *name, nn_optim_kind *out, nn_error *err);

/* The Keras class name: "Adam", "SGD", ... */
const char *nn_optim_name(const nn_optimizer *o);

/* One update of every trainable parameter in params[0..n-1] from its .grad.
** The parameter list must be the same (same order) at every call. */
nn_status nn_optim_step(nn_optimizer *o, nn_param *const *params, int n, nn_error *err);

/* Create the state slots for params[0..n-1] now, as the first step would (a
** model being loaded then fills them from its file). Nothing happens when they
** exist already for n parameters; a custom optimizer keeps its state itself. */
nn_status nn_optim_build(nn_optimizer *o, nn_param *const *params, int n, nn_error *err);

/* Forget the state (slots and step count). */
void nn_optim_reset(nn_optimizer *o);

void nn_optim_free(nn_optimizer *o);

/* -------------------------------------------------- the update rules, per tensor */
/* Each updates w[0..n-1] in place from g; state arrays as named (zero at the
** start, except Adagrad's accumulator); t is the 1-based step. Hyperparameters
** are read from `o` at every call, so changing one between steps takes effect
** at the next step. The rules are those of Keras 3 (keras/src/optimizers/, a file
** per rule), which tf.keras's optimizers since 2.11 follow too. */

/* v = momentum v - lr g;  w += v   (nesterov: w += momentum v - lr g);  momentum 0: w -= lr g */
void nn_optim_sgd_update(float *w, const float *g, float *v, size_t n, float lr, float momentum,
                         int nesterov);

/* m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  (amsgrad: vmax = max(vmax, v), used for v)
** w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps) */
void nn_optim_adam_update(float *w, const float *g, float *m, float *v, float *vmax, size_t n,
                          const nn_optimizer *o, long t);

/* v = rho v + (1 - rho) g^2
** centered: mg = rho mg + (1 - rho) g;  d = v - mg^2 + eps;   otherwise d = v + eps
** inc = lr g / sqrt(d)
** momentum > 0: mom = momentum mom + inc;  w -= mom;          otherwise w -= inc
** mom may be NULL when momentum is 0, mg when not centered. */
void nn_optim_rmsprop_update(float *w, const float *g, float *v, float *mom, float *mg, size_t n,
                             const nn_optimizer *o);

/* acc += g^2;  w -= lr g / sqrt(acc + eps)
** acc starts at initial_accumulator_value (0.1), not 0. */
void nn_optim_adagrad_update(float *w, const float *g, float *acc, size_t n,
                             const nn_optimizer *o);

/* Eg  = rho Eg + (1 - rho) g^2
** dx  = -sqrt(Edx + eps) / sqrt(Eg + eps) * g
** Edx = rho Edx + (1 - rho) dx^2
** w  += lr dx */
void nn_optim_adadelta_update(float *w, const float *g, float *eg, float *edx, size_t n,
                              const nn_optimizer *o);

/* mu_t = b1 (1 - 0.5 * 0.96^t), Nadam's momentum schedule. */
double nn_optim_nadam_mu(float beta_1, long t);

/* P_t = mu_1 mu_2 ... mu_t, kept in o->nadam_mu_product (nn_optim_step multiplies
** mu_t in once per step, before the updates of step t).
** m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
** m_hat = mu_{t+1} m / (1 - P_t mu_{t+1}) + (1 - mu_t) g / (1 - P_t)
** v_hat = v / (1 - b2^t)
** w -= lr m_hat / (sqrt(v_hat) + eps) */
void nn_optim_nadam_update(float *w, const float *g, float *m, float *v, size_t n,
                           const nn_optimizer *o, long t);

/* m = b1 m + (1 - b1) g;  u = max(b2 u, |g|)
** w -= lr m / ((1 - b1^t) (u + eps)) */
void nn_optim_adamax_update(float *w, const float *g, float *m, float *u, size_t n,
                            const nn_optimizer *o, long t);

#endif
