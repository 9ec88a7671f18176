/* nn/json.h — a small, strict JSON reader into a tree, and a writer.
**
** The reader takes RFC 8259 JSON and nothing else: no comments, no trailing
** commas, no NaN, no single quotes, no duplicate object keys, valid UTF-8 only
** (and no \u0000 in strings, which C strings cannot hold).
** It refuses input larger than a byte limit and nesting deeper than a depth
** limit, and every error names the byte offset where it was found
** ("invalid JSON at byte 17: expected ':' after an object key"). A file's
** header can therefore be parsed without trusting it.
**
** The writer appends to a growable buffer (nn_jbuf); an allocation failure is
** remembered and reported once, by nn_jbuf_finish.
*/
#ifndef NN_JSON_H
#define NN_JSON_H

#include <stddef.h>

#include "error.h"

typedef enum {
    NN_JSON_NULL, NN_JSON_FALSE, NN_JSON_TRUE, NN_JSON_NUMBER, NN_JSON_STRING,
    NN_JSON_ARRAY, NN_JSON_OBJECT
} nn_json_type;

typedef struct nn_json nn_json;
struct nn_json {
    nn_json_type type;
    double number;          /* NN_JSON_NUMBER */
    char *string;           /* NN_JSON_STRING: UTF-8, NUL-terminated (len excludes it) */
    size_t len;
    int n;                  /* NN_JSON_ARRAY / NN_JSON_OBJECT: number of items */
    nn_json *items;         /* the items (an object's values), in document order */
    char **keys;            /* NN_JSON_OBJECT: keys[i] names items[i] */
    size_t offset;          /* byte offset of the value in the parsed text */
};

typedef struct nn_json_limits {
    size_t max_bytes;       /* refuse longer input */
    int max_depth;          /* refuse deeper nesting of arrays and objects */
    size_t max_values;      /* refuse more values in all (bounds the memory of the tree) */
} nn_json_limits;

/* 100 MiB, a depth of 64, a million values. */
nn_json_limits nn_json_default_limits(void);

/* Parse text[0..len-1] (one value, whitespace around it allowed). Returns a new
** tree to release with nn_json_free, or NULL with err set (NN_EFORMAT for bad
** JSON, with the byte offset; NN_EARG when a limit is exceeded; NN_ENOMEM).
** `limits` may be NULL for the defaults. */
nn_json *nn_json_parse(const char *text, size_t len, const nn_json_limits *limits,
                       nn_error *err);

/* Release a tree returned by nn_json_parse (NULL is a no-op). */
void nn_json_free(nn_json *v);

/* ------------------------------------------------------------------ reading */

/* The value of `key` in an object, or NULL (also when v is not an object). */
const nn_json *nn_json_get(const nn_json *v, const char *key);

/* A string value, or NULL when v is NULL or not a string. */
const char *nn_json_str(const nn_json *v);

/* 1 when v is a number with an integral value in [lo, hi] (stored in *out). */
int nn_json_int(const nn_json *v, long long lo, long long hi, long long *out);

/* 1 when v is an object, or an empty array (a Lua table cannot tell `{}` from
** `[]`, so a config coming back from Lua may write one for the other). */
int nn_json_is_object(const nn_json *v);

/* 1 when v is an array, or an empty object (as above). */
int nn_json_is_array(const nn_json *v);

/* "null", "true", "a number", "a string", "an array", "an object". */
const char *nn_json_type_name(const nn_json *v);

/* ------------------------------------------------------------------ writing */

typedef struct nn_jbuf {
    char *data;             /* NUL-terminated once anything was written */
    size_t len, cap;
    int oom;                /* an allocation failed: the text is incomplete */
} nn_jbuf;

/* An empty buffer (all zero is empty too). */
void nn_jbuf_init(nn_jbuf *b);
void nn_jbuf_free(nn_jbuf *b);

/* Append n raw bytes / a raw C string / printf-style text. */
void nn_jbuf_raw(nn_jbuf *b, const char *s, size_t n);
void nn_jbuf_puts(nn_jbuf *b, const char *s);
void nn_jbuf_printf(nn_jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s as a JSON string: quoted, with ", \ and control characters escaped. */
void nn_jbuf_string(nn_jbuf *b, const char *s);

/* Append a number in the shortest form that reads back to the same double
** (integers without a fraction); NaN and infinities, which JSON lacks, as null. */
void nn_jbuf_number(nn_jbuf *b, double v);

/* Same for a float: the shortest form that reads back to the same float
** (0.001f is written 0.001, not 0.0010000000474974513). */
void nn_jbuf_float(nn_jbuf *b, float v);

/* Append a parsed value (objects keep their key order). */
void nn_jbuf_value(nn_jbuf *b, const nn_json *v);

/* NN_OK when everything was appended, else NN_ENOMEM with err set. */
nn_status nn_jbuf_finish(const nn_jbuf *b, nn_error *err);

#endif
