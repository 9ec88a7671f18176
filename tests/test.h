/* tests/test.h — the whole C test framework.
**
** A test is a function; t_run(name, fn) runs it and prints "PASS name" or
** "FAIL name" with the first failed check. tests/run.sh counts those lines and
** prints the closing "N passed, N failed". Checks never abort a test run.
*/
#ifndef NN_TEST_H
#define NN_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int t_failed_checks;         /* failed checks in the test now running */
extern char t_first_failure[512];   /* where the first of them was */

void t_run(const char *name, void (*fn)(void));
int  t_check(int ok, const char *file, int line, const char *what);
int  t_check_near(double got, double want, double tol, const char *file, int line,
                  const char *what);
int  t_check_str(const char *got, const char *want_substring, const char *file, int line);

/* The macros only add the place of the check. */
#define CHECK(cond)              t_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_NEAR(got, want, tol) t_check_near((got), (want), (tol), __FILE__, __LINE__, #got)
#define CHECK_CONTAINS(s, sub)   t_check_str((s), (sub), __FILE__, __LINE__)

#endif
