/* nn/optim_rules.c — the update rules of RMSprop, Adagrad, Adadelta, Nadam and Adamax.
**
** Each follows Keras 3's update_step (keras/src/optimizers/<name>.py; tf.keras's
** optimizers since 2.11 compute the same), in float32 as Keras does, with the
** per-step scalars (bias corrections, Nadam's schedule) in double. The formulas,
** with the state each keeps, are in optim.h above each function.
*/
#include "optim.h"

#include <math.h>

/* ------------------------------------------------------------------ RMSprop */

void nn_optim_rmsprop_update(float *w, const float *g, float *v, float *mom, float *mg, size_t n,
                             const nn_optimizer *o)
{
    float lr = o->learning_rate, rho = o->rho, eps = o->epsilon, mu = o->momentum;
    int centered = o->centered && mg;
    int with_momentum = mu > 0.0f && mom;
    for (size_t i = 0; i < n; i++) {
        v[i] = rho * v[i] + (1.0f - rho) * g[i] * g[i];
        float d = v[i] + eps;
        if (centered) {
            mg[i] = rho * mg[i] + (1.0f - rho) * g[i];
            d = v[i] - mg[i] * mg[i] + eps;
        }
        float inc = lr * g[i] / sqrtf(d);
        if (with_momentum) {
            mom[i] = mu * mom[i] + inc;
            w[i] -= mom[i];
        } else {
            w[i] -= inc;
        }
    }
}

/* ------------------------------------------------------------------ Adagrad */

void nn_optim_adagrad_update(float *w, const float *g, float *acc, size_t n,
                             const nn_optimizer *o)
{
    float lr = o->learning_rate, eps = o->epsilon;
    for (size_t i = 0; i < n; i++) {
        acc[i] += g[i] * g[i];
        w[i] -= lr * g[i] / sqrtf(acc[i] + eps);
    }
}

/* ----------------------------------------------------------------- Adadelta */

void nn_optim_adadelta_update(float *w, const float *g, float *eg, float *edx, size_t n,
                              const nn_optimizer *o)
{
    float lr = o->learning_rate, rho = o->rho, eps = o->epsilon;
    for (size_t i = 0; i < n; i++) {
        eg[i] = rho * eg[i] + (1.0f - rho) * g[i] * g[i];
        float dx = -sqrtf(edx[i] + eps) / sqrtf(eg[i] + eps) * g[i];
        edx[i] = rho * edx[i] + (1.0f - rho) * dx * dx;
        w[i] += lr * dx;
    }
}

/* -------------------------------------------------------------------- Nadam */

double nn_optim_nadam_mu(float beta_1, long t)
{
    return beta_1 * (1.0 - 0.5 * pow(0.96, (double)t));
}

void nn_optim_nadam_update(float *w, const float *g, float *m, float *v, size_t n,
                           const nn_optimizer *o, long t)
{
    float b1 = o->beta_1, b2 = o->beta_2, eps = o->epsilon, lr = o->learning_rate;
    double mu_t = nn_optim_nadam_mu(b1, t), mu_next = nn_optim_nadam_mu(b1, t + 1);
    double prod = o->nadam_mu_product, prod_next = prod * mu_next;
    float cm = (float)(mu_next / (1.0 - prod_next));     /* weight of m in m_hat */
    float cg = (float)((1.0 - mu_t) / (1.0 - prod));      /* weight of g in m_hat */
    float cv = (float)(1.0 / (1.0 - pow(b2, (double)t))); /* v_hat = cv v */
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        float m_hat = cm * m[i] + cg * g[i];
        w[i] -= lr * m_hat / (sqrtf(cv * v[i]) + eps);
    }
}

/* ------------------------------------------------------------------- Adamax */

void nn_optim_adamax_update(float *w, const float *g, float *m, float *u, size_t n,
                            const nn_optimizer *o, long t)
{
    float b1 = o->beta_1, b2 = o->beta_2, eps = o->epsilon;
    float step = (float)(o->learning_rate / (1.0 - pow(b1, (double)t)));
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        float decayed = b2 * u[i], a = fabsf(g[i]);
        u[i] = decayed > a ? decayed : a;
        w[i] -= step * m[i] / (u[i] + eps);
    }
}
