/* tests/fuzz/fuzz_idx.c — libFuzzer target for the IDX reader (nn/idx.h), raw and gzipped.
**
** The first byte says how the rest reaches the reader: even, written as it is (a plain
** IDX file, or gzip bytes the fuzzer mutates directly); odd, gzip-compressed first, so
** the fuzzer explores IDX headers and sizes behind a valid gzip stream too.
**
** Checked on every input: a success is a uint8 tensor of 1 to 4 positive dimensions
** holding exactly the bytes after the header; a failure is NN_EIO, NN_EFORMAT or
** NN_ENOMEM with a message naming the file.
*/
#include "tests/fuzz/fuzz.h"

#include "nn/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int gzip = data[0] & 1;
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    const char *path = fuzz_path("input.idx");
    fuzz_write(path, body, n, gzip);
    nn_error err = {NN_OK, ""};
    nn_tensor *t = nn_idx_read(path, &err);
    if (!t) {
        fuzz_check_error(err.code, &err,
                         fuzz_class(NN_EIO) | fuzz_class(NN_EFORMAT) | fuzz_class(NN_ENOMEM));
        if (!strstr(err.msg, path))
            fuzz_fail("the message does not name the file", err.msg);
        return 0;
    }
    if (t->dtype != NN_U8 || t->ndim < 1 || t->ndim > NN_MAX_DIMS)
        fuzz_fail("a tensor of the wrong type or rank", NULL);
    size_t count = 1;
    for (int i = 0; i < t->ndim; i++) {
        if (t->shape[i] < 1)
            fuzz_fail("a non-positive dimension", NULL);
        count *= (size_t)t->shape[i];
    }
    if (count != t->size)
        fuzz_fail("the tensor's size is not the product of its shape", NULL);
    /* Unless the fuzzer wrote gzip bytes itself, `body` is the IDX file as it was read. */
    int plain = gzip || n < 2 || body[0] != 0x1f || body[1] != 0x8b;
    size_t header = 4 + 4 * (size_t)t->ndim;
    if (plain && header + count != n)
        fuzz_fail("the tensor's size is not the data after the header", NULL);
    if (plain && memcmp(t->data, body + header, count) != 0)
        fuzz_fail("the tensor's bytes differ from the file's", NULL);
    nn_tensor_free(t);
    return 0;
}
