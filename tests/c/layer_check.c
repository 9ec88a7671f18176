/* tests/c/layer_check.c — helpers the layer tests share. */
#include "tests/c/layer_check.h"

#include "tests/test.h"

#include <stdlib.h>

nn_tensor *t_randn(nn_rng *rng, int ndim, const int *shape)
{
    nn_tensor *t = nn_tensor_new(NN_F32, ndim, shape, NULL);
    for (size_t i = 0; t && i < t->size; i++)
        nn_tensor_f32(t)[i] = nn_rng_normal(rng);
    return t;
}

nn_status t_build(nn_layer *l, int ndim, const int *shape, nn_rng *rng, nn_error *err)
{
    l->n_inputs = 1;
    l->in_shape[0].ndim = ndim;
    for (int i = 0; i < ndim; i++)
        l->in_shape[0].dim[i] = shape[i];
    nn_status st = l->ops->build(l, rng, err);
    l->built = st == NN_OK;
    return st;
}

nn_tensor *t_forward(nn_layer *l, const nn_tensor *x, int training)
{
    int dims[NN_MAX_DIMS];
    int nd = nn_shape_with_batch(&l->out_shape, x->shape[0], dims);
    nn_tensor *y = nn_tensor_new(NN_F32, nd, dims, NULL);
    nn_error err;
    if (!y || l->ops->forward(l, &x, y, training, &err) != NN_OK) {
        CHECK(!"forward failed");
        nn_tensor_free(y);
        return NULL;
    }
    return y;
}

double t_gradcheck(nn_layer *l, int n, const nn_tensor *const *x, int training, double step,
                   double tol)
{
    nn_rng rng;
    nn_rng_seed(&rng, 99);
    nn_gradcheck_options opt = nn_gradcheck_defaults();
    opt.training = training;
    opt.step = step;
    nn_gradcheck_report rep;
    nn_error err;
    nn_status st = nn_gradcheck_layer_inputs(l, n, x, &opt, &rng, &rep, &err);
    CHECK(st == NN_OK);
    if (st != NN_OK)
        return 1e9;
    CHECK(rep.n >= n);
    if (getenv("T_GRAD_VERBOSE"))       /* T_GRAD_VERBOSE=1 build/test_nn lists every result */
        for (int k = 0; k < rep.n; k++)
            printf("  grad %s %s %.3g (%zu)\n", l->ops->type, rep.entry[k].name,
                   rep.entry[k].worst, rep.entry[k].checked);
    for (int k = 0; k < rep.n; k++) {
        CHECK(rep.entry[k].checked > 0);
        if (!CHECK(rep.entry[k].worst < tol))
            printf("  %s '%s' worst %.3g at %zu: analytic %.6g numeric %.6g\n", l->ops->type,
                   rep.entry[k].name, rep.entry[k].worst, rep.entry[k].index,
                   rep.entry[k].analytic, rep.entry[k].numeric);
    }
    return rep.worst;
}

double t_max_rel(const float *a, const float *b, size_t n, double floor)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / fmax(fmax(fabs(a[i]), fabs(b[i])), floor);
        worst = d > worst ? d : worst;
    }
    return worst;
}
