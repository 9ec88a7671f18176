/* nn/datasets.c — finding and reading the named data sets. */
#include "datasets.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "idx.h"

#define CIFAR_SIDE 32
#define CIFAR_PLANE (CIFAR_SIDE * CIFAR_SIDE)
#define CIFAR_RECORD (1 + 3 * CIFAR_PLANE)
#define CIFAR_CLASSES 10
#define CIFAR_TRAIN_BATCHES 5

static const char *const idx_names[4] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

static const char mnist_howto[] =
    "nothing is downloaded: get train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
    "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (yann.lecun.com/exdb/mnist or "
    "a mirror) into ~/.nnscope/datasets/mnist, or give their directory as path";

static const char cifar_howto[] =
    "nothing is downloaded: unpack cifar-10-binary.tar.gz (www.cs.toronto.edu/~kriz/"
    "cifar.html) in ~/.nnscope/datasets, or give the directory of its .bin files as path";

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* printf into a path buffer; 0 when the result does not fit (then it names no file). */
static int path_fmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int path_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return r >= 0 && (size_t)r < len;
}

static void free4(nn_tensor **t[4])
{
    for (int i = 0; i < 4; i++) {
        nn_tensor_free(*t[i]);
        *t[i] = NULL;
    }
}

/* The path of IDX file `base` in `dir`, gzipped first; 0 when neither exists. */
static int find_idx(const char *dir, const char *base, char *buf, size_t len)
{
    if (path_fmt(buf, len, "%s/%s.gz", dir, base) && exists(buf))
        return 1;
    return path_fmt(buf, len, "%s/%s", dir, base) && exists(buf);
}

/* ------------------------------------------------------------ IDX sets */

/* As nn_dataset_idx_dir; *missing is set to the base name of a missing file. */
static nn_status load_idx_dir(const char *dir, const char *name, nn_tensor **t[4],
                              const char **missing, nn_error *err)
{
    char path[4][PATH_MAX];
    for (int i = 0; i < 4; i++) {
        *t[i] = NULL;
        if (!find_idx(dir, idx_names[i], path[i], sizeof path[i])) {
            *missing = idx_names[i];
            return nn_error_set(err, NN_EIO, "%s: %s not found in %s (looked for %s.gz and %s)",
                                name, idx_names[i], dir, idx_names[i], idx_names[i]);
        }
    }
    for (int i = 0; i < 4; i++) {
        *t[i] = nn_idx_read(path[i], err);
        if (!*t[i]) {
            free4(t);
            return err ? err->code : NN_EFORMAT;
        }
    }
    for (int i = 0; i < 4; i += 2) {
        const nn_tensor *x = *t[i], *y = *t[i + 1];
        const char *what = i ? "test" : "training";
        if (x->ndim != 3 || y->ndim != 1) {
            free4(t);
            return nn_error_set(err, NN_EFORMAT,
                                "%s: %s images must be (N, H, W) and labels (N,), the files "
                                "hold %d and %d dimensions (%s, %s)", name, what, x->ndim,
                                y->ndim, path[i], path[i + 1]);
        }
        if (x->shape[0] != y->shape[0]) {
            int nx = x->shape[0], ny = y->shape[0];
            free4(t);
            return nn_error_set(err, NN_EFORMAT, "%s: %d %s images but %d labels (%s, %s)",
                                name, nx, what, ny, path[i], path[i + 1]);
        }
    }
    return NN_OK;
}

nn_status nn_dataset_idx_dir(const char *dir, const char *name, nn_tensor **x_train,
                             nn_tensor **y_train, nn_tensor **x_test, nn_tensor **y_test,
                             nn_error *err)
{
    nn_tensor **t[4] = {x_train, y_train, x_test, y_test};
    const char *missing = NULL;
    return load_idx_dir(dir, name, t, &missing, err);
}

nn_status nn_dataset_fashion_mnist(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                                   nn_tensor **x_test, nn_tensor **y_test, nn_error *err)
{
    nn_tensor **t[4] = {x_train, y_train, x_test, y_test};
    const char *missing = NULL;
    const char *where = dir ? dir : NN_FASHION_MNIST_DIR;
    nn_status st = load_idx_dir(where, "Fashion-MNIST", t, &missing, err);
    if (st != NN_OK && missing) {
        if (!dir || !strcmp(dir, NN_FASHION_MNIST_DIR))
            nn_error_set(err, st, "Fashion-MNIST not found in %s (looked for %s.gz and %s); "
                         "install it with: sudo apt-get install dataset-fashion-mnist",
                         where, missing, missing);
        else
            nn_error_set(err, st, "Fashion-MNIST not found in %s (looked for %s.gz and %s); "
                         "the Debian package dataset-fashion-mnist installs it in %s "
                         "(sudo apt-get install dataset-fashion-mnist)", where, missing,
                         missing, NN_FASHION_MNIST_DIR);
    }
    return st;
}

/* The places a data set is looked for when no directory is given: under
** $NNSCOPE_DATA (in `sub`, then itself) and under ~/.nnscope/datasets/`sub`. */
static int default_places(const char *sub, char places[][PATH_MAX], int max)
{
    int n = 0;
    const char *data = getenv("NNSCOPE_DATA");
    if (data && *data && n + 2 <= max) {
        snprintf(places[n++], PATH_MAX, "%s/%s", data, sub);
        snprintf(places[n++], PATH_MAX, "%s", data);
    }
    const char *home = getenv("HOME");
    if (home && *home && n < max)
        snprintf(places[n++], PATH_MAX, "%s/.nnscope/datasets/%s", home, sub);
    return n;
}

/* "a, b, c" into buf. */
static void join_places(char *buf, size_t len, char places[][PATH_MAX], int n)
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", places[i]);
    }
}

nn_status nn_dataset_mnist(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                           nn_tensor **x_test, nn_tensor **y_test, nn_error *err)
{
    nn_tensor **t[4] = {x_train, y_train, x_test, y_test};
    for (int i = 0; i < 4; i++)
        *t[i] = NULL;
    char places[3][PATH_MAX], probe[PATH_MAX];
    int n = 0;
    if (dir)
        snprintf(places[n++], PATH_MAX, "%s", dir);
    else
        n = default_places("mnist", places, 3);
    for (int i = 0; i < n; i++) {
        if (!find_idx(places[i], idx_names[0], probe, sizeof probe))
            continue;
        const char *missing = NULL;
        nn_status st = load_idx_dir(places[i], "MNIST", t, &missing, err);
        if (st != NN_OK && missing)
            nn_error_set(err, st, "MNIST: %s(.gz) not found in %s, beside %s; %s", missing,
                         places[i], idx_names[0], mnist_howto);
        return st;
    }
    char list[3 * PATH_MAX];
    join_places(list, sizeof list, places, n);
    return nn_error_set(err, NN_EIO, "MNIST not found: looked for %s(.gz) in %s%s; %s",
                        idx_names[0], n ? list : "no place ($NNSCOPE_DATA and HOME are unset)",
                        dir ? "" : " ($NNSCOPE_DATA/mnist, $NNSCOPE_DATA, "
                                   "~/.nnscope/datasets/mnist)", mnist_howto);
}

/* ------------------------------------------------------------- CIFAR-10 */

/* Records in a batch file, from its size: 0 with an error when it is not one. */
static long batch_records(const char *path, nn_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        nn_error_set(err, NN_EIO, "%s: %s", path,
                     errno == ENOENT ? "no such file" : strerror(errno));
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        nn_error_set(err, NN_EIO, "%s: is a directory, not a CIFAR-10 batch", path);
        return 0;
    }
    if (st.st_size == 0) {
        nn_error_set(err, NN_EFORMAT, "%s: empty file, not a CIFAR-10 batch", path);
        return 0;
    }
    if (st.st_size % CIFAR_RECORD != 0) {
        nn_error_set(err, NN_EFORMAT,
                     "%s: truncated or not a CIFAR-10 batch: %lld bytes is not a whole number "
                     "of %d-byte records", path, (long long)st.st_size, CIFAR_RECORD);
        return 0;
    }
    long long n = st.st_size / CIFAR_RECORD;
    if (n > INT_MAX / 4) {
        nn_error_set(err, NN_EFORMAT, "%s: %lld records are too many", path, n);
        return 0;
    }
    return (long)n;
}

/* Read `n` records of `path` into x (n, 32, 32, 3) and y (n) at the given places,
** turning each record's three colour planes (CHW) into channels-last (HWC). */
static nn_status read_batch_into(const char *path, long n, uint8_t *x, uint8_t *y,
                                 nn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nn_error_set(err, errno == ENOMEM ? NN_ENOMEM : NN_EIO, "%s: %s", path,
                            strerror(errno));
    unsigned char rec[CIFAR_RECORD];
    nn_status st = NN_OK;
    for (long r = 0; r < n && st == NN_OK; r++) {
        if (fread(rec, 1, sizeof rec, f) != sizeof rec) {
            st = nn_error_set(err, NN_EIO, "%s: read error in record %ld", path, r + 1);
            break;
        }
        if (rec[0] >= CIFAR_CLASSES) {
            st = nn_error_set(err, NN_EFORMAT,
                              "%s: record %ld has label %d, not 0..9: not a CIFAR-10 batch",
                              path, r + 1, rec[0]);
            break;
        }
        y[r] = rec[0];
        uint8_t *img = x + (size_t)r * 3 * CIFAR_PLANE;
        for (int p = 0; p < CIFAR_PLANE; p++)
            for (int c = 0; c < 3; c++)
                img[3 * p + c] = rec[1 + c * CIFAR_PLANE + p];
    }
    fclose(f);
    return st;
}

/* Allocate x (n, 32, 32, 3) and y (n, 1) uint8. */
static nn_status cifar_alloc(long n, nn_tensor **x, nn_tensor **y, nn_error *err)
{
    int xs[4] = {(int)n, CIFAR_SIDE, CIFAR_SIDE, 3}, ys[2] = {(int)n, 1};
    *x = nn_tensor_new(NN_U8, 4, xs, err);
    *y = *x ? nn_tensor_new(NN_U8, 2, ys, err) : NULL;
    if (!*y) {
        nn_tensor_free(*x);
        *x = NULL;
        return err ? err->code : NN_ENOMEM;
    }
    return NN_OK;
}

nn_status nn_dataset_cifar10_batch(const char *path, nn_tensor **x, nn_tensor **y,
                                   nn_error *err)
{
    *x = *y = NULL;
    long n = batch_records(path, err);
    if (n == 0)
        return err ? err->code : NN_EFORMAT;
    nn_status st = cifar_alloc(n, x, y, err);
    if (st == NN_OK)
        st = read_batch_into(path, n, nn_tensor_u8(*x), nn_tensor_u8(*y), err);
    if (st != NN_OK) {
        nn_tensor_free(*x);
        nn_tensor_free(*y);
        *x = *y = NULL;
    }
    return st;
}

/* The training batches of `dir` read into one pair of tensors. */
static nn_status cifar_train(const char *dir, nn_tensor **x, nn_tensor **y, nn_error *err)
{
    char path[CIFAR_TRAIN_BATCHES][PATH_MAX];
    long count[CIFAR_TRAIN_BATCHES], total = 0;
    for (int b = 0; b < CIFAR_TRAIN_BATCHES; b++) {
        if (!path_fmt(path[b], PATH_MAX, "%s/data_batch_%d.bin", dir, b + 1) || !exists(path[b]))
            return nn_error_set(err, NN_EIO, "CIFAR-10: data_batch_%d.bin not found in %s, "
                                "beside the other batches; %s", b + 1, dir, cifar_howto);
        count[b] = batch_records(path[b], err);
        if (count[b] == 0)
            return err ? err->code : NN_EFORMAT;
        total += count[b];
        if (total > INT_MAX / 4)
            return nn_error_set(err, NN_EFORMAT, "%s: too many records in all", dir);
    }
    nn_status st = cifar_alloc(total, x, y, err);
    long at = 0;
    for (int b = 0; b < CIFAR_TRAIN_BATCHES && st == NN_OK; b++) {
        st = read_batch_into(path[b], count[b], nn_tensor_u8(*x) + (size_t)at * 3 * CIFAR_PLANE,
                             nn_tensor_u8(*y) + at, err);
        at += count[b];
    }
    return st;
}

nn_status nn_dataset_cifar10(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                             nn_tensor **x_test, nn_tensor **y_test, nn_error *err)
{
    nn_tensor **t[4] = {x_train, y_train, x_test, y_test};
    for (int i = 0; i < 4; i++)
        *t[i] = NULL;
    char bases[3][PATH_MAX], places[6][PATH_MAX], probe[PATH_MAX + 32];
    int nb = 0, n = 0;
    if (dir) {
        snprintf(bases[nb++], PATH_MAX, "%s", dir);
    } else {
        const char *data = getenv("NNSCOPE_DATA"), *home = getenv("HOME");
        if (data && *data)
            snprintf(bases[nb++], PATH_MAX, "%s", data);
        if (home && *home)
            snprintf(bases[nb++], PATH_MAX, "%s/.nnscope/datasets", home);
    }
    for (int i = 0; i < nb; i++) {
        memcpy(places[n++], bases[i], PATH_MAX);
        if (!path_fmt(places[n++], PATH_MAX, "%s/cifar-10-batches-bin", bases[i]))
            n--;
    }
    for (int i = 0; i < n; i++) {
        if (!path_fmt(probe, sizeof probe, "%s/test_batch.bin", places[i]) || !exists(probe))
            continue;
        nn_status st = cifar_train(places[i], x_train, y_train, err);
        if (st == NN_OK)
            st = nn_dataset_cifar10_batch(probe, x_test, y_test, err);
        if (st != NN_OK)
            free4(t);
        return st;
    }
    char list[6 * PATH_MAX];
    join_places(list, sizeof list, places, n);
    return nn_error_set(err, NN_EIO, "CIFAR-10 not found: looked for test_batch.bin and "
                        "data_batch_1..5.bin in %s; %s",
                        n ? list : "no place ($NNSCOPE_DATA and HOME are unset)", cifar_howto);
}

/* ----------------------------------------------------------------- iris */

nn_status nn_dataset_find(const char *name, char *buf, size_t len, nn_error *err)
{
    char places[4][PATH_MAX];
    int n = 0;
    const char *home = getenv("NNSCOPE_HOME");
    if (home && *home)
        snprintf(places[n++], PATH_MAX, "%s/data", home);
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(places[n++], PATH_MAX, "%.*s/../data", PATH_MAX - 16, exe);
            snprintf(places[n++], PATH_MAX, "%.*s/../share/nnscope/data", PATH_MAX - 32, exe);
        }
    }
    snprintf(places[n++], PATH_MAX, "data");
    for (int i = 0; i < n; i++) {
        snprintf(buf, len, "%s/%s", places[i], name);
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
            return NN_OK;
    }
    char list[4 * PATH_MAX];
    join_places(list, sizeof list, places, n);
    buf[0] = '\0';
    return nn_error_set(err, NN_EIO, "%s not found: looked in %s; it ships in nnscope's "
                        "data/ directory: set NNSCOPE_HOME to the nnscope directory", name,
                        list);
}

nn_status nn_dataset_iris(const char *path, nn_tensor **x, nn_tensor **y, nn_error *err)
{
    *x = *y = NULL;
    char found[PATH_MAX];
    if (!path) {
        nn_status st = nn_dataset_find("iris.csv", found, sizeof found, err);
        if (st != NN_OK)
            return st;
        path = found;
    }
    nn_csv_options o = nn_csv_defaults();
    o.label_name = "species";
    nn_csv_data d;
    nn_status st = nn_csv_read(path, &o, &d, err);
    if (st == NN_OK && (d.n_columns != 4 || d.n_classes != 3))
        st = nn_error_set(err, NN_EFORMAT, "%s: not the iris data: %d measurement columns and "
                          "%d species, where iris has 4 and 3", path, d.n_columns,
                          d.n_classes);
    if (st == NN_OK) {
        *x = d.x;
        *y = d.y;
        d.x = d.y = NULL;
    }
    nn_csv_data_free(&d);
    return st;
}
