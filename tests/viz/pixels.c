/* tests/viz/pixels.c — pixel read-back helpers and small hand-built models. */
#include "tests/viz/pixels.h"

#include <stdlib.h>

#include "nn/nn.h"

void px_sync(viz_canvas *c)
{
    viz_flush(c);
    SDL_RenderFlush(c->r);
}

viz_color px_at(SDL_Surface *s, int x, int y)
{
    const uint8_t *p = (const uint8_t *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4;
    viz_color c = {p[0], p[1], p[2], p[3]};
    return c;
}

int px_near(viz_color a, viz_color b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

int px_find(SDL_Surface *s, SDL_Rect r, viz_color c, SDL_Rect *box)
{
    if (r.w == 0) {
        r.x = r.y = 0;
        r.w = s->w;
        r.h = s->h;
    }
    int n = 0, x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            if (px_near(px_at(s, x, y), c, 0)) {
                n++;
                x0 = x < x0 ? x : x0;
                y0 = y < y0 ? y : y0;
                x1 = x > x1 ? x : x1;
                y1 = y > y1 ? y : y1;
            }
    if (box)
        *box = n ? (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1} : (SDL_Rect){0, 0, 0, 0};
    return n;
}

int px_count_not(SDL_Surface *s, SDL_Rect r, viz_color bg, int tol)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            n += !px_near(px_at(s, x, y), bg, tol);
    return n;
}

double px_column_row(SDL_Surface *s, int x, viz_color c)
{
    double sum = 0.0;
    int n = 0;
    for (int y = 0; y < s->h; y++)
        if (px_near(px_at(s, x, y), c, 0)) {
            sum += y;
            n++;
        }
    return n ? sum / n : -1.0;
}

nn_model *model_dense(int in, int units)
{
    nn_error err;
    nn_model *m = nn_model_new(7, &err);
    if (!m)
        return NULL;
    nn_shape s = {1, {in}};
    nn_compile_options co = {0};
    if (nn_model_set_input(m, 0, &s, &err) != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    nn_dense_options o = nn_dense_defaults(units);
    if (nn_model_add(m, nn_dense_new(&o, &err), &err) != NN_OK ||
        nn_loss_parse("mse", &co.loss, &err) != NN_OK ||
        !(co.optimizer = nn_optim_by_name("sgd", &err)) ||
        nn_model_compile(m, &co, &err) != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    return m;
}
