/* tests/c/test_alloc_failures.c — every allocation the core makes may fail: each one is
** made to fail in turn, and the call must return an error (NN_ENOMEM) or succeed, never
** crash, and leave nothing allocated.
**
** This file replaces malloc, calloc, realloc, aligned_alloc and free for the whole test
** program with thin wrappers over glibc's own (__libc_malloc, ...): a program's own
** definitions take the place of libc's for every caller. Unarmed, they only forward.
** Armed with a number k, the allocation after k successful ones returns NULL (once), and
** the wrappers count the blocks alive, so each run can check that its clean-up freed
** everything. Under AddressSanitizer, whose own malloc must stay in place, the suite is
** left out (the sanitizer run checks leaks on the ordinary error paths instead).
*/
#include "tests/test.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "nn/csv.h"
#include "nn/datasets.h"
#include "nn/idx.h"
#include "nn/nn.h"
#include "nn/preprocess.h"
#include "nn/synth.h"

void suite_alloc_failures(void);

#if defined(__SANITIZE_ADDRESS__)
#define NN_TEST_WRAP_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NN_TEST_WRAP_MALLOC 0
#endif
#endif
#ifndef NN_TEST_WRAP_MALLOC
#define NN_TEST_WRAP_MALLOC 1
#endif

#if NN_TEST_WRAP_MALLOC

/* glibc's allocator under its internal names. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t count, size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static atomic_long fail_after = -1;     /* < 0: never fail */
static atomic_long injected;            /* failures made since armed */
static atomic_long live;                /* blocks allocated minus blocks freed */

static int take_failure(void)
{
    long k = atomic_load(&fail_after);
    if (k < 0)
        return 0;
    if (atomic_fetch_sub(&fail_after, 1) == 0) {
        atomic_fetch_add(&injected, 1);
        errno = ENOMEM;         /* as glibc's malloc leaves it */
        return 1;
    }
    return 0;
}

static void *counted(void *p)
{
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

void *malloc(size_t n)
{
    return take_failure() ? NULL : counted(__libc_malloc(n));
}

void *calloc(size_t count, size_t n)
{
    return take_failure() ? NULL : counted(__libc_calloc(count, n));
}

void *aligned_alloc(size_t align, size_t n)
{
    return take_failure() ? NULL : counted(__libc_memalign(align, n));
}

void *realloc(void *p, size_t n)
{
    if (take_failure())
        return NULL;
    void *q = __libc_realloc(p, n);
    if (!p && q)
        atomic_fetch_add(&live, 1);
    else if (p && !q && n == 0)
        atomic_fetch_sub(&live, 1);
    return q;
}

void free(void *p)
{
    if (p)
        atomic_fetch_sub(&live, 1);
    __libc_free(p);
}

/* --------------------------------------------------------------- driver */

/* One operation under test: runs once, frees all it made, returns its status. */
typedef nn_status (*operation)(nn_error *err);

/* Run `op` with the k-th allocation failing, for k = 0, 1, ... until a run makes no
** allocation fail. Every run must succeed or fail with NN_ENOMEM and leave as many
** blocks alive as before it. Returns how many allocations the run without failures
** made (so a test can see that it covered something). */
static long fail_each_allocation(operation op, const char *name)
{
    nn_error err = {NN_OK, ""};
    CHECK(op(&err) == NN_OK);           /* warm up: lazily made library state stays */
    for (long k = 0;; k++) {
        long before = atomic_load(&live);
        atomic_store(&injected, 0);
        atomic_store(&fail_after, k);
        nn_error_clear(&err);
        nn_status st = op(&err);
        atomic_store(&fail_after, -1);
        long after = atomic_load(&live);
        if (atomic_load(&injected) == 0) {
            CHECK(st == NN_OK);
            return k;
        }
        if (!CHECK(st == NN_OK || (st == NN_ENOMEM && err.code == NN_ENOMEM)) ||
            !CHECK(after == before)) {
            printf("    %s: allocation %ld failing gave status %d (%s), %ld blocks leaked\n",
                   name, k + 1, st, err.msg, after - before);
            return k;
        }
    }
}

/* -------------------------------------------------------------- operations */

static const char *scratch(const char *name)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "/tmp/nnscope-alloc-%ld-%s", (long)getpid(), name);
    return p;
}

static void write_file(const char *path, const void *data, size_t n, int gzip)
{
    if (gzip) {
        gzFile gz = gzopen(path, "wb");
        gzwrite(gz, data, (unsigned)n);
        gzclose(gz);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static const unsigned char idx_images[4 + 12 + 18] = {
    0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
};

static nn_status op_idx_plain(nn_error *err)
{
    nn_tensor *t = nn_idx_read(scratch("plain.idx"), err);
    nn_tensor_free(t);
    return t ? NN_OK : err->code;
}

static nn_status op_idx_gz(nn_error *err)
{
    nn_tensor *t = nn_idx_read(scratch("images.idx.gz"), err);
    nn_tensor_free(t);
    return t ? NN_OK : err->code;
}

static nn_status op_csv(nn_error *err)
{
    nn_csv_options o = nn_csv_defaults();
    o.label_name = "label";
    nn_csv_data d;
    nn_status st = nn_csv_read(scratch("data.csv"), &o, &d, err);
    nn_csv_data_free(&d);
    return st;
}

static nn_status op_cifar(nn_error *err)
{
    nn_tensor *x, *y;
    nn_status st = nn_dataset_cifar10_batch(scratch("batch.bin"), &x, &y, err);
    nn_tensor_free(x);
    nn_tensor_free(y);
    return st;
}

static nn_status op_preprocess(nn_error *err)
{
    nn_tensor *x = NULL, *y = NULL, *onehot = NULL, *scaled = NULL;
    nn_tensor *xtr = NULL, *xte = NULL, *ytr = NULL, *yte = NULL;
    nn_scaler sc = nn_scaler_defaults();
    nn_status st = nn_synth_moons(40, 0.1f, 7, &x, &y, err);
    if (st == NN_OK)
        st = (onehot = nn_to_categorical(y, 2, err)) ? NN_OK : err->code;
    if (st == NN_OK)
        st = nn_scaler_fit(&sc, x, err);
    if (st == NN_OK)
        st = (scaled = nn_scaler_transform(&sc, x, err)) ? NN_OK : err->code;
    nn_split_options so = nn_split_defaults();
    so.stratify = y;
    if (st == NN_OK)
        st = nn_train_test_split(scaled, onehot, &so, &xtr, &xte, &ytr, &yte, err);
    nn_tensor *all[8] = {x, y, onehot, scaled, xtr, xte, ytr, yte};
    for (int i = 0; i < 8; i++)
        nn_tensor_free(all[i]);
    nn_scaler_clear(&sc);
    return st;
}

static nn_status op_tensor_math(nn_error *err)
{
    int sa[2] = {3, 4}, sb[1] = {4};
    nn_tensor *a = nn_tensor_new(NN_F32, 2, sa, err);
    nn_tensor *b = a ? nn_tensor_new(NN_F32, 1, sb, err) : NULL;
    nn_tensor *sum = b ? nn_tensor_binary(NN_ADD, a, b, err) : NULL;
    nn_tensor *tr = sum ? nn_tensor_transpose(sum, err) : NULL;
    nn_tensor *mm = tr ? nn_tensor_matmul(a, tr, err) : NULL;
    nn_tensor *red = mm ? nn_tensor_reduce(NN_MEAN, mm, 0, err) : NULL;
    nn_tensor *am = red ? nn_tensor_argmax(mm, err) : NULL;
    nn_tensor *v = am ? nn_tensor_reshape(a, 1, (int[]){-1}, err) : NULL;
    nn_tensor *s = v ? nn_tensor_slice_rows(a, 1, 2, err) : NULL;
    nn_status st = s ? NN_OK : err->code;
    nn_tensor *all[9] = {a, b, sum, tr, mm, red, am, v, s};
    for (int i = 0; i < 9; i++)
        nn_tensor_free(all[i]);
    return st;
}

static nn_layer *dense(int units, const char *act, int input_dim, nn_error *err)
{
    nn_dense_options o = nn_dense_defaults(units);
    nn_activation_parse(act, &o.activation, err);
    nn_layer *l = nn_dense_new(&o, err);
    if (l && input_dim > 0)
        l->input_hint = (nn_shape){1, {input_dim}};
    return l;
}

/* A whole small session: build, compile with Adam, fit with validation, evaluate,
** predict, then step by step. */
static nn_status op_model(nn_error *err)
{
    nn_tensor *x = NULL, *y = NULL, *p = NULL;
    nn_model *m = NULL;
    nn_status st = nn_synth_xor(24, 0.1f, 3, &x, &y, err);
    if (st == NN_OK)
        st = (m = nn_model_new(5, err)) ? NN_OK : err->code;
    nn_layer *l;
    if (st == NN_OK)
        st = (l = dense(4, "relu", 2, err)) ? nn_model_add(m, l, err) : err->code;
    if (st == NN_OK)
        st = (l = dense(2, "softmax", 0, err)) ? nn_model_add(m, l, err) : err->code;
    nn_compile_options c = {0};
    if (st == NN_OK)
        st = nn_loss_parse("sparse_categorical_crossentropy", &c.loss, err);
    if (st == NN_OK)
        st = (c.optimizer = nn_optim_by_name("adam", err)) ? NN_OK : err->code;
    c.n_metrics = 1;
    if (st == NN_OK)
        st = nn_metric_parse("accuracy", &c.metrics[0], err);
    if (st == NN_OK)
        st = nn_model_compile(m, &c, err);
    else if (c.optimizer)
        nn_optim_free(c.optimizer);
    nn_fit_options f = nn_fit_defaults();
    f.epochs = 2;
    f.batch_size = 8;
    f.validation_split = 0.25;
    if (st == NN_OK)
        st = nn_model_fit(m, x, y, &f, err);
    double r[NN_MAX_METRICS + 1];
    if (st == NN_OK)
        st = nn_model_evaluate(m, x, y, 8, r, NULL, NULL, err);
    if (st == NN_OK)
        st = (p = nn_model_predict(m, x, 5, NULL, NULL, err)) ? NN_OK : err->code;
    if (st == NN_OK)
        st = nn_model_forward(m, x, 1, err) ? NN_OK : err->code;
    if (st == NN_OK)
        st = nn_model_backward(m, y, NULL, err);
    if (st == NN_OK)
        st = nn_model_apply_gradients(m, err);
    nn_model_free(m);
    nn_tensor_free(p);
    nn_tensor_free(x);
    nn_tensor_free(y);
    return st;
}

/* ------------------------------------------------------------------ tests */

static void each_allocation_of_the_readers_may_fail(void)
{
    write_file(scratch("plain.idx"), idx_images, sizeof idx_images, 0);
    write_file(scratch("images.idx.gz"), idx_images, sizeof idx_images, 1);
    const char csv[] = "a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n";
    write_file(scratch("data.csv"), csv, sizeof csv - 1, 0);
    unsigned char rec[2 * 3073];
    for (size_t i = 0; i < sizeof rec; i++)
        rec[i] = (unsigned char)(i % 3073 == 0 ? i / 3073 : i * 7);
    write_file(scratch("batch.bin"), rec, sizeof rec, 0);
    CHECK(fail_each_allocation(op_idx_plain, "IDX") >= 4);
    CHECK(fail_each_allocation(op_idx_gz, "IDX gzip") >= 4);
    CHECK(fail_each_allocation(op_csv, "CSV") >= 10);
    CHECK(fail_each_allocation(op_cifar, "CIFAR-10") >= 4);
    const char *names[4] = {"plain.idx", "images.idx.gz", "data.csv", "batch.bin"};
    for (int i = 0; i < 4; i++)
        unlink(scratch(names[i]));
}

static void each_allocation_of_tensors_and_preprocessing_may_fail(void)
{
    CHECK(fail_each_allocation(op_tensor_math, "tensor math") >= 16);
    CHECK(fail_each_allocation(op_preprocess, "preprocessing") >= 20);
}

static void each_allocation_of_a_training_session_may_fail(void)
{
    CHECK(fail_each_allocation(op_model, "model") >= 80);
}

void suite_alloc_failures(void)
{
    t_run("allocation failures: readers", each_allocation_of_the_readers_may_fail);
    t_run("allocation failures: tensors and preprocessing",
          each_allocation_of_tensors_and_preprocessing_may_fail);
    t_run("allocation failures: a training session",
          each_allocation_of_a_training_session_may_fail);
}

#else

void suite_alloc_failures(void)
{
}

#endif
