/* nn/csv.h — reading a CSV file of numbers (and one label column) into tensors.
**
** The format is RFC 4180's: fields split by a delimiter, optionally in double
** quotes (a quote inside quotes is written twice), records ending in LF or CRLF.
** Spaces around a field are ignored, blank lines are skipped, and a UTF-8 byte
** order mark at the start is skipped. Every cell other than the label's must
** be a number (as strtod reads it, "nan" and "inf" included).
*/
#ifndef NN_CSV_H
#define NN_CSV_H

#include "tensor.h"

typedef struct nn_csv_options {
    int header;             /* 1: the first record names the columns */
    char delimiter;         /* the field separator; 0 means ',' */
    int label_column;       /* 0-based column of the labels, -1 for none */
    const char *label_name; /* the label column by its header name; overrides label_column */
} nn_csv_options;

typedef struct nn_csv_data {
    nn_tensor *x;           /* (rows, columns other than the label) float32 */
    nn_tensor *y;           /* (rows,) float32; NULL without a label column */
    int n_classes;          /* > 0 when some label was not a number: then ... */
    char **classes;         /* ... the distinct labels in sorted order, and y holds indices */
    int n_columns;          /* columns of x */
    char **columns;         /* their header names; NULL without a header */
    char *label;            /* the label column's header name; NULL without one */
} nn_csv_data;

/* Defaults: a header, ',' and no label column. */
nn_csv_options nn_csv_defaults(void);

/* Read the CSV file at `path` into `out` (zeroed first), which the caller
** releases with nn_csv_data_free, also after a failure.
**
** Labels that are all numbers are kept as their values; otherwise the distinct
** labels are sorted (byte order, as sklearn's LabelEncoder) and y holds each
** row's index into them.
**
** Errors name the file, the line and the column: NN_EIO when the file cannot be
** read; NN_EFORMAT for a cell that is not a number, an empty cell, a row with a
** different number of columns than the first, an unterminated quote, a file
** with no data rows, or one with no column besides the label; NN_EARG for a
** label column that is out of range or a label name no header has. */
nn_status nn_csv_read(const char *path, const nn_csv_options *opt, nn_csv_data *out,
                      nn_error *err);

/* Release what `d` holds and zero it (a zeroed or NULL `d` is a no-op). */
void nn_csv_data_free(nn_csv_data *d);

#endif
