/* viz/window.c — the window's life: open, pump events and frames, close;
** training hooks, controls and snapshots. */
#include "viz.h"

#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "sample.h"
#include "stage.h"
#include "text.h"

#define MESSAGE_MS 4000

typedef struct viz_state {
    int open, headless, force_headless, sdl_video, offscreen_frames;
    SDL_Window *win;
    SDL_Renderer *ren;
    viz_canvas canvas;
    int fps;
    const nn_model *m;
    viz_ui ui;
    viz_sample sample;
    nn_tensor *pinned;              /* the input of viz_sample_input, or NULL */
    int pinned_label;
    unsigned long pinned_key;       /* weights version the pinned sample was run with */
    viz_field field;
    viz_run run;
    char **class_names;
    int n_classes;
    /* change tracking and throttling */
    unsigned long touches;          /* viz_touch calls and UI changes */
    unsigned long drawn_sig;
    int drawn_any;
    Uint64 last_frame_ms, last_events_ms, last_batch_ms;
    /* training */
    int stop_requested, step_pending;
    int (*interrupt_check)(void);
    int seen_epochs, epoch_base, batches_per_epoch, progress_given;
    Uint64 rate_t0;
    long rate_samples;
    unsigned long frames;           /* frames drawn by viz_pump */
    double frame_ms;                /* recent frames' drawing time (moving average) */
    /* messages */
    char message[300];
    Uint64 message_ms;
    int message_unread;
} viz_state;

static viz_state S = {.fps = 30, .ui = {-1, 0, 0, 0, 0, -1}};

viz_options viz_defaults(void)
{
    viz_options o = {1280, 800, 0, 30, "nnscope", 0};
    return o;
}

/* ---------------------------------------------------------------- helpers */

static void say(const char *fmt, const char *arg)
{
    snprintf(S.message, sizeof S.message, fmt, arg);
    S.message_ms = SDL_GetTicks64();
    S.message_unread = 1;
    S.touches++;
}

/* A cheap fingerprint of the weights: 16 values of each parameter, evenly
** spread, so weights set from Lua (set_weights, a step) are noticed without
** reading every value each frame. */
static unsigned long params_checksum(const nn_model *m)
{
    unsigned long h = 14695981039346656037u & 0xffffffffu;
    for (int i = 0; i < nn_view_layer_count(m); i++)
        for (int k = 0; k < nn_view_param_count(m, i); k++) {
            const nn_tensor *t = nn_view_param(m, i, k)->value;
            for (int j = 0; j < 16 && t->size > 0; j++) {
                float v = nn_tensor_f32(t)[(size_t)j * (t->size - 1) / 15];
                uint32_t bits;
                memcpy(&bits, &v, sizeof bits);
                h = (h ^ bits) * 16777619u;
            }
        }
    return h;
}

/* A number that changes whenever the model's visible state does. */
static unsigned long model_signature(const nn_model *m)
{
    if (!m)
        return 0;
    int nb = 0;
    nn_view_batch_losses(m, &nb);
    unsigned long h = 1469598103u;
    unsigned long parts[8] = {
        (unsigned long)nn_view_layer_count(m), (unsigned long)nb,
        (unsigned long)nn_view_epoch_count(m), (unsigned long)nn_view_iterations(m),
        (unsigned long)(nn_view_has_forward(m) | nn_view_has_backward(m) << 1),
        (unsigned long)(uintptr_t)nn_view_last_input(m),
        (unsigned long)nn_view_history_key_count(m), 0,
    };
    double loss = nn_view_last_loss(m);
    memcpy(&parts[7], &loss, sizeof loss < sizeof parts[7] ? sizeof loss : sizeof parts[7]);
    for (int i = 0; i < 8; i++)
        h = (h ^ parts[i]) * 1099511628211u;
    return h ^ params_checksum(m);
}

/* The version of the weights: changes with every optimizer step and every touch. */
static unsigned long weights_key(void)
{
    return (unsigned long)nn_view_iterations(S.m) * 1000003u + S.touches * 7u +
           (unsigned long)nn_view_layer_count(S.m) + params_checksum(S.m) * 31u;
}

static void fill_frame(viz_frame *f, viz_canvas *c)
{
    memset(f, 0, sizeof *f);
    f->c = c;
    f->m = S.m;
    f->ui = &S.ui;
    f->s = &S.sample;
    f->field = &S.field;
    f->run = &S.run;
    f->n_classes = S.n_classes;
    f->class_names = S.class_names;
    f->weights_key = weights_key();
    f->stage = viz_stage_current();
}

/* Bring the current sample up to date before drawing. */
static void refresh_sample(void)
{
    if (!S.m) {
        S.sample.valid = 0;
        return;
    }
    if (S.pinned) {
        unsigned long key = weights_key();
        if (!S.sample.valid || !S.sample.pinned || key != S.pinned_key) {
            if (viz_probe_allowed(S.m)) {
                if (viz_sample_capture_input(&S.sample, S.m, S.pinned, S.pinned_label) != 0)
                    say("viz.sample: %s", viz_error());
                S.pinned_key = key;
            }
        }
        return;
    }
    viz_sample_capture(&S.sample, S.m, S.ui.sample);
}

static void clamp_selection(void)
{
    int n = nn_view_layer_count(S.m);
    if (n == 0) {
        S.ui.layer = S.ui.unit = 0;
        return;
    }
    S.ui.layer = S.ui.layer < 0 ? 0 : S.ui.layer >= n ? n - 1 : S.ui.layer;
    int units = viz_layer_units(S.m, S.ui.layer);
    S.ui.unit = units <= 0 ? 0 : S.ui.unit < 0 ? 0 : S.ui.unit >= units ? units - 1 : S.ui.unit;
}

static void update_run(void)
{
    Uint64 now = SDL_GetTicks64();
    S.run.in_fit = S.last_batch_ms && now - S.last_batch_ms < 1000;
    S.run.paused = S.run.paused && S.open;
}

static void draw_to(viz_canvas *c, int view)
{
    viz_frame f;
    clamp_selection();
    update_run();
    refresh_sample();
    fill_frame(&f, c);
    viz_chrome chrome = {NULL, 1};
    if (S.message[0] && SDL_GetTicks64() - S.message_ms < MESSAGE_MS)
        chrome.message = S.message;
    viz_frame_draw(&f, view, &chrome);
}

/* ------------------------------------------------------------------- life */

void viz_force_headless(int on)
{
    S.force_headless = on;
}

static int open_window(const viz_options *o)
{
    const char *drv = getenv("SDL_VIDEODRIVER");
    if (drv && strcmp(drv, "dummy") == 0)
        return viz_fail("no display (SDL_VIDEODRIVER=dummy): the window runs headless");
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return viz_fail("no display to open a window on (%s): the window runs headless",
                        SDL_GetError());
    S.sdl_video = 1;
    S.win = SDL_CreateWindow(o->title ? o->title : "nnscope", SDL_WINDOWPOS_CENTERED,
                             SDL_WINDOWPOS_CENTERED, o->width, o->height, SDL_WINDOW_RESIZABLE);
    if (S.win) {
        S.ren = SDL_CreateRenderer(S.win, -1, SDL_RENDERER_ACCELERATED);
        if (!S.ren)
            S.ren = SDL_CreateRenderer(S.win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!S.win || !S.ren) {
        viz_fail("cannot open a window (%s): the window runs headless", SDL_GetError());
        if (S.win)
            SDL_DestroyWindow(S.win);
        S.win = NULL;
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        S.sdl_video = 0;
        return -1;
    }
    SDL_SetWindowMinimumSize(S.win, 480, 320);
    int w, h;
    SDL_GetRendererOutputSize(S.ren, &w, &h);
    return viz_canvas_init_renderer(&S.canvas, S.ren, w, h);
}

int viz_open(const viz_options *opt)
{
    viz_options o = opt ? *opt : viz_defaults();
    if (o.width < 320 || o.height < 240 || o.width > 8192 || o.height > 8192)
        return viz_fail("window size %dx%d is out of range (320x240 to 8192x8192)", o.width,
                        o.height);
    if (S.open) {
        if (S.win)
            SDL_RaiseWindow(S.win);
        return 0;
    }
    if (viz_text_init() != 0)
        return -1;
    S.headless = o.headless || S.force_headless;
    if (!S.headless && open_window(&o) != 0)
        return -1;
    if (S.headless && viz_canvas_init_surface(&S.canvas, o.width, o.height) != 0)
        return -1;
    S.fps = o.fps >= 1 && o.fps <= 240 ? o.fps : 30;
    /* NNSCOPE_VIZ_OFFSCREEN=1: a headless window draws its frames anyway, so a
    ** benchmark can measure what a live window costs training */
    const char *off = getenv("NNSCOPE_VIZ_OFFSCREEN");
    S.offscreen_frames = o.offscreen_frames || (off && *off && strcmp(off, "0") != 0);
    S.open = 1;
    S.drawn_any = 0;
    S.run.paused = 0;
    S.stop_requested = S.step_pending = 0;
    S.touches++;
    return 0;
}

void viz_close(void)
{
    if (!S.open)
        return;
    viz_canvas_free(&S.canvas);
    if (S.ren)
        SDL_DestroyRenderer(S.ren);
    if (S.win)
        SDL_DestroyWindow(S.win);
    S.ren = NULL;
    S.win = NULL;
    if (S.sdl_video)
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    S.sdl_video = 0;
    S.open = 0;
    S.run.paused = 0;
    S.step_pending = 0;
    viz_sample_free(&S.sample);
}

int viz_resize(int w, int h)
{
    if (!S.open)
        return viz_fail("the window is not open");
    if (w < 320 || h < 240 || w > 8192 || h > 8192)
        return viz_fail("window size %dx%d is out of range (320x240 to 8192x8192)", w, h);
    if (S.win) {
        SDL_SetWindowSize(S.win, w, h);
        SDL_GetRendererOutputSize(S.ren, &S.canvas.w, &S.canvas.h);
    } else {
        viz_canvas c;
        if (viz_canvas_init_surface(&c, w, h) != 0)
            return -1;
        viz_canvas_free(&S.canvas);
        S.canvas = c;
    }
    S.drawn_any = 0;
    S.touches++;
    return 0;
}

int viz_is_open(void)
{
    return S.open;
}

int viz_is_headless(void)
{
    return S.open && S.headless;
}

void viz_touch(void)
{
    S.touches++;
}

void viz_set_model(const nn_model *m)
{
    if (m != S.m) {
        S.m = m;
        viz_stage_clear();
        free(S.field.v);
        S.field.v = NULL;
        S.field.valid = 0;
        if (!S.field.user_points)
            S.field.n_points = 0;
        nn_tensor_free(S.pinned);
        S.pinned = NULL;
        S.sample.valid = 0;
        S.ui.layer = S.ui.unit = 0;
        S.last_batch_ms = 0;
        S.seen_epochs = S.epoch_base = S.batches_per_epoch = 0;
        S.progress_given = 0;
        memset(&S.run, 0, sizeof S.run);
    }
    S.touches++;
}

const nn_model *viz_model(void)
{
    return S.m;
}

/* --------------------------------------------------------------- controls */

static const char *const panel_names[VIZ_PANEL_COUNT] = {
    "network", "weights", "activations", "loss", "sample", "boundary", "features", "formula",
};

const char *viz_panel_name(int k)
{
    return k >= 0 && k < VIZ_PANEL_COUNT ? panel_names[k] : NULL;
}

static int panel_index(const char *name)
{
    for (int k = 0; k < VIZ_PANEL_COUNT; k++)
        if (strcmp(name, panel_names[k]) == 0)
            return k;
    return -1;
}

static int unknown_panel(const char *name)
{
    return viz_fail("unknown panel '%s' (panels: dashboard, network, weights, activations, "
                    "loss, sample, boundary, features, formula)", name);
}

int viz_set_panel(const char *name)
{
    if (!name || strcmp(name, "dashboard") == 0) {
        S.ui.panel = -1;
        S.touches++;
        return 0;
    }
    int k = panel_index(name);
    if (k < 0)
        return unknown_panel(name);
    S.ui.panel = k;
    S.touches++;
    return 0;
}

int viz_panel_applies(const char *name, char *why, size_t len)
{
    int k = panel_index(name);
    if (k < 0) {
        unknown_panel(name);
        return -1;
    }
    viz_frame f;
    fill_frame(&f, &S.canvas);
    if (why && len)
        why[0] = '\0';
    if (!S.m) {
        snprintf(why, len, "no model shown: call viz.show(model)");
        return 0;
    }
    const viz_panel_ops *p = viz_panel_get(k);
    return !p->applies || p->applies(&f, why, len);
}

int viz_select(int layer, int unit)
{
    int n = nn_view_layer_count(S.m);
    if (layer < 0 || layer >= n)
        return viz_fail("no layer %d: the model has %d layer%s (0 to %d here)", layer, n,
                        n == 1 ? "" : "s", n - 1);
    S.ui.layer = layer;
    if (unit >= 0) {
        int units = viz_layer_units(S.m, layer);
        if (unit >= units)
            return viz_fail("layer %d (%s) has %d unit%s (0 to %d)", layer,
                            nn_view_layer_name(S.m, layer), units, units == 1 ? "" : "s",
                            units - 1);
        S.ui.unit = unit;
    }
    clamp_selection();
    S.touches++;
    return 0;
}

int viz_layer_unit_count(int layer)
{
    if (layer < 0 || layer >= nn_view_layer_count(S.m))
        return 0;
    return viz_layer_units(S.m, layer);
}

void viz_selection(int *layer, int *unit)
{
    clamp_selection();
    *layer = S.ui.layer;
    *unit = S.ui.unit;
}

void viz_select_sample(int row)
{
    S.ui.sample = row < 0 ? 0 : row;
    S.touches++;
}

int viz_sample_input(const nn_tensor *x, int label)
{
    if (!x) {
        nn_tensor_free(S.pinned);
        S.pinned = NULL;
        S.sample.valid = 0;
        S.touches++;
        return 0;
    }
    if (!S.m)
        return viz_fail("no model shown: call viz.show(model) first");
    nn_error err;
    nn_tensor *copy = nn_tensor_to_f32(x, &err);
    if (!copy)
        return viz_fail("viz.sample: %s", err.msg);
    if (viz_sample_capture_input(&S.sample, S.m, copy, label) != 0) {
        nn_tensor_free(copy);
        return -1;
    }
    nn_tensor_free(S.pinned);
    S.pinned = copy;
    S.pinned_label = label;
    S.pinned_key = weights_key();
    S.touches++;
    return 0;
}

static int class_of(const nn_tensor *y, int i)
{
    if (!y)
        return -1;
    size_t k = nn_tensor_row_size(y);
    if (k == 1)
        return (int)lroundf(nn_tensor_get(y, (size_t)i));
    size_t best = 0;
    for (size_t j = 1; j < k; j++)
        if (nn_tensor_get(y, i * k + j) > nn_tensor_get(y, i * k + best))
            best = j;
    return (int)best;
}

int viz_set_points(const nn_tensor *x, const nn_tensor *y)
{
    viz_field *fd = &S.field;
    fd->n_points = 0;
    fd->user_points = 0;
    fd->valid = 0;
    S.touches++;
    if (!x)
        return 0;
    if (x->ndim != 2 || x->shape[1] != 2)
        return viz_fail("points must be x of shape (n, 2)");
    if (y && y->shape[0] != x->shape[0])
        return viz_fail("points: x has %d rows but y has %d", x->shape[0], y->shape[0]);
    int n = x->shape[0], keep = n < 2000 ? n : 2000;
    if (keep > fd->cap_points) {
        float *px = realloc(fd->px, (size_t)keep * sizeof *px);
        if (px)
            fd->px = px;
        float *py = realloc(fd->py, (size_t)keep * sizeof *py);
        if (py)
            fd->py = py;
        int *pc = realloc(fd->pc, (size_t)keep * sizeof *pc);
        if (pc)
            fd->pc = pc;
        if (!px || !py || !pc)
            return viz_fail("out of memory keeping %d points", keep);
        fd->cap_points = keep;
    }
    for (int i = 0; i < keep; i++) {
        int r = (int)((long)i * n / keep);
        fd->px[i] = nn_tensor_get(x, (size_t)r * 2);
        fd->py[i] = nn_tensor_get(x, (size_t)r * 2 + 1);
        fd->pc[i] = class_of(y, r);
    }
    fd->n_points = keep;
    fd->user_points = 1;
    return 0;
}

int viz_set_class_names(int n, const char *const *names)
{
    for (int i = 0; i < S.n_classes; i++)
        free(S.class_names[i]);
    free(S.class_names);
    S.class_names = NULL;
    S.n_classes = 0;
    S.touches++;
    if (n <= 0 || !names)
        return 0;
    S.class_names = calloc((size_t)n, sizeof *S.class_names);
    if (!S.class_names)
        return viz_fail("out of memory");
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        S.class_names[i] = malloc(len + 1);
        if (!S.class_names[i])
            return viz_fail("out of memory");
        memcpy(S.class_names[i], names[i], len + 1);
        S.n_classes = i + 1;
    }
    return 0;
}

int viz_set_fps(int fps)
{
    if (fps < 1 || fps > 240)
        return viz_fail("fps must be between 1 and 240, not %d", fps);
    S.fps = fps;
    return 0;
}

const char *viz_take_message(void)
{
    if (!S.message_unread)
        return NULL;
    S.message_unread = 0;
    return S.message;
}

/* --------------------------------------------------------------- snapshot */

static int write_png(SDL_Surface *surf, const char *path)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return viz_fail("snapshot path too long: %s", path);
    /* opaque RGB: a quarter smaller than RGBA, and a frame has no transparency */
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(surf, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb)
        return viz_fail("cannot convert the snapshot: %s", SDL_GetError());
    errno = 0;
    int rc = IMG_SavePNG(rgb, tmp);
    SDL_FreeSurface(rgb);
    if (rc != 0) {
        int e = errno;
        remove(tmp);
        return viz_fail("cannot write snapshot '%s': %s", path,
                        e ? strerror(e) : IMG_GetError());
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return viz_fail("cannot write snapshot '%s': %s", path, strerror(e));
    }
    return 0;
}

int viz_snapshot(const char *path, const char *panel)
{
    if (!S.open)
        return viz_fail("the window is not open: call viz.show(model) first");
    if (!path || !*path)
        return viz_fail("snapshot needs a file name");
    int view = S.ui.panel;
    if (panel && strcmp(panel, "dashboard") == 0)
        view = -1;
    else if (panel && (view = panel_index(panel)) < 0)
        return unknown_panel(panel);
    viz_canvas c;
    if (viz_canvas_init_surface(&c, S.canvas.w, S.canvas.h) != 0)
        return -1;
    errno = 0;
    draw_to(&c, view);
    SDL_RenderFlush(c.r);
    int rc = write_png(c.surface, path);
    viz_canvas_free(&c);
    return rc;
}

/* ------------------------------------------------------------------ events */

static void save_key_snapshot(void)
{
    char name[64];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(name, sizeof name, "nnscope-%Y%m%d-%H%M%S.png", &tm);
    if (viz_snapshot(name, NULL) == 0)
        say("saved %s", name);
    else
        say("%s", viz_error());
}

static void cycle_panel(int dir)
{
    /* dashboard, then each panel alone, round */
    int v = S.ui.panel + dir;
    if (v < -1)
        v = VIZ_PANEL_COUNT - 1;
    if (v >= VIZ_PANEL_COUNT)
        v = -1;
    S.ui.panel = v;
}

int viz_current_panel(void)
{
    return S.ui.panel;
}

void viz_key(int keycode, int shift)
{
    SDL_Keycode key = keycode;
    if (key >= SDLK_1 && key < SDLK_1 + VIZ_PANEL_COUNT) {
        int p = (int)(key - SDLK_1);
        S.ui.panel = S.ui.panel == p ? -1 : p;
    } else if (key == SDLK_0 || key == SDLK_ESCAPE) {
        S.ui.panel = -1;
    } else if (key == SDLK_TAB) {
        cycle_panel(shift ? -1 : 1);
    } else if (key == SDLK_LEFT || key == SDLK_RIGHT) {
        S.ui.layer += key == SDLK_LEFT ? -1 : 1;
        S.ui.zoom = -1;
    } else if (key == SDLK_UP || key == SDLK_DOWN) {
        S.ui.unit += key == SDLK_UP ? -1 : 1;
    } else if (key == SDLK_PAGEUP || key == SDLK_PAGEDOWN) {
        S.ui.unit += key == SDLK_PAGEUP ? -10 : 10;
    } else if (key == SDLK_SPACE) {
        S.run.paused = !S.run.paused;
    } else if (key == SDLK_n) {
        if (S.run.paused)
            S.step_pending = 1;
        else
            S.run.paused = 1;
    } else if (key == SDLK_x) {
        if (S.run.in_fit || S.run.paused)
            S.stop_requested = 1;
    } else if (key == SDLK_PERIOD) {
        viz_request_step();     /* the next stage of model:step (taken by the REPL) */
    } else if (key == SDLK_s) {
        save_key_snapshot();
    } else if (key == SDLK_l) {
        S.ui.ylog = !S.ui.ylog;
    } else if (key == SDLK_LEFTBRACKET || key == SDLK_RIGHTBRACKET) {
        S.ui.sample += key == SDLK_LEFTBRACKET ? -1 : 1;
        S.ui.sample = S.ui.sample < 0 ? 0 : S.ui.sample;
        if (S.sample.valid && !S.sample.pinned && S.ui.sample >= S.sample.batch)
            S.ui.sample = S.sample.batch - 1;
    } else {
        return;
    }
    clamp_selection();
    S.touches++;
}

void viz_click(int x, int y)
{
    viz_frame f;
    fill_frame(&f, &S.canvas);
    int ids[VIZ_PANEL_COUNT];
    SDL_Rect rects[VIZ_PANEL_COUNT];
    int n = viz_frame_layout(&f, S.ui.panel, S.canvas.w, S.canvas.h, ids, rects);
    f.alone = n == 1;
    for (int i = 0; i < n; i++) {
        if (!viz_in_rect(rects[i], x, y))
            continue;
        SDL_Rect body = viz_frame_body(rects[i]);
        if (!viz_in_rect(body, x, y)) {
            /* the title bar: show this panel alone, or go back to the dashboard */
            S.ui.panel = S.ui.panel == ids[i] ? -1 : ids[i];
        } else {
            const viz_panel_ops *p = viz_panel_get(ids[i]);
            if (p->click && S.m)
                p->click(&f, body, x, y);
        }
        clamp_selection();
        S.touches++;
        return;
    }
}

static void handle_events(void)
{
    SDL_Event e;
    while (S.open && SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            viz_close();
            return;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_CLOSE) {
                viz_close();
                return;
            }
            if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                e.window.event == SDL_WINDOWEVENT_EXPOSED) {
                int w, h;
                SDL_GetRendererOutputSize(S.ren, &w, &h);
                S.canvas.w = w;
                S.canvas.h = h;
                S.drawn_any = 0;
            }
            break;
        case SDL_KEYDOWN:
            viz_key(e.key.keysym.sym, (e.key.keysym.mod & KMOD_SHIFT) != 0);
            break;
        case SDL_MOUSEBUTTONDOWN:
            if (e.button.button == SDL_BUTTON_LEFT)
                viz_click(e.button.x, e.button.y);
            break;
        default:
            break;
        }
    }
}

int viz_pump(void)
{
    if (!S.open)
        return 0;
    Uint64 now = SDL_GetTicks64();
    if (S.headless && !S.offscreen_frames)
        return 1;       /* nobody to see a frame; snapshots draw their own */
    if (!S.headless && now - S.last_events_ms >= 8) {
        S.last_events_ms = now;
        handle_events();
        if (!S.open)
            return 0;
    }
    /* The frame rate limit; and while training, frames may take at most about a
    ** twelfth of the time (slow frames come less often, training keeps its pace). */
    Uint64 gap = (Uint64)(1000 / S.fps);
    int training = S.last_batch_ms && now - S.last_batch_ms < 1000;
    if (training && S.frame_ms * 12.0 > (double)gap)
        gap = (Uint64)(S.frame_ms * 12.0);
    if (now - S.last_frame_ms < gap)
        return 1;
    unsigned long sig = model_signature(S.m) ^ (S.touches * 2654435761u);
    int in_fit = training;
    int message_live = S.message[0] && now - S.message_ms < MESSAGE_MS + 1000;
    if (S.drawn_any && sig == S.drawn_sig && in_fit == S.run.in_fit && !message_live)
        return 1;
    Uint64 t0 = SDL_GetPerformanceCounter();
    draw_to(&S.canvas, S.ui.panel);
    if (S.ren)
        SDL_RenderPresent(S.ren);
    else
        SDL_RenderFlush(S.canvas.r);
    double ms = (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 /
                (double)SDL_GetPerformanceFrequency();
    S.frame_ms = S.frames ? 0.8 * S.frame_ms + 0.2 * ms : ms;
    S.frames++;
    S.last_frame_ms = SDL_GetTicks64();
    S.drawn_sig = sig;
    S.drawn_any = 1;
    return 1;
}

/* --------------------------------------------------------------- training */

unsigned long viz_frame_count(void)
{
    return S.frames;
}

double viz_frame_ms(void)
{
    return S.frame_ms;
}

int viz_paused(void)
{
    return S.open && S.run.paused;
}

void viz_set_paused(int on)
{
    S.run.paused = on && S.open;
    S.touches++;
}

void viz_set_interrupt_check(int (*fn)(void))
{
    S.interrupt_check = fn;
}

void viz_fit_progress(int epoch, int epochs, int batch, int batches)
{
    S.progress_given = 1;
    S.run.epoch = epoch;
    S.run.epochs = epochs;
    S.run.batch = batch;
    S.run.batches = batches;
}

/* Epoch and batch from the history when fit does not say (viz_fit_progress). */
static void infer_progress(const nn_model *m)
{
    int nb = 0;
    nn_view_batch_losses(m, &nb);
    int ne = nn_view_epoch_count(m);
    if (nb - 1 < S.epoch_base || ne < S.seen_epochs) {     /* a new history */
        S.epoch_base = 0;
        S.seen_epochs = ne;
        S.batches_per_epoch = ne > 0 ? (nb - 1) / ne : 0;
    }
    if (ne != S.seen_epochs) {
        int base = nb - 1;
        S.batches_per_epoch = base - S.epoch_base;
        S.epoch_base = base;
        S.seen_epochs = ne;
    }
    S.run.epoch = ne;
    S.run.epochs = 0;
    S.run.batch = nb - 1 - S.epoch_base;
    S.run.batches = S.batches_per_epoch > S.run.batch ? S.batches_per_epoch : 0;
}

/* Points for the decision boundary, from batches, when none were given. */
static void collect_points(const nn_model *m)
{
    viz_field *fd = &S.field;
    const nn_tensor *x = nn_view_last_input(m);
    const nn_tensor *y = nn_view_last_target(m);
    if (fd->user_points || !x || x->ndim != 2 || x->shape[1] != 2 || fd->n_points >= 1000)
        return;
    if (!fd->px) {
        fd->px = malloc(1000 * sizeof *fd->px);
        fd->py = malloc(1000 * sizeof *fd->py);
        fd->pc = malloc(1000 * sizeof *fd->pc);
        if (!fd->px || !fd->py || !fd->pc)
            return;
        fd->cap_points = 1000;
    }
    if (fd->cap_points < 1000)
        return;
    int B = x->shape[0];
    for (int i = 0; i < B && fd->n_points < 1000; i++) {
        fd->px[fd->n_points] = nn_tensor_f32(x)[2 * i];
        fd->py[fd->n_points] = nn_tensor_f32(x)[2 * i + 1];
        fd->pc[fd->n_points] = y && y->shape[0] == B ? class_of(y, i) : -1;
        fd->n_points++;
    }
}

int viz_on_batch(const nn_model *m)
{
    if (!S.open || !m || m != S.m)
        return 0;
    viz_set_stage(m, NN_STAGE_UPDATE, -1, VIZ_PASS);   /* fit's batch ended with its update */
    Uint64 now = SDL_GetTicks64();
    S.last_batch_ms = now;
    const nn_tensor *x = nn_view_last_input(m);
    if (x) {
        if (!S.rate_t0)
            S.rate_t0 = now;
        S.rate_samples += x->shape[0];
        if (now - S.rate_t0 >= 500) {
            double rate = S.rate_samples * 1000.0 / (double)(now - S.rate_t0);
            S.run.samples_per_s = S.run.samples_per_s > 0.0
                ? 0.5 * S.run.samples_per_s + 0.5 * rate : rate;
            S.rate_t0 = now;
            S.rate_samples = 0;
        }
    }
    if (!S.progress_given)
        infer_progress(m);
    collect_points(m);
    viz_pump();
    while (S.open && !S.headless && S.run.paused && !S.step_pending && !S.stop_requested) {
        if (S.interrupt_check && S.interrupt_check()) {
            S.run.paused = 0;
            return 1;
        }
        SDL_Delay(10);
        S.last_batch_ms = SDL_GetTicks64();
        viz_pump();
    }
    S.step_pending = 0;
    if (S.stop_requested) {
        S.stop_requested = 0;
        S.run.paused = 0;
        return 1;
    }
    return 0;
}
