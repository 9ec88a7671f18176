/* nn/tensor.h — n-dimensional arrays of float32 (or uint8 for raw data sets).
**
** Contiguous, row-major, up to NN_MAX_DIMS dimensions. Images are channels-last
** (N, H, W, C), as in Keras. A tensor owns a reference to a shared, refcounted
** storage, so reshapes and row slices are views that cost no copy (as numpy's).
** Arithmetic on uint8 tensors yields float32.
**
** Ownership: every function returning `nn_tensor *` hands the caller a new
** tensor object to release with nn_tensor_free (views included: freeing a view
** drops its reference to the storage, never the storage of others).
*/
#ifndef NN_TENSOR_H
#define NN_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rng.h"

#define NN_MAX_DIMS 4

typedef enum { NN_F32 = 0, NN_U8 = 1 } nn_dtype;

typedef struct nn_storage nn_storage;

typedef struct nn_tensor {
    nn_dtype dtype;
    int ndim;
    int shape[NN_MAX_DIMS];
    size_t size;            /* number of elements: product of shape */
    void *data;             /* float * for NN_F32, uint8_t * for NN_U8 */
    nn_storage *storage;    /* NULL for a borrowed view (see nn_tensor_borrow_rows) */
} nn_tensor;

/* ---------------------------------------------------------------- creation */

/* A new tensor of `dtype` and `shape[0..ndim-1]`, zero-filled. Fails with
** NN_EARG for a bad rank or a non-positive dimension, NN_ENOMEM when the size
** overflows or the allocation fails. */
nn_tensor *nn_tensor_new(nn_dtype dtype, int ndim, const int *shape, nn_error *err);

/* Shorthands for float32 tensors of rank 1 and 2. */
nn_tensor *nn_tensor_new1(int n, nn_error *err);
nn_tensor *nn_tensor_new2(int rows, int cols, nn_error *err);

/* A new float32 tensor with the same shape as `t` holding a copy of its values
** (converted from uint8 when `t` is uint8). */
nn_tensor *nn_tensor_to_f32(const nn_tensor *t, nn_error *err);

/* A deep copy with the same dtype. */
nn_tensor *nn_tensor_clone(const nn_tensor *t, nn_error *err);

/* Release `t` (NULL is a no-op). */
void nn_tensor_free(nn_tensor *t);

/* ------------------------------------------------------------------- views */

/* A view of `t` with a new shape of the same size; one entry may be -1 and is
** inferred. NN_ESHAPE names both shapes when the sizes differ. */
nn_tensor *nn_tensor_reshape(const nn_tensor *t, int ndim, const int *shape, nn_error *err);

/* A view of rows [first, first + count) along the first axis (0-based). */
nn_tensor *nn_tensor_slice_rows(const nn_tensor *t, int first, int count, nn_error *err);

/* Fill `view` (a caller-owned struct, no allocation) with rows
** [first, first + count) of `t`. The view borrows `t`'s data: it must not
** outlive `t` and must not be passed to nn_tensor_free. */
void nn_tensor_borrow_rows(nn_tensor *view, const nn_tensor *t, int first, int count);

/* Make *t a float32 tensor of the given shape, reusing its storage when it is
** large enough (no allocation), else replacing it. */
nn_status nn_tensor_ensure(nn_tensor **t, int ndim, const int *shape, nn_error *err);

/* Element access by index: idx[0..n-1] are 0-based indices into the first n axes
** (1 <= n <= ndim). nn_tensor_offset gives the flat offset of the first element
** they select; nn_tensor_index a view of that part, with the n axes removed (shape
** (1,) when n == ndim). NN_EARG names the axis (1-based) and its size when an
** index is out of range. */
nn_status nn_tensor_offset(const nn_tensor *t, int n, const int *idx, size_t *off,
                           nn_error *err);
nn_tensor *nn_tensor_index(const nn_tensor *t, int n, const int *idx, nn_error *err);

/* ---------------------------------------------------------------- queries */

static inline float *nn_tensor_f32(const nn_tensor *t) { return (float *)t->data; }
static inline uint8_t *nn_tensor_u8(const nn_tensor *t) { return (uint8_t *)t->data; }

/* Elements per row: size / shape[0] (1 for a scalar-like rank-0 tensor). */
size_t nn_tensor_row_size(const nn_tensor *t);

/* Value at flat index `i` as a float, whatever the dtype. */
float nn_tensor_get(const nn_tensor *t, size_t i);

/* Store `v` at flat index `i`. A uint8 tensor takes only whole numbers 0..255
** (NN_EARG otherwise, nothing written). */
nn_status nn_tensor_set(nn_tensor *t, size_t i, float v, nn_error *err);

/* 1 when the shapes are identical. */
int nn_tensor_same_shape(const nn_tensor *a, const nn_tensor *b);

/* Write the shape as "(60000, 784)" into buf; returns buf. */
char *nn_shape_format(char *buf, size_t len, int ndim, const int *shape);

/* Same, with a leading "None" batch dimension: "(None, 784)". */
char *nn_shape_format_batch(char *buf, size_t len, int ndim, const int *shape);

/* ------------------------------------------------------ filling and making */

/* Set every element of `t` to `v` (uint8: whole numbers 0..255 only, NN_EARG). */
nn_status nn_tensor_fill(nn_tensor *t, float v, nn_error *err);

/* Fill a float32 `t` with draws from `rng`: uniform in [lo, hi), or normal with
** the given mean and standard deviation. NN_EARG for a uint8 tensor. */
nn_status nn_tensor_fill_uniform(nn_tensor *t, nn_rng *rng, float lo, float hi, nn_error *err);
nn_status nn_tensor_fill_normal(nn_tensor *t, nn_rng *rng, float mean, float std,
                                nn_error *err);

/* start, start + step, ... while below stop (above it for a negative step), as
** numpy's arange: a new rank-1 float32 tensor. NN_EARG for a zero or non-finite
** step or an empty range. */
nn_tensor *nn_tensor_arange(double start, double stop, double step, nn_error *err);

/* n values evenly spaced from start to stop, both included (numpy's linspace). */
nn_tensor *nn_tensor_linspace(double start, double stop, int n, nn_error *err);

/* A (rows, cols) float32 tensor with ones on the main diagonal. */
nn_tensor *nn_tensor_eye(int rows, int cols, nn_error *err);

/* Copy `src` into `dst`, broadcasting src to dst's shape (numpy's dst[...] = src).
** NN_ESHAPE names both shapes when src does not broadcast to dst; a uint8 dst
** takes whole numbers 0..255 only (NN_EARG, dst then partly written). */
nn_status nn_tensor_assign(nn_tensor *dst, const nn_tensor *src, nn_error *err);

/* ts[0..n-1] joined along `axis` (0-based), numpy's concatenate: all must have
** the same rank and the same size on every other axis (NN_ESHAPE names the
** first that differs). The result is uint8 when all inputs are, else float32. */
nn_tensor *nn_tensor_concat(const nn_tensor *const *ts, int n, int axis, nn_error *err);

/* ------------------------------------------------------------- arithmetic */

/* The comparisons give 1 where true and 0 where false. */
typedef enum {
    NN_ADD, NN_SUB, NN_MUL, NN_DIV, NN_POW, NN_MAX, NN_MIN,
    NN_EQ, NN_NE, NN_LT, NN_LE, NN_GT, NN_GE
} nn_binop;

/* a (op) b with numpy broadcasting; the result is a new float32 tensor. */
nn_tensor *nn_tensor_binary(nn_binop op, const nn_tensor *a, const nn_tensor *b, nn_error *err);

/* a (op) s, or s (op) a when `scalar_first`; new float32 tensor. */
nn_tensor *nn_tensor_scalar(nn_binop op, const nn_tensor *a, float s, int scalar_first,
                            nn_error *err);

typedef enum {
    NN_NEG, NN_ABS, NN_EXP, NN_LOG, NN_SQRT, NN_SQUARE, NN_RELU, NN_SIGMOID, NN_TANH
} nn_unop;

/* f(a) elementwise; new float32 tensor. */
nn_tensor *nn_tensor_unary(nn_unop op, const nn_tensor *a, nn_error *err);

/* C = A B for 2-D tensors through cblas_sgemm; NN_ESHAPE names both shapes. */
nn_tensor *nn_tensor_matmul(const nn_tensor *a, const nn_tensor *b, nn_error *err);

/* The transpose of a 2-D tensor (a copy). */
nn_tensor *nn_tensor_transpose(const nn_tensor *a, nn_error *err);

/* Reductions. `axis` = -1 reduces everything to a rank-1 tensor of one element;
** otherwise the axis is removed (keepdims false, as numpy's default).
** A NaN anywhere in what is reduced makes the result NaN, as in numpy. */
typedef enum { NN_SUM, NN_MEAN, NN_RMAX, NN_RMIN } nn_reduce_op;
nn_tensor *nn_tensor_reduce(nn_reduce_op op, const nn_tensor *a, int axis, nn_error *err);

/* The same reduction over all elements, accumulated and returned in double. */
double nn_tensor_reduce_all(nn_reduce_op op, const nn_tensor *a);

/* Index (0-based) of the largest value along the last axis, the first one on
** ties: a float32 tensor of the other axes' shape ((N,) for a (N, K) tensor,
** (N, H) for (N, H, W)), (1,) for a rank-1 tensor. */
nn_tensor *nn_tensor_argmax(const nn_tensor *a, nn_error *err);

/* Sum and extremes of all elements, in double, and the count of non-finite ones. */
typedef struct { double sum, min, max; size_t nonfinite; } nn_tensor_stats;
nn_tensor_stats nn_tensor_summary(const nn_tensor *a);

/* ------------------------------------------------------------------ text */

/* numpy-style text of `t`:
**     tensor([[1.5, 2.0],
**             [3.0, 4.0]], shape=(2, 2))
** One format for all the elements shown, as numpy chooses: whole numbers (all
** of them, below 1e8) as "3."; else four significant digits for the largest
** magnitude, scientific ("1.235e-04") when it is >= 1e5 or the smallest non-zero
** one is below 1e-3 or below a thousandth of it; trailing zeros every element
** has are dropped. uint8 prints as integers, with ", dtype=uint8" added. Rows
** wrap at 75 columns; above 1000 elements, each axis longer than 6 shows its
** first and last 3 entries around "...". Returns a malloc'd string the caller
** frees, or NULL when out of memory. */
char *nn_tensor_format(const nn_tensor *t);

#endif
