/* repl/progress.c — the Keras 2 progress bar. */
#include "progress.h"

#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30

double repl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void repl_format_value(char *buf, size_t len, double v)
{
    if (fabs(v) > 1e-3 || v == 0.0 || !isfinite(v))
        snprintf(buf, len, "%.4f", v);
    else
        snprintf(buf, len, "%.4e", v);
}

void repl_progress_begin(repl_progress *p, FILE *out, int verbose, int target)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->verbose = verbose;
    p->target = target;
    p->start = repl_now();
    p->tty = isatty(fileno(out));
}

static size_t append(char *buf, size_t at, size_t len, const char *fmt, double a, double b)
{
    if (at >= len)
        return at;
    int n = snprintf(buf + at, len - at, fmt, a, b);
    return n > 0 ? at + (size_t)n : at;
}

/* "1:23" / "1:02:03" / "45s" as Keras formats an ETA */
static size_t append_eta(char *buf, size_t at, size_t len, double eta)
{
    long s = (long)eta;
    if (at >= len)
        return at;
    int n = s >= 3600 ? snprintf(buf + at, len - at, " - ETA: %ld:%02ld:%02ld", s / 3600,
                                 (s % 3600) / 60, s % 60)
          : s >= 60 ? snprintf(buf + at, len - at, " - ETA: %ld:%02ld", s / 60, s % 60)
          : snprintf(buf + at, len - at, " - ETA: %lds", s);
    return n > 0 ? at + (size_t)n : at;
}

static size_t append_values(char *buf, size_t at, size_t len, int n, const char *const *names,
                            const double *values)
{
    for (int i = 0; i < n && at < len; i++) {
        char v[32];
        repl_format_value(v, sizeof v, values[i]);
        int k = snprintf(buf + at, len - at, " - %s: %s", names[i], v);
        at = k > 0 ? at + (size_t)k : at;
    }
    return at;
}

static size_t append_step_time(char *buf, size_t at, size_t len, double per_step)
{
    if (per_step >= 1.0)
        return append(buf, at, len, " %.0fs/step", per_step, 0);
    if (per_step >= 1e-3)
        return append(buf, at, len, " %.0fms/step", per_step * 1e3, 0);
    return append(buf, at, len, " %.0fus/step", per_step * 1e6, 0);
}

void repl_progress_update(repl_progress *p, int current, int n, const char *const *names,
                          const double *values, int final)
{
    if (p->verbose <= 0)
        return;
    double now = repl_now(), elapsed = now - p->start;
    if (!final && (p->verbose != 1 || !p->tty || now - p->last_draw < 0.05))
        return;
    p->last_draw = now;
    if (final && p->target <= 0)
        p->target = current;    /* a generator's epoch: its length is known at its end */
    char line[1024];
    size_t at = 0, len = sizeof line;
    int unknown = p->target <= 0;
    int digits = (int)floor(log10(p->target > 0 ? p->target : 1)) + 1;
    if (unknown)
        at += (size_t)snprintf(line, len, "%7d/Unknown", current);
    else
        at += (size_t)snprintf(line, len, "%*d/%d", digits, current, p->target);
    if (p->verbose == 1 && !unknown) {
        int width = p->target > 0 ? (int)(BAR_WIDTH * (double)current / p->target) : BAR_WIDTH;
        line[at++] = ' ';
        line[at++] = '[';
        for (int i = 0; i < BAR_WIDTH; i++)
            line[at++] = i < width - 1 ? '=' : i == width - 1 ? (current < p->target ? '>' : '=')
                                                               : '.';
        line[at++] = ']';
        line[at] = '\0';
    }
    double per_step = current > 0 ? elapsed / current : 0.0;
    if (final)
        at = append(line, at, len, " - %.0fs", elapsed, 0);
    if (final && p->verbose == 1)
        at = append_step_time(line, at, len, per_step);
    if (!final && !unknown)
        at = append_eta(line, at, len, per_step * (p->target - current));
    at = append_values(line, at, len, n, names, values);
    if (final && p->verbose == 2) {
        at = append(line, at, len, " - %.0fs/epoch -", elapsed, 0);
        at = append_step_time(line, at, len, per_step);
    }
    /* pad over a longer previous line, then return to the start of the line */
    int pad = p->drawn_width > (int)at ? p->drawn_width - (int)at : 0;
    p->drawn_width = (int)at;
    if (p->tty && p->verbose == 1)
        fprintf(p->out, "\r%s%*s", line, pad, "");
    else
        fputs(line, p->out);
    if (final)
        fputc('\n', p->out);
    fflush(p->out);
}
