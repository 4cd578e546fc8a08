/* npy.h - NumPy .npy files and .npz archives, for const weights (sema) and the
 * REPL's load()/save(). Reads format versions 1.0, 2.0 and 3.0, C order, the
 * dtypes the language has, either byte order; .npz members stored or deflated
 * (zlib); writes the header np.save writes. No runtime or LLVM dependency. */
#ifndef TDSL_NPY_H
#define TDSL_NPY_H
#include "lang/types.h"
#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_DIMS 32                     /* as NumPy 1.x */
#define NPY_MAX_BYTES ((int64_t)1 << 46)    /* 64 TiB: larger shapes are "too large" */

/* An array read from a file: compact row-major data in host order (bool as 0/1
 * bytes), malloc'd, never NULL (an empty array has a 1-byte block). */
typedef struct NpyArray {
    DType type;
    int ndim;
    int64_t shape[NPY_MAX_DIMS];
    void *data;
    size_t nbytes;
} NpyArray;

/* Each returns 0, or -1 with the message ("PATH: ...") in err. */
int npy_read(const char *path, NpyArray *out, char *err, size_t errcap);
/* The .npy image buf[0..len), named `what` in messages. */
int npy_read_mem(const void *buf, size_t len, const char *what, NpyArray *out, char *err, size_t errcap);
/* Member `member` of the .npz archive at path ("fc1.weight" or "fc1.weight.npy");
 * a missing member's message lists those the archive has. */
int npz_read(const char *path, const char *member, NpyArray *out, char *err, size_t errcap);
void npy_free(NpyArray *a);

/* numel of a shape, or -1 if a dim is negative, ndim is outside 0..NPY_MAX_DIMS,
 * or the bytes for `t` would exceed NPY_MAX_BYTES */
int64_t npy_shape_numel(DType t, int ndim, const int64_t *shape);
/* The header np.save writes for the array (through its final '\n'), malloc'd;
 * *len its length. NULL when out of memory. */
char *npy_header(DType t, int ndim, const int64_t *shape, size_t *len);

#endif
