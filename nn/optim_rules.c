/* nn/optim_rules.c — the update rules of RMSprop, Adagrad, Adadelta, Nadam, Adamax. */
#include "optim.h"

nn_status nn_optim_apply_rule(nn_optimizer *o, float *w, const float *g, float **s, size_t n,
                              long t, nn_error *err);

nn_status nn_optim_apply_rule(nn_optimizer *o, float *w, const float *g, float **s, size_t n,
                              long t, nn_error *err)
{
    (void)w; (void)g; (void)s; (void)n; (void)t;
    return nn_error_set(err, NN_EARG, "optimizer %s is coming with the toolbox issue",
                        nn_optim_name(o));
}
