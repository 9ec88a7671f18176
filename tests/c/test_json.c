/* tests/c/test_json.c — the strict JSON reader and the writer. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/json.h"

static nn_json *parse(const char *text, nn_error *err)
{
    return nn_json_parse(text, strlen(text), NULL, err);
}

/* Parsing must fail with code `code` and a message containing `want`. */
static void refuses(const char *text, nn_status code, const char *want)
{
    nn_error err;
    nn_error_clear(&err);
    nn_json *v = parse(text, &err);
    if (!CHECK(v == NULL))
        nn_json_free(v);
    CHECK(err.code == code);
    CHECK_CONTAINS(err.msg, want);
}

static void reads_every_kind_of_value(void)
{
    nn_error err;
    nn_json *v = parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\\/\"],\n"
                       "  \"b\": {}, \"c\": 0.125, \"d\": \"\"} ", &err);
    if (!CHECK(v != NULL))
        return;
    CHECK(v->type == NN_JSON_OBJECT && v->n == 4);
    CHECK(strcmp(v->keys[0], "a") == 0 && strcmp(v->keys[3], "d") == 0);
    const nn_json *a = nn_json_get(v, "a");
    CHECK(a && a->type == NN_JSON_ARRAY && a->n == 6);
    CHECK(a->items[0].type == NN_JSON_NUMBER && a->items[0].number == 1.0);
    CHECK(a->items[1].number == -2500.0);
    CHECK(a->items[2].type == NN_JSON_TRUE && a->items[3].type == NN_JSON_FALSE);
    CHECK(a->items[4].type == NN_JSON_NULL);
    /* e-acute is U+00E9: C3 A9 in UTF-8 */
    CHECK(strcmp(nn_json_str(&a->items[5]), "x\xc3\xa9\n/") == 0 && a->items[5].len == 5);
    CHECK(a->items[1].offset == 11);   /* where "-2.5e3" starts */
    CHECK(nn_json_is_object(nn_json_get(v, "b")) && nn_json_get(v, "b")->n == 0);
    CHECK(nn_json_is_array(nn_json_get(v, "b")));   /* an empty {} passes for [] */
    CHECK(nn_json_get(v, "c")->number == 0.125);
    CHECK(strcmp(nn_json_str(nn_json_get(v, "d")), "") == 0);
    CHECK(nn_json_get(v, "zz") == NULL && nn_json_get(a, "a") == NULL);
    long long n;
    CHECK(nn_json_int(&a->items[0], 0, 5, &n) && n == 1);
    CHECK(!nn_json_int(&a->items[1], -10000, 10000, &n) || n == -2500);
    CHECK(!nn_json_int(nn_json_get(v, "c"), 0, 5, &n));    /* 0.125 is not an integer */
    CHECK(!nn_json_int(&a->items[0], 2, 5, &n));           /* out of range */
    nn_json_free(v);
}

static void decodes_surrogate_pairs(void)
{
    nn_error err;
    /* U+1F600 = \ud83d\ude00 = F0 9F 98 80 */
    nn_json *v = parse("\"\\ud83d\\ude00\"", &err);
    if (!CHECK(v != NULL))
        return;
    CHECK(v->len == 4 && memcmp(v->string, "\xf0\x9f\x98\x80", 4) == 0);
    nn_json_free(v);
    /* raw UTF-8 passes through as is */
    v = parse("\"\xe4\xb8\xad\"", &err);
    CHECK(v && v->len == 3);
    nn_json_free(v);
}

static void refuses_bad_json_with_the_byte_offset(void)
{
    refuses("{\"a\" 1}", NN_EFORMAT, "at byte 5: expected ':'");
    refuses("[1, 2,]", NN_EFORMAT, "at byte 6");
    refuses("{\"a\": 1,}", NN_EFORMAT, "at byte 8: expected a string key");
    refuses("{\"a\": 1, \"a\": 2}", NN_EFORMAT, "duplicate key \"a\"");
    refuses("[01]", NN_EFORMAT, "at byte 2: a number cannot have a leading zero");
    refuses("[1.]", NN_EFORMAT, "at byte 3: a digit must follow the decimal point");
    refuses("[1e]", NN_EFORMAT, "a digit must follow the exponent");
    refuses("[-]", NN_EFORMAT, "at byte 2");
    refuses("[+1]", NN_EFORMAT, "at byte 1");
    refuses("\"abc", NN_EFORMAT, "at byte 0: unterminated string");
    refuses("\"a\x01\"", NN_EFORMAT, "at byte 2: control character");
    refuses("\"\\q\"", NN_EFORMAT, "at byte 1: unknown escape");
    refuses("\"\\u12g4\"", NN_EFORMAT, "four hex digits");
    refuses("\"\\ud800\"", NN_EFORMAT, "high surrogate");
    refuses("\"\\udc00\"", NN_EFORMAT, "low surrogate");
    refuses("\"\\u0000\"", NN_EFORMAT, "NUL");
    refuses("\"\xff\"", NN_EFORMAT, "at byte 1: invalid UTF-8");
    refuses("\"\xc0\x80\"", NN_EFORMAT, "invalid UTF-8");        /* overlong NUL */
    refuses("\"\xed\xa0\x80\"", NN_EFORMAT, "invalid UTF-8");    /* an encoded surrogate */
    refuses("\"\xe4\xb8\"", NN_EFORMAT, "invalid UTF-8");        /* cut short */
    refuses("[1] x", NN_EFORMAT, "at byte 4: unexpected text after the value");
    refuses("[1] [2]", NN_EFORMAT, "unexpected text");
    refuses("nul", NN_EFORMAT, "at byte 0");
    refuses("tru", NN_EFORMAT, "at byte 0");
    refuses("NaN", NN_EFORMAT, "at byte 0");
    refuses("'a'", NN_EFORMAT, "at byte 0");
    refuses("[1 /* c */]", NN_EFORMAT, "at byte 3");
    refuses("", NN_EFORMAT, "at byte 0: unexpected end");
    refuses("   ", NN_EFORMAT, "at byte 3: unexpected end");
    refuses("[1, 2", NN_EFORMAT, "unterminated array");
    refuses("{\"a\": 1", NN_EFORMAT, "unterminated object");
    refuses("[1e999]", NN_EFORMAT, "at byte 1: number out of range");
    refuses("{1: 2}", NN_EFORMAT, "at byte 1: expected a string key");
}

static void limits_depth_size_and_count(void)
{
    char deep[200];
    for (int i = 0; i < 64; i++) {
        deep[i] = '[';
        deep[64 + i] = ']';
    }
    deep[128] = '\0';
    nn_error err;
    nn_json *v = parse(deep, &err);    /* 64 levels: the limit itself is fine */
    CHECK(v != NULL);
    nn_json_free(v);
    memmove(deep + 1, deep, 129);
    deep[0] = '[';
    deep[129] = ']';
    deep[130] = '\0';
    refuses(deep, NN_EARG, "deeper than 64 levels");

    nn_json_limits lim = nn_json_default_limits();
    lim.max_bytes = 10;
    CHECK(nn_json_parse("[1,2,3,4,5]", 11, &lim, &err) == NULL);
    CHECK(err.code == NN_EARG);
    CHECK_CONTAINS(err.msg, "11 bytes is over the limit of 10");
    lim = nn_json_default_limits();
    lim.max_values = 3;
    v = nn_json_parse("[1,2,3]", 7, &lim, &err);
    CHECK(v != NULL);
    nn_json_free(v);
    CHECK(nn_json_parse("[1,2,3,4]", 9, &lim, &err) == NULL);
    CHECK_CONTAINS(err.msg, "more than 3 values");
}

/* The text need not end with a NUL: a number at the very end is read within len. */
static void reads_only_within_the_length(void)
{
    const char text[] = "12345";
    nn_error err;
    nn_json *v = nn_json_parse(text, 3, NULL, &err);
    CHECK(v && v->type == NN_JSON_NUMBER && v->number == 123.0);
    nn_json_free(v);
    v = nn_json_parse("\"ab\"cd", 4, NULL, &err);
    CHECK(v && strcmp(v->string, "ab") == 0);
    nn_json_free(v);
}

static void writer_escapes_and_round_trips(void)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_string(&b, "a\"b\\c\n\t\x01/\xc3\xa9");
    CHECK(strcmp(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001/\xc3\xa9\"") == 0);
    nn_error err;
    nn_json *v = nn_json_parse(b.data, b.len, NULL, &err);
    CHECK(v && strcmp(v->string, "a\"b\\c\n\t\x01/\xc3\xa9") == 0);
    nn_json_free(v);
    nn_jbuf_free(&b);

    const char *text = "{\"x\": [1, 2.5, null, true, false, \"s\"], \"y\": {\"z\": []}}";
    v = nn_json_parse(text, strlen(text), NULL, &err);
    nn_jbuf_init(&b);
    nn_jbuf_value(&b, v);
    CHECK(nn_jbuf_finish(&b, &err) == NN_OK);
    CHECK(strcmp(b.data, text) == 0);
    nn_jbuf_free(&b);
    nn_json_free(v);
}

static const char *number_text(double d, int as_float)
{
    static char out[64];
    nn_jbuf b;
    nn_jbuf_init(&b);
    if (as_float)
        nn_jbuf_float(&b, (float)d);
    else
        nn_jbuf_number(&b, d);
    snprintf(out, sizeof out, "%s", b.data);
    nn_jbuf_free(&b);
    return out;
}

static void writes_the_shortest_numbers(void)
{
    CHECK(strcmp(number_text(3, 0), "3") == 0);
    CHECK(strcmp(number_text(-0.5, 0), "-0.5") == 0);
    CHECK(strcmp(number_text(0.1, 0), "0.1") == 0);
    CHECK(strcmp(number_text(NAN, 0), "null") == 0);
    CHECK(strcmp(number_text(INFINITY, 1), "null") == 0);
    CHECK(strcmp(number_text(0.001, 1), "0.001") == 0);     /* not 0.0010000000474974513 */
    CHECK(strcmp(number_text(1e-7, 1), "1e-07") == 0);
    CHECK(strcmp(number_text(0.9, 1), "0.9") == 0);
    CHECK(strcmp(number_text(0.999, 1), "0.999") == 0);
    /* what is written reads back exactly */
    double third = 1.0 / 3.0;
    CHECK(strtod(number_text(third, 0), NULL) == third);
    float f = 1.0f / 3.0f;
    CHECK((float)strtod(number_text(f, 1), NULL) == f);
    CHECK(strcmp(number_text(1e300, 0), "1e+300") == 0);
}

void suite_json(void)
{
    t_run("json: reads every kind of value", reads_every_kind_of_value);
    t_run("json: decodes surrogate pairs and UTF-8", decodes_surrogate_pairs);
    t_run("json: refuses bad JSON with the byte offset", refuses_bad_json_with_the_byte_offset);
    t_run("json: depth, size and count limits", limits_depth_size_and_count);
    t_run("json: reads only within the length", reads_only_within_the_length);
    t_run("json: writer escapes and round trips", writer_escapes_and_round_trips);
    t_run("json: writes the shortest numbers", writes_the_shortest_numbers);
}
