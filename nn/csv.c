/* nn/csv.c — a small RFC 4180 reader that turns numeric CSV files into tensors.
**
** The whole file is read into one buffer and split in place: each field is
** unquoted where it lies and ended by a NUL, so a field is a pointer into it. */
#include "csv.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* CSV files larger than this are refused (they would not fit a float tensor anyway). */
#define CSV_MAX_BYTES ((long long)1 << 31)

typedef struct csv_parser {
    char *p, *end;
    char delim;
    int line;               /* line of the position p, from 1 */
    int rec_line;           /* line where the current record starts */
    const char *path;
    char **fields;
    int n_fields, cap_fields;
} csv_parser;

/* ---------------------------------------------------------------- parsing */

static int is_blank(const csv_parser *ps, char c)
{
    return (c == ' ' || c == '\t' || c == '\r') && c != ps->delim;
}

/* Read one field at ps->p, unquoting it in place; *term is the delimiter or '\n'
** that ended it (0 at the end of the buffer). */
static nn_status read_field(csv_parser *ps, char **field, char *term, nn_error *err)
{
    char *p = ps->p;
    while (p < ps->end && is_blank(ps, *p) && *p != '\n')
        p++;
    char *start = p, *fend;
    if (p < ps->end && *p == '"') {
        int open_line = ps->line;
        char *w = p;
        p++;
        for (;;) {
            if (p >= ps->end)
                return nn_error_set(err, NN_EFORMAT, "%s:%d: a quote opened here is never closed",
                                    ps->path, open_line);
            if (*p == '"') {
                if (p + 1 < ps->end && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            if (*p == '\n')
                ps->line++;
            *w++ = *p++;
        }
        fend = w;
        while (p < ps->end && is_blank(ps, *p))
            p++;
        if (p < ps->end && *p != ps->delim && *p != '\n')
            return nn_error_set(err, NN_EFORMAT, "%s:%d: field %d: text after a closing quote",
                                ps->path, ps->line, ps->n_fields + 1);
    } else {
        while (p < ps->end && *p != ps->delim && *p != '\n')
            p++;
        fend = p;
        while (fend > start && is_blank(ps, fend[-1]))
            fend--;
    }
    *term = p < ps->end ? *p : 0;
    if (p < ps->end)
        p++;
    if (*term == '\n')
        ps->line++;
    *fend = '\0';
    ps->p = p;
    *field = start;
    return NN_OK;
}

/* Read the next non-blank record into ps->fields. Returns 1 for a record, 0 at
** the end of the file, -1 on an error. */
static int read_record(csv_parser *ps, nn_error *err)
{
    for (;;) {
        if (ps->p >= ps->end)
            return 0;
        ps->n_fields = 0;
        ps->rec_line = ps->line;
        char term = 0;
        do {
            char *f = NULL;
            if (read_field(ps, &f, &term, err) != NN_OK)
                return -1;
            if (ps->n_fields == ps->cap_fields) {
                int ncap = ps->cap_fields ? 2 * ps->cap_fields : 16;
                char **nf = realloc(ps->fields, (size_t)ncap * sizeof *nf);
                if (!nf) {
                    nn_error_set(err, NN_ENOMEM, "%s: out of memory", ps->path);
                    return -1;
                }
                ps->fields = nf;
                ps->cap_fields = ncap;
            }
            ps->fields[ps->n_fields++] = f;
        } while (term == ps->delim && ps->p <= ps->end);
        if (ps->n_fields == 1 && ps->fields[0][0] == '\0')
            continue;
        return 1;
    }
}

/* A whole cell as a number, in the C locale whatever the program's locale is. */
static int parse_number(const char *s, locale_t c_locale, double *v)
{
    if (!*s)
        return 0;
    char *e;
    *v = strtod_l(s, &e, c_locale);
    return *e == '\0';
}

static char *read_file(const char *path, size_t *len, nn_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        nn_error_set(err, NN_EIO, "%s: %s", path,
                     errno == ENOENT ? "no such file" : strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        nn_error_set(err, NN_EIO, "%s: is a directory, not a CSV file", path);
        return NULL;
    }
    if ((long long)st.st_size > CSV_MAX_BYTES) {
        nn_error_set(err, NN_EARG, "%s: %lld bytes is too large for a CSV file here",
                     path, (long long)st.st_size);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        nn_error_set(err, errno == ENOMEM ? NN_ENOMEM : NN_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        nn_error_set(err, NN_ENOMEM, "%s: out of memory reading %zu bytes", path, cap);
        return NULL;
    }
    /* The size may change under us; read what is there, up to the size seen. */
    n = fread(buf, 1, cap - 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        nn_error_set(err, NN_EIO, "%s: read error", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ----------------------------------------------------------------- labels */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Labels as numbers when they all are, else as indices into sorted distinct names. */
static nn_status make_labels(char **labels, int rows, locale_t loc, nn_csv_data *out,
                             const char *path, nn_error *err)
{
    float *y = nn_tensor_f32(out->y);
    int numeric = 1;
    for (int i = 0; i < rows && numeric; i++) {
        double v;
        if (parse_number(labels[i], loc, &v))
            y[i] = (float)v;
        else
            numeric = 0;
    }
    if (numeric)
        return NN_OK;
    char **sorted = malloc((size_t)rows * sizeof *sorted);
    if (!sorted)
        return nn_error_set(err, NN_ENOMEM, "%s: out of memory", path);
    memcpy(sorted, labels, (size_t)rows * sizeof *sorted);
    qsort(sorted, (size_t)rows, sizeof *sorted, cmp_str);
    int k = 0;
    for (int i = 0; i < rows; i++)
        if (k == 0 || strcmp(sorted[k - 1], sorted[i]) != 0)
            sorted[k++] = sorted[i];
    out->classes = calloc((size_t)k, sizeof *out->classes);
    if (!out->classes) {
        free(sorted);
        return nn_error_set(err, NN_ENOMEM, "%s: out of memory", path);
    }
    out->n_classes = k;
    for (int c = 0; c < k; c++) {
        out->classes[c] = strdup(sorted[c]);
        if (!out->classes[c]) {
            free(sorted);
            return nn_error_set(err, NN_ENOMEM, "%s: out of memory", path);
        }
    }
    for (int i = 0; i < rows; i++) {
        char **hit = bsearch(&labels[i], sorted, (size_t)k, sizeof *sorted, cmp_str);
        y[i] = (float)(hit - sorted);
    }
    free(sorted);
    return NN_OK;
}

/* ------------------------------------------------------------------- read */

nn_csv_options nn_csv_defaults(void)
{
    nn_csv_options o = {1, ',', -1, NULL};
    return o;
}

/* Where column `j` (0-based) is named in messages: "column 3 ('petal_length')". */
static const char *column_desc(char *buf, size_t len, char **names, int j)
{
    if (names)
        snprintf(buf, len, "column %d ('%.60s')", j + 1, names[j]);
    else
        snprintf(buf, len, "column %d", j + 1);
    return buf;
}

static nn_status parse(csv_parser *ps, const nn_csv_options *opt, locale_t loc,
                       nn_csv_data *out, nn_error *err)
{
    const char *path = ps->path;
    int r, ncols = -1, lab = opt->label_name ? -1 : opt->label_column;
    int header_line = 0;
    char **names = NULL;
    if (opt->header) {
        r = read_record(ps, err);
        if (r <= 0)
            return r < 0 ? err->code
                         : nn_error_set(err, NN_EFORMAT, "%s: empty file, no header", path);
        ncols = ps->n_fields;
        header_line = ps->rec_line;
        names = calloc((size_t)ncols, sizeof *names);
        if (!names)
            return nn_error_set(err, NN_ENOMEM, "%s: out of memory", path);
        for (int j = 0; j < ncols; j++)
            names[j] = ps->fields[j];
        if (opt->label_name) {
            for (int j = 0; j < ncols && lab < 0; j++)
                if (!strcmp(names[j], opt->label_name))
                    lab = j;
            if (lab < 0) {
                char list[256] = "";
                for (int j = 0; j < ncols && strlen(list) < 200; j++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%.40s'",
                             j ? ", " : "", names[j]);
                free(names);
                return nn_error_set(err, NN_EARG,
                                    "%s: no column is named '%.60s' (the header has %s)",
                                    path, opt->label_name, list);
            }
        }
    } else if (opt->label_name) {
        return nn_error_set(err, NN_EARG,
                            "%s: the label column is given by name ('%.60s') but the file "
                            "is read without a header", path, opt->label_name);
    }
    size_t nx = 0, rows = 0, cap_rows = 0;
    float *xs = NULL;
    char **labels = NULL;
    nn_status st = NN_OK;
    while (st == NN_OK && (r = read_record(ps, err)) > 0) {
        if (ncols < 0) {
            ncols = ps->n_fields;
            header_line = ps->rec_line;
        }
        if (lab >= ncols) {
            st = nn_error_set(err, NN_EARG,
                              "%s: label column %d is out of range: the file has %d columns",
                              path, lab + 1, ncols);
            break;
        }
        if (ps->n_fields != ncols) {
            st = nn_error_set(err, NN_EFORMAT, "%s:%d: %d columns, but %s (line %d) has %d",
                              path, ps->rec_line, ps->n_fields,
                              opt->header ? "the header" : "the first row", header_line, ncols);
            break;
        }
        nx = (size_t)ncols - (lab >= 0);
        if (nx == 0) {
            st = nn_error_set(err, NN_EFORMAT, "%s: no column besides the label", path);
            break;
        }
        if (rows == cap_rows) {
            size_t ncap = cap_rows ? 2 * cap_rows : 64;
            float *nxs = realloc(xs, ncap * nx * sizeof *nxs);
            if (nxs)
                xs = nxs;
            char **nl = nxs ? realloc(labels, ncap * sizeof *nl) : NULL;
            if (!nl) {
                st = nn_error_set(err, NN_ENOMEM, "%s: out of memory at line %d", path,
                                  ps->rec_line);
                break;
            }
            labels = nl;
            cap_rows = ncap;
        }
        float *row = xs + rows * nx;
        for (int j = 0, k = 0; j < ncols; j++) {
            const char *cell = ps->fields[j];
            char where[96];
            if (j == lab) {
                if (!*cell) {
                    st = nn_error_set(err, NN_EFORMAT, "%s:%d: %s: empty label", path,
                                      ps->rec_line, column_desc(where, sizeof where,
                                                                names, j));
                    break;
                }
                labels[rows] = ps->fields[j];
                continue;
            }
            double v;
            if (!parse_number(cell, loc, &v)) {
                column_desc(where, sizeof where, names, j);
                if (!*cell)
                    st = nn_error_set(err, NN_EFORMAT,
                                      "%s:%d: %s: empty cell (a missing value)", path,
                                      ps->rec_line, where);
                else
                    st = nn_error_set(err, NN_EFORMAT, "%s:%d: %s: '%.40s' is not a number",
                                      path, ps->rec_line, where, cell);
                break;
            }
            row[k++] = (float)v;
        }
        rows++;
    }
    if (st == NN_OK && r < 0)
        st = err->code;
    if (st == NN_OK && rows == 0)
        st = nn_error_set(err, NN_EFORMAT, "%s: no data rows", path);
    if (st == NN_OK && rows > (size_t)2147483647)
        st = nn_error_set(err, NN_EFORMAT, "%s: too many rows", path);
    if (st == NN_OK) {
        out->x = nn_tensor_new2((int)rows, (int)nx, err);
        if (!out->x)
            st = err->code;
        else
            memcpy(out->x->data, xs, rows * nx * sizeof *xs);
        out->n_columns = (int)nx;
    }
    if (st == NN_OK && lab >= 0) {
        out->y = nn_tensor_new1((int)rows, err);
        st = out->y ? make_labels(labels, (int)rows, loc, out, path, err) : err->code;
    }
    if (st == NN_OK && names) {
        out->columns = calloc(nx, sizeof *out->columns);
        for (int j = 0, k = 0; out->columns && j < ncols && st == NN_OK; j++) {
            char *copy = strdup(names[j]);
            if (!copy)
                st = nn_error_set(err, NN_ENOMEM, "%s: out of memory", path);
            else if (j == lab)
                out->label = copy;
            else
                out->columns[k++] = copy;
        }
        if (!out->columns)
            st = nn_error_set(err, NN_ENOMEM, "%s: out of memory", path);
    }
    free(names);
    free(xs);
    free(labels);
    return st;
}

nn_status nn_csv_read(const char *path, const nn_csv_options *opt, nn_csv_data *out,
                      nn_error *err)
{
    nn_error local;
    if (!err)
        err = &local;
    memset(out, 0, sizeof *out);
    nn_csv_options o = opt ? *opt : nn_csv_defaults();
    if (!o.delimiter)
        o.delimiter = ',';
    if (o.delimiter == '"' || o.delimiter == '\n' || o.delimiter == '\r')
        return nn_error_set(err, NN_EARG, "CSV delimiter cannot be a quote or a newline");
    if (o.label_column < -1)
        return nn_error_set(err, NN_EARG, "CSV label column %d is out of range",
                            o.label_column);
    size_t len = 0;
    char *buf = read_file(path, &len, err);
    if (!buf)
        return err->code;
    locale_t loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!loc) {
        free(buf);
        return nn_error_set(err, NN_ENOMEM, "%s: cannot make the C locale", path);
    }
    csv_parser ps = {buf, buf + len, o.delimiter, 1, 1, path, NULL, 0, 0};
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        ps.p += 3;
    nn_status st = parse(&ps, &o, loc, out, err);
    freelocale(loc);
    free(ps.fields);
    free(buf);
    if (st != NN_OK)
        nn_csv_data_free(out);
    return st;
}

void nn_csv_data_free(nn_csv_data *d)
{
    if (!d)
        return;
    nn_tensor_free(d->x);
    nn_tensor_free(d->y);
    for (int c = 0; d->classes && c < d->n_classes; c++)
        free(d->classes[c]);
    free(d->classes);
    for (int j = 0; d->columns && j < d->n_columns; j++)
        free(d->columns[j]);
    free(d->columns);
    free(d->label);
    memset(d, 0, sizeof *d);
}
