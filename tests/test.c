/* tests/test.c — the checks of tests/test.h, shared by build/test_nn and
** build/test_viz. */
#include "tests/test.h"

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
