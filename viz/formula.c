/* viz/formula.c — a small formula typesetter: markup, boxes, drawing.
**
** Parsing builds a tree of nodes in a fixed arena (no allocation); layout
** walks it bottom-up giving each node its box; drawing walks it top-down with
** the position of each node's baseline. Metrics are those of DejaVu (ascent
** 0.928 em, cap height 0.73 em, x-height 0.55 em), the only faces used. */
#include "formula.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "text.h"

#define MAX_NODES 400
#define POOL_BYTES 6000
#define MIN_PX 11

enum { N_TEXT, N_LIST, N_SCRIPT, N_FRAC, N_SUM, N_HAT, N_SQRT, N_SPACE };
enum { INK_BASE, INK_SOFT, INK_ACCENT };

typedef struct fnode {
    int kind;
    int level;              /* 0 base size, 1 script, 2 script of script */
    int bold, ink;
    const char *s;          /* N_TEXT: NUL-terminated, in the arena's pool */
    int mono;               /* N_TEXT: a number */
    int a, b, c;            /* children: LIST first; SCRIPT base, sub, sup; FRAC num, den;
                            ** SUM under, over; HAT and SQRT body (-1: none) */
    int next;               /* the next sibling in a LIST, -1 at the end */
    int w, asc, desc;       /* the box */
    int top;                /* height of the ink above the baseline (hats, radicals) */
} fnode;

typedef struct arena {
    fnode n[MAX_NODES];
    int count;
    char pool[POOL_BYTES];
    int used;
    int px;                 /* base size */
    const char *p;          /* parse position */
    int failed;
} arena;

/* ------------------------------------------------------------------ sizes */

static int level_px(const arena *A, int level)
{
    int px = A->px;
    for (int i = 0; i < level; i++)
        px = (int)lround(px * 0.72);
    return px < MIN_PX ? MIN_PX : px;
}

static int ascent_of(int px)
{
    return (int)lround(px * 0.928);
}

/* The math axis (the height of a minus sign's bar) above the baseline. */
static int axis_of(int px)
{
    return (int)lround(px * 0.30);
}

/* ---------------------------------------------------------------- parsing */

static int fail(arena *A, const char *what)
{
    if (!A->failed)
        viz_fail("formula: %s near \"%.20s\"", what, A->p);
    A->failed = 1;
    return -1;
}

static int new_node(arena *A, int kind, int level, int bold, int ink)
{
    if (A->count >= MAX_NODES)
        return fail(A, "too long");
    fnode *n = &A->n[A->count];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->level = level > 2 ? 2 : level;
    n->bold = bold;
    n->ink = ink;
    n->a = n->b = n->c = n->next = -1;
    return A->count++;
}

static const char *pool_copy(arena *A, const char *s, size_t len)
{
    if (A->used + (int)len + 1 > POOL_BYTES) {
        fail(A, "too long");
        return NULL;
    }
    char *d = A->pool + A->used;
    memcpy(d, s, len);
    d[len] = '\0';
    A->used += (int)len + 1;
    return d;
}

static int text_node(arena *A, const char *s, size_t len, int mono, int level, int bold,
                     int ink)
{
    int k = new_node(A, N_TEXT, level, bold, ink);
    if (k < 0)
        return -1;
    A->n[k].s = pool_copy(A, s, len);
    A->n[k].mono = mono && !bold;
    return A->n[k].s ? k : -1;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Length of the number starting at s[i] (0 when none starts there): digits with
** a point and an exponent, a leading '-' when what comes before is no operand. */
static size_t number_at(const char *s, size_t i, size_t len)
{
    size_t j = i;
    if (s[j] == '-') {
        int after_operand = i > 0 && ((s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
                                      (s[i - 1] >= 'A' && s[i - 1] <= 'Z') ||
                                      is_digit(s[i - 1]) || s[i - 1] == ')');
        if (after_operand || j + 1 >= len || !(is_digit(s[j + 1]) || s[j + 1] == '.'))
            return 0;
        j++;
    }
    if (!(is_digit(s[j]) || (s[j] == '.' && j + 1 < len && is_digit(s[j + 1]))))
        return 0;
    if (i > 0 && ((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= 'A' && s[i - 1] <= 'Z')))
        return 0;           /* part of a name: x2, log10 */
    while (j < len && (is_digit(s[j]) || s[j] == '.'))
        j++;
    if (j + 1 < len && s[j] == 'e' &&
        (is_digit(s[j + 1]) || ((s[j + 1] == '-' || s[j + 1] == '+') && j + 2 < len &&
                                is_digit(s[j + 2])))) {
        j += 2;
        while (j < len && is_digit(s[j]))
            j++;
    }
    return j - i;
}

/* Append a node to a list whose last node is *last. */
static void append(arena *A, int list, int *last, int k)
{
    if (*last < 0)
        A->n[list].a = k;
    else
        A->n[*last].next = k;
    *last = k;
}

/* Text runs from s[0..len-1]: numbers in mono, the rest in sans. */
static int append_text(arena *A, int list, int *last, const char *s, size_t len, int level,
                       int bold, int ink)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i, num = number_at(s, i, len);
        if (num == 0) {
            while (j < len && number_at(s, j, len) == 0)
                j++;
        } else {
            j = i + num;
        }
        int k = text_node(A, s + i, j - i, num > 0, level, bold, ink);
        if (k < 0)
            return -1;
        append(A, list, last, k);
        i = j;
    }
    return 0;
}

static int parse_list(arena *A, int level, int bold, int ink, int in_group);

/* One argument: a {group}, or a single character. */
static int parse_arg(arena *A, int level, int bold, int ink)
{
    while (*A->p == ' ')
        A->p++;
    if (*A->p == '{') {
        A->p++;
        return parse_list(A, level, bold, ink, 1);
    }
    if (*A->p == '\0' || *A->p == '}')
        return fail(A, "a script or command needs an argument");
    if (*A->p == '\\')
        return fail(A, "put a command argument in braces");
    const char *s = A->p;
    size_t n = 1;
    while ((s[n] & 0xc0) == 0x80)
        n++;
    A->p += n;
    int list = new_node(A, N_LIST, level, bold, ink);
    if (list < 0)
        return -1;
    int last = -1;
    if (append_text(A, list, &last, s, n, level, bold, ink) != 0)
        return -1;
    return list;
}

/* Detach the base a script applies to from the end of the list: the last node,
** or the last character of a text run. */
static int take_base(arena *A, int list, int *last)
{
    if (*last < 0)
        return fail(A, "a script with nothing before it");
    fnode *t = &A->n[*last];
    if (t->kind != N_TEXT)
        return *last;
    size_t len = strlen(t->s);
    size_t cut = len - 1;
    while (cut > 0 && (t->s[cut] & 0xc0) == 0x80)
        cut--;
    if (cut == 0 || t->mono)
        return *last;
    int k = text_node(A, t->s + cut, len - cut, 0, t->level, t->bold, t->ink);
    if (k < 0)
        return -1;
    ((char *)A->n[*last].s)[cut] = '\0';
    append(A, list, last, k);
    return k;
}

/* Replace the last node of the list by node k (which wraps it). */
static void replace_last(arena *A, int list, int *last, int k)
{
    int prev = -1;
    for (int i = A->n[list].a; i >= 0 && i != *last; i = A->n[i].next)
        prev = i;
    if (prev < 0)
        A->n[list].a = k;
    else
        A->n[prev].next = k;
    *last = k;
}

static int parse_script(arena *A, int list, int *last, int level, int bold, int ink)
{
    int base = take_base(A, list, last);
    if (base < 0)
        return -1;
    int k = base;
    if (A->n[base].kind != N_SCRIPT) {
        k = new_node(A, N_SCRIPT, level, bold, ink);
        if (k < 0)
            return -1;
        A->n[k].a = base;
        replace_last(A, list, last, k);
    }
    char which = *A->p++;
    int arg = parse_arg(A, level + 1, bold, ink);
    if (arg < 0)
        return -1;
    if (which == '_')
        A->n[k].b = arg;
    else
        A->n[k].c = arg;
    return 0;
}

static int command(arena *A, int list, int *last, int level, int bold, int ink)
{
    const char *s = A->p;
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))
        n++;
    if (n == 0) {
        A->p++;
        if (*s == ',' || *s == ' ') {
            int k = new_node(A, N_SPACE, level, bold, ink);
            if (k < 0)
                return -1;
            A->n[k].w = *s == ',' ? 3 : 6;
            append(A, list, last, k);
            return 0;
        }
        if (*s == '{' || *s == '}' || *s == '_' || *s == '^' || *s == '\\')
            return append_text(A, list, last, s, 1, level, bold, ink);
        return fail(A, "unknown escape");
    }
    A->p += n;
    int k = -1;
    if (n == 4 && strncmp(s, "frac", 4) == 0) {
        k = new_node(A, N_FRAC, level, bold, ink);
        if (k >= 0)
            A->n[k].a = parse_arg(A, level, bold, ink);
        if (k >= 0 && A->n[k].a >= 0)
            A->n[k].b = parse_arg(A, level, bold, ink);
        if (k >= 0 && A->n[k].b < 0)
            return -1;
    } else if (n == 3 && strncmp(s, "sum", 3) == 0) {
        k = new_node(A, N_SUM, level, bold, ink);
        for (int i = 0; i < 2 && k >= 0; i++) {
            while (*A->p == ' ')
                A->p++;
            if (*A->p != '_' && *A->p != '^')
                break;
            int under = *A->p == '_';
            A->p++;
            int arg = parse_arg(A, level + 1, bold, ink);
            if (arg < 0)
                return -1;
            if (under)
                A->n[k].a = arg;
            else
                A->n[k].b = arg;
        }
    } else if ((n == 3 && strncmp(s, "hat", 3) == 0) || (n == 4 && strncmp(s, "sqrt", 4) == 0)) {
        k = new_node(A, *s == 'h' ? N_HAT : N_SQRT, level, bold, ink);
        if (k >= 0 && (A->n[k].a = parse_arg(A, level, bold, ink)) < 0)
            return -1;
    } else if (n == 4 && (strncmp(s, "bold", 4) == 0 || strncmp(s, "soft", 4) == 0)) {
        k = parse_arg(A, level, bold || s[0] == 'b', s[0] == 's' ? INK_SOFT : ink);
    } else if (n == 6 && strncmp(s, "accent", 6) == 0) {
        k = parse_arg(A, level, bold, INK_ACCENT);
    } else {
        A->p = s;
        return fail(A, "unknown command");
    }
    if (k < 0)
        return -1;
    append(A, list, last, k);
    return 0;
}

/* Nodes until the end of the markup, or the closing brace of a group. */
static int parse_list(arena *A, int level, int bold, int ink, int in_group)
{
    int list = new_node(A, N_LIST, level, bold, ink);
    if (list < 0)
        return -1;
    int last = -1;
    for (;;) {
        const char *s = A->p;
        char ch = *s;
        if (ch == '\0') {
            if (in_group)
                return fail(A, "a '{' is never closed");
            return list;
        }
        if (ch == '}') {
            if (!in_group)
                return fail(A, "a '}' closes nothing");
            A->p++;
            return list;
        }
        int rc = 0;
        if (ch == '{') {
            A->p++;
            int g = parse_list(A, level, bold, ink, 1);
            if (g < 0)
                return -1;
            append(A, list, &last, g);
        } else if (ch == '\\') {
            A->p++;
            rc = command(A, list, &last, level, bold, ink);
        } else if (ch == '_' || ch == '^') {
            rc = parse_script(A, list, &last, level, bold, ink);
        } else {
            size_t n = 0;
            while (s[n] && !strchr("{}\\_^", s[n]))
                n++;
            A->p += n;
            rc = append_text(A, list, &last, s, n, level, bold, ink);
        }
        if (rc != 0)
            return -1;
    }
}

/* ----------------------------------------------------------------- layout */

static viz_font_kind font_of(const fnode *n)
{
    return n->bold ? VIZ_SANS_BOLD : n->mono ? VIZ_MONO : VIZ_SANS;
}

/* Ink height of a text run: x-height when every letter is a short lowercase
** one (hats sit lower over m and v than over b or 7), cap height otherwise. */
static int text_top(const char *s, int px)
{
    static const char *const short_greek[] = {
        "\xce\xb1", "\xce\xb3", "\xce\xb5", "\xce\xb7", "\xce\xb9", "\xce\xba", "\xce\xbc",
        "\xce\xbd", "\xce\xbf", "\xcf\x80", "\xcf\x81", "\xcf\x83", "\xcf\x84", "\xcf\x85",
        "\xcf\x87", "\xcf\x89",
    };
    for (const char *p = s; *p;) {
        if (strchr("acegmnopqrsuvwxyz", *p) && *p) {
            p++;
            continue;
        }
        int ok = 0;
        for (size_t i = 0; i < sizeof short_greek / sizeof short_greek[0] && !ok; i++)
            if (strncmp(p, short_greek[i], 2) == 0)
                ok = 1;
        if (!ok)
            return (int)lround(px * 0.76);
        p += 2;
    }
    return (int)lround(px * 0.56);
}

static void layout(arena *A, int k)
{
    fnode *n = &A->n[k];
    int px = level_px(A, n->level);
    switch (n->kind) {
    case N_TEXT: {
        viz_font_kind f = font_of(n);
        n->w = viz_text_width(n->s, px, f);
        n->asc = ascent_of(px);
        n->desc = viz_text_height(px, f) - n->asc;
        n->top = text_top(n->s, px);
        break;
    }
    case N_SPACE:
        n->asc = n->desc = n->top = 0;
        break;
    case N_LIST:
        n->w = 0;
        n->asc = ascent_of(px);
        n->desc = viz_text_height(px, VIZ_SANS) - n->asc;
        n->top = 0;
        for (int i = n->a; i >= 0; i = A->n[i].next) {
            layout(A, i);
            const fnode *c = &A->n[i];
            n->w += c->w;
            n->asc = c->asc > n->asc ? c->asc : n->asc;
            n->desc = c->desc > n->desc ? c->desc : n->desc;
            n->top = c->top > n->top ? c->top : n->top;
        }
        break;
    case N_SCRIPT: {
        layout(A, n->a);
        const fnode *base = &A->n[n->a];
        int sw = 0, up = (int)lround(px * 0.42), down = (int)lround(px * 0.24);
        n->asc = base->asc;
        n->desc = base->desc;
        n->top = base->top;
        if (n->c >= 0) {
            layout(A, n->c);
            const fnode *sup = &A->n[n->c];
            sw = sup->w;
            n->asc = up + sup->asc > n->asc ? up + sup->asc : n->asc;
            n->top = up + sup->top > n->top ? up + sup->top : n->top;
        }
        if (n->b >= 0) {
            layout(A, n->b);
            const fnode *sub = &A->n[n->b];
            sw = sub->w > sw ? sub->w : sw;
            n->desc = down + sub->desc > n->desc ? down + sub->desc : n->desc;
        }
        n->w = base->w + sw + 1;
        break;
    }
    case N_FRAC: {
        layout(A, n->a);
        layout(A, n->b);
        const fnode *num = &A->n[n->a], *den = &A->n[n->b];
        int axis = axis_of(px);
        n->w = (num->w > den->w ? num->w : den->w) + 6;
        /* numerator's ink bottom 2 px above the bar, denominator's top 2 px below */
        n->asc = axis + 2 + num->desc / 2 + num->top + 1;
        n->desc = den->top + 3 - axis + den->desc / 2;
        n->desc = n->desc < 0 ? 0 : n->desc;
        n->top = n->asc;
        n->asc = n->asc > ascent_of(px) ? n->asc : ascent_of(px);
        break;
    }
    case N_SUM: {
        int big = (int)lround(px * 1.9);
        int cap = (int)lround(big * 0.73);
        int gw = viz_text_width("\xce\xa3", big, VIZ_SANS);
        int drop = cap / 2 - axis_of(px);           /* Σ centred on the axis */
        n->w = gw;
        n->top = cap - drop;
        n->asc = n->top + 2;
        n->desc = drop + 2;
        if (n->a >= 0) {
            layout(A, n->a);
            const fnode *u = &A->n[n->a];
            n->w = u->w > n->w ? u->w : n->w;
            n->desc = drop + 2 + u->top + u->desc;
        }
        if (n->b >= 0) {
            layout(A, n->b);
            const fnode *o = &A->n[n->b];
            n->w = o->w > n->w ? o->w : n->w;
            n->asc = n->top + 3 + o->desc + o->top;
            n->top = n->asc;
        }
        n->w += 4;
        break;
    }
    case N_HAT: {
        layout(A, n->a);
        const fnode *b = &A->n[n->a];
        int hat = (int)lround(px * 0.22) + 1;
        n->w = b->w;
        n->top = b->top + 2 + hat;
        n->asc = n->top > b->asc ? n->top : b->asc;
        n->desc = b->desc;
        break;
    }
    case N_SQRT: {
        layout(A, n->a);
        const fnode *b = &A->n[n->a];
        int lead = (int)lround(px * 0.62);
        n->w = lead + b->w + 2;
        n->top = b->top + 3;
        n->asc = n->top + 1 > b->asc ? n->top + 1 : b->asc;
        n->desc = b->desc > 2 ? b->desc : 2;
        break;
    }
    default:
        break;
    }
}

/* ---------------------------------------------------------------- drawing */

typedef struct inks { viz_color base, soft, accent; } inks;

static viz_color ink_of(const inks *I, int ink)
{
    return ink == INK_SOFT ? I->soft : ink == INK_ACCENT ? I->accent : I->base;
}

static void draw_node(viz_canvas *c, const arena *A, int k, int x, int y, const inks *I)
{
    const fnode *n = &A->n[k];
    int px = level_px(A, n->level);
    viz_color col = ink_of(I, n->ink);
    switch (n->kind) {
    case N_TEXT:
        viz_text(c, n->s, x, y - ascent_of(px), px, font_of(n), col, VIZ_LEFT, 0);
        break;
    case N_LIST:
        for (int i = n->a; i >= 0; i = A->n[i].next) {
            draw_node(c, A, i, x, y, I);
            x += A->n[i].w;
        }
        break;
    case N_SCRIPT: {
        const fnode *base = &A->n[n->a];
        draw_node(c, A, n->a, x, y, I);
        int sx = x + base->w + 1;
        if (n->c >= 0)
            draw_node(c, A, n->c, sx, y - (int)lround(px * 0.42), I);
        if (n->b >= 0)
            draw_node(c, A, n->b, sx, y + (int)lround(px * 0.24), I);
        break;
    }
    case N_FRAC: {
        const fnode *num = &A->n[n->a], *den = &A->n[n->b];
        int axis_y = y - axis_of(px);
        viz_fill_rect(c, (SDL_Rect){x + 1, axis_y, n->w - 2, 1}, col);
        draw_node(c, A, n->a, x + (n->w - num->w) / 2, axis_y - 2 - num->desc / 2, I);
        draw_node(c, A, n->b, x + (n->w - den->w) / 2, axis_y + 3 + den->top, I);
        break;
    }
    case N_SUM: {
        int big = (int)lround(px * 1.9);
        int cap = (int)lround(big * 0.73);
        int gw = viz_text_width("\xce\xa3", big, VIZ_SANS);
        int drop = cap / 2 - axis_of(px);
        int gy = y + drop;                      /* the Σ's baseline */
        viz_text(c, "\xce\xa3", x + (n->w - gw) / 2, gy - ascent_of(big), big, VIZ_SANS, col,
                 VIZ_LEFT, 0);
        if (n->a >= 0) {
            const fnode *u = &A->n[n->a];
            draw_node(c, A, n->a, x + (n->w - u->w) / 2, gy + 2 + u->top, I);
        }
        if (n->b >= 0) {
            const fnode *o = &A->n[n->b];
            draw_node(c, A, n->b, x + (n->w - o->w) / 2, gy - cap - 3 - o->desc, I);
        }
        break;
    }
    case N_HAT: {
        const fnode *b = &A->n[n->a];
        draw_node(c, A, n->a, x, y, I);
        int hat = (int)lround(px * 0.22) + 1;
        float cx = x + b->w / 2.0f, base = (float)(y - b->top - 2);
        float half = fmaxf(3.0f, b->w * 0.32f);
        float width = px >= 16 ? 1.5f : 1.2f;
        viz_thick_line(c, cx - half, base, cx, base - hat, width, col);
        viz_thick_line(c, cx, base - hat, cx + half, base, width, col);
        break;
    }
    case N_SQRT: {
        const fnode *b = &A->n[n->a];
        int lead = (int)lround(px * 0.62);
        float top = (float)(y - n->top), bottom = (float)(y + 1);
        float x0 = (float)x + 1, x1 = x0 + lead * 0.3f, x2 = x0 + lead * 0.55f;
        float x3 = (float)(x + lead - 1);
        float mid = y - px * 0.3f;
        float thin = px >= 18 ? 1.4f : 1.1f;
        viz_thick_line(c, x0, mid + 1, x1, mid - 1, thin, col);
        viz_thick_line(c, x1, mid - 1, x2, bottom, thin + 0.6f, col);
        viz_thick_line(c, x2, bottom, x3, top, thin, col);
        viz_thick_line(c, x3, top, (float)(x + lead + b->w + 2), top, thin, col);
        draw_node(c, A, n->a, x + lead + 1, y, I);
        break;
    }
    default:
        break;
    }
}

/* ---------------------------------------------------------------- public */

static int build(arena *A, const char *markup, int px)
{
    A->count = 0;
    A->used = 0;
    A->failed = 0;
    A->px = px < MIN_PX ? MIN_PX : px > 40 ? 40 : px;
    A->p = markup ? markup : "";
    int root = parse_list(A, 0, 0, INK_BASE, 0);
    if (root < 0)
        return -1;
    layout(A, root);
    return root;
}

int viz_formula_measure(const char *markup, int px, viz_fbox *box)
{
    static arena A;
    int root = build(&A, markup, px);
    if (root < 0)
        return -1;
    box->w = A.n[root].w;
    box->asc = A.n[root].asc;
    box->desc = A.n[root].desc;
    return 0;
}

int viz_formula_draw(viz_canvas *c, const char *markup, int x, int y, int px, viz_color ink)
{
    static arena A;
    int root = build(&A, markup, px);
    if (root < 0)
        return -1;
    inks I = {ink, viz_rgb(VIZ_INK_SOFT), viz_rgb(VIZ_ACCENT)};
    draw_node(c, &A, root, x, y, &I);
    return A.n[root].w;
}

char *viz_formula_num(char *buf, size_t len, double v, int paren)
{
    char num[40];
    viz_fmt_num(num, sizeof num, v);
    if (paren && num[0] == '-')
        snprintf(buf, len, "(%s)", num);
    else
        snprintf(buf, len, "%s", num);
    return buf;
}
