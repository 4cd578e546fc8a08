/* tensor.h - REPL tensor values: compact row-major data of one dtype (lang/types.h DType).
 * A tensor owns its shape and data; shape and data are never NULL (ndim 0 is a
 * scalar with one element, an empty tensor still has a 1-byte data block). */
#ifndef TDSL_REPL_TENSOR_H
#define TDSL_REPL_TENSOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang/npy.h"
#include "lang/types.h"

#define RT_MAX_DIMS NPY_MAX_DIMS    /* the limits of .npy files (lang/npy.h) */
#define RT_MAX_BYTES NPY_MAX_BYTES

typedef struct RTensor {
    DType type;
    int ndim;
    int64_t *shape;
    void *data;
} RTensor;  /* ndim 0: a scalar */

RTensor *rt_new(DType t, int ndim, const int64_t *shape);      /* zero-filled; NULL if too big / out of memory */
void rt_free(RTensor *t);                                        /* NULL is fine */
int64_t rt_numel(const RTensor *t);
size_t rt_nbytes(const RTensor *t);                              /* bool is 1 byte */
RTensor *rt_copy(const RTensor *t);
size_t rt_elem_size(DType t);                                    /* bytes per element; 0 for DT_NONE */

/* Random values come from one xoshiro256** stream; its state at start-up is that
 * of rt_seed(0), so a session is deterministic even before seed(). */
void rt_seed(uint64_t seed);
RTensor *rt_rand(DType t, int ndim,
                 const int64_t *shape); /* floats uniform [0,1); ints uniform in [0,10) (signed: [-10,10)); bool 0/1 */
RTensor *rt_full(DType t, int ndim, const int64_t *shape,
                 double v); /* zeros/ones too; v converted like a C cast, saturating for ints */
RTensor *rt_arange(DType t, int64_t n); /* 0, 1, ..., n-1 (1-D) */
RTensor *rt_scalar(DType t, double v); /* a 0-d tensor holding v (converted as rt_set) */

double rt_get(const RTensor *t, int64_t flat); /* element as double */
/* exact for ints and bool; false for u64 above INT64_MAX, and for a float that
 * is not an integer in int64's range */
bool rt_get_i64(const RTensor *t, int64_t flat, int64_t *out);
/* v converted like a C cast, except that ints saturate (NaN gives 0) and bool is v != 0 */
void rt_set(RTensor *t, int64_t flat, double v);
void rt_set_i64(RTensor *t, int64_t flat, int64_t v); /* exact for ints; saturating for narrower ints */
void rt_set_u64(RTensor *t, int64_t flat, uint64_t v); /* exact for u64 */

#endif
