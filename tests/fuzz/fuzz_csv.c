/* tests/fuzz/fuzz_csv.c — libFuzzer target for the CSV reader (nn/csv.h).
**
** The first byte picks the options: bit 0 a header, bits 1-2 the delimiter (',' ';' tab
** '|'), bits 3-5 the label column (-1 to 6), bit 6 the label by the name "label"
** instead. The rest is the file.
**
** Checked on every input: a success has x (rows, n_columns) float32 with n_columns >= 1,
** y (rows,) when there is a label column, class names sorted and distinct with y holding
** indices into them, header names when there is a header; a failure is NN_EIO,
** NN_EFORMAT, NN_EARG or NN_ENOMEM with a message, and leaves `out` zeroed.
*/
#include "tests/fuzz/fuzz.h"

#include "nn/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_data(const nn_csv_data *d, const nn_csv_options *o)
{
    if (!d->x || d->x->dtype != NN_F32 || d->x->ndim != 2)
        fuzz_fail("x is not a 2-D float32 tensor", NULL);
    int rows = d->x->shape[0];
    if (rows < 1 || d->n_columns < 1 || d->x->shape[1] != d->n_columns)
        fuzz_fail("x's shape disagrees with n_columns", NULL);
    int labelled = o->label_name || o->label_column >= 0;
    if (labelled != (d->y != NULL))
        fuzz_fail("y is present without a label column, or missing with one", NULL);
    if (d->y && (d->y->ndim != 1 || d->y->shape[0] != rows))
        fuzz_fail("y's rows differ from x's", NULL);
    if ((o->header != 0) != (d->columns != NULL))
        fuzz_fail("column names without a header, or missing with one", NULL);
    for (int j = 0; d->columns && j < d->n_columns; j++)
        if (!d->columns[j])
            fuzz_fail("a column name is NULL", NULL);
    if (o->header && labelled && !d->label)
        fuzz_fail("no label name with a header", NULL);
    if (d->n_classes > 0) {
        for (int c = 1; c < d->n_classes; c++)
            if (strcmp(d->classes[c - 1], d->classes[c]) >= 0)
                fuzz_fail("class names not sorted and distinct", d->classes[c]);
        const float *y = nn_tensor_f32(d->y);
        for (int i = 0; i < rows; i++)
            if (!(y[i] >= 0 && y[i] < d->n_classes) || y[i] != (float)(int)y[i])
                fuzz_fail("a class index out of range", NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[4] = {',', ';', '\t', '|'};
    if (size < 1)
        return 0;
    nn_csv_options o = nn_csv_defaults();
    o.header = data[0] & 1;
    o.delimiter = delims[(data[0] >> 1) & 3];
    o.label_column = ((data[0] >> 3) & 7) - 1;
    o.label_name = (data[0] & 0x40) ? "label" : NULL;
    const char *path = fuzz_path("input.csv");
    fuzz_write(path, data + 1, size - 1, 0);
    nn_csv_data d;
    nn_error err = {NN_OK, ""};
    nn_status st = nn_csv_read(path, &o, &d, &err);
    if (st == NN_OK) {
        check_data(&d, &o);
    } else {
        fuzz_check_error(st, &err, fuzz_class(NN_EIO) | fuzz_class(NN_EFORMAT) |
                                   fuzz_class(NN_EARG) | fuzz_class(NN_ENOMEM));
        static const nn_csv_data zero;
        if (memcmp(&d, &zero, sizeof d) != 0)
            fuzz_fail("a failed read left data behind", err.msg);
    }
    nn_csv_data_free(&d);
    return 0;
}
