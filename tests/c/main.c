/* tests/c/main.c — the C unit test runner: each suite is a function listed here. */
#include "tests/test.h"

#include <stdlib.h>

int t_failed_checks;
char t_first_failure[512];

int t_check(int ok, const char *file, int line, const char *what)
{
    if (!ok) {
        if (t_failed_checks++ == 0)
            snprintf(t_first_failure, sizeof t_first_failure, "%s:%d: %s", file, line, what);
    }
    return ok;
}

int t_check_near(double got, double want, double tol, const char *file, int line,
                 const char *what)
{
    int ok = fabs(got - want) <= tol && !isnan(got);
    if (!ok && t_failed_checks++ == 0)
        snprintf(t_first_failure, sizeof t_first_failure, "%s:%d: %s = %.9g, want %.9g (tol %g)",
                 file, line, what, got, want, tol);
    return ok;
}

int t_check_str(const char *got, const char *want, const char *file, int line)
{
    int ok = got && strstr(got, want) != NULL;
    if (!ok && t_failed_checks++ == 0)
        snprintf(t_first_failure, sizeof t_first_failure, "%s:%d: \"%s\" does not contain \"%s\"",
                 file, line, got ? got : "(null)", want);
    return ok;
}

void t_run(const char *name, void (*fn)(void))
{
    t_failed_checks = 0;
    t_first_failure[0] = '\0';
    fn();
    if (t_failed_checks)
        printf("FAIL %s (%d failed checks; first: %s)\n", name, t_failed_checks, t_first_failure);
    else
        printf("PASS %s\n", name);
    fflush(stdout);
}

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
    return 0;
}
