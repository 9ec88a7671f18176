/* tests/c/test_tensor.c — tensor views and arithmetic. */
#include "tests/test.h"

#include "nn/nn.h"

static void reshape_is_a_view_and_checks_sizes(void)
{
    nn_error err;
    int shape[2] = {2, 6};
    nn_tensor *t = nn_tensor_new(NN_F32, 2, shape, &err);
    int to[3] = {3, -1, 2};
    nn_tensor *v = nn_tensor_reshape(t, 3, to, &err);
    CHECK(v && v->shape[1] == 2);
    nn_tensor_f32(v)[7] = 4.0f;
    CHECK(nn_tensor_f32(t)[7] == 4.0f);
    int bad[2] = {5, 5};
    CHECK(nn_tensor_reshape(t, 2, bad, &err) == NULL);
    CHECK_CONTAINS(err.msg, "(2, 6)");
    CHECK_CONTAINS(err.msg, "(5, 5)");
    nn_tensor_free(t);
    CHECK(nn_tensor_f32(v)[7] == 4.0f);     /* the view keeps the storage alive */
    nn_tensor_free(v);
}

void suite_tensor(void)
{
    t_run("reshape is a view and checks sizes", reshape_is_a_view_and_checks_sizes);
}
