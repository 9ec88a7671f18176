/* tests/fuzz/fuzz_cifar.c — libFuzzer target for the CIFAR-10 reader (nn/datasets.h).
**
** The input is one binary batch file. It is read twice: alone, by
** nn_dataset_cifar10_batch, and as every batch of a data set directory (the five
** training batches and the test batch are links to it), by nn_dataset_cifar10.
**
** Checked on every input: a success is x (N, 32, 32, 3) and y (N, 1) uint8 with N the
** number of 3073-byte records, labels 0 to 9 and each image the record's colour planes
** turned channels-last; a failure is NN_EIO, NN_EFORMAT or NN_ENOMEM with a message and
** no tensors left behind.
*/
#include "tests/fuzz/fuzz.h"

#include "nn/datasets.h"

#define RECORD 3073

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_batch(const nn_tensor *x, const nn_tensor *y, const uint8_t *data,
                        size_t size, int copies)
{
    size_t n = size / RECORD * (size_t)copies;
    if (x->dtype != NN_U8 || x->ndim != 4 || (size_t)x->shape[0] != n || x->shape[1] != 32 ||
        x->shape[2] != 32 || x->shape[3] != 3)
        fuzz_fail("x is not (N, 32, 32, 3) uint8", NULL);
    if (y->dtype != NN_U8 || y->ndim != 2 || (size_t)y->shape[0] != n || y->shape[1] != 1)
        fuzz_fail("y is not (N, 1) uint8", NULL);
    for (size_t r = 0; r < n; r++) {
        const uint8_t *rec = data + (r % (size / RECORD)) * RECORD;
        if (nn_tensor_u8(y)[r] != rec[0] || rec[0] > 9)
            fuzz_fail("a label differs from its record's", NULL);
        const uint8_t *img = nn_tensor_u8(x) + r * 3072;
        for (int p = 0; p < 1024; p++)
            for (int c = 0; c < 3; c++)
                if (img[3 * p + c] != rec[1 + c * 1024 + p])
                    fuzz_fail("a pixel is not where channels-last puts it", NULL);
    }
}

static void check_failure(nn_status st, const nn_error *err, nn_tensor *const *t, int n)
{
    fuzz_check_error(st, err,
                     fuzz_class(NN_EIO) | fuzz_class(NN_EFORMAT) | fuzz_class(NN_ENOMEM));
    for (int i = 0; i < n; i++)
        if (t[i])
            fuzz_fail("a failed read left a tensor behind", err->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[6] = {
        "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
        "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin",
    };
    const char *path = fuzz_path(names[0]);
    char dir[256], link_path[300];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    fuzz_write(path, data, size, 0);
    for (int i = 1; i < 6; i++) {
        snprintf(link_path, sizeof link_path, "%s/%s", dir, names[i]);
        unlink(link_path);
        if (link(path, link_path) != 0)
            fuzz_fail("cannot link the scratch file", link_path);
    }
    nn_error err = {NN_OK, ""};
    nn_tensor *t[4] = {NULL, NULL, NULL, NULL};
    nn_status st = nn_dataset_cifar10_batch(path, &t[0], &t[1], &err);
    if (st == NN_OK)
        check_batch(t[0], t[1], data, size, 1);
    else
        check_failure(st, &err, t, 2);
    nn_tensor_free(t[0]);
    nn_tensor_free(t[1]);
    st = nn_dataset_cifar10(dir, &t[0], &t[1], &t[2], &t[3], &err);
    if (st == NN_OK) {
        check_batch(t[0], t[1], data, size, 5);
        check_batch(t[2], t[3], data, size, 1);
    } else {
        check_failure(st, &err, t, 4);
    }
    for (int i = 0; i < 4; i++)
        nn_tensor_free(t[i]);
    return 0;
}
