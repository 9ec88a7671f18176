/* viz/text.c — fonts, cached text textures, number formatting. */
#include "text.h"

#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* ------------------------------------------------------------------- fonts */

#define MAX_PX 64
enum { FACE_SANS, FACE_BOLD, FACE_MONO, FACE_CJK, N_FACES };

static const char *const face_file[N_FACES] = {
    "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSansMono.ttf",
    "wqy/wqy-microhei.ttc",
};

static int ttf_started;
static TTF_Font *fonts[N_FACES][MAX_PX + 1];
static char font_dir[512] = "";

int viz_text_init(void)
{
    if (ttf_started)
        return 0;
    if (TTF_Init() != 0)
        return viz_fail("cannot start SDL_ttf: %s", TTF_GetError());
    ttf_started = 1;
    return 0;
}

void viz_text_quit(void)
{
    if (!ttf_started)
        return;
    for (int f = 0; f < N_FACES; f++)
        for (int s = 0; s <= MAX_PX; s++)
            if (fonts[f][s]) {
                TTF_CloseFont(fonts[f][s]);
                fonts[f][s] = NULL;
            }
    TTF_Quit();
    ttf_started = 0;
}

void viz_text_set_font_dir(const char *dir)
{
    snprintf(font_dir, sizeof font_dir, "%s", dir ? dir : "");
}

/* The font file for a face: in font_dir (or $NNSCOPE_FONTS) flat, else Debian's path. */
static void face_path(int face, char *buf, size_t len)
{
    const char *dir = font_dir[0] ? font_dir : getenv("NNSCOPE_FONTS");
    if (dir && *dir) {
        const char *base = strchr(face_file[face], '/') + 1;
        snprintf(buf, len, "%s/%s", dir, base);
    } else {
        snprintf(buf, len, "/usr/share/fonts/truetype/%s", face_file[face]);
    }
}

static TTF_Font *font_get(int face, int px)
{
    if (px < 1)
        px = 1;
    if (px > MAX_PX)
        px = MAX_PX;
    if (fonts[face][px])
        return fonts[face][px];
    if (viz_text_init() != 0)
        return NULL;
    char path[600];
    face_path(face, path, sizeof path);
    fonts[face][px] = TTF_OpenFontIndex(path, px, 0);
    if (!fonts[face][px]) {
        viz_fail("cannot open font %s (%s): install fonts-dejavu-core and fonts-wqy-microhei",
                 path, TTF_GetError());
        return NULL;
    }
    TTF_SetFontHinting(fonts[face][px], TTF_HINTING_LIGHT);
    return fonts[face][px];
}

/* 1 when s holds a character DejaVu lacks and WenQuanYi has (CJK ideographs,
** kana, Hangul, CJK punctuation, full-width forms). */
static int needs_cjk(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = *p;
        int extra = 0;
        if (cp >= 0xf0) {
            cp &= 0x07;
            extra = 3;
        } else if (cp >= 0xe0) {
            cp &= 0x0f;
            extra = 2;
        } else if (cp >= 0xc0) {
            cp &= 0x1f;
            extra = 1;
        }
        p++;
        for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++, p++)
            cp = (cp << 6) | (*p & 0x3f);
        if ((cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
            (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xffef) ||
            (cp >= 0x20000 && cp <= 0x2fa1f))
            return 1;
    }
    return 0;
}

static TTF_Font *font_for(const char *s, int px, viz_font_kind kind)
{
    if (needs_cjk(s))
        return font_get(FACE_CJK, px);
    return font_get(kind == VIZ_MONO ? FACE_MONO : kind == VIZ_SANS_BOLD ? FACE_BOLD : FACE_SANS,
                    px);
}

int viz_text_width(const char *s, int px, viz_font_kind kind)
{
    TTF_Font *f = font_for(s, px, kind);
    int w = 0, h = 0;
    if (!f || !*s || TTF_SizeUTF8(f, s, &w, &h) != 0)
        return 0;
    return w;
}

int viz_text_height(int px, viz_font_kind kind)
{
    TTF_Font *f = font_for("", px, kind);
    return f ? TTF_FontHeight(f) : px;
}

/* ------------------------------------------------------------------- cache */

#define CACHE_SLOTS 2048
#define CACHE_KEEP_FRAMES 90
#define CACHE_MAX_LEN 200

typedef struct entry {
    char *s;                /* NULL: empty slot */
    int px, kind;
    viz_color col;
    SDL_Texture *tex;
    int w, h;
    unsigned long used;     /* frame it was last drawn in */
} entry;

struct viz_text_cache {
    entry slot[CACHE_SLOTS];
    int count;
    unsigned long frame;
};

viz_text_cache *viz_text_cache_new(void)
{
    return calloc(1, sizeof(viz_text_cache));
}

static void entry_clear(entry *e)
{
    free(e->s);
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    memset(e, 0, sizeof *e);
}

void viz_text_cache_free(viz_text_cache *tc)
{
    if (!tc)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (tc->slot[i].s)
            entry_clear(&tc->slot[i]);
    free(tc);
}

static unsigned hash_key(const char *s, int px, int kind, viz_color col)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ (unsigned)px) * 16777619u;
    h = (h ^ (unsigned)kind) * 16777619u;
    h = (h ^ ((unsigned)col.r << 24 | (unsigned)col.g << 16 | (unsigned)col.b << 8 | col.a)) *
        16777619u;
    return h;
}

static int same_key(const entry *e, const char *s, int px, int kind, viz_color col)
{
    return e->px == px && e->kind == kind && e->col.r == col.r && e->col.g == col.g &&
           e->col.b == col.b && e->col.a == col.a && strcmp(e->s, s) == 0;
}

/* Drop entries unused for CACHE_KEEP_FRAMES frames, re-placing the others so
** probing sequences stay intact. */
void viz_text_cache_age(viz_text_cache *tc, unsigned long frame)
{
    if (!tc)
        return;
    tc->frame = frame + 1;
    if (frame % 30 != 0 && tc->count < CACHE_SLOTS / 2)
        return;
    entry *kept = malloc(sizeof(entry) * CACHE_SLOTS);
    if (!kept)
        return;
    int n = 0;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        entry *e = &tc->slot[i];
        if (!e->s)
            continue;
        if (frame - e->used > CACHE_KEEP_FRAMES || n >= CACHE_SLOTS / 2)
            entry_clear(e);
        else
            kept[n++] = *e;
        memset(e, 0, sizeof *e);
    }
    tc->count = 0;
    for (int i = 0; i < n; i++) {
        unsigned h = hash_key(kept[i].s, kept[i].px, kept[i].kind, kept[i].col) % CACHE_SLOTS;
        while (tc->slot[h].s)
            h = (h + 1) % CACHE_SLOTS;
        tc->slot[h] = kept[i];
        tc->count++;
    }
    free(kept);
}

/* A texture for s: from the cache, or rendered now (and cached when it fits). */
static SDL_Texture *text_texture(viz_canvas *c, const char *s, int px, viz_font_kind kind,
                                 viz_color col, int *w, int *h, int *owned)
{
    viz_text_cache *tc = c->text;
    size_t len = strlen(s);
    *owned = 0;
    entry *slot = NULL;
    if (tc && len <= CACHE_MAX_LEN && tc->count < CACHE_SLOTS * 3 / 4) {
        unsigned i = hash_key(s, px, (int)kind, col) % CACHE_SLOTS;
        while (tc->slot[i].s) {
            entry *e = &tc->slot[i];
            if (same_key(e, s, px, (int)kind, col)) {
                e->used = c->frame;
                *w = e->w;
                *h = e->h;
                return e->tex;
            }
            i = (i + 1) % CACHE_SLOTS;
        }
        slot = &tc->slot[i];
    }
    TTF_Font *f = font_for(s, px, kind);
    if (!f)
        return NULL;
    SDL_Color sc = {col.r, col.g, col.b, col.a};
    SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, sc);
    if (!surf)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(c->r, surf);
    *w = surf->w;
    *h = surf->h;
    SDL_FreeSurface(surf);
    if (!t)
        return NULL;
    char *copy = slot ? malloc(len + 1) : NULL;
    if (!copy) {
        *owned = 1;
        return t;
    }
    memcpy(copy, s, len + 1);
    slot->s = copy;
    slot->px = px;
    slot->kind = (int)kind;
    slot->col = col;
    slot->tex = t;
    slot->w = *w;
    slot->h = *h;
    slot->used = c->frame;
    tc->count++;
    return t;
}

/* The longest prefix of s (whole UTF-8 characters) that fits max_w with "…". */
static void ellipsize(char *out, size_t len, const char *s, int px, viz_font_kind kind,
                      int max_w)
{
    size_t n = strlen(s);
    if (n + 4 > len)
        n = len - 4;
    while (n > 0) {
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        memcpy(out, s, n);
        memcpy(out + n, "\xe2\x80\xa6", 4);
        if (viz_text_width(out, px, kind) <= max_w)
            return;
        n--;
    }
    snprintf(out, len, "%s", viz_text_width("\xe2\x80\xa6", px, kind) <= max_w ? "\xe2\x80\xa6"
                                                                               : "");
}

int viz_text(viz_canvas *c, const char *s, int x, int y, int px, viz_font_kind kind,
             viz_color col, int align, int max_w)
{
    if (!s || !*s)
        return 0;
    char cut[512];
    if (max_w > 0 && viz_text_width(s, px, kind) > max_w) {
        ellipsize(cut, sizeof cut, s, px, kind, max_w);
        s = cut;
        if (!*s)
            return 0;
    }
    int w, h, owned;
    viz_flush(c);
    SDL_Texture *t = text_texture(c, s, px, kind, col, &w, &h, &owned);
    if (!t)
        return 0;
    SDL_Rect dst = {align == VIZ_CENTER ? x - w / 2 : align == VIZ_RIGHT ? x - w : x, y, w, h};
    SDL_RenderCopy(c->r, t, NULL, &dst);
    if (owned)
        SDL_DestroyTexture(t);
    return w;
}

void viz_text_vertical(viz_canvas *c, const char *s, int x, int y, int px, viz_font_kind kind,
                       viz_color col)
{
    if (!s || !*s)
        return;
    int w, h, owned;
    viz_flush(c);
    SDL_Texture *t = text_texture(c, s, px, kind, col, &w, &h, &owned);
    if (!t)
        return;
    /* rotating about the centre keeps the centre: place the unrotated box so
    ** that its centre is (x + h/2, y) */
    SDL_Rect dst = {x + h / 2 - w / 2, y - h / 2, w, h};
    SDL_RenderCopyEx(c->r, t, NULL, &dst, -90.0, NULL, SDL_FLIP_NONE);
    if (owned)
        SDL_DestroyTexture(t);
}

/* ----------------------------------------------------------------- numbers */

char *viz_fmt_num(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "nan");
    else if (isinf(v))
        snprintf(buf, len, v > 0 ? "inf" : "-inf");
    else if (v == 0.0)
        snprintf(buf, len, "0");
    else if (fabs(v) < 1e-3 || fabs(v) >= 1e6)
        snprintf(buf, len, "%.3e", v);
    else
        snprintf(buf, len, "%.4g", v);
    return buf;
}

char *viz_fmt_tick(char *buf, size_t len, double v, double step)
{
    if (fabs(v) < step * 1e-6)
        v = 0.0;
    double a = fabs(v);
    if (v != 0.0 && (a < 1e-3 || a >= 1e6)) {
        snprintf(buf, len, "%.0e", v);
        if (fabs(strtod(buf, NULL) - v) > step * 1e-3)
            snprintf(buf, len, "%.1e", v);
        return buf;
    }
    int decimals = 0;
    if (step > 0.0 && step < 1.0) {
        decimals = (int)ceil(-log10(step) - 1e-9);
        /* a step of 0.25 or 2.5e-2 needs one digit more than its first */
        double scaled = step * pow(10.0, decimals);
        if (fabs(scaled - round(scaled)) > 1e-6)
            decimals++;
    }
    snprintf(buf, len, "%.*f", decimals > 9 ? 9 : decimals, v);
    return buf;
}
