/* nn/idx.h — the IDX file format of MNIST and Fashion-MNIST, raw or gzipped.
**
** An IDX file is a 4-byte magic number 0x0000TTNN (TT the element type, NN the
** number of dimensions), NN big-endian 32-bit dimension sizes, then the
** elements in row-major order. MNIST's images are 0x00000803 (N, 28, 28) and
** its labels 0x00000801 (N,), both of unsigned bytes; only that element type
** (0x08) is read here.
*/
#ifndef NN_IDX_H
#define NN_IDX_H

#include "tensor.h"

/* Largest element count an IDX file may claim (4 GiB of bytes): anything
** larger is refused before a byte is allocated. */
#define NN_IDX_MAX_BYTES ((size_t)4 << 30)

/* Read the IDX file at `path` (gzip-compressed or not: zlib reads both) into a
** new uint8 tensor of the file's shape, owned by the caller.
**
** A plain file must hold exactly the bytes its header claims. A gzip file's
** decompressed size is unknown in advance, so its header's claim is checked
** against NN_IDX_MAX_BYTES and against what deflate can expand the compressed
** size to (at most 1032 to 1); the data is then read in growing steps, so a
** header that lies costs no more memory than the data that is really there.
**
** Errors, each message naming `path`: NN_EIO for a missing file, a directory
** or an unreadable one; NN_EFORMAT for an empty file, a wrong magic number, an
** element type other than unsigned bytes, a zero or oversized dimension,
** truncated data, bytes after the data, or corrupt gzip data; NN_ENOMEM when
** memory runs out. Returns NULL on failure. */
nn_tensor *nn_idx_read(const char *path, nn_error *err);

#endif
