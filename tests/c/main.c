/* tests/c/main.c — the C unit test runner: each suite is a function listed here
** (the checks themselves are in tests/test.c, shared with the window tests). */
#include "tests/test.h"

/* Each suite file defines one of these and calls t_run for its tests. */
void suite_tensor(void);
void suite_dense(void);
void suite_model(void);
void suite_json(void);
void suite_safetensors(void);
void suite_save(void);
void suite_data(void);
void suite_step(void);
void suite_optim(void);
void suite_loss(void);
void suite_activation(void);
void suite_bad_inputs(void);
void suite_alloc_failures(void);
void suite_conv2d(void);
void suite_pool2d(void);
void suite_layers(void);
void suite_batchnorm(void);
void suite_merge(void);
void suite_gradcheck(void);
void suite_cnn(void);
void suite_class_weight(void);
void suite_augment(void);

int main(void)
{
    suite_tensor();
    suite_dense();
    suite_model();
    suite_json();
    suite_safetensors();
    suite_save();
    suite_data();
    suite_step();
    suite_optim();
    suite_loss();
    suite_activation();
    suite_bad_inputs();
    suite_alloc_failures();
    suite_conv2d();
    suite_pool2d();
    suite_layers();
    suite_batchnorm();
    suite_merge();
    suite_gradcheck();
    suite_cnn();
    suite_class_weight();
    suite_augment();
    return 0;
}
