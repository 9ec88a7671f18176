/* tests/c/test_data.c — data: IDX and CSV readers, the named data sets, synthetic
** sets and preprocessing. Files are written by the tests into a temporary
** directory; expected values are worked out here, independently of the code. */
#include "tests/test.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "nn/nn.h"

/* ---------------------------------------------------------------- helpers */

static char tmp_dir[256];

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp_dir, name);
    return buf[k];
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        if (len)
            fwrite(data, 1, len, f);
        fclose(f);
    }
}

static void write_gz(const char *path, const void *data, size_t len)
{
    gzFile g = gzopen(path, "wb");
    if (g) {
        if (len)
            gzwrite(g, data, (unsigned)len);
        gzclose(g);
    }
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

/* An IDX image: magic 0x0000TTNN, big-endian dims, then `len` bytes of data. */
static size_t make_idx(unsigned char *out, int type, int ndim, const uint32_t *dims,
                       const unsigned char *data, size_t len)
{
    size_t k = 0;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = (unsigned char)type;
    out[k++] = (unsigned char)ndim;
    for (int i = 0; i < ndim; i++) {
        out[k++] = (unsigned char)(dims[i] >> 24);
        out[k++] = (unsigned char)(dims[i] >> 16);
        out[k++] = (unsigned char)(dims[i] >> 8);
        out[k++] = (unsigned char)dims[i];
    }
    memcpy(out + k, data, len);
    return k + len;
}

static int same_floats(const float *a, const float *b, size_t n, float tol)
{
    for (size_t i = 0; i < n; i++)
        if (fabsf(a[i] - b[i]) > tol)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------- IDX */

static void idx_reads_raw_and_gzip(void)
{
    unsigned char pix[12], buf[64];
    for (int i = 0; i < 12; i++)
        pix[i] = (unsigned char)(i * 20 + 3);
    uint32_t dims[3] = {3, 2, 2};
    size_t n = make_idx(buf, 0x08, 3, dims, pix, 12);
    write_bytes(tmp_path("img"), buf, n);
    write_gz(tmp_path("img.gz"), buf, n);
    const char *names[2] = {"img", "img.gz"};
    for (int f = 0; f < 2; f++) {
        nn_error err = {0};
        nn_tensor *t = nn_idx_read(tmp_path(names[f]), &err);
        CHECK(t != NULL);
        if (!t)
            continue;
        CHECK(t->dtype == NN_U8 && t->ndim == 3);
        CHECK(t->shape[0] == 3 && t->shape[1] == 2 && t->shape[2] == 2);
        CHECK(memcmp(t->data, pix, 12) == 0);
        nn_tensor_free(t);
    }
    unsigned char lab[5] = {9, 0, 3, 3, 7};
    uint32_t ld[1] = {5};
    n = make_idx(buf, 0x08, 1, ld, lab, 5);
    write_gz(tmp_path("lab.gz"), buf, n);
    nn_tensor *t = nn_idx_read(tmp_path("lab.gz"), NULL);
    CHECK(t && t->ndim == 1 && t->shape[0] == 5 && memcmp(t->data, lab, 5) == 0);
    nn_tensor_free(t);
}

/* Reads `path`, expects failure with `code` and a message holding `sub`. */
static void expect_idx_error(const char *path, nn_status code, const char *sub)
{
    nn_error err = {0};
    nn_tensor *t = nn_idx_read(path, &err);
    CHECK(t == NULL);
    nn_tensor_free(t);
    CHECK(err.code == code);
    CHECK_CONTAINS(err.msg, sub);
    CHECK_CONTAINS(err.msg, path);
}

static void idx_refuses_bad_files(void)
{
    unsigned char pix[12] = {0}, buf[128];
    uint32_t dims[3] = {3, 2, 2};
    size_t n = make_idx(buf, 0x08, 3, dims, pix, 12);
    /* Truncated data, plain and gzipped. */
    write_bytes(tmp_path("trunc"), buf, n - 2);
    expect_idx_error(tmp_path("trunc"), NN_EFORMAT, "truncated");
    write_gz(tmp_path("trunc.gz"), buf, n - 2);
    expect_idx_error(tmp_path("trunc.gz"), NN_EFORMAT, "truncated");
    /* Truncated header. */
    write_bytes(tmp_path("hdr"), buf, 9);
    expect_idx_error(tmp_path("hdr"), NN_EFORMAT, "truncated");
    write_bytes(tmp_path("short"), buf, 3);
    expect_idx_error(tmp_path("short"), NN_EFORMAT, "truncated");
    /* Bytes after the data. */
    unsigned char more[128];
    memcpy(more, buf, n);
    more[n] = 1;
    write_bytes(tmp_path("long"), more, n + 1);
    expect_idx_error(tmp_path("long"), NN_EFORMAT, "after the data");
    write_gz(tmp_path("long.gz"), more, n + 1);
    expect_idx_error(tmp_path("long.gz"), NN_EFORMAT, "more data");
    /* Wrong magic: text, and a gzip of text. */
    write_text(tmp_path("text"), "hello, this is not an IDX file at all");
    expect_idx_error(tmp_path("text"), NN_EFORMAT, "not an IDX file");
    write_gz(tmp_path("text.gz"), "hello, this is not IDX", 22);
    expect_idx_error(tmp_path("text.gz"), NN_EFORMAT, "not an IDX file");
    /* Element types other than unsigned bytes. */
    n = make_idx(buf, 0x0D, 3, dims, pix, 12);
    write_bytes(tmp_path("float"), buf, n);
    expect_idx_error(tmp_path("float"), NN_EFORMAT, "not supported");
    /* Zero and too many dimensions, a zero dimension. */
    n = make_idx(buf, 0x08, 0, dims, pix, 0);
    write_bytes(tmp_path("dim0"), buf, n);
    expect_idx_error(tmp_path("dim0"), NN_EFORMAT, "0 dimensions");
    uint32_t d5[5] = {1, 1, 1, 1, 1};
    n = make_idx(buf, 0x08, 5, d5, pix, 1);
    write_bytes(tmp_path("dim5"), buf, n);
    expect_idx_error(tmp_path("dim5"), NN_EFORMAT, "5 dimensions");
    uint32_t dz[2] = {4, 0};
    n = make_idx(buf, 0x08, 2, dz, pix, 0);
    write_bytes(tmp_path("zero"), buf, n);
    expect_idx_error(tmp_path("zero"), NN_EFORMAT, "dimension 2 is 0");
    /* Absurd sizes: overflowing dimensions, and a claim far past the file. */
    uint32_t huge[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    n = make_idx(buf, 0x08, 3, huge, pix, 12);
    write_bytes(tmp_path("huge"), buf, n);
    expect_idx_error(tmp_path("huge"), NN_EFORMAT, "too large");
    write_gz(tmp_path("huge.gz"), buf, n);
    expect_idx_error(tmp_path("huge.gz"), NN_EFORMAT, "too large");
    uint32_t big[3] = {60000, 28, 28};
    n = make_idx(buf, 0x08, 3, big, pix, 12);
    write_bytes(tmp_path("big"), buf, n);
    expect_idx_error(tmp_path("big"), NN_EFORMAT, "truncated");
    uint32_t gig[3] = {100000, 1000, 10};    /* 1 GB: under the cap */
    n = make_idx(buf, 0x08, 3, gig, pix, 12);
    write_gz(tmp_path("gig.gz"), buf, n);
    expect_idx_error(tmp_path("gig.gz"), NN_EFORMAT, "gzip file can hold");
    /* Empty file, directory, missing file. */
    write_bytes(tmp_path("empty"), "", 0);
    expect_idx_error(tmp_path("empty"), NN_EFORMAT, "empty file");
    mkdir(tmp_path("adir"), 0700);
    expect_idx_error(tmp_path("adir"), NN_EIO, "is a directory");
    expect_idx_error(tmp_path("nothing-here.gz"), NN_EIO, "no such file");
}

/* A gzip file whose header claims more than it holds, within what its size
** allows: the data is read until it ends and the read fails cleanly. Also a
** gzip stream cut short. */
static void idx_gzip_lies_and_cuts(void)
{
    size_t len = 200000;
    unsigned char *data = malloc(len + 64);
    nn_rng r;
    nn_rng_seed(&r, 5);
    uint32_t dims[2] = {50000, 1000};   /* 50 MB claimed, 200 kB there */
    size_t h = make_idx(data, 0x08, 2, dims, (const unsigned char *)"", 0);
    for (size_t i = h; i < h + len; i++)
        data[i] = (unsigned char)nn_rng_u32(&r);
    write_gz(tmp_path("liar.gz"), data, h + len);
    expect_idx_error(tmp_path("liar.gz"), NN_EFORMAT, "truncated");
    /* The compressed bytes cut in half. */
    uint32_t ok[2] = {200, 1000};
    make_idx(data, 0x08, 2, ok, (const unsigned char *)"", 0);
    write_gz(tmp_path("whole.gz"), data, h + len);
    FILE *f = fopen(tmp_path("whole.gz"), "rb");
    unsigned char *gz = malloc(len + 1024);
    size_t glen = f ? fread(gz, 1, len + 1024, f) : 0;
    if (f)
        fclose(f);
    nn_tensor *t = nn_idx_read(tmp_path("whole.gz"), NULL);
    CHECK(t && t->shape[0] == 200 && memcmp(t->data, data + h, len) == 0);
    nn_tensor_free(t);
    write_bytes(tmp_path("cut.gz"), gz, glen / 2);
    expect_idx_error(tmp_path("cut.gz"), NN_EFORMAT, "truncated");
    /* A flipped byte in the compressed data: corrupt or a failed check. */
    gz[glen / 2] ^= 0xFF;
    write_bytes(tmp_path("flip.gz"), gz, glen);
    nn_error err = {0};
    t = nn_idx_read(tmp_path("flip.gz"), &err);
    CHECK(t == NULL && err.code == NN_EFORMAT);
    nn_tensor_free(t);
    free(gz);
    free(data);
}

/* ------------------------------------------------------------- data sets */

/* The four MNIST-style files in `dir`: n_train and n_test images of 4x3. */
static void write_idx_set(const char *dir, int n_train, int n_test, int gz)
{
    unsigned char buf[4096], img[1024], lab[64];
    for (int i = 0; i < 1024; i++)
        img[i] = (unsigned char)(i % 251);
    for (int i = 0; i < 64; i++)
        lab[i] = (unsigned char)(i % 10);
    const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    for (int k = 0; k < 4; k++) {
        int count = k < 2 ? n_train : n_test;
        uint32_t d[3] = {(uint32_t)count, 4, 3};
        size_t n = k % 2 == 0 ? make_idx(buf, 0x08, 3, d, img, (size_t)count * 12)
                              : make_idx(buf, 0x08, 1, d, lab, (size_t)count);
        char path[700];
        snprintf(path, sizeof path, "%s/%s%s", dir, names[k], gz ? ".gz" : "");
        if (gz)
            write_gz(path, buf, n);
        else
            write_bytes(path, buf, n);
    }
}

static void idx_dir_loads_and_checks_pairs(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", tmp_path("set"));
    mkdir(dir, 0700);
    write_idx_set(dir, 7, 3, 0);
    nn_tensor *xtr, *ytr, *xte, *yte;
    nn_error err = {0};
    CHECK(nn_dataset_idx_dir(dir, "test set", &xtr, &ytr, &xte, &yte, &err) == NN_OK);
    CHECK(xtr && xtr->shape[0] == 7 && xtr->shape[1] == 4 && xtr->shape[2] == 3);
    CHECK(ytr && ytr->shape[0] == 7 && nn_tensor_u8(ytr)[6] == 6);
    CHECK(xte && xte->shape[0] == 3 && yte && yte->shape[0] == 3);
    CHECK(xtr && nn_tensor_u8(xtr)[13] == 13);
    nn_tensor_free(xtr);
    nn_tensor_free(ytr);
    nn_tensor_free(xte);
    nn_tensor_free(yte);
    /* Labels that do not match the images in number. */
    unsigned char buf[64], lab[8] = {0};
    uint32_t d[1] = {5};
    size_t n = make_idx(buf, 0x08, 1, d, lab, 5);
    char path[600];
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", dir);
    write_bytes(path, buf, n);
    CHECK(nn_dataset_idx_dir(dir, "test set", &xtr, &ytr, &xte, &yte, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "7 training images but 5 labels");
    CHECK(xtr == NULL && ytr == NULL && xte == NULL && yte == NULL);
}

static void fashion_mnist_missing_says_where_and_what(void)
{
    nn_tensor *xtr, *ytr, *xte, *yte;
    nn_error err = {0};
    const char *dir = tmp_path("no-fashion");
    CHECK(nn_dataset_fashion_mnist(dir, &xtr, &ytr, &xte, &yte, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "Fashion-MNIST not found in ");
    CHECK_CONTAINS(err.msg, dir);
    CHECK_CONTAINS(err.msg, "looked for train-images-idx3-ubyte.gz");
    CHECK_CONTAINS(err.msg, "sudo apt-get install dataset-fashion-mnist");
    CHECK(xtr == NULL && yte == NULL);
    struct stat st;
    if (stat(NN_FASHION_MNIST_DIR, &st) != 0) {
        CHECK(nn_dataset_fashion_mnist(NULL, &xtr, &ytr, &xte, &yte, &err) == NN_EIO);
        CHECK_CONTAINS(err.msg, "not found in /usr/share/datasets/fashion-mnist (looked for "
                       "train-images-idx3-ubyte.gz");
        CHECK_CONTAINS(err.msg, "install it with: sudo apt-get install dataset-fashion-mnist");
    }
}

static void fashion_mnist_installed_has_its_shapes(void)
{
    struct stat st;
    if (stat(NN_FASHION_MNIST_DIR, &st) != 0) {
        printf("  (skipped: %s is not installed)\n", NN_FASHION_MNIST_DIR);
        return;
    }
    nn_tensor *xtr, *ytr, *xte, *yte;
    nn_error err = {0};
    CHECK(nn_dataset_fashion_mnist(NULL, &xtr, &ytr, &xte, &yte, &err) == NN_OK);
    if (!xtr)
        return;
    CHECK(xtr->ndim == 3 && xtr->shape[0] == 60000 && xtr->shape[1] == 28 &&
          xtr->shape[2] == 28 && xtr->dtype == NN_U8);
    CHECK(ytr->ndim == 1 && ytr->shape[0] == 60000);
    CHECK(xte->shape[0] == 10000 && yte->ndim == 1 && yte->shape[0] == 10000);
    /* Fashion-MNIST has 6000 training and 1000 test images of each of 10 classes. */
    int count[2][256] = {{0}};
    for (int i = 0; i < 60000; i++)
        count[0][nn_tensor_u8(ytr)[i]]++;
    for (int i = 0; i < 10000; i++)
        count[1][nn_tensor_u8(yte)[i]]++;
    for (int c = 0; c < 10; c++)
        CHECK(count[0][c] == 6000 && count[1][c] == 1000);
    int max = 0;
    for (size_t i = 0; i < xtr->size; i++)
        if (nn_tensor_u8(xtr)[i] > max)
            max = nn_tensor_u8(xtr)[i];
    CHECK(max == 255);
    nn_tensor_free(xtr);
    nn_tensor_free(ytr);
    nn_tensor_free(xte);
    nn_tensor_free(yte);
}

static void mnist_looks_in_every_place(void)
{
    char *old_data = getenv("NNSCOPE_DATA") ? strdup(getenv("NNSCOPE_DATA")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char data[512], home[512], sub[600];
    snprintf(data, sizeof data, "%s", tmp_path("mnist-data"));
    snprintf(home, sizeof home, "%s", tmp_path("mnist-home"));
    mkdir(data, 0700);
    mkdir(home, 0700);
    setenv("NNSCOPE_DATA", data, 1);
    setenv("HOME", home, 1);
    nn_tensor *xtr, *ytr, *xte, *yte;
    nn_error err = {0};
    CHECK(nn_dataset_mnist(NULL, &xtr, &ytr, &xte, &yte, &err) == NN_EIO);
    snprintf(sub, sizeof sub, "%s/mnist", data);
    CHECK_CONTAINS(err.msg, sub);
    snprintf(sub, sizeof sub, "%s/.nnscope/datasets/mnist", home);
    CHECK_CONTAINS(err.msg, sub);
    CHECK_CONTAINS(err.msg, "train-images-idx3-ubyte");
    CHECK_CONTAINS(err.msg, "nothing is downloaded");
    /* An explicit directory is the only place looked. */
    CHECK(nn_dataset_mnist(tmp_path("nowhere"), &xtr, &ytr, &xte, &yte, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, tmp_path("nowhere"));
    /* Files in ~/.nnscope/datasets/mnist are found. */
    snprintf(sub, sizeof sub, "%s/.nnscope", home);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/.nnscope/datasets", home);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/.nnscope/datasets/mnist", home);
    mkdir(sub, 0700);
    write_idx_set(sub, 5, 2, 1);
    CHECK(nn_dataset_mnist(NULL, &xtr, &ytr, &xte, &yte, &err) == NN_OK);
    CHECK(xtr && xtr->shape[0] == 5 && yte && yte->shape[0] == 2);
    nn_tensor_free(xtr);
    nn_tensor_free(ytr);
    nn_tensor_free(xte);
    nn_tensor_free(yte);
    /* $NNSCOPE_DATA comes first; a missing file there is named. */
    snprintf(sub, sizeof sub, "%s/mnist", data);
    mkdir(sub, 0700);
    write_idx_set(sub, 4, 2, 0);
    snprintf(sub, sizeof sub, "%s/mnist/t10k-labels-idx1-ubyte", data);
    unlink(sub);
    CHECK(nn_dataset_mnist(NULL, &xtr, &ytr, &xte, &yte, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "t10k-labels-idx1-ubyte");
    if (old_data)
        setenv("NNSCOPE_DATA", old_data, 1);
    else
        unsetenv("NNSCOPE_DATA");
    if (old_home)
        setenv("HOME", old_home, 1);
    free(old_data);
    free(old_home);
}

/* ------------------------------------------------------------- CIFAR-10 */

/* Value of channel c at pixel p of record r in the test's batches. */
static unsigned char cifar_value(int r, int c, int p)
{
    return (unsigned char)((r * 7 + c * 50 + p * 3) & 255);
}

/* A batch of `n` records whose labels are (first + i) % 10; record numbering
** continues from `first` so every image differs. */
static void write_cifar_batch(const char *path, int first, int n)
{
    unsigned char *buf = malloc((size_t)n * 3073);
    for (int i = 0; i < n; i++) {
        unsigned char *rec = buf + (size_t)i * 3073;
        rec[0] = (unsigned char)((first + i) % 10);
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 1024; p++)
                rec[1 + c * 1024 + p] = cifar_value(first + i, c, p);
    }
    write_bytes(path, buf, (size_t)n * 3073);
    free(buf);
}

static void cifar10_records_become_channels_last(void)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s", tmp_path("cifar"));
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/cifar-10-batches-bin", dir);
    mkdir(path, 0700);
    int first = 0;
    for (int b = 1; b <= 5; b++) {
        snprintf(path, sizeof path, "%s/cifar-10-batches-bin/data_batch_%d.bin", dir, b);
        write_cifar_batch(path, first, b == 3 ? 1 : 2);
        first += b == 3 ? 1 : 2;
    }
    snprintf(path, sizeof path, "%s/cifar-10-batches-bin/test_batch.bin", dir);
    write_cifar_batch(path, 100, 3);
    nn_tensor *xtr, *ytr, *xte, *yte;
    nn_error err = {0};
    CHECK(nn_dataset_cifar10(dir, &xtr, &ytr, &xte, &yte, &err) == NN_OK);
    if (!xtr)
        return;
    CHECK(xtr->ndim == 4 && xtr->shape[0] == 9 && xtr->shape[1] == 32 && xtr->shape[2] == 32 &&
          xtr->shape[3] == 3 && xtr->dtype == NN_U8);
    CHECK(ytr->ndim == 2 && ytr->shape[0] == 9 && ytr->shape[1] == 1 && ytr->dtype == NN_U8);
    CHECK(xte->shape[0] == 3 && yte->shape[0] == 3);
    int bad = 0;
    for (int r = 0; r < 9; r++) {
        bad += nn_tensor_u8(ytr)[r] != r % 10;
        for (int h = 0; h < 32; h++)
            for (int w = 0; w < 32; w++)
                for (int c = 0; c < 3; c++) {
                    size_t at = (((size_t)r * 32 + h) * 32 + w) * 3 + c;
                    bad += nn_tensor_u8(xtr)[at] != cifar_value(r, c, h * 32 + w);
                }
    }
    CHECK(bad == 0);
    /* Pixel (h=1, w=2) of test image 1, green: plane 1, offset 1*32+2 of record 101. */
    CHECK(nn_tensor_u8(xte)[((1 * 32 + 1) * 32 + 2) * 3 + 1] == cifar_value(101, 1, 34));
    CHECK(nn_tensor_u8(yte)[2] == 2);
    nn_tensor_free(xtr);
    nn_tensor_free(ytr);
    nn_tensor_free(xte);
    nn_tensor_free(yte);
    /* Found through $NNSCOPE_DATA (its cifar-10-batches-bin/) without a path. */
    char *old = getenv("NNSCOPE_DATA") ? strdup(getenv("NNSCOPE_DATA")) : NULL;
    setenv("NNSCOPE_DATA", dir, 1);
    CHECK(nn_dataset_cifar10(NULL, &xtr, &ytr, &xte, &yte, &err) == NN_OK);
    CHECK(xtr && xtr->shape[0] == 9 && yte && yte->shape[0] == 3);
    nn_tensor_free(xtr);
    nn_tensor_free(ytr);
    nn_tensor_free(xte);
    nn_tensor_free(yte);
    if (old)
        setenv("NNSCOPE_DATA", old, 1);
    else
        unsetenv("NNSCOPE_DATA");
    free(old);
}

static void cifar10_refuses_bad_batches(void)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s", tmp_path("cifar-bad"));
    mkdir(dir, 0700);
    nn_tensor *x = NULL, *y = NULL;
    nn_error err = {0};
    /* Not a whole number of records. */
    snprintf(path, sizeof path, "%s/cut.bin", dir);
    write_cifar_batch(path, 0, 2);
    truncate(path, 3073 + 100);
    CHECK(nn_dataset_cifar10_batch(path, &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "not a whole number of 3073-byte records");
    /* A label above 9. */
    unsigned char rec[3073] = {12};
    snprintf(path, sizeof path, "%s/label.bin", dir);
    write_bytes(path, rec, sizeof rec);
    CHECK(nn_dataset_cifar10_batch(path, &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "label 12");
    snprintf(path, sizeof path, "%s/empty.bin", dir);
    write_bytes(path, rec, 0);
    CHECK(nn_dataset_cifar10_batch(path, &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "empty");
    CHECK(x == NULL && y == NULL);
    /* A missing training batch is named. */
    snprintf(path, sizeof path, "%s/test_batch.bin", dir);
    write_cifar_batch(path, 0, 1);
    for (int b = 1; b <= 5; b++) {
        snprintf(path, sizeof path, "%s/data_batch_%d.bin", dir, b);
        if (b != 3)
            write_cifar_batch(path, 0, 1);
    }
    nn_tensor *a, *b, *c, *d;
    CHECK(nn_dataset_cifar10(dir, &a, &b, &c, &d, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "data_batch_3.bin not found");
    CHECK(a == NULL && b == NULL && c == NULL && d == NULL);
    /* Nothing anywhere: the places are listed. */
    CHECK(nn_dataset_cifar10(tmp_path("no-cifar"), &a, &b, &c, &d, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, tmp_path("no-cifar"));
    CHECK_CONTAINS(err.msg, "cifar-10-batches-bin");
    CHECK_CONTAINS(err.msg, "cifar-10-binary.tar.gz");
}

/* ------------------------------------------------------------------ CSV */

static void csv_reads_numbers_and_text_labels(void)
{
    write_text(tmp_path("a.csv"),
               "\xEF\xBB\xBF" "a, b ,kind,c\r\n"
               "1.5,2,cat,-3\r\n"
               "\r\n"
               " 4 ,\"5\",dog,6e1\r\n"
               "7,8,\"ant\",9\r\n");
    nn_csv_options o = nn_csv_defaults();
    o.label_name = "kind";
    nn_csv_data d;
    nn_error err = {0};
    CHECK(nn_csv_read(tmp_path("a.csv"), &o, &d, &err) == NN_OK);
    if (!d.x)
        return;
    CHECK(d.x->shape[0] == 3 && d.x->shape[1] == 3 && d.y && d.y->shape[0] == 3);
    float want[9] = {1.5f, 2, -3, 4, 5, 60, 7, 8, 9};
    CHECK(same_floats(nn_tensor_f32(d.x), want, 9, 0));
    /* Classes sorted: ant 0, cat 1, dog 2. */
    CHECK(d.n_classes == 3 && !strcmp(d.classes[0], "ant") && !strcmp(d.classes[2], "dog"));
    float wy[3] = {1, 2, 0};
    CHECK(same_floats(nn_tensor_f32(d.y), wy, 3, 0));
    CHECK(d.n_columns == 3 && !strcmp(d.columns[1], "b") && !strcmp(d.label, "kind"));
    nn_csv_data_free(&d);

    /* No header, ';' delimiter, numeric labels in the first column, quotes with "". */
    write_text(tmp_path("b.csv"), "2;0.5;\"1\"\n0;-1;3\n\n1;1e-3;2");
    o = nn_csv_defaults();
    o.header = 0;
    o.delimiter = ';';
    o.label_column = 0;
    CHECK(nn_csv_read(tmp_path("b.csv"), &o, &d, &err) == NN_OK);
    if (d.x) {
        float wx[6] = {0.5f, 1, -1, 3, 1e-3f, 2}, wl[3] = {2, 0, 1};
        CHECK(d.x->shape[0] == 3 && d.x->shape[1] == 2);
        CHECK(same_floats(nn_tensor_f32(d.x), wx, 6, 0));
        CHECK(same_floats(nn_tensor_f32(d.y), wl, 3, 0));
        CHECK(d.n_classes == 0 && d.columns == NULL);
    }
    nn_csv_data_free(&d);

    /* No label: all columns in x. A quoted field may hold the delimiter. */
    write_text(tmp_path("c.csv"), "\"x,1\",\"say \"\"hi\"\"\"\n1,2\n3,4\n");
    CHECK(nn_csv_read(tmp_path("c.csv"), NULL, &d, &err) == NN_OK);
    CHECK(d.x && d.x->shape[0] == 2 && d.x->shape[1] == 2 && d.y == NULL);
    CHECK(d.columns && !strcmp(d.columns[0], "x,1") && !strcmp(d.columns[1], "say \"hi\""));
    nn_csv_data_free(&d);
}

static void expect_csv_error(const char *text, const nn_csv_options *o, nn_status code,
                             const char *sub)
{
    write_text(tmp_path("bad.csv"), text);
    nn_csv_data d;
    nn_error err = {0};
    CHECK(nn_csv_read(tmp_path("bad.csv"), o, &d, &err) == code);
    CHECK_CONTAINS(err.msg, sub);
    CHECK(d.x == NULL && d.y == NULL && d.classes == NULL);
}

static void csv_errors_name_line_and_column(void)
{
    nn_csv_options o = nn_csv_defaults();
    expect_csv_error("a,b,c\n1,2,3\n4,x5,6\n", &o, NN_EFORMAT,
                     "bad.csv:3: column 2 ('b'): 'x5' is not a number");
    expect_csv_error("a,b,c\n1,2,3\n4,,6\n", &o, NN_EFORMAT,
                     "bad.csv:3: column 2 ('b'): empty cell");
    expect_csv_error("a,b,c\n1,2,3\n\n4,5\n", &o, NN_EFORMAT,
                     "bad.csv:4: 2 columns, but the header (line 1) has 3");
    expect_csv_error("a,b,c\n1,2,3,4\n", &o, NN_EFORMAT, "bad.csv:2: 4 columns");
    expect_csv_error("a,b\n1,\"2\n", &o, NN_EFORMAT, "bad.csv:2: a quote opened here");
    expect_csv_error("a,b\n1,\"2\"x\n", &o, NN_EFORMAT, "text after a closing quote");
    expect_csv_error("", &o, NN_EFORMAT, "empty file");
    expect_csv_error("a,b\n", &o, NN_EFORMAT, "no data rows");
    o.header = 0;
    expect_csv_error("1,2\n3,4\n5,z\n", &o, NN_EFORMAT, "bad.csv:3: column 2: 'z' is not");
    expect_csv_error("1,2\n3\n", &o, NN_EFORMAT, "but the first row (line 1) has 2");
    o.label_column = 5;
    expect_csv_error("1,2\n3,4\n", &o, NN_EARG, "label column 6 is out of range");
    o.label_column = 0;
    expect_csv_error("1\n2\n", &o, NN_EFORMAT, "no column besides the label");
    o = nn_csv_defaults();
    o.label_name = "specis";
    expect_csv_error("a,species\n1,x\n", &o, NN_EARG, "no column is named 'specis'");
    nn_csv_data d;
    nn_error err = {0};
    CHECK(nn_csv_read(tmp_path("none.csv"), NULL, &d, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "no such file");
    CHECK(nn_csv_read(tmp_dir, NULL, &d, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "is a directory");
}

/* ------------------------------------------------------------------ iris */

static void iris_has_fisher_data(void)
{
    nn_tensor *x = NULL, *y = NULL;
    nn_error err = {0};
    CHECK(nn_dataset_iris(NULL, &x, &y, &err) == NN_OK);
    if (!x) {
        printf("  %s\n", err.msg);
        return;
    }
    CHECK(x->ndim == 2 && x->shape[0] == 150 && x->shape[1] == 4);
    CHECK(y->ndim == 1 && y->shape[0] == 150);
    int count[3] = {0};
    for (int i = 0; i < 150; i++) {
        int c = (int)nn_tensor_f32(y)[i];
        if (c >= 0 && c < 3)
            count[c]++;
        CHECK(c == i / 50);     /* the rows come in class order */
    }
    CHECK(count[0] == 50 && count[1] == 50 && count[2] == 50);
    const float *v = nn_tensor_f32(x);
    float first[4] = {5.1f, 3.5f, 1.4f, 0.2f}, row51[4] = {7.0f, 3.2f, 4.7f, 1.4f};
    float last[4] = {5.9f, 3.0f, 5.1f, 1.8f};
    CHECK(same_floats(v, first, 4, 0));
    CHECK(same_floats(v + 50 * 4, row51, 4, 0));
    CHECK(same_floats(v + 149 * 4, last, 4, 0));
    /* The published column means (sklearn's corrected data: sepal width 3.0573). */
    double want[4] = {5.843333, 3.057333, 3.758, 1.199333};
    for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int i = 0; i < 150; i++)
            s += v[i * 4 + j];
        CHECK_NEAR(s / 150, want[j], 1e-5);
    }
    nn_tensor_free(x);
    nn_tensor_free(y);
}

static void data_files_not_found_list_places(void)
{
    char buf[512];
    nn_error err = {0};
    char *old = getenv("NNSCOPE_HOME") ? strdup(getenv("NNSCOPE_HOME")) : NULL;
    setenv("NNSCOPE_HOME", tmp_path("home-nowhere"), 1);
    CHECK(nn_dataset_find("no-such-file.csv", buf, sizeof buf, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "no-such-file.csv not found");
    CHECK_CONTAINS(err.msg, tmp_path("home-nowhere"));
    CHECK_CONTAINS(err.msg, "NNSCOPE_HOME");
    /* NNSCOPE_HOME is looked at first. */
    char data[600];
    snprintf(data, sizeof data, "%s/data", tmp_path("home-nowhere"));
    mkdir(tmp_path("home-nowhere"), 0700);
    mkdir(data, 0700);
    snprintf(data, sizeof data, "%s/data/iris.csv", tmp_path("home-nowhere"));
    write_text(data, "a,b,c,d,species\n1,2,3,4,x\n5,6,7,8,y\n");
    CHECK(nn_dataset_find("iris.csv", buf, sizeof buf, &err) == NN_OK);
    CHECK_CONTAINS(buf, tmp_path("home-nowhere"));
    nn_tensor *x, *y;
    CHECK(nn_dataset_iris(NULL, &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "not the iris data");
    if (old)
        setenv("NNSCOPE_HOME", old, 1);
    else
        unsetenv("NNSCOPE_HOME");
    free(old);
}

/* ------------------------------------------------------------ synthetic */

typedef nn_status (*synth_fn)(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                              nn_error *err);

static int tensors_equal(const nn_tensor *a, const nn_tensor *b)
{
    return a && b && a->size == b->size && memcmp(a->data, b->data, a->size * 4) == 0;
}

static void synth_sets_are_seeded(void)
{
    synth_fn fns[3] = {nn_synth_xor, nn_synth_circles, nn_synth_moons};
    for (int k = 0; k < 3; k++) {
        nn_tensor *x1, *y1, *x2, *y2, *x3, *y3;
        fns[k](101, 0.2f, 7, &x1, &y1, NULL);
        fns[k](101, 0.2f, 7, &x2, &y2, NULL);
        fns[k](101, 0.2f, 8, &x3, &y3, NULL);
        CHECK(x1 && x1->ndim == 2 && x1->shape[0] == 101 && x1->shape[1] == 2);
        CHECK(y1 && y1->ndim == 1 && y1->shape[0] == 101);
        CHECK(tensors_equal(x1, x2) && tensors_equal(y1, y2));
        CHECK(!tensors_equal(x1, x3));
        for (int i = 0; y1 && i < 101; i++)
            CHECK(nn_tensor_f32(y1)[i] == 0 || nn_tensor_f32(y1)[i] == 1);
        nn_tensor_free(x1);
        nn_tensor_free(y1);
        nn_tensor_free(x2);
        nn_tensor_free(y2);
        nn_tensor_free(x3);
        nn_tensor_free(y3);
    }
}

static void synth_xor_and_circles_geometry(void)
{
    nn_tensor *x, *y;
    CHECK(nn_synth_xor(400, 0, 3, &x, &y, NULL) == NN_OK);
    int ones = 0, bad = 0;
    for (int i = 0; x && i < 400; i++) {
        float a = nn_tensor_f32(x)[2 * i], b = nn_tensor_f32(x)[2 * i + 1];
        int cls = (int)nn_tensor_f32(y)[i];
        bad += fabsf(a) < 0.3f || fabsf(b) < 0.3f || fabsf(a) > 5.3f || fabsf(b) > 5.3f;
        bad += cls != ((a > 0) != (b > 0));
        ones += cls;
    }
    CHECK(bad == 0);
    CHECK(ones > 150 && ones < 250);    /* about half, by chance */
    nn_tensor_free(x);
    nn_tensor_free(y);

    CHECK(nn_synth_circles(301, 0, 3, &x, &y, NULL) == NN_OK);
    int inside = 0;
    bad = 0;
    for (int i = 0; x && i < 301; i++) {
        float r = hypotf(nn_tensor_f32(x)[2 * i], nn_tensor_f32(x)[2 * i + 1]);
        int cls = (int)nn_tensor_f32(y)[i];
        bad += cls == 1 ? r > 2.5f : (r < 3.5f - 1e-5f || r > 5.0f + 1e-5f);
        inside += cls;
    }
    CHECK(bad == 0 && inside == 150);
    nn_tensor_free(x);
    nn_tensor_free(y);
    /* With noise, the class is judged on a moved point: some labels cross. */
    CHECK(nn_synth_circles(500, 0.5f, 3, &x, &y, NULL) == NN_OK);
    int crossed = 0;
    for (int i = 0; x && i < 500; i++) {
        float r = hypotf(nn_tensor_f32(x)[2 * i], nn_tensor_f32(x)[2 * i + 1]);
        crossed += (r < 2.5f) != (nn_tensor_f32(y)[i] == 1);
    }
    CHECK(crossed > 0);
    nn_tensor_free(x);
    nn_tensor_free(y);
}

static void synth_moons_lie_on_half_circles(void)
{
    nn_tensor *x, *y;
    CHECK(nn_synth_moons(11, 0, 1, &x, &y, NULL) == NN_OK);
    int zeros = 0, bad = 0;
    for (int i = 0; x && i < 11; i++) {
        double a = nn_tensor_f32(x)[2 * i], b = nn_tensor_f32(x)[2 * i + 1];
        if (nn_tensor_f32(y)[i] == 0) {
            zeros++;
            bad += fabs(a * a + b * b - 1) > 1e-5 || b < -1e-6;
        } else {
            bad += fabs((a - 1) * (a - 1) + (b - 0.5) * (b - 0.5) - 1) > 1e-5 || b > 0.5 + 1e-6;
        }
    }
    CHECK(zeros == 5 && bad == 0);      /* sklearn: n // 2 on the outer moon */
    nn_tensor_free(x);
    nn_tensor_free(y);
    /* Noise of standard deviation s: the spread off the circle is about s. */
    CHECK(nn_synth_moons(4000, 0.1f, 2, &x, &y, NULL) == NN_OK);
    double ss = 0;
    int n0 = 0;
    for (int i = 0; x && i < 4000; i++) {
        if (nn_tensor_f32(y)[i] != 0)
            continue;
        double a = nn_tensor_f32(x)[2 * i], b = nn_tensor_f32(x)[2 * i + 1];
        double dr = sqrt(a * a + b * b) - 1;
        ss += dr * dr;
        n0++;
    }
    CHECK(n0 == 2000);
    CHECK_NEAR(sqrt(ss / n0), 0.1, 0.01);
    nn_tensor_free(x);
    nn_tensor_free(y);
}

static void synth_spirals_follow_the_formula(void)
{
    nn_tensor *x, *y;
    int arms = 3, n = 100;
    CHECK(nn_synth_spirals(n, arms, 0, 4, &x, &y, NULL) == NN_OK);
    int count[3] = {0}, bad = 0;
    for (int i = 0; x && i < n; i++) {
        int k = (int)nn_tensor_f32(y)[i];
        count[k]++;
        double a = nn_tensor_f32(x)[2 * i], b = nn_tensor_f32(x)[2 * i + 1];
        double r = sqrt(a * a + b * b);
        int m = k == 0 ? 34 : 33;
        double idx = r * m / 5;             /* which point of the arm */
        int j = (int)lround(idx);
        double t = 1.75 * 2 * M_PI * j / m + 2 * M_PI * k / arms;
        bad += fabs(idx - j) > 1e-3 || fabs(a - r * sin(t)) > 1e-4 || fabs(b - r * cos(t)) > 1e-4;
    }
    CHECK(bad == 0);
    CHECK(count[0] == 34 && count[1] == 33 && count[2] == 33);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_error err = {0};
    CHECK(nn_synth_spirals(10, 0, 0, 1, &x, &y, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "arms");
    CHECK(x == NULL && y == NULL);
}

static void synth_blobs_and_errors(void)
{
    nn_tensor *x, *y;
    float centers[4] = {2, 2, -2, -2};
    CHECK(nn_synth_blobs(7, 2, centers, 0, 0, 0, 1, &x, &y, NULL) == NN_OK);
    int count[2] = {0}, bad = 0;
    for (int i = 0; x && i < 7; i++) {
        int c = (int)nn_tensor_f32(y)[i];
        count[c]++;
        bad += nn_tensor_f32(x)[2 * i] != centers[2 * c] ||
               nn_tensor_f32(x)[2 * i + 1] != centers[2 * c + 1];
    }
    CHECK(bad == 0 && count[0] == 4 && count[1] == 3);
    nn_tensor_free(x);
    nn_tensor_free(y);
    /* Drawn centres: each blob's mean is within the box, its spread about std. */
    CHECK(nn_synth_blobs(6000, 3, NULL, 0.5f, -10, 10, 9, &x, &y, NULL) == NN_OK);
    double sum[3][2] = {{0}}, sq[3][2] = {{0}};
    int cnt[3] = {0};
    for (int i = 0; x && i < 6000; i++) {
        int c = (int)nn_tensor_f32(y)[i];
        cnt[c]++;
        for (int d = 0; d < 2; d++) {
            double v = nn_tensor_f32(x)[2 * i + d];
            sum[c][d] += v;
            sq[c][d] += v * v;
        }
    }
    for (int c = 0; c < 3; c++) {
        CHECK(cnt[c] == 2000);
        for (int d = 0; d < 2; d++) {
            double mean = sum[c][d] / cnt[c], var = sq[c][d] / cnt[c] - mean * mean;
            CHECK(fabs(mean) <= 10);
            CHECK_NEAR(sqrt(var), 0.5, 0.03);
        }
    }
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_error err = {0};
    CHECK(nn_synth_xor(0, 0, 1, &x, &y, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "make_xor: n must be at least 1");
    CHECK(nn_synth_moons(10, -1, 1, &x, &y, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "noise");
    CHECK(nn_synth_blobs(10, 0, NULL, 1, -10, 10, 1, &x, &y, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "centers");
    CHECK(nn_synth_blobs(10, 2, NULL, 1, 3, -3, 1, &x, &y, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "center_box must be two finite numbers, low then high");
    CHECK(x == NULL && y == NULL);
}

/* ----------------------------------------------------------- preprocess */

static nn_tensor *floats(int ndim, const int *shape, const float *v)
{
    nn_tensor *t = nn_tensor_new(NN_F32, ndim, shape, NULL);
    memcpy(t->data, v, t->size * sizeof(float));
    return t;
}

static void to_categorical_one_hot(void)
{
    int s1[1] = {3};
    float y[3] = {0, 2, 1};
    nn_tensor *t = floats(1, s1, y);
    nn_tensor *c = nn_to_categorical(t, 0, NULL);
    float want[9] = {1, 0, 0, 0, 0, 1, 0, 1, 0};
    CHECK(c && c->ndim == 2 && c->shape[0] == 3 && c->shape[1] == 3);
    CHECK(c && same_floats(nn_tensor_f32(c), want, 9, 0));
    nn_tensor_free(c);
    c = nn_to_categorical(t, 4, NULL);
    CHECK(c && c->shape[1] == 4 && nn_tensor_f32(c)[4 + 2] == 1 && nn_tensor_f32(c)[4 + 3] == 0);
    nn_tensor_free(c);
    /* uint8 labels of shape (N, 1) give (N, C), as Keras drops the 1. */
    int s2[2] = {2, 1};
    nn_tensor *u = nn_tensor_new(NN_U8, 2, s2, NULL);
    nn_tensor_u8(u)[0] = 1;
    nn_tensor_u8(u)[1] = 0;
    c = nn_to_categorical(u, 2, NULL);
    float w2[4] = {0, 1, 1, 0};
    CHECK(c && c->ndim == 2 && c->shape[0] == 2 && same_floats(nn_tensor_f32(c), w2, 4, 0));
    nn_tensor_free(c);
    nn_tensor_free(u);
    nn_error err = {0};
    CHECK(nn_to_categorical(t, 2, &err) == NULL && err.code == NN_EARG);
    CHECK_CONTAINS(err.msg, "label 2 of sample 2 is out of range: num_classes is 2");
    nn_tensor_f32(t)[2] = 1.5f;
    CHECK(nn_to_categorical(t, 3, &err) == NULL);
    CHECK_CONTAINS(err.msg, "label 1.5 of sample 3 is not an integer");
    nn_tensor_f32(t)[0] = -1;
    CHECK(nn_to_categorical(t, 3, &err) == NULL);
    CHECK_CONTAINS(err.msg, "label -1 of sample 1 is negative");
    nn_tensor_free(t);
}

static void normalize_rows(void)
{
    int s[2] = {3, 2};
    float v[6] = {3, 4, 0, 0, 1, 0};
    nn_tensor *x = floats(2, s, v);
    nn_tensor *r = nn_normalize(x, -1, 2, NULL);
    float want[6] = {0.6f, 0.8f, 0, 0, 1, 0};
    CHECK(r && same_floats(nn_tensor_f32(r), want, 6, 1e-7f));
    nn_tensor_free(r);
    r = nn_normalize(x, -1, 1, NULL);
    float w1[6] = {3.0f / 7, 4.0f / 7, 0, 0, 1, 0};
    CHECK(r && same_floats(nn_tensor_f32(r), w1, 6, 1e-7f));
    nn_tensor_free(r);
    /* Along axis 0: columns (3, 0, 1) and (4, 0, 0). */
    r = nn_normalize(x, 0, 2, NULL);
    float w0[6] = {3 / sqrtf(10), 1, 0, 0, 1 / sqrtf(10), 0};
    CHECK(r && same_floats(nn_tensor_f32(r), w0, 6, 1e-6f));
    nn_tensor_free(r);
    nn_error err = {0};
    CHECK(nn_normalize(x, 2, 2, &err) == NULL);
    CHECK_CONTAINS(err.msg, "axis 2 is out of range");
    nn_tensor_free(x);
}

static void standard_scaler_by_hand(void)
{
    int s[2] = {4, 2};
    float v[8] = {1, 10, 2, 10, 3, 10, 6, 10};
    nn_tensor *x = floats(2, s, v);
    nn_scaler sc = nn_scaler_defaults();
    nn_error err = {0};
    CHECK(nn_scaler_transform(&sc, x, &err) == NULL && err.code == NN_ESTATE);
    CHECK_CONTAINS(err.msg, "not fitted");
    CHECK(nn_scaler_fit(&sc, x, &err) == NN_OK);
    /* Column 0: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5. Column 1 constant. */
    CHECK_NEAR(nn_tensor_f32(sc.mean)[0], 3, 1e-6);
    CHECK_NEAR(nn_tensor_f32(sc.var)[0], 3.5, 1e-6);
    CHECK_NEAR(nn_tensor_f32(sc.scale)[0], sqrt(3.5), 1e-6);
    CHECK_NEAR(nn_tensor_f32(sc.mean)[1], 10, 1e-6);
    CHECK(nn_tensor_f32(sc.var)[1] == 0 && nn_tensor_f32(sc.scale)[1] == 1);
    nn_tensor *t = nn_scaler_transform(&sc, x, &err);
    double r = sqrt(3.5);
    float want[8] = {(float)(-2 / r), 0, (float)(-1 / r), 0, 0, 0, (float)(3 / r), 0};
    CHECK(t && same_floats(nn_tensor_f32(t), want, 8, 1e-6f));
    nn_tensor *back = nn_scaler_inverse_transform(&sc, t, &err);
    CHECK(back && same_floats(nn_tensor_f32(back), v, 8, 1e-5f));
    nn_tensor_free(t);
    nn_tensor_free(back);
    int s3[2] = {2, 3};
    float v3[6] = {0};
    nn_tensor *x3 = floats(2, s3, v3);
    CHECK(nn_scaler_transform(&sc, x3, &err) == NULL && err.code == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "x has 3 features per row, but the scaler was fitted on 2");
    int s1[1] = {6};
    nn_tensor *x1 = floats(1, s1, v3);
    CHECK(nn_scaler_fit(&sc, x1, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "must be 2-D");
    nn_scaler_clear(&sc);
    nn_tensor_free(x);
    nn_tensor_free(x3);
    nn_tensor_free(x1);
}

/* Sorted copy check: a and b together hold 0..n-1 once each. */
static int is_partition(const int *a, int na, const int *b, int nb, int n)
{
    int *seen = calloc((size_t)n, sizeof *seen), ok = na + nb == n;
    for (int i = 0; i < na && ok; i++)
        ok = a[i] >= 0 && a[i] < n && !seen[a[i]]++;
    for (int i = 0; i < nb && ok; i++)
        ok = b[i] >= 0 && b[i] < n && !seen[b[i]]++;
    free(seen);
    return ok;
}

static void split_sizes_follow_sklearn(void)
{
    nn_split_options o = nn_split_defaults();
    int *tr, *te, ntr, nte;
    /* Default test_size 0.25 of 10: ceil(2.5) = 3. */
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK);
    CHECK(ntr == 7 && nte == 3 && is_partition(tr, ntr, te, nte, 10));
    int *tr2, *te2, ntr2, nte2;
    CHECK(nn_split_indices(10, &o, &tr2, &ntr2, &te2, &nte2, NULL) == NN_OK);
    CHECK(memcmp(tr, tr2, 7 * sizeof *tr) == 0 && memcmp(te, te2, 3 * sizeof *te) == 0);
    free(tr);
    free(te);
    free(tr2);
    free(te2);
    o.test_size = 0.33;                 /* ceil(3.3) = 4 */
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK);
    CHECK(ntr == 6 && nte == 4);
    free(tr);
    free(te);
    o = nn_split_defaults();
    o.test_count = 4;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK && nte == 4);
    free(tr);
    free(te);
    o = nn_split_defaults();
    o.train_size = 0.55;                /* floor(5.5) = 5, the rest 5 */
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK);
    CHECK(ntr == 5 && nte == 5);
    free(tr);
    free(te);
    o = nn_split_defaults();
    o.shuffle = 0;
    o.test_size = 0.3;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK);
    int wtr[7] = {0, 1, 2, 3, 4, 5, 6}, wte[3] = {7, 8, 9};
    CHECK(ntr == 7 && memcmp(tr, wtr, sizeof wtr) == 0 && memcmp(te, wte, sizeof wte) == 0);
    free(tr);
    free(te);
    nn_error err = {0};
    o = nn_split_defaults();
    o.test_size = 1.0;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "test_size=1 should be either positive and smaller");
    o = nn_split_defaults();
    o.test_count = 10;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, &err) == NN_EARG);
    o = nn_split_defaults();
    o.test_size = 0.6;
    o.train_size = 0.6;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "sum of test_size and train_size");
    CHECK(tr == NULL && te == NULL);
}

static void split_stratified_keeps_balance(void)
{
    /* Classes 0 x2, 1 x3, 2 x5; test_size 0.3 of 10 gives 3 test rows.
    ** Train gets 7: 1.4, 2.1, 3.5 floored to 1, 2, 3, the one left to the largest
    ** remainder (class 2): 1, 2, 4. Test gets the rest's 3: 1, 1, 1. */
    int s[1] = {10};
    float lab[10] = {0, 2, 1, 2, 2, 1, 0, 2, 1, 2};
    nn_tensor *y = floats(1, s, lab);
    nn_split_options o = nn_split_defaults();
    o.test_size = 0.3;
    o.stratify = y;
    o.seed = 11;
    int *tr, *te, ntr, nte;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK);
    if (tr) {
        int ctr[3] = {0}, cte[3] = {0};
        for (int i = 0; i < ntr; i++)
            ctr[(int)lab[tr[i]]]++;
        for (int i = 0; i < nte; i++)
            cte[(int)lab[te[i]]]++;
        CHECK(ntr == 7 && nte == 3 && is_partition(tr, ntr, te, nte, 10));
        CHECK(ctr[0] == 1 && ctr[1] == 2 && ctr[2] == 4);
        CHECK(cte[0] == 1 && cte[1] == 1 && cte[2] == 1);
    }
    free(tr);
    free(te);
    /* One-hot labels stratify by whole rows. */
    int s2[2] = {6, 2};
    float oh[12] = {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0};   /* classes 0 1 0 1 0 0 */
    nn_tensor *y2 = floats(2, s2, oh);
    o = nn_split_defaults();
    o.test_size = 0.5;
    o.stratify = y2;
    CHECK(nn_split_indices(6, &o, &tr, &ntr, &te, &nte, NULL) == NN_OK);
    if (te) {
        int ones = 0;
        for (int i = 0; i < nte; i++)
            ones += oh[2 * te[i] + 1] == 1;
        CHECK(nte == 3 && ones == 1);   /* 4 and 2 rows: 2 and 1 to each side */
    }
    free(tr);
    free(te);
    nn_error err = {0};
    lab[6] = 1;                         /* class 0 now has a single row */
    nn_tensor_free(y);
    y = floats(1, s, lab);
    o = nn_split_defaults();
    o.stratify = y;
    CHECK(nn_split_indices(10, &o, &tr, &ntr, &te, &nte, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "least populated class");
    o.stratify = y2;
    o.test_count = 1;
    CHECK(nn_split_indices(6, &o, &tr, &ntr, &te, &nte, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "test_size = 1 should be greater or equal to the number of "
                   "classes = 2");
    o = nn_split_defaults();
    o.stratify = y;
    CHECK(nn_split_indices(9, &o, &tr, &ntr, &te, &nte, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "stratify has 10 rows");
    nn_tensor_free(y);
    nn_tensor_free(y2);
}

static void split_and_shuffle_keep_pairs(void)
{
    int sx[2] = {20, 2}, sy[1] = {20};
    float xv[40], yv[20];
    for (int i = 0; i < 20; i++) {
        xv[2 * i] = (float)i;
        xv[2 * i + 1] = (float)(10 * i);
        yv[i] = (float)i;
    }
    nn_tensor *x = floats(2, sx, xv), *y = floats(1, sy, yv);
    nn_split_options o = nn_split_defaults();
    o.test_size = 0.2;
    o.seed = 42;
    nn_tensor *xtr, *xte, *ytr, *yte;
    CHECK(nn_train_test_split(x, y, &o, &xtr, &xte, &ytr, &yte, NULL) == NN_OK);
    CHECK(xtr && xtr->shape[0] == 16 && xte->shape[0] == 4 && ytr->shape[0] == 16);
    int bad = 0, moved = 0;
    for (int i = 0; xtr && i < 16; i++) {
        bad += nn_tensor_f32(xtr)[2 * i] != nn_tensor_f32(ytr)[i];
        bad += nn_tensor_f32(xtr)[2 * i + 1] != 10 * nn_tensor_f32(ytr)[i];
        moved += nn_tensor_f32(ytr)[i] != (float)i;
    }
    for (int i = 0; xte && i < 4; i++)
        bad += nn_tensor_f32(xte)[2 * i] != nn_tensor_f32(yte)[i];
    CHECK(bad == 0 && moved > 0);
    nn_tensor_free(xtr);
    nn_tensor_free(xte);
    nn_tensor_free(ytr);
    nn_tensor_free(yte);

    nn_tensor *xs, *ys, *xs2, *ys2;
    CHECK(nn_shuffle_rows(x, y, 5, &xs, &ys, NULL) == NN_OK);
    CHECK(nn_shuffle_rows(x, y, 5, &xs2, &ys2, NULL) == NN_OK);
    CHECK(tensors_equal(xs, xs2) && tensors_equal(ys, ys2));
    int seen[20] = {0};
    bad = 0;
    for (int i = 0; xs && i < 20; i++) {
        int k = (int)nn_tensor_f32(ys)[i];
        seen[k]++;
        bad += nn_tensor_f32(xs)[2 * i] != (float)k;
    }
    for (int i = 0; i < 20; i++)
        bad += seen[i] != 1;
    CHECK(bad == 0 && !tensors_equal(ys, y));
    nn_tensor_free(xs);
    nn_tensor_free(ys);
    nn_tensor_free(xs2);
    nn_tensor_free(ys2);

    int s9[1] = {9};
    nn_tensor *y9 = floats(1, s9, yv);
    nn_error err = {0};
    CHECK(nn_shuffle_rows(x, y9, 1, &xs, &ys, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "(20, 2)");
    CHECK_CONTAINS(err.msg, "(9,)");
    CHECK(nn_train_test_split(x, y9, &o, &xtr, &xte, &ytr, &yte, &err) == NN_ESHAPE);
    /* Gathering keeps uint8 as uint8. */
    int su[2] = {3, 2};
    nn_tensor *u = nn_tensor_new(NN_U8, 2, su, NULL);
    for (int i = 0; i < 6; i++)
        nn_tensor_u8(u)[i] = (uint8_t)i;
    int idx[2] = {2, 0};
    nn_tensor *g = nn_gather_rows(u, idx, 2, NULL);
    CHECK(g && g->dtype == NN_U8 && nn_tensor_u8(g)[0] == 4 && nn_tensor_u8(g)[3] == 1);
    idx[1] = 3;
    CHECK(nn_gather_rows(u, idx, 2, &err) == NULL);
    CHECK_CONTAINS(err.msg, "index 3 is out of range for 3 rows");
    nn_tensor_free(g);
    nn_tensor_free(u);
    nn_tensor_free(y9);
    nn_tensor_free(x);
    nn_tensor_free(y);
}

/* ----------------------------------------------------------------- suite */

static void remove_tree(const char *dir)
{
    char cmd[600];
    if (strncmp(dir, "/tmp/nnscope-test-", 18) == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            printf("  (could not remove %s)\n", dir);
    }
}

void suite_data(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/nnscope-test-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        printf("FAIL data: cannot make a temporary directory\n");
        return;
    }
    t_run("IDX reads raw and gzip files", idx_reads_raw_and_gzip);
    t_run("IDX refuses bad files with the reason", idx_refuses_bad_files);
    t_run("IDX gzip that lies or is cut fails cleanly", idx_gzip_lies_and_cuts);
    t_run("IDX directory loads and checks image/label pairs", idx_dir_loads_and_checks_pairs);
    t_run("Fashion-MNIST missing says where and what to install",
          fashion_mnist_missing_says_where_and_what);
    t_run("Fashion-MNIST installed has its shapes", fashion_mnist_installed_has_its_shapes);
    t_run("MNIST looks in every place and lists them", mnist_looks_in_every_place);
    t_run("CIFAR-10 records become channels-last", cifar10_records_become_channels_last);
    t_run("CIFAR-10 refuses bad batches", cifar10_refuses_bad_batches);
    t_run("CSV reads numbers and text labels", csv_reads_numbers_and_text_labels);
    t_run("CSV errors name line and column", csv_errors_name_line_and_column);
    t_run("iris has Fisher's data", iris_has_fisher_data);
    t_run("data files not found list the places", data_files_not_found_list_places);
    t_run("synthetic sets are seeded", synth_sets_are_seeded);
    t_run("synthetic xor and circles geometry", synth_xor_and_circles_geometry);
    t_run("synthetic moons lie on half circles", synth_moons_lie_on_half_circles);
    t_run("synthetic spirals follow the formula", synth_spirals_follow_the_formula);
    t_run("synthetic blobs and argument errors", synth_blobs_and_errors);
    t_run("to_categorical one-hot", to_categorical_one_hot);
    t_run("normalize rows", normalize_rows);
    t_run("StandardScaler by hand", standard_scaler_by_hand);
    t_run("train_test_split sizes follow sklearn", split_sizes_follow_sklearn);
    t_run("train_test_split stratified keeps balance", split_stratified_keeps_balance);
    t_run("split and shuffle keep x and y paired", split_and_shuffle_keep_pairs);
    remove_tree(tmp_dir);
}
