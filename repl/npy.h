/* npy.h - NumPy .npy files for REPL tensors (load("x.npy"), save(A, "y.npy")).
 * Reads format versions 1.0, 2.0 and 3.0, C order, the dtypes the language has,
 * either byte order; writes what np.save writes (1.0, or 2.0 for a header over 64 KiB). */
#ifndef TDSL_REPL_NPY_H
#define TDSL_REPL_NPY_H
#include <stddef.h>
#include "repl/tensor.h"

RTensor *npy_load(const char *path, char *err, size_t errcap);   /* NULL + message in err */
int npy_save(const RTensor *t, const char *path, char *err, size_t errcap);   /* 0 or -1 + message */

#endif
