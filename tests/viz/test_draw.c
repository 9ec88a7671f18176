/* tests/viz/test_draw.c — the drawing kit: colour maps, numbers, ticks, text,
** heat maps and plots, each drawn on a software canvas and read back. */
#include "tests/test.h"

#include <math.h>
#include <stdlib.h>

#include "tests/viz/pixels.h"
#include "viz/colormap.h"
#include "viz/heatmap.h"
#include "viz/legend.h"
#include "viz/plot.h"
#include "viz/text.h"

static int same(viz_color a, uint32_t hex)
{
    return px_near(a, viz_rgb(hex), 0);
}

static void test_diverging_ends_and_zero(void)
{
    CHECK(same(viz_cmap_diverging(-1.0f), 0xf59322));
    CHECK(same(viz_cmap_diverging(0.0f), 0xe8eaeb));
    CHECK(same(viz_cmap_diverging(1.0f), 0x0877bd));
    CHECK(same(viz_cmap_diverging(-7.0f), 0xf59322));     /* clamped */
    CHECK(same(viz_cmap_diverging(NAN), 0xe8eaeb));
    /* halfway to blue: each channel halfway between grey and blue, by hand */
    viz_color h = viz_cmap_diverging(0.5f);
    CHECK(px_near(h, (viz_color){(232 + 8) / 2, (234 + 119) / 2, (235 + 189) / 2, 255}, 1));
}

static void test_scale_is_symmetric(void)
{
    float v[3] = {-2.0f, 1.0f, 0.5f};
    viz_scale s = viz_scale_fit(VIZ_CMAP_DIVERGING, v, 3, 1);
    CHECK_NEAR(s.lo, -2.0, 0.0);
    CHECK_NEAR(s.hi, 2.0, 0.0);
    CHECK(same(viz_scale_color(&s, 0.0f), 0xe8eaeb));
    CHECK(same(viz_scale_color(&s, -2.0f), 0xf59322));
    /* +1 is half of the range: the same colour as t = 0.5 */
    CHECK(px_near(viz_scale_color(&s, 1.0f), viz_cmap_diverging(0.5f), 0));
    /* a probability scale centred at 0.5 */
    viz_scale p = {VIZ_CMAP_DIVERGING, 0.0f, 1.0f, 0.5f};
    CHECK(same(viz_scale_color(&p, 0.5f), 0xe8eaeb));
    CHECK(same(viz_scale_color(&p, 0.0f), 0xf59322));
    CHECK(same(viz_scale_color(&p, 1.0f), 0x0877bd));
}

static void test_sequential_maps(void)
{
    CHECK(same(viz_cmap_viridis(0.0f), 0x440154));
    CHECK(same(viz_cmap_viridis(1.0f), 0xfde725));
    CHECK(same(viz_cmap_viridis(0.5f), 0x21918c));
    CHECK(same(viz_cmap_grey(0.0f), 0x000000));
    CHECK(same(viz_cmap_grey(1.0f), 0xffffff));
    viz_color mid = viz_cmap_grey(0.5f);
    CHECK(mid.r == mid.g && mid.g == mid.b && abs(mid.r - 128) <= 1);
    float v[4] = {2.0f, 3.0f, 6.0f, NAN};
    viz_scale s = viz_scale_fit(VIZ_CMAP_VIRIDIS, v, 4, 1);
    CHECK_NEAR(s.lo, 2.0, 0.0);
    CHECK_NEAR(s.hi, 6.0, 0.0);
}

static void test_number_format(void)
{
    char b[32];
    CHECK_CONTAINS(viz_fmt_num(b, sizeof b, 0.52134), "0.5213");
    CHECK(strcmp(viz_fmt_num(b, sizeof b, 12.3456), "12.35") == 0);
    CHECK(strcmp(viz_fmt_num(b, sizeof b, 0.00042), "4.200e-04") == 0);
    CHECK(strcmp(viz_fmt_num(b, sizeof b, 0.001), "0.001") == 0);
    CHECK(strcmp(viz_fmt_num(b, sizeof b, 0.0), "0") == 0);
    CHECK(strcmp(viz_fmt_num(b, sizeof b, -2.5), "-2.5") == 0);
    CHECK(strcmp(viz_fmt_num(b, sizeof b, 1234567.0), "1.235e+06") == 0);
    CHECK(strcmp(viz_fmt_num(b, sizeof b, NAN), "nan") == 0);
    CHECK(strcmp(viz_fmt_tick(b, sizeof b, 0.25, 0.25), "0.25") == 0);
    CHECK(strcmp(viz_fmt_tick(b, sizeof b, 0.4, 0.2), "0.4") == 0);
    CHECK(strcmp(viz_fmt_tick(b, sizeof b, 1000.0, 500.0), "1000") == 0);
    CHECK(strcmp(viz_fmt_tick(b, sizeof b, 1e-16, 0.5), "0.0") == 0);     /* as 0.5, 1.0 */
}

static void test_nice_ticks(void)
{
    double t[32], step;
    int n = viz_nice_ticks(0.13, 0.97, 5, t, 32, &step);
    CHECK(n == 4);
    CHECK_NEAR(step, 0.2, 1e-12);
    CHECK_NEAR(t[0], 0.2, 1e-12);
    CHECK_NEAR(t[3], 0.8, 1e-12);
    n = viz_nice_ticks(0.0, 10.0, 5, t, 32, &step);
    CHECK(n == 6);
    CHECK_NEAR(step, 2.0, 0.0);
    n = viz_nice_ticks(-3.0, 47.0, 4, t, 32, &step);     /* 12.5 -> 10 */
    CHECK_NEAR(step, 10.0, 0.0);
    CHECK_NEAR(t[0], 0.0, 0.0);
    CHECK(n == 5);
}

/* A white w x h software canvas, or 0 on failure. */
static int canvas(viz_canvas *c, int w, int h)
{
    if (viz_canvas_init_surface(c, w, h) != 0)
        return 0;
    viz_canvas_begin(c, viz_rgb(0xffffff));
    return 1;
}

static void test_text_renders_and_clips(void)
{
    viz_canvas c;
    if (!CHECK(canvas(&c, 300, 60)))
        return;
    int w = viz_text(&c, "Loss & metrics", 10, 10, VIZ_TITLE_PX, VIZ_SANS_BOLD,
                     viz_rgb(0x000000), VIZ_LEFT, 0);
    int cut = viz_text(&c, "a long caption that cannot fit in forty pixels", 10, 35,
                       VIZ_TICK_PX, VIZ_SANS, viz_rgb(0x000000), VIZ_LEFT, 40);
    px_sync(&c);
    viz_color white = viz_rgb(0xffffff);
    CHECK(w > 60 && w == viz_text_width("Loss & metrics", VIZ_TITLE_PX, VIZ_SANS_BOLD));
    CHECK(px_count_not(c.surface, (SDL_Rect){10, 10, w, 20}, white, 60) > 80);
    CHECK(cut > 0 && cut <= 40);
    CHECK(px_count_not(c.surface, (SDL_Rect){10, 35, 40, 18}, white, 60) > 10);
    CHECK(px_count_not(c.surface, (SDL_Rect){51, 30, 249, 30}, white, 0) == 0);
    /* Chinese characters go through the CJK font: real glyphs, wider than one em each */
    int zw = viz_text(&c, "\xe6\x8d\x9f\xe5\xa4\xb1", 200, 10, VIZ_LABEL_PX, VIZ_SANS,
                      viz_rgb(0x000000), VIZ_LEFT, 0);
    px_sync(&c);
    CHECK(zw >= 2 * VIZ_LABEL_PX - 2);
    CHECK(px_count_not(c.surface, (SDL_Rect){200, 10, zw, 20}, white, 60) > 30);
    viz_canvas_free(&c);
}

static void test_heatmap_places_signs(void)
{
    viz_canvas c;
    if (!CHECK(canvas(&c, 40, 40)))
        return;
    float m[4] = {-1.0f, 1.0f, 0.5f, 0.0f};      /* [[-1, 1], [0.5, 0]] */
    viz_scale s = viz_scale_fit(VIZ_CMAP_DIVERGING, m, 4, 1);
    viz_heatmap(&c, (SDL_Rect){0, 0, 40, 40}, m, 2, 2, 2, 1, &s);
    px_sync(&c);
    CHECK(same(px_at(c.surface, 10, 10), 0xf59322));
    CHECK(same(px_at(c.surface, 30, 10), 0x0877bd));
    CHECK(px_near(px_at(c.surface, 10, 30), viz_cmap_diverging(0.5f), 0));
    CHECK(same(px_at(c.surface, 30, 30), 0xe8eaeb));
    /* the same matrix through strides as its transpose: -1 stays top left, 1 moves down */
    viz_heatmap(&c, (SDL_Rect){0, 0, 40, 40}, m, 2, 2, 1, 2, &s);
    px_sync(&c);
    CHECK(same(px_at(c.surface, 10, 10), 0xf59322));
    CHECK(same(px_at(c.surface, 10, 30), 0x0877bd));
    viz_canvas_free(&c);
}

static void test_heatmap_reduces_big_matrices(void)
{
    viz_canvas c;
    if (!CHECK(canvas(&c, 10, 10)))
        return;
    enum { N = 100 };
    static float m[N * N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            m[i * N + j] = j < N / 2 ? -1.0f : 1.0f;
    viz_scale s = {VIZ_CMAP_DIVERGING, -1.0f, 1.0f, 0.0f};
    viz_heatmap(&c, (SDL_Rect){0, 0, 10, 10}, m, N, N, N, 1, &s);
    px_sync(&c);
    int ok = 1;
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
            ok &= same(px_at(c.surface, x, y), x < 5 ? 0xf59322 : 0x0877bd);
    CHECK(ok);
    viz_canvas_free(&c);
}

static void test_decreasing_curve_goes_down(void)
{
    viz_canvas c;
    if (!CHECK(canvas(&c, 400, 300)))
        return;
    double x[20], y[20];
    for (int i = 0; i < 20; i++) {
        x[i] = i;
        y[i] = 2.0 * exp(-i / 5.0);
    }
    viz_plot p = {0};
    viz_plot_axes(&c, &p, (SDL_Rect){0, 0, 400, 300}, 0, 19, 0, 2, 0, "batch", "loss", 0);
    viz_color red = viz_rgb(0xff0000);
    viz_plot_line(&c, &p, x, y, 20, red, 2.0f, 0);
    px_sync(&c);
    /* the curve's row at a quarter and at three quarters of the area */
    double r1 = px_column_row(c.surface, p.area.x + p.area.w / 4, red);
    double r2 = px_column_row(c.surface, p.area.x + 3 * p.area.w / 4, red);
    CHECK(r1 > 0 && r2 > 0);
    CHECK(r2 > r1 + 20);
    /* and where the data says: y = 2 exp(-4.75 / 5) at x = 4.75 */
    double want = viz_plot_py(&p, 2.0 * exp(-19.0 / 4.0 / 5.0));
    CHECK(fabs(r1 - want) < 4.0);
    /* log scale: the same data is a straight line, so the middle row is the mean */
    viz_canvas_begin(&c, viz_rgb(0xffffff));
    viz_plot q = {0};
    viz_plot_axes(&c, &q, (SDL_Rect){0, 0, 400, 300}, 0, 19, y[19], y[0], 1, NULL, NULL, 0);
    viz_plot_line(&c, &q, x, y, 20, red, 2.0f, 0);
    px_sync(&c);
    double a = px_column_row(c.surface, (int)viz_plot_px(&q, 2.0), red);
    double b = px_column_row(c.surface, (int)viz_plot_px(&q, 9.5), red);
    double d = px_column_row(c.surface, (int)viz_plot_px(&q, 17.0), red);
    CHECK(fabs((a + d) / 2.0 - b) < 3.0);
    viz_canvas_free(&c);
}

static void test_legend_bar_ends(void)
{
    viz_canvas c;
    if (!CHECK(canvas(&c, 400, 40)))
        return;
    viz_scale s = {VIZ_CMAP_DIVERGING, -0.5f, 0.5f, 0.0f};
    int h = viz_legend_bar(&c, (SDL_Rect){0, 0, 400, 40}, &s, "weight");
    px_sync(&c);
    CHECK(h >= 20);
    /* orange at the left end of the bar, blue at the right, grey in between */
    int left = 0, right = 0, grey = 0;
    for (int x = 0; x < 400; x++) {
        viz_color col = px_at(c.surface, x, 7);
        if (!left && col.r > 230 && col.b < 80)
            left = x;
        if (col.b > 170 && col.r < 40)
            right = x;
        if (!grey && left && px_near(col, viz_rgb(0xe8eaeb), 3))
            grey = x;
    }
    CHECK(left > 0 && right > left && grey > left && grey < right);
    CHECK(abs(grey - (left + right) / 2) <= 3);     /* 0 sits in the middle of [-0.5, 0.5] */
    viz_canvas_free(&c);
}

void suite_viz_draw(void)
{
    t_run("viz: diverging map ends and zero", test_diverging_ends_and_zero);
    t_run("viz: diverging scales are symmetric", test_scale_is_symmetric);
    t_run("viz: viridis and greyscale", test_sequential_maps);
    t_run("viz: numbers, 4 significant digits", test_number_format);
    t_run("viz: ticks at round values", test_nice_ticks);
    t_run("viz: text renders and is clipped", test_text_renders_and_clips);
    t_run("viz: heat map places signs", test_heatmap_places_signs);
    t_run("viz: heat map reduces big matrices", test_heatmap_reduces_big_matrices);
    t_run("viz: a decreasing curve goes down", test_decreasing_curve_goes_down);
    t_run("viz: legend bar ends", test_legend_bar_ends);
}
