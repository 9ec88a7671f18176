/* nn/json.c — the strict JSON reader and the writer. */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nn_json_limits nn_json_default_limits(void)
{
    nn_json_limits l = {100u << 20, 64, 1u << 20};
    return l;
}

/* ------------------------------------------------------------------ parser */

typedef struct parser {
    const unsigned char *s;
    size_t len, pos;
    int depth, max_depth;
    size_t nodes, max_nodes;    /* values made so far, and the cap (memory stays bounded) */
    nn_error *err;
} parser;

static int fail(parser *p, size_t at, const char *what)
{
    nn_error_set(p->err, NN_EFORMAT, "invalid JSON at byte %zu: %s", at, what);
    return -1;
}

static int oom(parser *p)
{
    nn_error_set(p->err, NN_ENOMEM, "out of memory reading JSON");
    return -1;
}

static void skip_space(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        p->pos++;
    }
}

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail(p, p->pos, "unexpected character (expected a value)");
    p->pos += n;
    return 0;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(parser *p, nn_json *v)
{
    size_t start = p->pos, i = p->pos;
    const unsigned char *s = p->s;
    if (i < p->len && s[i] == '-')
        i++;
    if (i >= p->len || !is_digit(s[i]))
        return fail(p, i, "a number needs a digit here");
    if (s[i] == '0') {
        i++;
        if (i < p->len && is_digit(s[i]))
            return fail(p, i, "a number cannot have a leading zero");
    } else {
        while (i < p->len && is_digit(s[i]))
            i++;
    }
    if (i < p->len && s[i] == '.') {
        i++;
        if (i >= p->len || !is_digit(s[i]))
            return fail(p, i, "a digit must follow the decimal point");
        while (i < p->len && is_digit(s[i]))
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->len || !is_digit(s[i]))
            return fail(p, i, "a digit must follow the exponent mark");
        while (i < p->len && is_digit(s[i]))
            i++;
    }
    /* strtod needs a terminated copy: the text may end right after the number */
    size_t n = i - start;
    char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy)
        return oom(p);
    memcpy(copy, s + start, n);
    copy[n] = '\0';
    double d = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    if (!isfinite(d))
        return fail(p, start, "number out of range");
    v->type = NN_JSON_NUMBER;
    v->number = d;
    p->pos = i;
    return 0;
}

static int hex4(parser *p, size_t at, unsigned *out)
{
    if (p->len - at < 4)
        return fail(p, at, "\\u needs four hex digits");
    unsigned u = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = p->s[at + k];
        unsigned d;
        if (is_digit(c))
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return fail(p, at + k, "\\u needs four hex digits");
        u = u * 16 + d;
    }
    *out = u;
    return 0;
}

/* Length of the valid UTF-8 sequence at s[0..avail-1], or 0 when invalid
** (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string starting at the opening quote; the decoded text is never longer
** than the raw text, so one allocation of the raw length is enough. */
static int parse_string(parser *p, char **out, size_t *out_len)
{
    size_t start = p->pos++, end = p->pos;
    while (end < p->len && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->len)
        return fail(p, start, "unterminated string");
    char *buf = malloc(end - p->pos + 1);
    if (!buf)
        return oom(p);
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = p->s[p->pos];
        if (c < 0x20) {
            free(buf);
            return fail(p, p->pos, "control character inside a string (escape it)");
        }
        if (c != '\\') {
            size_t k = utf8_length(p->s + p->pos, end - p->pos);
            if (k == 0) {
                free(buf);
                return fail(p, p->pos, "invalid UTF-8 inside a string");
            }
            memcpy(buf + n, p->s + p->pos, k);
            n += k;
            p->pos += k;
            continue;
        }
        size_t at = p->pos;
        char e = (char)p->s[p->pos + 1];
        p->pos += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            buf[n++] = decoded[simple - "\"\\/bfnrt"];
            continue;
        }
        if (e != 'u') {
            free(buf);
            return fail(p, at, "unknown escape in a string");
        }
        unsigned cp;
        if (hex4(p, p->pos, &cp) != 0) {
            free(buf);
            return -1;
        }
        p->pos += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (p->pos + 1 >= end || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
                hex4(p, p->pos + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                free(buf);
                return fail(p, at, "a high surrogate \\u escape must be followed by a low one");
            }
            p->pos += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(buf);
            return fail(p, at, "a low surrogate \\u escape without a high one");
        } else if (cp == 0) {
            free(buf);
            return fail(p, at, "\\u0000 (a NUL character) is not allowed in strings");
        }
        n += put_utf8(buf + n, cp);
    }
    p->pos = end + 1;
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 0;
}

static int parse_value(parser *p, nn_json *v);

/* Append a zeroed item to an array or object; returns it, or NULL. */
static nn_json *push_item(parser *p, nn_json *v, int *cap)
{
    if (p->nodes >= p->max_nodes) {
        nn_error_set(p->err, NN_EARG, "JSON has more than %zu values (at byte %zu)",
                     p->max_nodes, p->pos);
        return NULL;
    }
    if (v->n == *cap) {
        int grown = *cap ? 2 * *cap : 4;
        nn_json *items = realloc(v->items, (size_t)grown * sizeof *items);
        if (!items) {
            oom(p);
            return NULL;
        }
        v->items = items;
        if (v->type == NN_JSON_OBJECT) {
            char **keys = realloc(v->keys, (size_t)grown * sizeof *keys);
            if (!keys) {
                oom(p);
                return NULL;
            }
            v->keys = keys;
        }
        *cap = grown;
    }
    nn_json *item = &v->items[v->n];
    memset(item, 0, sizeof *item);
    p->nodes++;
    return item;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keys must be unique: a reader of a header must not pick one of two values. */
static int check_duplicates(parser *p, const nn_json *v)
{
    if (v->n < 2)
        return 0;
    char **sorted = malloc((size_t)v->n * sizeof *sorted);
    if (!sorted)
        return oom(p);
    memcpy(sorted, v->keys, (size_t)v->n * sizeof *sorted);
    qsort(sorted, (size_t)v->n, sizeof *sorted, compare_keys);
    int rc = 0;
    for (int i = 1; i < v->n && rc == 0; i++) {
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            char what[160];
            snprintf(what, sizeof what, "duplicate key \"%.100s\" in the object", sorted[i]);
            rc = fail(p, v->offset, what);
        }
    }
    free(sorted);
    return rc;
}

static int parse_container(parser *p, nn_json *v, int object)
{
    if (++p->depth > p->max_depth) {
        nn_error_set(p->err, NN_EARG, "JSON nested deeper than %d levels at byte %zu",
                     p->max_depth, p->pos);
        return -1;
    }
    v->type = object ? NN_JSON_OBJECT : NN_JSON_ARRAY;
    char close = object ? '}' : ']';
    int cap = 0;
    p->pos++;
    skip_space(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return 0;
    }
    for (;;) {
        skip_space(p);
        char *key = NULL;
        size_t key_len;
        if (object) {
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return fail(p, p->pos, "expected a string key in the object");
            if (parse_string(p, &key, &key_len) != 0)
                return -1;
            skip_space(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                free(key);
                return fail(p, p->pos, "expected ':' after an object key");
            }
            p->pos++;
        }
        nn_json *item = push_item(p, v, &cap);
        if (!item) {
            free(key);
            return -1;
        }
        if (object)
            v->keys[v->n] = key;
        v->n++;
        if (parse_value(p, item) != 0)
            return -1;
        skip_space(p);
        if (p->pos >= p->len)
            return fail(p, p->pos, object ? "unterminated object" : "unterminated array");
        char c = (char)p->s[p->pos++];
        if (c == close)
            break;
        if (c != ',')
            return fail(p, p->pos - 1, object ? "expected ',' or '}' in the object"
                                              : "expected ',' or ']' in the array");
    }
    p->depth--;
    return object ? check_duplicates(p, v) : 0;
}

static int parse_value(parser *p, nn_json *v)
{
    skip_space(p);
    v->offset = p->pos;
    if (p->pos >= p->len)
        return fail(p, p->pos, "unexpected end of the text (expected a value)");
    switch (p->s[p->pos]) {
    case '{': return parse_container(p, v, 1);
    case '[': return parse_container(p, v, 0);
    case '"':
        v->type = NN_JSON_STRING;
        return parse_string(p, &v->string, &v->len);
    case 't': v->type = NN_JSON_TRUE;  return literal(p, "true");
    case 'f': v->type = NN_JSON_FALSE; return literal(p, "false");
    case 'n': v->type = NN_JSON_NULL;  return literal(p, "null");
    default:
        return parse_number(p, v);
    }
}

static void free_value(nn_json *v)
{
    free(v->string);
    for (int i = 0; i < v->n; i++) {
        free_value(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

void nn_json_free(nn_json *v)
{
    if (!v)
        return;
    free_value(v);
    free(v);
}

nn_json *nn_json_parse(const char *text, size_t len, const nn_json_limits *limits,
                       nn_error *err)
{
    nn_json_limits lim = limits ? *limits : nn_json_default_limits();
    if (len > lim.max_bytes) {
        nn_error_set(err, NN_EARG, "JSON text of %zu bytes is over the limit of %zu", len,
                     lim.max_bytes);
        return NULL;
    }
    parser p = {(const unsigned char *)text, len, 0, 0, lim.max_depth, 0, lim.max_values, err};
    nn_json *v = calloc(1, sizeof *v);
    if (!v) {
        nn_error_set(err, NN_ENOMEM, "out of memory reading JSON");
        return NULL;
    }
    int rc = parse_value(&p, v);
    if (rc == 0) {
        skip_space(&p);
        if (p.pos < len)
            rc = fail(&p, p.pos, "unexpected text after the value");
    }
    if (rc != 0) {
        nn_json_free(v);
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------------ access */

const nn_json *nn_json_get(const nn_json *v, const char *key)
{
    if (!v || v->type != NN_JSON_OBJECT)
        return NULL;
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const char *nn_json_str(const nn_json *v)
{
    return v && v->type == NN_JSON_STRING ? v->string : NULL;
}

int nn_json_int(const nn_json *v, long long lo, long long hi, long long *out)
{
    if (!v || v->type != NN_JSON_NUMBER || v->number != floor(v->number) ||
        v->number < (double)lo || v->number > (double)hi)
        return 0;
    *out = (long long)v->number;
    return 1;
}

int nn_json_is_object(const nn_json *v)
{
    return v && (v->type == NN_JSON_OBJECT || (v->type == NN_JSON_ARRAY && v->n == 0));
}

int nn_json_is_array(const nn_json *v)
{
    return v && (v->type == NN_JSON_ARRAY || (v->type == NN_JSON_OBJECT && v->n == 0));
}

const char *nn_json_type_name(const nn_json *v)
{
    if (!v)
        return "nothing";
    switch (v->type) {
    case NN_JSON_NULL:   return "null";
    case NN_JSON_FALSE:
    case NN_JSON_TRUE:   return "a boolean";
    case NN_JSON_NUMBER: return "a number";
    case NN_JSON_STRING: return "a string";
    case NN_JSON_ARRAY:  return "an array";
    case NN_JSON_OBJECT: return "an object";
    }
    return "?";
}

/* ------------------------------------------------------------------ writer */

void nn_jbuf_init(nn_jbuf *b)
{
    memset(b, 0, sizeof *b);
}

void nn_jbuf_free(nn_jbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static int reserve(nn_jbuf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return 0;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = 1;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

void nn_jbuf_raw(nn_jbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nn_jbuf_puts(nn_jbuf *b, const char *s)
{
    nn_jbuf_raw(b, s, strlen(s));
}

void nn_jbuf_printf(nn_jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void nn_jbuf_string(nn_jbuf *b, const char *s)
{
    nn_jbuf_raw(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"':  nn_jbuf_raw(b, "\\\"", 2); break;
        case '\\': nn_jbuf_raw(b, "\\\\", 2); break;
        case '\n': nn_jbuf_raw(b, "\\n", 2); break;
        case '\r': nn_jbuf_raw(b, "\\r", 2); break;
        case '\t': nn_jbuf_raw(b, "\\t", 2); break;
        case '\b': nn_jbuf_raw(b, "\\b", 2); break;
        case '\f': nn_jbuf_raw(b, "\\f", 2); break;
        default:
            if (*c < 0x20)
                nn_jbuf_printf(b, "\\u%04x", *c);
            else
                nn_jbuf_raw(b, (const char *)c, 1);
        }
    }
    nn_jbuf_raw(b, "\"", 1);
}

void nn_jbuf_number(nn_jbuf *b, double v)
{
    if (!isfinite(v)) {
        nn_jbuf_puts(b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        nn_jbuf_printf(b, "%lld", (long long)v);
        return;
    }
    char text[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(text, sizeof text, "%.*g", prec, v);
        if (strtod(text, NULL) == v)
            break;
    }
    nn_jbuf_puts(b, text);
}

void nn_jbuf_float(nn_jbuf *b, float v)
{
    if (!isfinite(v)) {
        nn_jbuf_puts(b, "null");
        return;
    }
    if (v == floorf(v) && fabsf(v) < 16777216.0f) {
        nn_jbuf_printf(b, "%lld", (long long)v);
        return;
    }
    char text[40];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(text, sizeof text, "%.*g", prec, (double)v);
        if ((float)strtod(text, NULL) == v)
            break;
    }
    nn_jbuf_puts(b, text);
}

void nn_jbuf_value(nn_jbuf *b, const nn_json *v)
{
    switch (v->type) {
    case NN_JSON_NULL:   nn_jbuf_puts(b, "null"); return;
    case NN_JSON_FALSE:  nn_jbuf_puts(b, "false"); return;
    case NN_JSON_TRUE:   nn_jbuf_puts(b, "true"); return;
    case NN_JSON_NUMBER: nn_jbuf_number(b, v->number); return;
    case NN_JSON_STRING: nn_jbuf_string(b, v->string); return;
    case NN_JSON_ARRAY:
    case NN_JSON_OBJECT: {
        int object = v->type == NN_JSON_OBJECT;
        nn_jbuf_puts(b, object ? "{" : "[");
        for (int i = 0; i < v->n; i++) {
            if (i)
                nn_jbuf_puts(b, ", ");
            if (object) {
                nn_jbuf_string(b, v->keys[i]);
                nn_jbuf_puts(b, ": ");
            }
            nn_jbuf_value(b, &v->items[i]);
        }
        nn_jbuf_puts(b, object ? "}" : "]");
        return;
    }
    }
}

nn_status nn_jbuf_finish(const nn_jbuf *b, nn_error *err)
{
    if (b->oom)
        return nn_error_set(err, NN_ENOMEM, "out of memory writing JSON");
    return NN_OK;
}
