/* repl/progress.h — Keras 2's progress bar for fit, evaluate and predict:
**   1688/1688 [==============================] - 3s 2ms/step - loss: 0.5213 - accuracy: 0.8170
** redrawn at most every 0.05 s with \r on a terminal (verbose 1); one line per
** epoch with verbose 2; nothing with verbose 0. */
#ifndef REPL_PROGRESS_H
#define REPL_PROGRESS_H

#include <stdio.h>

typedef struct repl_progress {
    FILE *out;
    int verbose;
    int target;             /* steps in this epoch */
    double start;           /* seconds, monotonic */
    double last_draw;
    int tty;
    int drawn_width;
} repl_progress;

/* Seconds on a monotonic clock. */
double repl_now(void);

/* Start a bar of `target` steps (0 or less: unknown, drawn "12/Unknown" until the final
** update, whose step count becomes the target). */
void repl_progress_begin(repl_progress *p, FILE *out, int verbose, int target);

/* Step `current` (1-based) done with the running values; `final` draws the
** closing line (with total time and time per step). */
void repl_progress_update(repl_progress *p, int current, int n, const char *const *names,
                          const double *values, int final);

/* One value as Keras prints it: %.4f, or %.4e below 1e-3. */
void repl_format_value(char *buf, size_t len, double v);

#endif
