/* viz/panel.c — the panel list and the helpers panels share. */
#include "panel.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

const viz_panel_ops *viz_panel_get(int k)
{
    static const viz_panel_ops *const all[] = {
        &viz_panel_network, &viz_panel_weights, &viz_panel_activations, &viz_panel_loss,
        &viz_panel_sample, &viz_panel_boundary, &viz_panel_features, &viz_panel_formula,
    };
    return k >= 0 && k < (int)(sizeof all / sizeof all[0]) ? all[k] : NULL;
}

/* Split msg at spaces into lines no wider than w; draws up to 3. */
void viz_panel_message(viz_canvas *c, SDL_Rect r, const char *msg)
{
    char lines[3][256];
    int n = 0;
    const char *p = msg;
    while (*p && n < 3) {
        size_t best = 0, len = strlen(p);
        for (size_t i = 1; i <= len && i < sizeof lines[0]; i++) {
            if (i < len && p[i] != ' ')
                continue;
            char tmp[256];
            memcpy(tmp, p, i);
            tmp[i] = '\0';
            if (viz_text_width(tmp, VIZ_LABEL_PX, VIZ_SANS) > r.w - 20 && best > 0)
                break;
            best = i;
        }
        if (best == 0)
            best = len < sizeof lines[0] - 1 ? len : sizeof lines[0] - 1;
        memcpy(lines[n], p, best);
        lines[n][best] = '\0';
        n++;
        p += best;
        while (*p == ' ')
            p++;
    }
    int lh = viz_text_height(VIZ_LABEL_PX, VIZ_SANS) + 2;
    int y = r.y + r.h / 2 - n * lh / 2;
    for (int i = 0; i < n; i++)
        viz_text(c, lines[i], r.x + r.w / 2, y + i * lh, VIZ_LABEL_PX, VIZ_SANS,
                 viz_rgb(VIZ_INK_SOFT), VIZ_CENTER, r.w - 8);
}

int viz_shape_size(const nn_shape *s)
{
    if (!s || s->ndim == 0)
        return 0;
    return (int)nn_shape_size(s);
}

int viz_layer_image_shape(const nn_model *m, int i, int *h, int *w, int *ch)
{
    const nn_shape *s = nn_view_layer_out_shape(m, i);
    if (!s || s->ndim < 2 || s->ndim > 3)
        return 0;
    *h = s->dim[0];
    *w = s->dim[1];
    *ch = s->ndim == 3 ? s->dim[2] : 1;
    return *h > 1 && *w > 1;
}

static int isqrt(int n)
{
    int r = 0;
    while ((r + 1) * (r + 1) <= n)
        r++;
    return r;
}

int viz_input_image_shape(const nn_model *m, int *h, int *w, int *ch)
{
    const nn_shape *s = nn_view_input_shape(m, 0);
    if (!s)
        return 0;
    if (s->ndim == 3 || s->ndim == 2) {
        *h = s->dim[0];
        *w = s->dim[1];
        *ch = s->ndim == 3 ? s->dim[2] : 1;
        return *h > 1 && *w > 1 && (*ch == 1 || *ch == 3);
    }
    if (s->ndim != 1)
        return 0;
    /* flattened images: a square of at least 8 x 8 grey pixels, or of RGB ones */
    int n = s->dim[0], r = isqrt(n);
    if (r >= 8 && r * r == n) {
        *h = *w = r;
        *ch = 1;
        return 1;
    }
    r = isqrt(n / 3);
    if (n % 3 == 0 && r >= 8 && r * r * 3 == n) {
        *h = *w = r;
        *ch = 3;
        return 1;
    }
    return 0;
}

int viz_sel_layer(const viz_frame *f)
{
    int n = nn_view_layer_count(f->m);
    if (n == 0)
        return -1;
    int l = f->ui->layer;
    return l < 0 ? 0 : l >= n ? n - 1 : l;
}

int viz_layer_units(const nn_model *m, int i)
{
    int h, w, ch;
    if (viz_layer_image_shape(m, i, &h, &w, &ch))
        return ch;
    return viz_shape_size(nn_view_layer_out_shape(m, i));
}

int viz_nearest_kernel_layer(const nn_model *m, int from)
{
    int n = nn_view_layer_count(m);
    for (int d = 0; d < n; d++) {
        if (from + d < n && from + d >= 0 && nn_view_param_named(m, from + d, "kernel"))
            return from + d;
        if (from - d >= 0 && from - d < n && nn_view_param_named(m, from - d, "kernel"))
            return from - d;
    }
    return -1;
}

int viz_act_nonnegative(nn_activation_kind k)
{
    return k == NN_ACT_RELU || k == NN_ACT_SIGMOID || k == NN_ACT_SOFTMAX ||
           k == NN_ACT_SOFTPLUS;
}

void viz_step_text(const viz_frame *f, char *buf, size_t len)
{
    long it = nn_view_iterations(f->m);
    int epochs = nn_view_epoch_count(f->m);
    if (f->run->in_fit)
        snprintf(buf, len, "step %ld \xc2\xb7 epoch %d", it, f->run->epoch + 1);
    else if (epochs > 0)
        snprintf(buf, len, "step %ld \xc2\xb7 after epoch %d", it, epochs);
    else
        snprintf(buf, len, "step %ld", it);
}
