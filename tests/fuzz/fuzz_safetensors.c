/* tests/fuzz/fuzz_safetensors.c — libFuzzer target for the safetensors reader
** (nn/safetensors.h).
**
** The input is a file image, checked in memory (nn_safetensors_parse) and, when that
** accepts it, from a file (nn_safetensors_open) too.
**
** Checked on every input: a success lists tensors whose data ranges lie inside the
** input, tile the data section and match shape times dtype size; each tensor reads as
** the bytes at its range (or is refused with NN_ESHAPE when an nn_tensor cannot hold
** its shape); the file reader agrees with the image reader. A failure is NN_EFORMAT
** or NN_ENOMEM with a message.
*/
#include "tests/fuzz/fuzz.h"

#include "nn/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entries(const nn_safetensors *f, const uint8_t *data, size_t size)
{
    uint64_t hlen = 0;
    for (int k = 7; k >= 0; k--)
        hlen = hlen << 8 | data[k];
    size_t start = 8 + (size_t)hlen, covered = 0;
    for (int i = 0; i < nn_safetensors_count(f); i++) {
        const nn_st_entry *e = nn_safetensors_entry(f, i);
        size_t count = 1;
        for (int d = 0; d < e->ndim; d++)
            count *= (size_t)e->shape[d];
        size_t bytes = count * (e->dtype == NN_U8 ? 1 : 4);
        if (e->begin > e->end || start + e->end > size || e->end - e->begin != bytes)
            fuzz_fail("a tensor's range is outside the data or of the wrong size", e->name);
        covered += bytes;
        if (nn_safetensors_find(f, e->name) != e)
            fuzz_fail("find does not return the entry of that name", e->name);
        nn_error err = {NN_OK, ""};
        nn_tensor *t = nn_safetensors_tensor(f, e, &err);
        if (!t) {
            fuzz_check_error(err.code, &err, fuzz_class(NN_ESHAPE) | fuzz_class(NN_ENOMEM));
            continue;
        }
        if (t->size != count || t->dtype != e->dtype ||
            memcmp(t->data, data + start + e->begin, bytes) != 0)
            fuzz_fail("a tensor's values are not the bytes of its range", e->name);
        nn_tensor_free(t);
    }
    if (start + covered != size)
        fuzz_fail("the tensors do not cover the data section", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_error err = {NN_OK, ""};
    nn_safetensors *f = nn_safetensors_parse(data, size, &err);
    if (!f) {
        fuzz_check_error(err.code, &err, fuzz_class(NN_EFORMAT) | fuzz_class(NN_ENOMEM));
        return 0;
    }
    check_entries(f, data, size);
    const char *path = fuzz_path("input.safetensors");
    fuzz_write(path, data, size, 0);
    nn_safetensors *g = nn_safetensors_open(path, &err);
    if (!g || nn_safetensors_count(g) != nn_safetensors_count(f))
        fuzz_fail("the file reader disagrees with the image reader", err.msg);
    nn_safetensors_close(g);
    nn_safetensors_close(f);
    return 0;
}
