/* npy.h - NumPy .npy files for REPL tensors (load("x.npy"), save(A, "y.npy")): the
 * format is lang/npy.h; these move the data in and out of RTensors. */
#ifndef TDSL_REPL_NPY_H
#define TDSL_REPL_NPY_H
#include <stddef.h>
#include "repl/tensor.h"

RTensor *npy_load(const char *path, char *err, size_t errcap);   /* NULL + message in err */
int npy_save(const RTensor *t, const char *path, char *err, size_t errcap);   /* 0 or -1 + message */

#endif
