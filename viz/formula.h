/* viz/formula.h — formulas typeset without TeX: a little markup laid out as boxes.
**
** A formula is written in a small markup (UTF-8), laid out as boxes (width,
** ascent above the baseline, descent below it) composed horizontally and
** vertically, and drawn with the window's fonts (viz/text.c):
**
**   plain text          symbols and words in DejaVu Sans; numbers in it ("12",
**                       "-0.5", "3.1e-05") in DejaVu Sans Mono
**   x_i  x_{ij}         a subscript to the character (or group) before it
**   x^2  x^{t-1}        a superscript; both may follow one base: v_i^2
**   {...}               a group, one base for a script
**   \frac{a}{b}         a over b, with a bar between
**   \sum_{i=1}^{784}    a large Σ with its limits under and over it
**   \hat{m}             a hat over its argument
**   \sqrt{v}            a radical with a bar over its argument
**   \bold{...}  \soft{...}  \accent{...}   bold; secondary ink; the accent colour
**   \,                  a thin space;  \{ \} \_ \^ \\  the characters themselves
**
** Scripts are drawn at about 0.7 of the base size and never below 11 px (the
** window's smallest text). Nothing is kept between calls: each call parses and
** lays the markup out again (a formula is a few dozen boxes).
*/
#ifndef VIZ_FORMULA_H
#define VIZ_FORMULA_H

#include <stddef.h>

#include "draw.h"

/* The size of a laid out formula, in pixels: width, height above the
** baseline and depth below it. */
typedef struct viz_fbox {
    int w, asc, desc;
} viz_fbox;

/* Lay out `markup` at base size px (11 to 40) into *box. Returns 0, or -1 with
** viz_error set for markup it cannot read (an unknown command, an unclosed
** brace, a formula of more than a few hundred boxes). */
int viz_formula_measure(const char *markup, int px, viz_fbox *box);

/* Draw `markup` with its baseline at y, its left edge at x, in colour ink
** (\soft and \accent parts in theirs). Returns the width drawn, or -1 with
** viz_error set as viz_formula_measure. */
int viz_formula_draw(viz_canvas *c, const char *markup, int x, int y, int px, viz_color ink);

/* A number for markup: 4 significant digits as viz_fmt_num, in parentheses
** when negative and `paren` is set (a factor in a product: "0.5 · (-0.3)").
** Returns buf. */
char *viz_formula_num(char *buf, size_t len, double v, int paren);

#endif
