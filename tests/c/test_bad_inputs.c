/* tests/c/test_bad_inputs.c — the bad-input corpus (tests/bad/, made by tests/bad/make_bad.py)
** and resource limits: every bad file gives its error class and a message saying what is
** wrong, and nothing is left allocated (`make test-sanitize` runs this under
** LeakSanitizer, which fails the run on any leak). Paths are relative to the repository
** root, where tests/run.sh runs the tests.
*/
#include "tests/test.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn/csv.h"
#include "nn/datasets.h"
#include "nn/idx.h"
#include "nn/nn.h"
#include "nn/preprocess.h"

#define BAD "tests/bad/"

/* ------------------------------------------------------------------ IDX */

/* nn_idx_read(path) must fail with `code`, a message holding `phrase` and the path. */
static void idx_fails(const char *path, nn_status code, const char *phrase)
{
    nn_error err = {NN_OK, ""};
    nn_tensor *t = nn_idx_read(path, &err);
    CHECK(t == NULL);
    CHECK(err.code == code);
    CHECK_CONTAINS(err.msg, phrase);
    CHECK_CONTAINS(err.msg, path);
    nn_tensor_free(t);
}

static void idx_empty_and_truncated(void)
{
    idx_fails(BAD "idx_empty.idx", NN_EFORMAT, "empty file");
    idx_fails(BAD "idx_truncated_header.idx", NN_EFORMAT, "truncated: the header of 3 dimensions");
    idx_fails(BAD "idx_truncated_data.idx", NN_EFORMAT,
              "truncated: the header claims 48 bytes of data, the file holds 41");
    idx_fails(BAD "idx_trailing_bytes.idx", NN_EFORMAT, "2 bytes after the data");
}

static void idx_wrong_magic_type_and_rank(void)
{
    idx_fails(BAD "idx_wrong_magic.idx", NN_EFORMAT, "not an IDX file (magic number 0x504b0304");
    idx_fails(BAD "idx_float32.idx", NN_EFORMAT, "element type 0x0D (float32) is not supported");
    idx_fails(BAD "idx_five_dims.idx", NN_EFORMAT, "5 dimensions is not supported");
    idx_fails(BAD "idx_zero_dim.idx", NN_EFORMAT, "dimension 1 is 0");
}

/* Headers whose sizes overflow or claim gigabytes are refused before a byte is allocated
** (under ASan a 3.7 GB allocation would show in the run's peak memory). */
static void idx_oversized_headers(void)
{
    idx_fails(BAD "idx_dims_overflow.idx", NN_EFORMAT,
              "dimensions too large (dimension 2 is 2147483647)");
    idx_fails(BAD "idx_dim_over_int.idx", NN_EFORMAT, "dimension 1 is 2147483648, too large");
    idx_fails(BAD "idx_claims_gigabytes.idx", NN_EFORMAT,
              "the header claims 3684800000 bytes of data, the file holds 0");
    idx_fails(BAD "idx_claims_gigabytes.idx.gz", NN_EFORMAT,
              "more than a 35-byte gzip file can hold");
}

static void idx_bad_gzip(void)
{
    idx_fails(BAD "idx_truncated.idx.gz", NN_EFORMAT, "truncated");
    idx_fails(BAD "idx_corrupt.idx.gz", NN_EFORMAT, "corrupt gzip data");
    idx_fails(BAD "idx_trailing.idx.gz", NN_EFORMAT, "more data after the 48 bytes");
}

/* A directory, a missing file, a path through a file, an unreadable file. */
static void idx_paths_that_are_not_files(void)
{
    idx_fails(BAD "idx_mismatch", NN_EIO, "is a directory");
    idx_fails(BAD "no_such_file.idx", NN_EIO, "no such file");
    idx_fails(BAD "idx_empty.idx/inside", NN_EIO, "Not a directory");
    /* chmod 000 does not stop root (tests in containers run as root): there the
    ** unreadable case cannot happen, and only the cases above are checked. */
    if (geteuid() == 0)
        return;
    char path[] = "/tmp/nnscope-unreadable-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, "\0\0\x08\x01\0\0\0\x01\x07", 9) == 9);
    close(fd);
    chmod(path, 0);
    idx_fails(path, NN_EIO, "Permission denied");
    unlink(path);
}

/* ------------------------------------------------------------- data sets */

static void idx_dir_images_and_labels_disagree(void)
{
    nn_tensor *t[4] = {NULL, NULL, NULL, NULL};
    nn_error err = {NN_OK, ""};
    nn_status st = nn_dataset_idx_dir(BAD "idx_mismatch", "test set", &t[0], &t[1], &t[2], &t[3],
                                      &err);
    CHECK(st == NN_EFORMAT && err.code == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "3 training images but 5 labels");
    for (int i = 0; i < 4; i++)
        CHECK(t[i] == NULL);
    st = nn_dataset_idx_dir(BAD "idx_no_labels", "test set", &t[0], &t[1], &t[2], &t[3], &err);
    CHECK(st == NN_EIO);
    CHECK_CONTAINS(err.msg, "train-labels-idx1-ubyte not found in " BAD "idx_no_labels");
    for (int i = 0; i < 4; i++)
        CHECK(t[i] == NULL);
}

static void cifar_bad_batches(void)
{
    nn_tensor *x = NULL, *y = NULL;
    nn_error err = {NN_OK, ""};
    CHECK(nn_dataset_cifar10_batch(BAD "cifar_empty.bin", &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "empty file");
    CHECK(nn_dataset_cifar10_batch(BAD "cifar_truncated.bin", &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "6145 bytes is not a whole number of 3073-byte records");
    CHECK(nn_dataset_cifar10_batch(BAD "cifar_bad_label.bin", &x, &y, &err) == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "record 2 has label 10");
    CHECK(nn_dataset_cifar10_batch(BAD "cifar_no_train", &x, &y, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "is a directory");
    CHECK(x == NULL && y == NULL);
    nn_tensor *t[4] = {NULL, NULL, NULL, NULL};
    CHECK(nn_dataset_cifar10(BAD "cifar_no_train", &t[0], &t[1], &t[2], &t[3], &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "data_batch_1.bin not found in " BAD "cifar_no_train");
    for (int i = 0; i < 4; i++)
        CHECK(t[i] == NULL);
}

/* ------------------------------------------------------------------- CSV */

static void csv_fails(const char *path, int label_column, nn_status code, const char *phrase)
{
    nn_csv_options o = nn_csv_defaults();
    o.label_column = label_column;
    nn_csv_data d;
    nn_error err = {NN_OK, ""};
    CHECK(nn_csv_read(path, &o, &d, &err) == code);
    CHECK(err.code == code);
    CHECK_CONTAINS(err.msg, phrase);
    CHECK_CONTAINS(err.msg, path);
    CHECK(d.x == NULL && d.y == NULL && d.classes == NULL && d.columns == NULL);
    nn_csv_data_free(&d);
}

static void csv_malformed_files(void)
{
    csv_fails(BAD "csv_empty.csv", -1, NN_EFORMAT, "empty file, no header");
    csv_fails(BAD "csv_header_only.csv", 2, NN_EFORMAT, "no data rows");
    csv_fails(BAD "csv_ragged.csv", -1, NN_EFORMAT,
              ":4: 1 columns, but the header (line 1) has 2");
    csv_fails(BAD "csv_unterminated_quote.csv", -1, NN_EFORMAT, ":3: a quote opened here");
    csv_fails(BAD "csv_not_a_number.csv", -1, NN_EFORMAT, ":3: column 2 ('b'): 'four' is not");
    csv_fails(BAD "csv_empty_cell.csv", -1, NN_EFORMAT, ":3: column 1 ('a'): empty cell");
    csv_fails(BAD "csv_text_after_quote.csv", -1, NN_EFORMAT, "text after a closing quote");
    csv_fails(BAD "csv_label_only.csv", 0, NN_EFORMAT, "no column besides the label");
    csv_fails(BAD "csv_nan_inf.csv", 7, NN_EARG, "label column 8 is out of range");
    csv_fails(BAD "idx_mismatch", -1, NN_EIO, "is a directory");
    csv_fails(BAD "no_such_file.csv", -1, NN_EIO, "no such file");
}

/* NaN and Inf are numbers to strtod, so the reader keeps them (nn/csv.h says so); the
** training that follows must stop at the first batch whose loss is not finite and say
** which, instead of carrying NaN weights on. */
static void csv_nan_inf_reaches_fit_which_stops(void)
{
    nn_csv_options o = nn_csv_defaults();
    o.label_name = "label";
    nn_csv_data d;
    nn_error err = {NN_OK, ""};
    CHECK(nn_csv_read(BAD "csv_nan_inf.csv", &o, &d, &err) == NN_OK);
    if (!d.x)
        return;
    const float *x = nn_tensor_f32(d.x);
    CHECK(x[0] == 1.0f && isnan(x[2]) && isinf(x[5]) && x[5] > 0 && isinf(x[6]) && x[6] < 0);
    nn_model *m = nn_model_new(1, &err);
    nn_dense_options dopt = nn_dense_defaults(2);
    nn_activation_parse("softmax", &dopt.activation, &err);
    nn_layer *l = nn_dense_new(&dopt, &err);
    l->input_hint = (nn_shape){1, {2}};
    CHECK(nn_model_add(m, l, &err) == NN_OK);
    nn_compile_options c = {0};
    nn_loss_parse("sparse_categorical_crossentropy", &c.loss, &err);
    c.optimizer = nn_optim_by_name("sgd", &err);
    CHECK(nn_model_compile(m, &c, &err) == NN_OK);
    nn_fit_options f = nn_fit_defaults();
    f.batch_size = 1;
    f.shuffle = 0;
    CHECK(nn_model_fit(m, d.x, d.y, &f, &err) == NN_ENAN);
    CHECK(err.code == NN_ENAN);
    CHECK_CONTAINS(err.msg, "the loss became NaN at epoch 1, batch 2");
    CHECK(m->history.n_batches == 1);
    nn_model_free(m);
    nn_csv_data_free(&d);
}

/* ---------------------------------------------------------------- labels */

static void labels_out_of_range_for_to_categorical(void)
{
    nn_error err = {NN_OK, ""};
    nn_tensor *y = nn_idx_read(BAD "labels_out_of_range.idx", &err);
    CHECK(y != NULL);
    if (!y)
        return;
    nn_tensor *r = nn_to_categorical(y, 3, &err);
    CHECK(r == NULL && err.code == NN_EARG);
    CHECK_CONTAINS(err.msg, "label 3 of sample 4 is out of range: num_classes is 3");
    nn_tensor_free(r);
    float bad[3] = {-1.0f, 1.5f, NAN};
    const char *phrase[3] = {"label -1 of sample 1 is negative", "label 1.5 of sample 1 is not "
                             "an integer", "of sample 1 is not an integer"};
    for (int i = 0; i < 3; i++) {
        nn_tensor *t = nn_tensor_new1(1, &err);
        nn_tensor_f32(t)[0] = bad[i];
        r = nn_to_categorical(t, 0, &err);
        CHECK(r == NULL && err.code == NN_EARG);
        CHECK_CONTAINS(err.msg, phrase[i]);
        nn_tensor_free(r);
        nn_tensor_free(t);
    }
    nn_tensor_free(y);
}

/* -------------------------------------------------------- resource limits */

/* Shapes whose byte count overflows size_t, and shapes that fit size_t but no memory
** (2^50 floats: 4 PiB), are errors, not crashes. The sanitizer run sets ASan's
** allocator_may_return_null so that the second reaches the code's NULL check. */
static void absurd_tensor_shapes(void)
{
    nn_error err = {NN_OK, ""};
    int overflow[4] = {INT_MAX, INT_MAX, INT_MAX, INT_MAX};
    CHECK(nn_tensor_new(NN_F32, 4, overflow, &err) == NULL);
    CHECK(err.code == NN_ENOMEM);
    CHECK_CONTAINS(err.msg, "the size overflows");
    int huge[3] = {1 << 20, 1 << 20, 1 << 10};
    CHECK(nn_tensor_new(NN_F32, 3, huge, &err) == NULL);
    CHECK(err.code == NN_ENOMEM);
    CHECK_CONTAINS(err.msg, "out of memory allocating a tensor of shape (1048576, 1048576, 1024)");
    int negative[2] = {3, -1};
    CHECK(nn_tensor_new(NN_F32, 2, negative, &err) == NULL);
    CHECK(err.code == NN_EARG);
}

/* A Dense layer of 10^9 units on 784 inputs needs a 3 TB kernel: adding it fails with
** NN_ENOMEM naming the shape, and the model stays usable without it. */
static void dense_too_big_for_memory(void)
{
    nn_error err = {NN_OK, ""};
    nn_model *m = nn_model_new(1, &err);
    nn_dense_options o = nn_dense_defaults(1000000000);
    nn_layer *l = nn_dense_new(&o, &err);
    CHECK(l != NULL);
    if (!l) {
        nn_model_free(m);
        return;
    }
    l->input_hint = (nn_shape){1, {784}};
    nn_status st = nn_model_add(m, l, &err);
    CHECK(st == NN_ENOMEM && err.code == NN_ENOMEM);
    CHECK_CONTAINS(err.msg, "(784, 1000000000)");
    o = nn_dense_defaults(10);
    l = nn_dense_new(&o, &err);
    l->input_hint = (nn_shape){1, {784}};
    CHECK(nn_model_add(m, l, &err) == NN_OK);
    CHECK(nn_model_param_count(m) == 7850);
    nn_model_free(m);
}

/* A Conv2D whose kernel (kh kw c) or output per sample has more than INT_MAX elements
** cannot be indexed by the kernels' int sizes: it is refused when added, before any
** product overflows (UBSan in the sanitizer run would report one), and the model goes on. */
static void conv2d_sizes_beyond_int(void)
{
    nn_error err = {NN_OK, ""};
    nn_model *m = nn_model_new(1, &err);
    nn_conv2d_options o = nn_conv2d_defaults(1, 50000, 50000);
    nn_layer *l = nn_conv2d_new(&o, &err);
    CHECK(l != NULL);
    if (!l) {
        nn_model_free(m);
        return;
    }
    l->input_hint = (nn_shape){3, {50000, 50000, 1}};
    CHECK(nn_model_add(m, l, &err) == NN_ENOMEM);
    CHECK_CONTAINS(err.msg, "a 50000x50000 kernel with 1 filters on input 50000x50000x1 is too");
    o = nn_conv2d_defaults(70000, 1, 1);
    l = nn_conv2d_new(&o, &err);
    l->input_hint = (nn_shape){3, {200, 200, 1}};
    CHECK(nn_model_add(m, l, &err) == NN_ENOMEM);
    CHECK(m->n_nodes == 0);
    o = nn_conv2d_defaults(2, 3, 3);
    l = nn_conv2d_new(&o, &err);
    l->input_hint = (nn_shape){3, {5, 5, 1}};
    CHECK(nn_model_add(m, l, &err) == NN_OK);
    CHECK(nn_model_param_count(m) == 3 * 3 * 2 + 2);
    nn_model_free(m);
}

/* Found by ASan: every forward rebuilt the model's parameter list with realloc, so the
** array nn_model_params had returned went stale ("valid until layers are added", says
** its contract). glibc's realloc to the same size stays in place, ASan's always moves:
** under `make test-sanitize` this fails on the old code. */
static void model_params_stay_valid_across_forwards(void)
{
    nn_error err = {NN_OK, ""};
    nn_model *m = nn_model_new(1, &err);
    nn_dense_options o = nn_dense_defaults(3);
    nn_layer *l = nn_dense_new(&o, &err);
    l->input_hint = (nn_shape){1, {2}};
    CHECK(nn_model_add(m, l, &err) == NN_OK);
    int n = 0;
    nn_param *const *before = nn_model_params(m, &n);
    nn_tensor *x = nn_tensor_new2(4, 2, &err);
    for (int i = 0; i < 3; i++)
        CHECK(nn_model_forward(m, x, 0, &err) != NULL);
    int n_after = 0;
    CHECK(nn_model_params(m, &n_after) == before);
    CHECK(n == 2 && n_after == 2);
    CHECK(before[0]->value->size == 6 && before[1]->value->size == 3);
    nn_tensor_free(x);
    nn_model_free(m);
}

void suite_bad_inputs(void)
{
    t_run("bad inputs: IDX empty and truncated", idx_empty_and_truncated);
    t_run("bad inputs: IDX wrong magic, type and rank", idx_wrong_magic_type_and_rank);
    t_run("bad inputs: IDX headers that overflow or claim gigabytes", idx_oversized_headers);
    t_run("bad inputs: IDX bad gzip", idx_bad_gzip);
    t_run("bad inputs: paths that are not readable files", idx_paths_that_are_not_files);
    t_run("bad inputs: IDX data set whose files disagree", idx_dir_images_and_labels_disagree);
    t_run("bad inputs: CIFAR-10 batches", cifar_bad_batches);
    t_run("bad inputs: malformed CSV", csv_malformed_files);
    t_run("bad inputs: NaN and Inf in CSV data stop fit", csv_nan_inf_reaches_fit_which_stops);
    t_run("bad inputs: labels out of range for to_categorical",
          labels_out_of_range_for_to_categorical);
    t_run("resource limits: absurd tensor shapes", absurd_tensor_shapes);
    t_run("resource limits: a Dense layer too big for memory", dense_too_big_for_memory);
    t_run("resource limits: Conv2D sizes beyond int", conv2d_sizes_beyond_int);
    t_run("regression: model parameters stay valid across forwards",
          model_params_stay_valid_across_forwards);
}
