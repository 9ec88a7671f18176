/* tests/c/test_step.c — the stage machine: order of stages, and the same update
** as a whole training step. */
#include "tests/test.h"

#include "nn/nn.h"

static nn_model *two_layer_model(void)
{
    nn_error err;
    nn_model *m = nn_model_new(9, &err);
    nn_dense_options a = nn_dense_defaults(3), b = nn_dense_defaults(2);
    nn_activation_parse("relu", &a.activation, &err);
    nn_activation_parse("softmax", &b.activation, &err);
    nn_layer *l = nn_dense_new(&a, &err);
    l->input_hint = (nn_shape){1, {4}};
    nn_model_add(m, l, &err);
    nn_model_add(m, nn_dense_new(&b, &err), &err);
    nn_compile_options c = {0};
    nn_loss_parse("sparse_categorical_crossentropy", &c.loss, &err);
    c.optimizer = nn_optim_by_name("adam", &err);
    nn_model_compile(m, &c, &err);
    return m;
}

static void stages_come_in_order_and_match_a_whole_step(void)
{
    nn_error err;
    nn_model *stepped = two_layer_model(), *whole = two_layer_model();
    nn_tensor *x = nn_tensor_new2(2, 4, &err), *y = nn_tensor_new1(2, &err);
    for (int i = 0; i < 8; i++)
        nn_tensor_f32(x)[i] = (float)(i % 3) - 0.7f;
    nn_tensor_f32(y)[1] = 1.0f;
    nn_stepper s = {0};
    nn_stage st;
    const nn_stage_kind want[6] = {NN_STAGE_FORWARD, NN_STAGE_FORWARD, NN_STAGE_LOSS,
                                   NN_STAGE_BACKWARD, NN_STAGE_BACKWARD, NN_STAGE_UPDATE};
    const int node[6] = {0, 1, -1, 1, 0, -1};
    for (int k = 0; k < 6; k++) {
        CHECK(nn_step_next(stepped, &s, x, y, &st, &err) == NN_OK);
        CHECK(st.kind == want[k]);
        CHECK(st.node == node[k]);
    }
    CHECK(!s.active);
    double r[NN_MAX_METRICS + 1];
    CHECK(nn_model_train_on_batch(whole, x, y, r, &err) == NN_OK);
    CHECK_NEAR(st.loss, r[0], 1e-9);
    int n;
    nn_param *const *p1 = nn_model_params(stepped, &n);
    nn_param *const *p2 = nn_model_params(whole, &n);
    double worst = 0.0;
    for (int i = 0; i < n; i++)
        for (size_t j = 0; j < p1[i]->value->size; j++)
            worst = fmax(worst, fabs(nn_tensor_f32(p1[i]->value)[j] -
                                     nn_tensor_f32(p2[i]->value)[j]));
    CHECK(worst == 0.0);
    nn_step_reset(&s);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(stepped);
    nn_model_free(whole);
}

static void step_needs_compile_and_a_batch(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_stepper s = {0};
    nn_stage st;
    nn_tensor *x = nn_tensor_new2(2, 4, &err);
    CHECK(nn_step_next(m, &s, x, x, &st, &err) == NN_ESTATE);
    CHECK_CONTAINS(err.msg, "compiled");
    nn_model_free(m);
    m = two_layer_model();
    CHECK(nn_step_next(m, &s, NULL, NULL, &st, &err) == NN_EARG);
    nn_tensor_free(x);
    nn_model_free(m);
}

void suite_step(void)
{
    t_run("step: stages in order, same result as a whole step",
          stages_come_in_order_and_match_a_whole_step);
    t_run("step needs compile and a batch", step_needs_compile_and_a_batch);
}
