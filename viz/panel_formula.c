/* viz/panel_formula.c — the formula of the stage shown, with its numbers.
**
** For the selected layer and unit and the current sample, the formula of the
** stage of the training step the window shows (stage.h): the symbolic form on
** one line, the same with the numbers substituted under it, the result last.
** Long sums show their largest terms and "+ 777 more terms = 0.41". A Conv2D
** or pooling formula also draws the input map with the window outlined in the
** accent colour. Every number comes from viz_formula_values (formula_values.h);
** the values of the last drawing are kept for viz_formula_shown. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "colormap.h"
#include "formula.h"
#include "formula_values.h"
#include "heatmap.h"
#include "panel.h"
#include "text.h"

/* Symbols, as UTF-8 (names, so a letter after one is not read as a hex digit). */
#define DEL       "\xe2\x88\x82"
#define MINUS     "\xe2\x88\x92"
#define DOT       "\xc2\xb7"
#define DELTA     "\xce\xb4"
#define CAP_DELTA "\xce\x94"
#define ETA       "\xce\xb7"
#define BETA      "\xce\xb2"
#define EPS       "\xce\xb5"
#define MU        "\xce\xbc"
#define RHO       "\xcf\x81"
#define SIGMA     "\xcf\x83"
#define SUM       "\xce\xa3"
#define PROD      "\xce\xa0"
#define LARROW    "\xe2\x86\x90"
#define RARROW    "\xe2\x86\x92"
#define UARROW    "\xe2\x86\x91"
#define DARROW    "\xe2\x86\x93"
#define ELL       "\xe2\x84\x93"
#define PRIME     "\xe2\x80\xb2"
#define ELLIPSIS  "\xe2\x80\xa6"
#define SQUARED   "\xc2\xb2"

#define MAX_LINES 28
#define MAX_TERMS_SHOWN 5

static viz_fx shown;
static int have_shown;

const viz_fx *viz_formula_shown(void)
{
    return have_shown ? &shown : NULL;
}

/* ---------------------------------------------------------------- lines */

enum { L_SYM, L_NUM, L_NOTE, L_HEAD };

typedef struct fline {
    int kind;
    char text[1400];
} fline;

typedef struct flines {
    fline l[MAX_LINES];
    int n;
    int width;              /* room for a line, in pixels */
    int px;                 /* base size of formulas */
    int notes;              /* room for the notes under the formulas */
} flines;

static fline *add(flines *L, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static fline *add(flines *L, int kind, const char *fmt, ...)
{
    if (L->n >= MAX_LINES)
        return &L->l[MAX_LINES - 1];
    fline *f = &L->l[L->n++];
    f->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
    return f;
}

static int line_px(const flines *L, int kind)
{
    return kind == L_NOTE ? VIZ_TICK_PX : kind == L_HEAD ? VIZ_LABEL_PX : L->px;
}

static int fits(const flines *L, int kind, const char *markup)
{
    viz_fbox b;
    return viz_formula_measure(markup, line_px(L, kind), &b) == 0 && b.w <= L->width;
}

/* Numbers as markup. */
typedef struct num { char s[48]; } num;

static num N(double v)
{
    num n;
    viz_formula_num(n.s, sizeof n.s, v, 0);
    return n;
}

/* A probability: 4 significant digits, and near 1 enough of them to show how far
** from 1 it is (0.999268, not 0.9993: log p depends on that). */
static num Pr(double p)
{
    num n;
    if (p > 0.99 && p < 1.0) {
        int d = (int)ceil(-log10(1.0 - p)) + 2;
        snprintf(n.s, sizeof n.s, "%.*f", d > 12 ? 12 : d, p);
    } else {
        viz_formula_num(n.s, sizeof n.s, p, 0);
    }
    return n;
}

/* A hyperparameter, or 1 minus one: as a learner typed it (0.001, not the float's
** 9.999871e-04), 4 significant digits. */
static num H(double v)
{
    num n;
    snprintf(n.s, sizeof n.s, "%.4g", v);
    return n;
}

static num P(double v)         /* a factor: parenthesised when negative */
{
    num n;
    viz_formula_num(n.s, sizeof n.s, v, 1);
    return n;
}

/* A name in markup: its underscores are not subscripts. */
static const char *esc(const char *name)
{
    static char buf[4][96];
    static int k;
    char *out = buf[k = (k + 1) % 4];
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n + 3 < sizeof buf[0]; p++) {
        if (*p == '_' || *p == '^' || *p == '{' || *p == '}' || *p == '\\')
            out[n++] = '\\';
        out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

/* Terms [from, to) of a sum, each after its operator (none before term 0):
** products as a·b, the sign of a written as the operator. */
static size_t put_terms(char *buf, size_t len, const viz_fx_sum *s, int products, int from,
                        int to)
{
    size_t n = 0;
    for (int i = from; i < to && n < len; i++) {
        const viz_fx_term *t = &s->term[i];
        double lead = products ? t->a : t->value;
        const char *op = i == 0 ? "" : lead < 0 ? " " MINUS " " : " + ";
        double shown = i == 0 ? lead : fabs(lead);
        if (products)
            n += (size_t)snprintf(buf + n, len - n, "%s%s" DOT "%s", op, N(shown).s, P(t->b).s);
        else
            n += (size_t)snprintf(buf + n, len - n, "%s%s", op, N(shown).s);
    }
    return n < len ? n : len - 1;
}

/* "+ 777 more terms = 0.41" after the first k terms (nothing when none is left). */
static size_t put_rest(char *buf, size_t len, const viz_fx_sum *s, int k)
{
    long more = s->n - k;
    double shown = 0.0;
    for (int i = 0; i < k; i++)
        shown += s->term[i].value;
    int n = 0;
    if (more > 0 && k == 0)
        n = snprintf(buf, len, "\\soft{%ld terms = %s}", more, N(s->total).s);
    else if (more > 0)
        n = snprintf(buf, len, " \\soft{+ %ld more term%s = %s}", more, more == 1 ? "" : "s",
                     N(s->total - shown).s);
    else if (len)
        buf[0] = '\0';
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* The numbers of a sum: head, the largest terms, the rest summed, tail. As
** many terms as fit (up to 5); when fewer than 4 fit on one line, the terms
** go on over two. */
static void add_sum(flines *L, const char *head, const viz_fx_sum *s, int products,
                    const char *tail)
{
    int most = s->shown < MAX_TERMS_SHOWN ? s->shown : MAX_TERMS_SHOWN, one = 0;
    char line[1400], second[1400];
    for (int k = most; k >= 0; k--) {
        size_t n = (size_t)snprintf(line, sizeof line, "%s", head);
        n += put_terms(line + n, sizeof line - n, s, products, 0, k);
        n += put_rest(line + n, sizeof line - n, s, k);
        snprintf(line + n, sizeof line - n, "%s", tail);
        one = k;
        if (k == 0 || fits(L, L_NUM, line))
            break;
    }
    for (int k = most; k > one && one < 4 && k >= 2; k--) {
        int h = (k + 1) / 2;
        char first[1400];
        size_t n = (size_t)snprintf(first, sizeof first, "%s", head);
        put_terms(first + n, sizeof first - n, s, products, 0, h);
        n = (size_t)snprintf(second, sizeof second, "\\, ");
        n += put_terms(second + n, sizeof second - n, s, products, h, k);
        n += put_rest(second + n, sizeof second - n, s, k);
        snprintf(second + n, sizeof second - n, "%s", tail);
        if (fits(L, L_NUM, first) && fits(L, L_NUM, second)) {
            add(L, L_NUM, "%s", first);
            add(L, L_NUM, "%s", second);
            return;
        }
    }
    add(L, L_NUM, "%s", line);
}

/* "relu", "sigmoid", ... as a function name in a formula. */
static const char *fname(nn_activation act)
{
    return nn_activation_name(act.kind);
}

/* f(z) written out with its value: "max(0, 1.23)" for relu, ... */
static void act_lines(flines *L, const viz_fx *fx, const char *j, const char *jn)
{
    const char *f = fname(fx->act);
    switch (fx->act.kind) {
    case NN_ACT_LINEAR:
        add(L, L_SYM, "a_%s = z_%s \\soft{(linear: no activation)}", j, j);
        add(L, L_NUM, "a_{%s} = %s", jn, N(fx->a).s);
        return;
    case NN_ACT_RELU:
        add(L, L_SYM, "a_%s = relu(z_%s) = max(0, z_%s)", j, j, j);
        add(L, L_NUM, "a_{%s} = max(0, %s) = \\bold{%s}", jn, N(fx->z).s, N(fx->a).s);
        return;
    case NN_ACT_SIGMOID:
        add(L, L_SYM, "a_%s = " SIGMA "(z_%s) = \\frac{1}{1 + e^{" MINUS "z_%s}}", j, j, j);
        add(L, L_NUM, "a_{%s} = \\frac{1}{1 + e^{%s}} = \\bold{%s}", jn, N(-fx->z).s,
            N(fx->a).s);
        return;
    case NN_ACT_TANH:
        add(L, L_SYM, "a_%s = tanh(z_%s)", j, j);
        add(L, L_NUM, "a_{%s} = tanh(%s) = \\bold{%s}", jn, N(fx->z).s, N(fx->a).s);
        return;
    case NN_ACT_SOFTMAX:
        add(L, L_SYM, "a_%s = softmax(z)_%s = \\frac{e^{z_%s " MINUS " max z}}{\\sum_k "
            "e^{z_k " MINUS " max z}}", j, j, j);
        add(L, L_NUM, "a_{%s} = \\frac{e^{%s " MINUS " %s}}{%s} = \\bold{%s}", jn, N(fx->z).s,
            P(fx->softmax_max).s, N(fx->softmax_denominator).s, N(fx->a).s);
        add(L, L_NOTE, "\\soft{subtracting max z = %s changes nothing but keeps e^z from "
            "overflowing}", N(fx->softmax_max).s);
        return;
    default:
        add(L, L_SYM, "a_%s = %s(z_%s)", j, f, j);
        add(L, L_NUM, "a_{%s} = %s(%s) = \\bold{%s}", jn, f, N(fx->z).s, N(fx->a).s);
        return;
    }
}

/* ------------------------------------------------------------- forward */

static void dense_forward(flines *L, const viz_fx *fx)
{
    char jn[16], head[128], tail[128];
    snprintf(jn, sizeof jn, "%d", fx->unit + 1);
    add(L, L_HEAD, "Weighted sum: unit %d of %s adds up its %ld inputs, each times its weight",
        fx->unit + 1, esc(fx->layer_name), fx->sum.n);
    add(L, L_SYM, "z_j = \\sum_{i=1}^{%ld} w_{ij} x_i%s", fx->sum.n, fx->has_bias ? " + b_j" : "");
    snprintf(head, sizeof head, "z_{%s} = ", jn);
    snprintf(tail, sizeof tail, "%s%s", fx->has_bias ? " + " : "",
             fx->has_bias ? P(fx->bias).s : "");
    add_sum(L, head, &fx->sum, 1, tail);
    add(L, L_NUM, "\\, = \\bold{%s}", N(fx->z).s);
    add(L, L_NOTE, "\\soft{the largest of the %ld products w_i" DOT "x_i written out, the "
        "others summed}", fx->sum.n);
    add(L, L_HEAD, "Activation: %s", fname(fx->act));
    act_lines(L, fx, "j", jn);
}

static void act_forward(flines *L, const viz_fx *fx)
{
    char jn[16];
    snprintf(jn, sizeof jn, "%d", fx->unit + 1);
    add(L, L_HEAD, "Activation layer %s applies %s to each value", esc(fx->layer_name),
        fname(fx->act));
    act_lines(L, fx, "j", jn);
}

static void conv_forward(flines *L, const viz_fx *fx)
{
    const nn_window *g = &fx->win;
    char head[160], tail[128];
    int i = fx->pos[0] + 1, j = fx->pos[1] + 1;
    add(L, L_HEAD, "Convolution: channel %d at row %d, column %d sums a %dx%d window of "
        "%s %d input channel%s", fx->unit + 1, i, j, g->kh, g->kw, g->c == 1 ? "its" : "all",
        g->c, g->c == 1 ? "" : "s");
    if (g->sh == 1 && g->sw == 1 && g->pad_top == 0 && g->pad_left == 0)
        add(L, L_SYM, "z_{i,j} = \\sum_{m=1}^{%d} \\sum_{n=1}^{%d} \\sum_{c=1}^{%d} "
            "w_{m,n,c} x_{i+m" MINUS "1, j+n" MINUS "1, c}%s", g->kh, g->kw, g->c,
            fx->has_bias ? " + b" : "");
    else
        add(L, L_SYM, "z_{i,j} = \\sum_{m=1}^{%d} \\sum_{n=1}^{%d} \\sum_{c=1}^{%d} "
            "w_{m,n,c} x_{%d(i" MINUS "1)+m" MINUS "%d, %d(j" MINUS "1)+n"
            MINUS "%d, c}%s", g->kh, g->kw, g->c, g->sh, 1 + g->pad_top, g->sw,
            1 + g->pad_left, fx->has_bias ? " + b" : "");
    snprintf(head, sizeof head, "z_{%d,%d} = ", i, j);
    snprintf(tail, sizeof tail, "%s%s = \\bold{%s}", fx->has_bias ? " + " : "",
             fx->has_bias ? P(fx->bias).s : "", N(fx->z).s);
    add_sum(L, head, &fx->sum, 1, tail);
    add(L, L_NOTE, "\\soft{%ld products w" DOT "x over the window (outlined on the input); "
        "the largest written out}", fx->sum.n);
    add(L, L_HEAD, "Activation: %s", fname(fx->act));
    char jn[24];
    snprintf(jn, sizeof jn, "%d,%d", i, j);
    act_lines(L, fx, "{i,j}", jn);
}

static void pool_forward(flines *L, const viz_fx *fx)
{
    const nn_window *g = &fx->win;
    int i = fx->pos[0] + 1, j = fx->pos[1] + 1;
    add(L, L_HEAD, "%s: channel %d at row %d, column %d %s its %dx%d window",
        fx->layer_type, fx->unit + 1, i, j, fx->pool_max ? "keeps the largest value of" :
        "averages", g->kh, g->kw);
    char line[1400];
    size_t n = 0;
    int shown = fx->pool_count < 12 ? fx->pool_count : 12;
    if (fx->pool_max) {
        add(L, L_SYM, "a_{i,j} = max_{(m,n) \xe2\x88\x88 window} x_{m,n}");
        n = (size_t)snprintf(line, sizeof line, "a_{%d,%d} = max(", i, j);
    } else {
        add(L, L_SYM, "a_{i,j} = \\frac{1}{%d} \\sum_{(m,n) \xe2\x88\x88 window} x_{m,n}",
            fx->pool_count);
        n = (size_t)snprintf(line, sizeof line, "a_{%d,%d} = \\frac{1}{%d}(", i, j,
                             fx->pool_count);
    }
    for (int k = 0; k < shown && n < sizeof line; k++)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", k ? fx->pool_max ? ", " : " + "
                              : "", N(fx->window_values[k]).s);
    if (shown < fx->pool_count && n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n, " \\soft{" ELLIPSIS " %d more}",
                              fx->pool_count - shown);
    if (n < sizeof line)
        snprintf(line + n, sizeof line - n, ") = \\bold{%s}", N(fx->a).s);
    add(L, L_NUM, "%s", line);
    if (fx->pool_max)
        add(L, L_NOTE, "\\soft{the winner is at row %d, column %d of the input (outlined); "
            "backward sends the gradient there alone}", fx->winner[0] + 1, fx->winner[1] + 1);
}

/* ---------------------------------------------------------------- loss */

static void loss_lines(flines *L, const viz_fx *fx)
{
    char head[128], tail[96];
    int b = fx->sample + 1, B = fx->batch, K = fx->classes;
    int ce = fx->loss_kind == NN_LOSS_CCE || fx->loss_kind == NN_LOSS_SCCE;
    const char *name = fx->loss_kind == NN_LOSS_MSE ? "mean squared error"
                     : fx->loss_kind == NN_LOSS_MAE ? "mean absolute error"
                     : fx->loss_kind == NN_LOSS_BCE ? "binary cross-entropy"
                     : fx->sparse ? "sparse categorical cross-entropy"
                     : "categorical cross-entropy";
    add(L, L_HEAD, "Loss (%s) of sample %d of the batch", name, b);
    if (ce) {
        add(L, L_SYM, ELL " = " MINUS "\\sum_{k=1}^{%d} y_k log p_k", K);
        /* the terms with y_k = 0 vanish: write the others */
        char line[1400];
        size_t n = (size_t)snprintf(line, sizeof line, ELL "_{%d} = " MINUS "(", b);
        int written = 0;
        for (int k = 0; k < fx->loss_terms.shown && n < sizeof line; k++) {
            const viz_fx_term *t = &fx->loss_terms.term[k];
            if (t->b == 0.0)
                continue;
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%s" DOT "log %s",
                                  written ? " + " : "", N(t->b).s, Pr(t->a).s);
            written++;
        }
        if (n < sizeof line)
            snprintf(line + n, sizeof line - n, ") = \\bold{%s}", N(fx->sample_loss).s);
        add(L, L_NUM, "%s", line);
        if (fx->label >= 0)
            add(L, L_NOTE, "\\soft{the label is %d: y_{%d} = 1 (outputs k counted from 1); the "
                "other %d terms have y_k = 0 and vanish%s}", fx->label, fx->label + 1, K - 1,
                fx->fused ? "; p = softmax(z), log p computed from z as z_k " MINUS " log "
                SUM " e^{z}" : "");
    } else {
        if (fx->loss_kind == NN_LOSS_MSE)
            add(L, L_SYM, ELL " = \\frac{1}{%d} \\sum_{k=1}^{%d} (p_k " MINUS " y_k)^2",
                K, K);
        else if (fx->loss_kind == NN_LOSS_MAE)
            add(L, L_SYM, ELL " = \\frac{1}{%d} \\sum_{k=1}^{%d} |p_k " MINUS " y_k|",
                K, K);
        else
            add(L, L_SYM, ELL " = " MINUS "\\frac{1}{%d} \\sum_{k=1}^{%d} [y_k log p_k + "
                "(1 " MINUS " y_k) log(1 " MINUS " p_k)]", K, K);
        snprintf(head, sizeof head, ELL "_{%d} = \\frac{1}{%d}(", b, K);
        snprintf(tail, sizeof tail, ") = \\bold{%s}", N(fx->sample_loss).s);
        add_sum(L, head, &fx->loss_terms, 0, tail);
        if (fx->loss_terms.shown > 0) {
            const viz_fx_term *t = &fx->loss_terms.term[0];
            add(L, L_NOTE, "\\soft{largest term: output %d, p = %s, y = %s}", t->index[0] + 1,
                N(t->a).s, N(t->b).s);
        }
    }
    add(L, L_HEAD, "The batch's loss: the mean over its %d samples", B);
    add(L, L_SYM, "L = \\frac{1}{B} \\sum_{b=1}^{B} " ELL "_b");
    snprintf(head, sizeof head, "L = \\frac{1}{%d}(", B);
    snprintf(tail, sizeof tail, ") = \\bold{%s}", N(fx->loss_mean).s);
    add_sum(L, head, &fx->batch_losses, 0, tail);
    double penalty = fx->loss_core - fx->loss_mean;
    if (fabs(penalty) > 1e-6 * (fabs(fx->loss_core) + 1e-3))
        add(L, L_NUM, "L + penalties = %s + %s = \\bold{%s}", N(fx->loss_mean).s, P(penalty).s,
            N(fx->loss_core).s);
    /* the gradient that starts the backward pass */
    int k = fx->unit + 1;
    add(L, L_HEAD, "Its gradient at output %d starts the backward pass", k);
    if (fx->fused && ce) {
        add(L, L_SYM, DEL "L/" DEL "z_k = \\frac{p_k " MINUS " y_k}{B}");
        add(L, L_NUM, DEL "L/" DEL "z_{%d} = \\frac{%s " MINUS " %s}{%d} = "
            "\\bold{%s}", k, N(fx->p_unit).s, N(fx->y_unit).s, B, N(fx->out_grad).s);
        add(L, L_NOTE, "\\soft{softmax and cross-entropy together: the chain rule through both "
            "collapses to p " MINUS " y}");
    } else if (fx->fused) {
        add(L, L_SYM, DEL "L/" DEL "z_k = \\frac{p_k " MINUS " y_k}{K B}");
        add(L, L_NUM, DEL "L/" DEL "z_{%d} = \\frac{%s " MINUS " %s}{%d" DOT "%d}"
            " = \\bold{%s}", k, N(fx->p_unit).s, N(fx->y_unit).s, K, B, N(fx->out_grad).s);
    } else if (fx->loss_kind == NN_LOSS_MSE) {
        add(L, L_SYM, DEL "L/" DEL "p_k = \\frac{2(p_k " MINUS " y_k)}{K B}");
        add(L, L_NUM, DEL "L/" DEL "p_{%d} = \\frac{2(%s " MINUS " %s)}{%d" DOT "%d}"
            " = \\bold{%s}", k, N(fx->p_unit).s, N(fx->y_unit).s, K, B, N(fx->out_grad).s);
    } else {
        add(L, L_SYM, DEL "L/" DEL "p_k");
        add(L, L_NUM, DEL "L/" DEL "p_{%d} = \\bold{%s}", k, N(fx->out_grad).s);
    }
}

/* ------------------------------------------------------------- backward */

/* delta = dL/da · f'(z) for the unit (jn: its index as written). */
static void delta_lines(flines *L, const viz_fx *fx, const char *j, const char *jn)
{
    if (fx->fused) {
        int ce = fx->loss_kind == NN_LOSS_CCE || fx->loss_kind == NN_LOSS_SCCE;
        add(L, L_SYM, DELTA "_%s = " DEL "L/" DEL "z_%s = \\frac{p_%s " MINUS " "
            "y_%s}{%sB} \\soft{(%s and the loss together)}", j, j, j, j, ce ? "" : "K ",
            fname(fx->act));
        if (ce)
            add(L, L_NUM, DELTA "_{%s} = \\frac{%s " MINUS " %s}{%d} = \\bold{%s}", jn,
                N(fx->p_unit).s, N(fx->y_unit).s, fx->batch, N(fx->delta).s);
        else
            add(L, L_NUM, DELTA "_{%s} = \\frac{%s " MINUS " %s}{%d" DOT "%d} = \\bold{%s}",
                jn, N(fx->p_unit).s, N(fx->y_unit).s, fx->classes, fx->batch, N(fx->delta).s);
        return;
    }
    const char *from = fx->next_name ? esc(fx->next_name) : "the loss";
    if (fx->act.kind == NN_ACT_LINEAR) {
        add(L, L_SYM, DELTA "_%s = " DEL "L/" DEL "z_%s = " DEL "L/" DEL
            "a_%s \\soft{(linear: a = z)}", j, j, j);
        add(L, L_NUM, DELTA "_{%s} = \\bold{%s}", jn, N(fx->delta).s);
    } else if (fx->act.kind == NN_ACT_SOFTMAX) {
        add(L, L_SYM, DELTA "_%s = a_%s(" DEL "L/" DEL "a_%s " MINUS " \\sum_k "
            DEL "L/" DEL "a_k a_k)", j, j, j);
        add(L, L_NUM, DELTA "_{%s} = %s" DOT "(%s " MINUS " %s) = \\bold{%s}", jn, N(fx->a).s,
            N(fx->dl_da).s, P(fx->softmax_dot).s, N(fx->delta).s);
    } else {
        add(L, L_SYM, DELTA "_%s = " DEL "L/" DEL "z_%s = " DEL "L/" DEL
            "a_%s " DOT " %s" PRIME "(z_%s)", j, j, j, fname(fx->act), j);
        add(L, L_NUM, DELTA "_{%s} = %s " DOT " %s" PRIME "(%s) = %s " DOT " %s = "
            "\\bold{%s}", jn, N(fx->dl_da).s, fname(fx->act), N(fx->z).s, N(fx->dl_da).s,
            P(fx->slope).s, N(fx->delta).s);
    }
    add(L, L_NOTE, "\\soft{" DEL "L/" DEL "a_{%s} = %s came back from %s}", jn,
        N(fx->dl_da).s, from);
}

static void grad_lines(flines *L, const viz_fx *fx, const char *wsym, const char *wnum,
                       const char *xsym, int conv)
{
    char head[160], tail[160];
    add(L, L_HEAD, "The weight's gradient: a sum over the batch%s", conv ? " and the positions"
        : "");
    if (conv)
        add(L, L_SYM, DEL "L/" DEL "w_{%s} = \\sum_b \\sum_{i,j} " DELTA "_{b,i,j} %s",
            wsym, xsym);
    else
        add(L, L_SYM, DEL "L/" DEL "w_{%s} = \\sum_{b=1}^{%d} " DELTA "_{b,j} %s", wsym,
            fx->batch, xsym);
    snprintf(head, sizeof head, DEL "L/" DEL "w_{%s} = ", wnum);
    if (fx->dw_reg != 0.0)
        snprintf(tail, sizeof tail, " + %s = \\bold{%s}", P(fx->dw_reg).s, N(fx->dw).s);
    else
        snprintf(tail, sizeof tail, " = \\bold{%s}", N(fx->dw).s);
    add_sum(L, head, &fx->wsum, 1, tail);
    add(L, L_NOTE, "\\soft{" DELTA " carries the 1/B of the batch mean, so the sum is the "
        "batch's average%s}", fx->dw_reg != 0.0 ? "; the last term is the regulariser's" : "");
    if (!fx->has_bias)
        return;
    if (conv)
        add(L, L_SYM, DEL "L/" DEL "b = \\sum_b \\sum_{i,j} " DELTA "_{b,i,j}");
    else
        add(L, L_SYM, DEL "L/" DEL "b_j = \\sum_{b=1}^{%d} " DELTA "_{b,j}", fx->batch);
    snprintf(head, sizeof head, DEL "L/" DEL "b = ");
    snprintf(tail, sizeof tail, " = \\bold{%s}", N(fx->db).s);
    add_sum(L, head, &fx->bsum, 0, tail);
}

static void dense_backward(flines *L, const viz_fx *fx)
{
    char jn[16], wsym[16] = "ij", wnum[40];
    snprintf(jn, sizeof jn, "%d", fx->unit + 1);
    snprintf(wnum, sizeof wnum, "%d,%d", fx->w_index[0] + 1, fx->w_index[1] + 1);
    add(L, L_HEAD, "Backward through unit %d of %s, sample %d: the chain rule", fx->unit + 1,
        esc(fx->layer_name), fx->sample + 1);
    delta_lines(L, fx, "j", jn);
    grad_lines(L, fx, wsym, wnum, "x_{b,i}", 0);
    add(L, L_NOTE, "\\soft{shown: the weight from input %d, the one with the largest "
        "gradient}", fx->w_index[0] + 1);
}

static void act_backward(flines *L, const viz_fx *fx)
{
    char jn[16];
    snprintf(jn, sizeof jn, "%d", fx->unit + 1);
    add(L, L_HEAD, "Backward through %s (%s): the chain rule", esc(fx->layer_name),
        fname(fx->act));
    delta_lines(L, fx, "j", jn);
}

static void conv_backward(flines *L, const viz_fx *fx)
{
    char jn[24], wsym[24] = "m,n,c", wnum[48], xsym[64];
    snprintf(jn, sizeof jn, "%d,%d", fx->pos[0] + 1, fx->pos[1] + 1);
    snprintf(wnum, sizeof wnum, "%d,%d,%d", fx->w_index[0] + 1, fx->w_index[1] + 1,
             fx->w_index[2] + 1);
    snprintf(xsym, sizeof xsym, "x_{b,i+m" MINUS "1,j+n" MINUS "1,c}");
    add(L, L_HEAD, "Backward through channel %d of %s at row %d, column %d", fx->unit + 1,
        esc(fx->layer_name), fx->pos[0] + 1, fx->pos[1] + 1);
    delta_lines(L, fx, "{i,j}", jn);
    grad_lines(L, fx, wsym, wnum, xsym, 1);
}

static void pool_backward(flines *L, const viz_fx *fx)
{
    int i = fx->pos[0] + 1, j = fx->pos[1] + 1;
    add(L, L_HEAD, "Backward through %s: no weights, the gradient is routed", fx->layer_type);
    if (fx->pool_max) {
        add(L, L_SYM, DEL "L/" DEL "x_{m,n} = " DEL "L/" DEL "a_{i,j} "
            "for the window's max, 0 for the others");
        add(L, L_NUM, DEL "L/" DEL "x_{%d,%d} = \\bold{%s} \\soft{(the other %d "
            "inputs of the window get 0)}", fx->winner[0] + 1, fx->winner[1] + 1,
            N(fx->delta).s, fx->pool_count - 1);
    } else {
        add(L, L_SYM, DEL "L/" DEL "x_{m,n} = \\frac{1}{%d} " DEL "L/" DEL
            "a_{i,j} for each input of the window", fx->pool_count);
        add(L, L_NUM, "\\frac{%s}{%d} = \\bold{%s}", N(fx->dl_da).s, fx->pool_count,
            N(fx->delta).s);
    }
    add(L, L_NOTE, "\\soft{" DEL "L/" DEL "a_{%d,%d} = %s came back from %s}", i, j,
        N(fx->dl_da).s, fx->next_name ? esc(fx->next_name) : "the loss");
}

/* --------------------------------------------------------------- update */

static void update_lines(flines *L, const viz_fx *fx)
{
    const nn_optimizer *o = fx->opt;
    char w[64];
    if (strcmp(fx->layer_type, "Conv2D") == 0)
        snprintf(w, sizeof w, "%d,%d,%d,%d", fx->w_index[0] + 1, fx->w_index[1] + 1,
                 fx->w_index[2] + 1, fx->w_index[3] + 1);
    else
        snprintf(w, sizeof w, "%d,%d", fx->w_index[0] + 1, fx->w_index[1] + 1);
    const char *in = LARROW;       /* ← */
    const char *mi = MINUS;       /* − */
    const double *sb = fx->state_before, *sa = fx->state_after;
    double lr = o->learning_rate, b1 = o->beta_1, b2 = o->beta_2;
    add(L, L_HEAD, "%s, step t = %ld: weight w_{%s} of %s", nn_optim_name(o), fx->t, w,
        esc(fx->layer_name));
    add(L, L_NUM, "g = " DEL "L/" DEL "w_{%s} = %s", w, N(fx->g).s);
    switch (o->kind) {
    case NN_OPT_SGD:
        if (o->momentum == 0.0f) {
            add(L, L_SYM, "w %s w %s " ETA " g", in, mi);
            add(L, L_NUM, "w = %s %s %s" DOT "%s = \\bold{%s}", N(fx->w_before).s, mi, H(lr).s,
                P(fx->g).s, N(fx->w_after).s);
            break;
        }
        add(L, L_SYM, "v %s " MU " v %s " ETA " g", in, mi);
        add(L, L_NUM, "v = %s" DOT "%s %s %s" DOT "%s = %s", H(o->momentum).s, P(sb[0]).s, mi,
            H(lr).s, P(fx->g).s, N(sa[0]).s);
        if (o->nesterov) {
            add(L, L_SYM, "w %s w + " MU " v %s " ETA " g \\soft{(Nesterov)}", in, mi);
            add(L, L_NUM, "w = %s + %s" DOT "%s %s %s" DOT "%s = \\bold{%s}", N(fx->w_before).s,
                H(o->momentum).s, P(sa[0]).s, mi, H(lr).s, P(fx->g).s, N(fx->w_after).s);
        } else {
            add(L, L_SYM, "w %s w + v", in);
            add(L, L_NUM, "w = %s + %s = \\bold{%s}", N(fx->w_before).s, P(sa[0]).s,
                N(fx->w_after).s);
        }
        break;
    case NN_OPT_ADAM:
    case NN_OPT_NADAM:
        add(L, L_SYM, "m %s " BETA "_1 m + (1 %s " BETA "_1) g", in, mi);
        add(L, L_NUM, "m = %s" DOT "%s + %s" DOT "%s = %s", H(b1).s, P(sb[0]).s, H(1.0 - b1).s,
            P(fx->g).s, N(sa[0]).s);
        add(L, L_SYM, "v %s " BETA "_2 v + (1 %s " BETA "_2) g^2", in, mi);
        add(L, L_NUM, "v = %s" DOT "%s + %s" DOT "%s^2 = %s", H(b2).s, P(sb[1]).s, H(1.0 - b2).s,
            P(fx->g).s, N(sa[1]).s);
        if (o->kind == NN_OPT_NADAM) {
            add(L, L_SYM, "\\hat{m} = \\frac{" MU "_{t+1} m}{1 %s " PROD "_{t+1}} + "
                "\\frac{(1 %s " MU "_t) g}{1 %s " PROD "_t}, \\hat{v} = \\frac{v}{1 %s "
                BETA "_2^t}",
                mi, mi, mi, mi);
            add(L, L_NUM, "\\hat{m} = %s, \\hat{v} = %s", N(fx->m_hat).s, N(fx->v_hat).s);
            add(L, L_NOTE, "\\soft{" MU "_t = " BETA "_1(1 %s 0.5" DOT "0.96^t): Nadam's "
                "momentum schedule; " PROD "_t = " MU "_1" ELLIPSIS MU "_t}", mi);
            add(L, L_SYM, "w %s w %s " ETA " \\frac{\\hat{m}}{\\sqrt{\\hat{v}} + " EPS "}", in,
                mi);
            add(L, L_NUM, "w = %s %s %s" DOT "\\frac{%s}{%s} = \\bold{%s}", N(fx->w_before).s, mi,
                H(lr).s, N(fx->m_hat).s, N(fx->denom).s, N(fx->w_after).s);
            break;
        }
        add(L, L_SYM, "\\hat{m} = \\frac{m}{1 %s " BETA "_1^t}, \\hat{v} = \\frac{v}{1 %s "
            BETA "_2^t}", mi, mi);
        add(L, L_NUM, "\\hat{m} = \\frac{%s}{1 %s %s^{%ld}} = %s, \\hat{v} = \\frac{%s}{1 %s "
            "%s^{%ld}} = %s", N(sa[0]).s, mi, H(b1).s, fx->t, N(fx->m_hat).s,
            N(o->amsgrad ? sa[2] : sa[1]).s, mi, H(b2).s, fx->t, N(fx->v_hat).s);
        add(L, L_SYM, "w %s w %s " ETA " \\frac{\\hat{m}}{\\sqrt{\\hat{v}} + \\hat{" EPS "}}", in,
            mi);
        add(L, L_NUM, "w = %s %s %s" DOT "\\frac{%s}{%s + %s} = \\bold{%s}", N(fx->w_before).s,
            mi, H(lr).s, N(fx->m_hat).s, N(sqrt(fx->v_hat)).s, N(fx->eps_hat).s,
            N(fx->w_after).s);
        add(L, L_NOTE, "\\soft{\\hat{" EPS "} = " EPS "/\\sqrt{1 %s " BETA "_2^t} = %s: "
            "Keras adds "
            EPS " = %s to \\sqrt{v} before the bias correction}", mi, N(fx->eps_hat).s,
            H(o->epsilon).s);
        break;
    case NN_OPT_ADAMAX:
        add(L, L_SYM, "m %s " BETA "_1 m + (1 %s " BETA "_1) g", in, mi);
        add(L, L_NUM, "m = %s" DOT "%s + %s" DOT "%s = %s", H(b1).s, P(sb[0]).s, H(1.0 - b1).s,
            P(fx->g).s, N(sa[0]).s);
        add(L, L_SYM, "u %s max(" BETA "_2 u, |g|)", in);
        add(L, L_NUM, "u = max(%s" DOT "%s, %s) = %s", H(b2).s, P(sb[1]).s, N(fabs(fx->g)).s,
            N(sa[1]).s);
        add(L, L_SYM, "w %s w %s \\frac{" ETA "}{1 %s " BETA "_1^t} \\frac{m}{u + " EPS "}", in,
            mi,
            mi);
        add(L, L_NUM, "w = %s %s %s" DOT "\\frac{%s}{%s} = \\bold{%s}", N(fx->w_before).s, mi,
            H(lr).s, N(sa[0]).s, N(fx->denom).s, N(fx->w_after).s);
        break;
    case NN_OPT_RMSPROP:
        add(L, L_SYM, "s %s " RHO " s + (1 %s " RHO ") g^2", in, mi);
        add(L, L_NUM, "s = %s" DOT "%s + %s" DOT "%s^2 = %s", H(o->rho).s, P(sb[0]).s,
            H(1.0 - o->rho).s, P(fx->g).s, N(sa[0]).s);
        if (o->centered) {
            add(L, L_SYM, "g_{avg} %s " RHO " g_{avg} + (1 %s " RHO ") g \\soft{(centered)}", in,
                mi);
            add(L, L_NUM, "g_{avg} = %s", N(sa[2]).s);
        }
        if (o->momentum > 0.0f) {
            add(L, L_SYM, "m %s " MU " m + " ETA " \\frac{g}{\\sqrt{s%s + " EPS "}}, w %s w %s m",
                in, o->centered ? " " MINUS " g_{avg}^2" : "", in, mi);
            add(L, L_NUM, "m = %s, w = %s %s %s = \\bold{%s}", N(sa[1]).s, N(fx->w_before).s, mi,
                P(sa[1]).s, N(fx->w_after).s);
        } else {
            add(L, L_SYM, "w %s w %s " ETA " \\frac{g}{\\sqrt{s%s + " EPS "}}", in, mi,
                o->centered ? " " MINUS " g_{avg}^2" : "");
            add(L, L_NUM, "w = %s %s %s" DOT "\\frac{%s}{%s} = \\bold{%s}", N(fx->w_before).s, mi,
                H(lr).s, N(fx->g).s, N(fx->denom).s, N(fx->w_after).s);
        }
        break;
    case NN_OPT_ADAGRAD:
        add(L, L_SYM, "G %s G + g^2", in);
        add(L, L_NUM, "G = %s + %s^2 = %s", N(sb[0]).s, P(fx->g).s, N(sa[0]).s);
        add(L, L_SYM, "w %s w %s " ETA " \\frac{g}{\\sqrt{G + " EPS "}}", in, mi);
        add(L, L_NUM, "w = %s %s %s" DOT "\\frac{%s}{%s} = \\bold{%s}", N(fx->w_before).s, mi,
            H(lr).s, N(fx->g).s, N(fx->denom).s, N(fx->w_after).s);
        break;
    case NN_OPT_ADADELTA:
        add(L, L_SYM, "E[g" SQUARED "] %s " RHO " E[g" SQUARED "] + (1 %s " RHO ") g^2", in, mi);
        add(L, L_NUM, "E[g" SQUARED "] = %s" DOT "%s + %s" DOT "%s^2 = %s", H(o->rho).s,
            P(sb[0]).s,
            H(1.0 - o->rho).s, P(fx->g).s, N(sa[0]).s);
        add(L, L_SYM, CAP_DELTA "w = %s\\frac{\\sqrt{E[" CAP_DELTA "w" SQUARED "] + " EPS "}}"
            "{\\sqrt{E[g" SQUARED "] + " EPS "}} g, w %s w + " ETA " " CAP_DELTA "w", mi, in);
        add(L, L_NUM, CAP_DELTA "w = %s, w = %s + %s" DOT "%s = \\bold{%s}", N(fx->step / lr).s,
            N(fx->w_before).s, H(lr).s, P(fx->step / lr).s, N(fx->w_after).s);
        add(L, L_SYM, "E[" CAP_DELTA "w" SQUARED "] %s " RHO " E[" CAP_DELTA "w" SQUARED "] + "
            "(1 %s " RHO ") "
            CAP_DELTA "w^2", in, mi);
        add(L, L_NUM, "E[" CAP_DELTA "w" SQUARED "] = %s", N(sa[1]).s);
        break;
    default:
        add(L, L_NOTE, "\\soft{%s is written in Lua: the panel shows the weight before and "
            "after}", esc(nn_optim_name(o)));
        break;
    }
    add(L, L_HEAD, "The weight: %s %s %s (%s%s)", N(fx->w_before).s, RARROW,
        N(fx->w_after).s, fx->w_after - fx->w_before >= 0 ? "+" : "",
        N(fx->w_after - fx->w_before).s);
    if (!fx->before_kept)
        add(L, L_NOTE, "\\soft{the values before this update were worked back from the rule "
            "(step with model:step to see them kept)}");
}

/* ------------------------------------------------------------- pictures */

/* How a map's values are coloured: a greyscale image (the model's input),
** magnitudes (nothing negative: viridis from 0) or signed values (diverging). */
enum { MAP_IMAGE, MAP_MAGNITUDE, MAP_SIGNED };

static int map_kind(const float *v, size_t n, size_t stride, int image)
{
    if (image)
        return MAP_IMAGE;
    for (size_t i = 0; i < n; i += stride)
        if (v[i] < 0.0f)
            return MAP_SIGNED;
    return MAP_MAGNITUDE;
}

/* Channel ch of an (h, w, c) map in r under its caption, with an accent
** outline around box = {first row, first column, rows, columns} (rows 0: none).
** Returns the rectangle of the picture. */
static SDL_Rect draw_map(viz_canvas *cv, SDL_Rect r, const float *v, int h, int w, int c, int ch,
                         const int box[4], const char *caption, int kind)
{
    int cap_h = viz_text_height(VIZ_TICK_PX, VIZ_SANS) + 4;
    SDL_Rect img = viz_fit_aspect((SDL_Rect){r.x, r.y + cap_h, r.w, r.h - cap_h}, w, h);
    size_t n = (size_t)h * w * c;
    viz_scale s = viz_scale_fit(kind == MAP_SIGNED ? VIZ_CMAP_DIVERGING : kind == MAP_IMAGE
                                ? VIZ_CMAP_GREY : VIZ_CMAP_VIRIDIS, v + ch, n - (size_t)ch,
                                (size_t)c);
    if (kind != MAP_SIGNED && s.lo > 0.0f)
        s.lo = 0.0f;
    if (kind == MAP_IMAGE && c == 1)
        viz_image(cv, img, v, h, w, 1, &s);
    else
        viz_heatmap(cv, img, v + ch, h, w, (size_t)w * c, (size_t)c, &s);
    viz_stroke_rect(cv, viz_inset(img, -1), viz_rgb(VIZ_RULE), 1);
    if (box && box[2] > 0) {
        float cw = (float)img.w / w, chh = (float)img.h / h;
        SDL_Rect o = {img.x + (int)floorf(box[1] * cw), img.y + (int)floorf(box[0] * chh),
                      (int)ceilf(box[3] * cw), (int)ceilf(box[2] * chh)};
        viz_stroke_rect(cv, viz_inset(o, -2), viz_rgb(VIZ_ACCENT), 2);
    }
    viz_text(cv, caption, img.x + img.w / 2, r.y, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT),
             VIZ_CENTER, r.w);
    return img;
}

/* The tensor layer l reads, and whether it is the model's input. */
static const nn_tensor *input_of(const nn_model *m, int l, int *is_model_input)
{
    int src = nn_view_layer_source(m, l, 0);
    *is_model_input = src < 0;
    return src < 0 ? nn_view_last_input(m) : nn_view_output(m, src);
}

/* Dense over an image: the sample, the unit's weights and their products as
** pictures (the weights look like a template of what the unit answers to). */
static int dense_image(const viz_frame *f, const viz_fx *fx, int *h, int *w)
{
    int is_input, ch;
    if (fx->kind != VIZ_FX_DENSE_FORWARD && fx->kind != VIZ_FX_DENSE_BACKWARD &&
        fx->kind != VIZ_FX_UPDATE)
        return 0;
    if (!input_of(f->m, fx->layer, &is_input) || !is_input ||
        !nn_view_param_named(f->m, fx->layer, "kernel"))
        return 0;
    return viz_input_image_shape(f->m, h, w, &ch) && ch == 1;
}

static void draw_dense_pictures(const viz_frame *f, const viz_fx *fx, SDL_Rect r, int h, int w)
{
    static float prod[4096];
    int is_input;
    const nn_tensor *x = input_of(f->m, fx->layer, &is_input);
    const nn_param *kp = nn_view_param_named(f->m, fx->layer, "kernel");
    const nn_tensor *k = kp->value;
    int n = h * w, out = k->shape[1];
    if (n > 4096 || (int)nn_tensor_row_size(x) != n || k->shape[0] != n)
        return;
    int j = fx->kind == VIZ_FX_DENSE_FORWARD ? fx->unit : fx->w_index[1];
    const float *xv = nn_tensor_f32(x) + (size_t)n * fx->sample;
    const float *wv = nn_tensor_f32(k) + j, *gv = nn_tensor_f32(kp->grad) + j;
    const float *before = viz_stage_before(f->m, fx->layer, fx->param, -1);
    char cap[3][96];
    const float *pic[3];
    int stride[3] = {1, out, out}, kind[3] = {MAP_IMAGE, MAP_SIGNED, MAP_SIGNED};
    if (fx->kind == VIZ_FX_DENSE_FORWARD) {
        for (int i = 0; i < n; i++)
            prod[i] = wv[(size_t)i * out] * xv[i];
        pic[0] = xv;
        pic[1] = wv;
        pic[2] = prod;
        stride[2] = 1;
        snprintf(cap[0], sizeof cap[0], "x: sample %d", fx->sample + 1);
        snprintf(cap[1], sizeof cap[1], "w: the weights of unit %d", j + 1);
        snprintf(cap[2], sizeof cap[2], "w" DOT "x: the terms of the sum");
    } else if (fx->kind == VIZ_FX_DENSE_BACKWARD) {
        pic[0] = xv;
        pic[1] = gv;
        pic[2] = wv;
        snprintf(cap[0], sizeof cap[0], "x: sample %d", fx->sample + 1);
        snprintf(cap[1], sizeof cap[1], DEL "L/" DEL "w: the batch's gradient, unit %d", j + 1);
        snprintf(cap[2], sizeof cap[2], "w: the weights of unit %d", j + 1);
    } else {
        pic[0] = gv;
        pic[1] = wv;
        pic[2] = NULL;
        snprintf(cap[0], sizeof cap[0], "g = " DEL "L/" DEL "w, unit %d", j + 1);
        snprintf(cap[1], sizeof cap[1], "w after the update");
        if (fx->before_kept && before) {
            for (int i = 0; i < n; i++)
                prod[i] = wv[(size_t)i * out] - before[(size_t)i * out + j];
            pic[2] = prod;
            stride[2] = 1;
            snprintf(cap[2], sizeof cap[2], "the change of w in this update");
        }
        kind[0] = MAP_SIGNED;
    }
    /* three pictures, in a column, or in a row when the room is wide */
    int across = r.w > r.h * 3 / 2;
    int box[4] = {0, 0, 0, 0};
    if (fx->kind != VIZ_FX_DENSE_FORWARD) {     /* the weight shown, on each picture */
        box[0] = fx->w_index[0] / w;
        box[1] = fx->w_index[0] % w;
        box[2] = box[3] = 1;
    }
    for (int i = 0; i < 3; i++) {
        SDL_Rect p = across ? (SDL_Rect){r.x + i * (r.w + 8) / 3, r.y, (r.w - 16) / 3, r.h}
                            : (SDL_Rect){r.x, r.y + i * (r.h + 8) / 3, r.w, (r.h - 16) / 3};
        if (pic[i])
            draw_map(f->c, p, pic[i], h, w, stride[i], 0, box, cap[i], kind[i]);
    }
}

static void draw_window_pictures(const viz_frame *f, const viz_fx *fx, SDL_Rect r)
{
    const nn_model *m = f->m;
    int is_input;
    const nn_tensor *x = input_of(m, fx->layer, &is_input);
    const nn_tensor *z = nn_view_preact(m, fx->layer);
    const nn_window *g = &fx->win;
    if (!x || !z || r.w < 60 || r.h < 80)
        return;
    int conv = fx->kind == VIZ_FX_CONV_FORWARD || fx->kind == VIZ_FX_CONV_BACKWARD;
    int ch = conv ? fx->in_channel : fx->unit;
    char cap[96];
    SDL_Rect top = {r.x, r.y, r.w, r.h * 6 / 10 - 6};
    SDL_Rect bottom = {r.x, r.y + r.h * 6 / 10, r.w, r.h * 4 / 10};
    if (r.w > r.h * 3 / 2) {            /* side by side when the room is wide */
        top = (SDL_Rect){r.x, r.y, r.w / 2 - 6, r.h};
        bottom = (SDL_Rect){r.x + r.w / 2 + 6, r.y, r.w / 2 - 6, r.h};
    }
    if (is_input)
        snprintf(cap, sizeof cap, "input x%s", g->c > 1 ? ", one channel" : "");
    else
        snprintf(cap, sizeof cap, "x: output of %s, channel %d", nn_view_layer_name(m,
                 nn_view_layer_source(m, fx->layer, 0)), ch + 1);
    size_t xrow = nn_tensor_row_size(x);
    const float *xv = nn_tensor_f32(x) + xrow * (size_t)fx->sample;
    int kind = map_kind(xv, xrow, 1, is_input && g->c == 1);
    SDL_Rect img = draw_map(f->c, top, xv, g->h, g->w, g->c, ch, fx->field, cap, kind);
    if (!conv && fx->pool_max) {       /* the winner, inside the window */
        float cw = (float)img.w / g->w, chh = (float)img.h / g->h;
        SDL_Rect win = {img.x + (int)(fx->winner[1] * cw), img.y + (int)(fx->winner[0] * chh),
                        (int)ceilf(cw), (int)ceilf(chh)};
        viz_stroke_rect(f->c, win, viz_rgb(0xffffff), 1);
    }
    int backward = fx->kind == VIZ_FX_CONV_BACKWARD || fx->kind == VIZ_FX_POOL_BACKWARD;
    if (backward)       /* the gradient map: where the output pixel's delta sits */
        z = conv ? nn_view_preact_grad(m, fx->layer) : nn_view_grad(m, fx->layer);
    if (!z)
        return;
    int oc = (int)(nn_tensor_row_size(z) / ((size_t)g->oh * g->ow));
    const float *zv = nn_tensor_f32(z) + nn_tensor_row_size(z) * (size_t)fx->sample;
    int box[4] = {fx->pos[0], fx->pos[1], 1, 1};
    snprintf(cap, sizeof cap, "%s, channel %d: pixel (%d, %d)",
             backward ? (conv ? DELTA " = " DEL "L/" DEL "z" : DEL "L/" DEL "a")
                      : conv ? "z" : "a",
             fx->unit + 1, fx->pos[0] + 1, fx->pos[1] + 1);
    if (g->oh > 1 || g->ow > 1)
        draw_map(f->c, bottom, zv, g->oh, g->ow, oc, fx->unit, box, cap,
                 map_kind(zv + fx->unit, nn_tensor_row_size(z) - (size_t)fx->unit,
                          (size_t)oc, 0));
}

/* A pooling window as a grid of its values, the winner outlined. */
static void draw_pool_grid(viz_canvas *c, const viz_fx *fx, int x, int y, int bottom)
{
    const nn_window *g = &fx->win;
    int rows = fx->field[2], cols = fx->field[3];
    if (rows * cols != fx->pool_count || rows > 8 || cols > 8 || rows * cols > 64)
        return;
    int cw = 64, chh = 28;
    if (y + 24 + rows * chh > bottom)
        return;
    viz_text(c, "the window:", x, y, VIZ_TICK_PX, VIZ_SANS, viz_rgb(VIZ_INK_SOFT), VIZ_LEFT, 0);
    y += 20;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            SDL_Rect cell = {x + j * cw, y + i * chh, cw, chh};
            int win = fx->pool_max && fx->field[0] + i == fx->winner[0] &&
                      fx->field[1] + j == fx->winner[1];
            viz_stroke_rect(c, cell, viz_rgb(VIZ_RULE), 1);
            char num[32];
            viz_fmt_num(num, sizeof num, fx->window_values[i * cols + j]);
            viz_text(c, num, cell.x + cw / 2, cell.y + 6, VIZ_TICK_PX, win ? VIZ_SANS_BOLD
                     : VIZ_MONO, viz_rgb(VIZ_INK), VIZ_CENTER, cw - 4);
            if (win)
                viz_stroke_rect(c, viz_inset(cell, 1), viz_rgb(VIZ_ACCENT), 2);
        }
    (void)g;
}

/* -------------------------------------------------------------- the panel */

static viz_fx_query query_of(const viz_frame *f)
{
    viz_fx_query q;
    q.layer = viz_sel_layer(f);
    q.unit = f->ui->unit;
    q.sample = f->ui->sample;
    q.stage = f->stage;
    q.weight = -1;
    q.pos[0] = q.pos[1] = -1;
    return q;
}

static int formula_applies(const viz_frame *f, char *why, size_t len)
{
    if (nn_view_layer_count(f->m) > 0)
        return 1;
    snprintf(why, len, "The model has no layers yet.");
    return 0;
}

static const char *stage_word(nn_stage_kind k)
{
    return nn_stage_name(k);
}

static void formula_subtitle(const viz_frame *f, char *buf, size_t len)
{
    viz_fx_query q = query_of(f);
    viz_fx fx;
    viz_formula_values(f->m, &q, &fx);
    const char *name = fx.layer_name ? fx.layer_name : nn_view_layer_name(f->m, q.layer);
    if (fx.kind == VIZ_FX_NONE)
        snprintf(buf, len, "%s " DOT " %s", stage_word(fx.stage), name);
    else if (fx.kind == VIZ_FX_UPDATE)
        snprintf(buf, len, "update " DOT " %s " DOT " unit %d", name, fx.unit + 1);
    else
        snprintf(buf, len, "%s " DOT " %s " DOT " unit %d " DOT " sample %d of %d",
                 stage_word(fx.stage), name, fx.unit + 1, fx.sample + 1, fx.batch);
}

static void build_lines(flines *L, const viz_fx *fx)
{
    switch (fx->kind) {
    case VIZ_FX_DENSE_FORWARD:  dense_forward(L, fx); break;
    case VIZ_FX_CONV_FORWARD:   conv_forward(L, fx); break;
    case VIZ_FX_POOL_FORWARD:   pool_forward(L, fx); break;
    case VIZ_FX_ACT_FORWARD:    act_forward(L, fx); break;
    case VIZ_FX_LOSS:           loss_lines(L, fx); break;
    case VIZ_FX_DENSE_BACKWARD: dense_backward(L, fx); break;
    case VIZ_FX_CONV_BACKWARD:  conv_backward(L, fx); break;
    case VIZ_FX_POOL_BACKWARD:  pool_backward(L, fx); break;
    case VIZ_FX_ACT_BACKWARD:   act_backward(L, fx); break;
    case VIZ_FX_UPDATE:         update_lines(L, fx); break;
    case VIZ_FX_NONE:           break;
    }
}

/* Where to break prose markup to fit `width`: the last space outside braces
** before which the text fits (0: none). A wrapper \soft{...} around the whole
** line is looked inside. */
static size_t break_at(const char *t, int px, int width)
{
    size_t best = 0;
    int depth = 0;
    char buf[1400];
    int soft = strncmp(t, "\\soft{", 6) == 0;
    for (size_t i = 0; t[i] && i < sizeof buf - 2; i++) {
        if (t[i] == '\\' && t[i + 1]) {
            i++;
            continue;
        }
        depth += t[i] == '{' ? 1 : t[i] == '}' ? -1 : 0;
        if (t[i] != ' ' || depth != soft)
            continue;
        memcpy(buf, t, i);
        buf[i] = '\0';
        if (soft)
            strcat(buf, "}");
        viz_fbox b;
        if (viz_formula_measure(buf, px, &b) != 0 || b.w > width)
            break;
        best = i;
    }
    return best;
}

/* Draw one line of markup at its baseline y; prose (heads and notes) too wide
** is wrapped at spaces, a formula too wide drawn smaller (down to 11 px). Returns
** the y below it, or -1 when it does not fit above bottom. */
static int draw_line(viz_canvas *c, const flines *L, const fline *l, int x, int y, int gap,
                     int bottom)
{
    int px = line_px(L, l->kind), prose = l->kind == L_HEAD || l->kind == L_NOTE;
    viz_fbox b;
    if (viz_formula_measure(l->text, px, &b) != 0)
        return y;
    if (!prose && b.w > L->width) {
        /* a formula too wide: its last "= result" goes on a line of its own */
        int depth = 0;
        size_t eq = 0;
        for (size_t i = 0; l->text[i]; i++) {
            if (l->text[i] == '\\' && l->text[i + 1]) {
                i++;
                continue;
            }
            depth += l->text[i] == '{' ? 1 : l->text[i] == '}' ? -1 : 0;
            if (depth == 0 && i > 0 && strncmp(l->text + i, " = ", 3) == 0)
                eq = i;
        }
        if (eq > 0 && strncmp(l->text, "\\,", 2) != 0) {
            fline head = *l, rest = *l;
            memcpy(head.text, l->text, eq);
            head.text[eq] = '\0';
            snprintf(rest.text, sizeof rest.text, "\\, %s", l->text + eq + 1);
            int y2 = draw_line(c, L, &head, x, y, gap, bottom);
            return y2 < 0 ? -1 : draw_line(c, L, &rest, x, y2, 2, bottom);
        }
    }
    while (!prose && b.w > L->width && px > VIZ_SMALL_PX) {
        px--;
        viz_formula_measure(l->text, px, &b);
    }
    viz_color ink = viz_rgb(l->kind == L_HEAD ? VIZ_INK_SOFT : VIZ_INK);
    int ix = x + (l->kind == L_NUM || l->kind == L_SYM ? 12 : 0);
    size_t cut = prose && b.w > L->width ? break_at(l->text, px, L->width) : 0;
    if (cut == 0) {
        if (y + gap + b.asc + b.desc > bottom)
            return -1;
        viz_formula_draw(c, l->text, ix, y + gap + b.asc, px, ink);
        return y + gap + b.asc + b.desc;
    }
    fline head = *l, rest = *l;
    int soft = strncmp(l->text, "\\soft{", 6) == 0;
    memcpy(head.text, l->text, cut);
    head.text[cut] = '\0';
    if (soft)
        strcat(head.text, "}");
    snprintf(rest.text, sizeof rest.text, "%s%s", soft ? "\\soft{" : "", l->text + cut + 1);
    int y2 = draw_line(c, L, &head, x, y, gap, bottom);
    return y2 < 0 ? -1 : draw_line(c, L, &rest, x, y2, 0, bottom);
}

/* Draw the lines top-down from y. Returns the y reached. */
static int draw_lines(viz_canvas *c, const flines *L, int x, int y, int bottom)
{
    for (int i = 0; i < L->n; i++) {
        const fline *l = &L->l[i];
        if (l->kind == L_NOTE && !L->notes)
            continue;
        int gap = l->kind == L_HEAD ? (i > 0 ? 12 : 0) : l->kind == L_NOTE ? 1 : 5;
        int next = draw_line(c, L, l, x, y, gap, bottom);
        if (next < 0)
            return y;
        y = next;
    }
    return y;
}

static void formula_draw(const viz_frame *f, SDL_Rect body)
{
    viz_fx_query q = query_of(f);
    viz_formula_values(f->m, &q, &shown);
    have_shown = 1;
    const viz_fx *fx = &shown;
    const viz_stage *st = f->stage;
    char hint[200];
    if (st && st->in_step)
        snprintf(hint, sizeof hint, "press . for the next stage " DOT " " LARROW RARROW " "
                 "layer " DOT " " UARROW DARROW " unit " DOT " [ ] sample");
    else if (st && st->stepping)
        snprintf(hint, sizeof hint, "the step is done: press . to begin the next one");
    else
        snprintf(hint, sizeof hint, "step a training step stage by stage: "
                 "viz.step_mode(model, x, y), then press .");
    int hint_h = viz_text_height(VIZ_TICK_PX, VIZ_SANS) + 8;
    viz_text(f->c, hint, body.x + 12, body.y + body.h - hint_h + 2, VIZ_TICK_PX, VIZ_SANS,
             viz_rgb(VIZ_INK_SOFT), VIZ_LEFT, body.w - 24);
    if (fx->kind == VIZ_FX_NONE) {
        SDL_Rect r = {body.x, body.y, body.w, body.h - hint_h};
        viz_panel_message(f->c, r, fx->why);
        return;
    }
    int ih = 0, iw = 0;
    int windowed = fx->kind == VIZ_FX_CONV_FORWARD || fx->kind == VIZ_FX_CONV_BACKWARD ||
                   fx->kind == VIZ_FX_POOL_FORWARD || fx->kind == VIZ_FX_POOL_BACKWARD;
    int dense_pics = dense_image(f, fx, &ih, &iw);
    SDL_Rect text = {body.x + 12, body.y + 10, body.w - 24, body.h - hint_h - 12};
    SDL_Rect pic = {0, 0, 0, 0};
    if ((windowed || dense_pics) && body.w >= 700) {
        int pw = body.w * 3 / 10;
        pic = (SDL_Rect){body.x + body.w - pw - 8, body.y + 10, pw - 8, body.h - hint_h - 16};
        text.w = body.w - pw - 28;
    } else if ((windowed || dense_pics) && body.h >= 420) {
        pic = (SDL_Rect){body.x + 12, body.y + body.h - hint_h - body.h * 2 / 5, body.w - 24,
                         body.h * 2 / 5 - 8};
        text.h -= pic.h + 8;
    }
    static flines L;
    L.n = 0;
    L.width = text.w - 14;
    L.notes = body.h >= 360;
    L.px = body.h >= 600 && body.w >= 900 ? 19 : body.h >= 400 && body.w >= 640 ? 17
         : body.h >= 300 ? 15 : 13;
    build_lines(&L, fx);
    SDL_Rect saved = f->c->clip;
    viz_clip(f->c, text);
    int y = draw_lines(f->c, &L, text.x, text.y, text.y + text.h);
    if (fx->kind == VIZ_FX_POOL_FORWARD || fx->kind == VIZ_FX_POOL_BACKWARD)
        draw_pool_grid(f->c, fx, text.x + 12, y + 14, text.y + text.h);
    viz_clip_restore(f->c, saved);
    if (pic.w > 0 && windowed)
        draw_window_pictures(f, fx, pic);
    else if (pic.w > 0)
        draw_dense_pictures(f, fx, pic, ih, iw);
}

int viz_formula_in_dashboard(const viz_frame *f)
{
    return f->stage && f->stage->known && f->stage->stepping;
}

const viz_panel_ops viz_panel_formula = {
    "formula", "Formula", formula_applies, formula_subtitle, formula_draw, NULL,
};
