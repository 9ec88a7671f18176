/* tests/viz/test_panels.c — panels on known model states, rendered headless
** through viz_snapshot (the window's own drawing path) and read back from the
** PNG: weights of known sign at the right place, a falling loss curve, a known
** filter's feature map, titles, sizes and errors. */
#include "tests/test.h"

#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nn/nn.h"
#include "nn/view.h"
#include "tests/viz/pixels.h"
#include "viz/viz.h"

static char dir[256];

static const char *tmp_path(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static int open_headless(int w, int h)
{
    viz_options o = viz_defaults();
    o.headless = 1;
    o.width = w;
    o.height = h;
    return viz_open(&o) == 0;
}

/* Snapshot one panel and load it back (NULL on failure). */
static SDL_Surface *shot(const char *panel)
{
    const char *path = tmp_path("shot.png");
    if (viz_snapshot(path, panel) != 0) {
        printf("  snapshot: %s\n", viz_error());
        return NULL;
    }
    SDL_Surface *s = IMG_Load(path);
    if (!s)
        return NULL;
    SDL_Surface *rgba = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(s);
    return rgba;
}

static float *kernel_of(nn_model *m, int layer)
{
    return nn_tensor_f32(nn_model_layer(m, layer)->params[0].value);
}

/* Kernel (4 inputs, 3 units): zero but w[0][1] = -1 and w[3][2] = +1. */
static void test_weights_heatmap_sign_and_place(void)
{
    nn_model *m = model_dense(4, 3);
    if (!CHECK(m) || !CHECK(open_headless(1280, 800))) {
        nn_model_free(m);
        return;
    }
    float *w = kernel_of(m, 0);
    for (int i = 0; i < 12; i++)
        w[i] = 0.0f;
    w[0 * 3 + 1] = -1.0f;
    w[3 * 3 + 2] = 1.0f;
    viz_set_model(m);
    viz_select(0, 1);
    SDL_Surface *s = shot("weights");
    if (CHECK(s)) {
        SDL_Rect o, b, a;
        int no = px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0xf59322), &o);
        int nb = px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0x0877bd), &b);
        CHECK(no > 400 && nb > 400);
        /* two cells of one size: orange in column 1, row 0; blue in column 2, row 3 */
        CHECK(abs(o.w - b.w) <= 2 && abs(o.h - b.h) <= 2);
        CHECK(abs(b.x - (o.x + o.w)) <= 2);
        CHECK(abs(b.y - (o.y + 3 * o.h)) <= 4);
        CHECK(o.w * o.h - no <= o.w + o.h);          /* filled blocks, not stray pixels */
        /* the selected unit (1) is outlined in the accent colour around the orange cell */
        CHECK(px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0xd6246e), &a) > 0);
        CHECK(a.x <= o.x && a.x + a.w >= o.x + o.w && a.x > o.x - 8);
        SDL_FreeSurface(s);
    }
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

static void test_loss_curve_goes_down(void)
{
    nn_model *m = model_dense(2, 1);
    if (!CHECK(m) || !CHECK(open_headless(1280, 800))) {
        nn_model_free(m);
        return;
    }
    /* a history by hand: 200 batches with a loss falling from 2 towards 0.1 */
    nn_history *h = &m->history;
    h->batch_loss = malloc(200 * sizeof *h->batch_loss);
    if (!CHECK(h->batch_loss)) {
        nn_model_free(m);
        viz_close();
        return;
    }
    for (int i = 0; i < 200; i++)
        h->batch_loss[i] = (float)(0.1 + 1.9 * exp(-i / 40.0));
    h->n_batches = h->cap_batches = 200;
    viz_set_model(m);
    SDL_Surface *s = shot("loss");
    if (CHECK(s)) {
        /* the smoothed curve (palette blue): columns that hold it, left to right */
        viz_color hue = viz_rgb(0x4e79a7);
        int xs[1400], n = 0;
        for (int x = 0; x < s->w && n < 1400; x++)
            if (px_column_row(s, x, hue) >= 0.0)
                xs[n++] = x;
        CHECK(n > 500);
        if (n > 500) {
            double early = px_column_row(s, xs[n / 10], hue);
            double mid = px_column_row(s, xs[n / 2], hue);
            double late = px_column_row(s, xs[n * 8 / 10], hue);
            CHECK(early < mid - 50);        /* screen rows grow downwards */
            CHECK(mid < late);
        }
        SDL_FreeSurface(s);
    }
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

/* Conv2D with one 3x3 vertical-edge filter on an 8x8 image dark on the left,
** bright from column 4: the valid output (6x6) is, by hand,
** out[i][j] = 3 (x[j+2] - x[j]) = 3 for j = 2, 3 and 0 elsewhere. */
static void test_feature_map_of_known_filter(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_shape in = {3, {8, 8, 1}};
    nn_conv2d_options co = nn_conv2d_defaults(1, 3, 3);
    if (!CHECK(m) || !CHECK(nn_model_set_input(m, 0, &in, &err) == NN_OK) ||
        !CHECK(nn_model_add(m, nn_conv2d_new(&co, &err), &err) == NN_OK) ||
        !CHECK(open_headless(1280, 800))) {
        nn_model_free(m);
        return;
    }
    float *k = kernel_of(m, 0);       /* (3, 3, 1, 1) */
    for (int r = 0; r < 3; r++) {
        k[r * 3 + 0] = -1.0f;
        k[r * 3 + 1] = 0.0f;
        k[r * 3 + 2] = 1.0f;
    }
    nn_tensor *x = nn_tensor_new(NN_F32, 4, (int[]){1, 8, 8, 1}, &err);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            nn_tensor_f32(x)[i * 8 + j] = j >= 4 ? 1.0f : 0.0f;
    const nn_tensor *y = nn_model_forward(m, x, 0, &err);
    CHECK(y && y->shape[1] == 6 && y->shape[2] == 6);
    CHECK(y && fabsf(nn_tensor_f32(y)[2] - 3.0f) < 1e-6f && fabsf(nn_tensor_f32(y)[0]) < 1e-6f);
    viz_set_model(m);
    SDL_Surface *s = shot("features");
    if (CHECK(s)) {
        SDL_Rect lo, hi;
        int nlo = px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0x440154), &lo);
        int nhi = px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0xfde725), &hi);
        CHECK(nlo > 1000 && nhi > 500);
        /* the bright band: columns 2 and 3 of the six, the whole height */
        double cw = lo.w / 6.0;
        CHECK(fabs(hi.x - (lo.x + 2 * cw)) <= 2.0);
        CHECK(fabs(hi.w - 2 * cw) <= 2.0);
        CHECK(abs(hi.y - lo.y) <= 1 && abs(hi.h - lo.h) <= 1);
        SDL_FreeSurface(s);
    }
    nn_tensor_free(x);
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

static void test_title_text_and_size(void)
{
    nn_model *m = model_dense(4, 3);
    if (!CHECK(m) || !CHECK(open_headless(960, 600))) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    SDL_Surface *s = shot(NULL);
    if (CHECK(s)) {
        CHECK(s->w == 960 && s->h == 600);
        /* dark title text in the first panel's title bar */
        CHECK(px_count_not(s, (SDL_Rect){30, 8, 200, 24}, viz_rgb(0xf7f8f9), 120) > 60);
        /* and in the status line */
        CHECK(px_count_not(s, (SDL_Rect){4, 578, 300, 20}, viz_rgb(0xe4e6e9), 120) > 60);
        SDL_FreeSurface(s);
    }
    /* every panel renders at the smallest reference size, alone too */
    for (int k = 0; k < VIZ_PANEL_COUNT; k++)
        CHECK(viz_snapshot(tmp_path("p.png"), viz_panel_name(k)) == 0);
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

static void test_snapshot_png_round_trip(void)
{
    nn_model *m = model_dense(2, 2);
    if (!CHECK(m) || !CHECK(open_headless(1280, 800))) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    const char *path = tmp_path("round.png");
    CHECK(viz_snapshot(path, "network") == 0);
    SDL_Surface *s = IMG_Load(path);
    CHECK(s && s->w == 1280 && s->h == 800);
    SDL_FreeSurface(s);
    /* no temporary file left beside it */
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    CHECK(access(tmp, F_OK) != 0);
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

static void test_snapshot_errors(void)
{
    nn_model *m = model_dense(2, 2);
    CHECK(viz_snapshot(tmp_path("closed.png"), NULL) == -1);
    CHECK_CONTAINS(viz_error(), "viz.show");
    if (!CHECK(m) || !CHECK(open_headless(640, 480))) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    CHECK(viz_snapshot("/nonexistent-dir/sub/x.png", NULL) == -1);
    CHECK_CONTAINS(viz_error(), "cannot write snapshot '/nonexistent-dir/sub/x.png'");
    CHECK(viz_snapshot(tmp_path("x.png"), "weight") == -1);
    CHECK_CONTAINS(viz_error(), "unknown panel 'weight'");
    CHECK_CONTAINS(viz_error(), "weights");
    CHECK(viz_set_panel("lossy") == -1);
    CHECK(viz_set_panel("loss") == 0 && viz_set_panel(NULL) == 0);
    CHECK(viz_select(5, 0) == -1);
    CHECK_CONTAINS(viz_error(), "no layer 5");
    CHECK(viz_select(0, 9) == -1);
    CHECK_CONTAINS(viz_error(), "has 2 units");
    CHECK(viz_set_fps(0) == -1);
    char why[256];
    CHECK(viz_panel_applies("features", why, sizeof why) == 0);
    CHECK_CONTAINS(why, "Conv2D");
    CHECK(viz_panel_applies("boundary", why, sizeof why) == 1);
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

/* The decision boundary runs the model on a grid; afterwards the model's
** last forward must be what it was. */
static void test_boundary_leaves_trace(void)
{
    nn_model *m = model_dense(2, 1);
    if (!CHECK(m) || !CHECK(open_headless(800, 600))) {
        nn_model_free(m);
        return;
    }
    nn_error err;
    float *w = kernel_of(m, 0);
    w[0] = 1.0f;          /* output = x1 - x2: positive below the diagonal */
    w[1] = -1.0f;
    nn_tensor *x = nn_tensor_new2(3, 2, &err);
    float pts[6] = {1.0f, -1.0f, -2.0f, 2.0f, 0.5f, 0.25f};
    memcpy(x->data, pts, sizeof pts);
    const nn_tensor *out = nn_model_forward(m, x, 0, &err);
    float before[3];
    memcpy(before, out->data, sizeof before);
    viz_set_model(m);
    SDL_Surface *s = shot("boundary");
    const nn_tensor *after = nn_view_output(m, 0);
    CHECK(after && after->shape[0] == 3);
    CHECK(after && memcmp(after->data, before, sizeof before) == 0);
    CHECK(nn_view_last_input(m)->shape[0] == 3 &&
          memcmp(nn_view_last_input(m)->data, pts, sizeof pts) == 0);
    if (CHECK(s)) {
        /* a linear output x1 - x2 on a symmetric scale: the field is orange (negative)
        ** towards the top left, where x2 > x1, and blue towards the bottom right */
        double ox = 0, oy = 0, bx = 0, by = 0;
        int no = 0, nb = 0;
        for (int y = 40; y < s->h - 80; y++)
            for (int x = 0; x < s->w; x++) {
                viz_color c = px_at(s, x, y);
                if (c.r > c.b + 40 && c.r > c.g + 10) {          /* orange-ish */
                    ox += x;
                    oy += y;
                    no++;
                } else if (c.b > c.r + 40) {                     /* blue-ish */
                    bx += x;
                    by += y;
                    nb++;
                }
            }
        CHECK(no > 1000 && nb > 1000);
        CHECK(no && nb && ox / no < bx / nb && oy / no < by / nb);
        SDL_FreeSurface(s);
    }
    nn_tensor_free(x);
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

static void test_on_batch_headless(void)
{
    nn_model *m = model_dense(2, 1);
    if (!CHECK(m))
        return;
    CHECK(viz_on_batch(m) == 0);        /* closed: nothing to do */
    if (!CHECK(open_headless(640, 480))) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    viz_set_paused(1);                  /* headless: a pause cannot block training */
    CHECK(viz_on_batch(m) == 0);
    CHECK(viz_pump() == 1);
    viz_set_model(NULL);
    viz_close();
    CHECK(viz_pump() == 0 && !viz_is_open() && !viz_paused());
    nn_model_free(m);
}

/* Keys and clicks, called as the window's events would call them. */
static void test_keys_and_clicks(void)
{
    nn_error err;
    nn_model *m = model_dense(4, 3);
    nn_dense_options o = nn_dense_defaults(2);
    if (!CHECK(m) || !CHECK(nn_model_add(m, nn_dense_new(&o, &err), &err) == NN_OK) ||
        !CHECK(open_headless(1280, 800))) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    int layer, unit;
    viz_key(SDLK_2, 0);
    CHECK(viz_current_panel() == 1);
    viz_key(SDLK_2, 0);
    CHECK(viz_current_panel() == -1);
    viz_key(SDLK_7, 0);
    CHECK(viz_current_panel() == 6);
    viz_key(SDLK_ESCAPE, 0);
    CHECK(viz_current_panel() == -1);
    viz_key(SDLK_TAB, 0);
    CHECK(viz_current_panel() == 0);
    viz_key(SDLK_TAB, 1);
    viz_key(SDLK_TAB, 1);
    CHECK(viz_current_panel() == VIZ_PANEL_COUNT - 1);     /* round to the last panel */
    viz_key(SDLK_RIGHT, 0);
    viz_key(SDLK_RIGHT, 0);
    viz_selection(&layer, &unit);
    CHECK(layer == 1);                  /* two layers: clamped at the last */
    viz_key(SDLK_LEFT, 0);
    for (int i = 0; i < 5; i++)
        viz_key(SDLK_DOWN, 0);
    viz_selection(&layer, &unit);
    CHECK(layer == 0 && unit == 2);     /* three units: clamped at the last */
    viz_key(SDLK_SPACE, 0);
    CHECK(viz_paused());
    viz_key(SDLK_SPACE, 0);
    CHECK(!viz_paused());

    /* a click on a weight's column selects its unit, and the network follows */
    float *w = kernel_of(m, 0);
    for (int i = 0; i < 12; i++)
        w[i] = 0.0f;
    w[0 * 3 + 1] = -1.0f;
    w[3 * 3 + 2] = 1.0f;
    viz_select(0, 0);
    SDL_Surface *s = shot("weights");
    SDL_Rect b = {0, 0, 0, 0};
    if (CHECK(s)) {
        CHECK(px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0x0877bd), &b) > 400);
        SDL_FreeSurface(s);
    }
    viz_set_panel("weights");
    viz_click(b.x + b.w / 2, b.y + b.h / 2);
    viz_selection(&layer, &unit);
    CHECK(layer == 0 && unit == 2);
    SDL_Rect ring2, ring0;
    s = shot("network");
    if (CHECK(s)) {
        CHECK(px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0xd6246e), &ring2) > 20);
        SDL_FreeSurface(s);
    }
    viz_select(0, 0);
    s = shot("network");
    if (CHECK(s)) {
        CHECK(px_find(s, (SDL_Rect){0, 0, 0, 0}, viz_rgb(0xd6246e), &ring0) > 20);
        /* the ring moved up from the third node to the first (the layer name above
        ** is accent too, so compare the lowest accent pixels) */
        CHECK(ring0.y + ring0.h < ring2.y + ring2.h - 40);
        SDL_FreeSurface(s);
    }
    /* a click on a title bar shows that panel alone, a second one goes back */
    viz_set_panel(NULL);
    viz_click(60, 15);
    CHECK(viz_current_panel() == 0);
    viz_click(60, 15);
    CHECK(viz_current_panel() == -1);
    viz_set_model(NULL);
    viz_close();
    nn_model_free(m);
}

void suite_viz_panels(void)
{
    snprintf(dir, sizeof dir, "/tmp/nnscope-viz-test-%ld", (long)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        printf("FAIL cannot make %s\n", dir);
    t_run("viz: weights heat map shows sign at the right place",
          test_weights_heatmap_sign_and_place);
    t_run("viz: a falling loss is drawn going down", test_loss_curve_goes_down);
    t_run("viz: feature map of a known filter", test_feature_map_of_known_filter);
    t_run("viz: titles and status text at 960x600", test_title_text_and_size);
    t_run("viz: snapshot PNG reads back at the window size", test_snapshot_png_round_trip);
    t_run("viz: snapshot and control errors", test_snapshot_errors);
    t_run("viz: decision boundary puts the trace back", test_boundary_leaves_trace);
    t_run("viz: fit hook headless", test_on_batch_headless);
    t_run("viz: keys and clicks, selection followed across panels", test_keys_and_clicks);
    if (getenv("NNSCOPE_KEEP_TEST_PNG"))
        return;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("  (could not remove %s)\n", dir);
}
