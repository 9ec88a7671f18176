/* tests/fuzz/fuzz_json.c — libFuzzer target for the strict JSON reader (nn/json.h).
**
** The input is the JSON text.
**
** Checked on every input: a success is a tree that the writer turns into text the
** reader accepts again, and that second text written again is the same (writing is
** a fixed point); a failure is NN_EFORMAT, NN_EARG or NN_ENOMEM with a message
** (NN_EFORMAT ones name a byte offset within the input).
*/
#include "tests/fuzz/fuzz.h"

#include "nn/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *write_text(const nn_json *v, size_t *len)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_value(&b, v);
    if (b.oom)
        fuzz_fail("the writer ran out of memory", NULL);
    *len = b.len;
    return b.data ? b.data : calloc(1, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)fuzz_path;        /* the reader takes memory: fuzz.h's file helpers go unused */
    (void)fuzz_write;
    nn_error err = {NN_OK, ""};
    nn_json *v = nn_json_parse((const char *)data, size, NULL, &err);
    if (!v) {
        fuzz_check_error(err.code, &err,
                         fuzz_class(NN_EFORMAT) | fuzz_class(NN_EARG) | fuzz_class(NN_ENOMEM));
        if (err.code == NN_EFORMAT && !strstr(err.msg, "at byte"))
            fuzz_fail("a syntax error without its byte offset", err.msg);
        return 0;
    }
    size_t n1, n2;
    char *t1 = write_text(v, &n1);
    nn_json *again = nn_json_parse(t1, n1, NULL, &err);
    if (!again)
        fuzz_fail("the writer's text does not read back", err.msg);
    char *t2 = write_text(again, &n2);
    if (n1 != n2 || memcmp(t1, t2, n1) != 0)
        fuzz_fail("writing what was read back gives other text", t1);
    free(t1);
    free(t2);
    nn_json_free(again);
    nn_json_free(v);
    return 0;
}
