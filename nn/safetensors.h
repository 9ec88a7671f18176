/* nn/safetensors.h — reading and writing the safetensors format.
**
** A file is: an unsigned 64-bit little-endian header length N; N bytes of JSON
**   {"__metadata__": {"key": "value", ...},
**    "dense/kernel": {"dtype": "F32", "shape": [784, 32], "data_offsets": [0, 100352]}, ...}
** padded with spaces so that the data starts at a multiple of 8; then the raw
** little-endian data, each tensor at data_offsets (relative to the start of the
** data). Python's safetensors, PyTorch and numpy read it.
**
** Writing is atomic: the file is written to "path.tmp-XXXXXX" in the same
** directory, flushed and fsync'ed, then renamed over `path` (and the directory
** fsync'ed), so a failed or interrupted save leaves any previous file intact.
**
** Reading trusts nothing in the file: it refuses, with the reason, a truncated
** file, a header length past the end of the file, invalid JSON, an unknown or
** unsupported dtype, a shape whose size overflows, and data offsets that are out
** of range, overlap, leave holes or do not match shape times dtype size. No
** allocation is sized by a header value before it has been checked against the
** file's real size.
*/
#ifndef NN_SAFETENSORS_H
#define NN_SAFETENSORS_H

#include <stddef.h>

#include "error.h"
#include "tensor.h"

#define NN_ST_MAX_RANK 8                    /* the most dimensions a header may give */
#define NN_ST_MAX_HEADER (100u << 20)       /* 100 MB, as the safetensors library */

/* ------------------------------------------------------------------ writing */

typedef struct nn_st_item {
    const char *name;           /* unique, not "__metadata__" */
    const nn_tensor *tensor;    /* float32 (written as F32) or uint8 (U8) */
} nn_st_item;

typedef struct nn_st_meta {
    const char *key, *value;    /* one __metadata__ entry (strings, as the format wants) */
} nn_st_meta;

/* Write items[0..n-1] and meta[0..n_meta-1] to `path`, atomically. NN_EIO names
** the path and the system's reason; on any failure the previous file at `path`
** is untouched and no temporary file is left behind. */
nn_status nn_safetensors_write(const char *path, const nn_st_item *items, int n,
                               const nn_st_meta *meta, int n_meta, nn_error *err);

/* For tests: make every later write fail (as a full disk would) once `bytes`
** bytes of a file have been written; a negative value turns this off. */
void nn_safetensors_test_fail_after(long long bytes);

/* ------------------------------------------------------------------ reading */

typedef struct nn_st_entry {
    const char *name;
    nn_dtype dtype;
    int ndim;                   /* 0 (a scalar) to NN_ST_MAX_RANK */
    long long shape[NN_ST_MAX_RANK];
    size_t begin, end;          /* byte range within the data section */
} nn_st_entry;

typedef struct nn_safetensors nn_safetensors;

/* Open and check the file at `path` (the header is read and validated; tensor
** data is read on demand). Returns a handle to release with
** nn_safetensors_close, or NULL with err set: NN_EIO when the file cannot be
** read, NN_EFORMAT (with the reason) when it is not valid safetensors. */
nn_safetensors *nn_safetensors_open(const char *path, nn_error *err);

/* The same checks on a file image in memory (copied: `bytes` may be freed). */
nn_safetensors *nn_safetensors_parse(const void *bytes, size_t len, nn_error *err);

void nn_safetensors_close(nn_safetensors *f);

/* Number of tensors, and tensor i (0-based, in the header's order). */
int nn_safetensors_count(const nn_safetensors *f);
const nn_st_entry *nn_safetensors_entry(const nn_safetensors *f, int i);

/* The tensor named `name`, or NULL. */
const nn_st_entry *nn_safetensors_find(const nn_safetensors *f, const char *name);

/* A __metadata__ value, or NULL when the key is absent. Valid until close. */
const char *nn_safetensors_meta(const nn_safetensors *f, const char *key);

/* A new tensor (float32 or uint8, as stored) holding entry e's data; a scalar
** comes back with shape (1,). NN_ESHAPE when the shape does not fit an nn_tensor
** (more than 4 dimensions, a zero dimension); NN_EIO when reading fails. */
nn_tensor *nn_safetensors_tensor(const nn_safetensors *f, const nn_st_entry *e, nn_error *err);

/* "(784, 32)" for an entry's shape. */
char *nn_st_shape_str(char *buf, size_t len, const nn_st_entry *e);

#endif
