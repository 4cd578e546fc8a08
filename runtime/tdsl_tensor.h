/* tdsl_tensor.h - the tensor descriptor every generated entry point takes
 * (field-for-field DLPack's DLTensor) and its error codes. Plain C; copied
 * verbatim into every generated header, guarded so several headers coexist. */
#ifndef TDSL_TENSOR_DEFINED
#define TDSL_TENSOR_DEFINED
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    int32_t device_type;
    int32_t device_id;
} tdsl_device;   /* DLDevice */
typedef struct {
    uint8_t code;
    uint8_t bits;
    uint16_t lanes;
} tdsl_dtype; /* DLDataType */

typedef struct {                    /* layout of DLPack's DLTensor */
    void *data;
    tdsl_device device;             /* CPU: device_type 1 */
    int32_t ndim;
    tdsl_dtype dtype;               /* code 0 int, 1 uint, 2 float, 6 bool */
    int64_t *shape;
    int64_t *strides;               /* in elements; NULL means compact row-major */
    uint64_t byte_offset;
} tdsl_tensor;

/* Entry points return 0 or kind | (argument + 1) << 8 | dim << 16.
 * Arguments count from 0 over the fn's parameters then its results; a code
 * from inside the call (NOMEM, or SIZE of an intermediate buffer) names none. */
enum {
    TDSL_OK = 0,
    TDSL_ERR_NULL = 1,      /* a tensor pointer or its data/shape is NULL */
    TDSL_ERR_RANK,          /* ndim differs from the declared rank */
    TDSL_ERR_DTYPE,         /* dtype differs from the declared dtype */
    TDSL_ERR_DEVICE,        /* not a CPU tensor */
    TDSL_ERR_STRIDES,       /* strides are not compact row-major */
    TDSL_ERR_SHAPE,         /* an extent disagrees with the declared shape */
    TDSL_ERR_NEGATIVE,      /* a size or a derived extent would be negative */
    TDSL_ERR_ALIAS,         /* a result overlaps another tensor */
    TDSL_ERR_NOMEM,         /* an intermediate buffer could not be allocated */
    TDSL_ERR_SIZE,          /* a byte count (elements x element size) exceeds INT64_MAX */
};

#define TDSL_ERR_KIND(code) ((code) & 0xff)
#define TDSL_ERR_ARG(code) ((((code) >> 8) & 0xff) - 1)
#define TDSL_ERR_DIM(code) (((code) >> 16) & 0xff)

static inline const char *tdsl_strerror(int code)
{
    switch (TDSL_ERR_KIND(code)) {
    case TDSL_OK: return "success";
    case TDSL_ERR_NULL: return "a tensor, its data or its shape is NULL";
    case TDSL_ERR_RANK: return "tensor has the wrong number of dimensions";
    case TDSL_ERR_DTYPE: return "tensor has the wrong dtype";
    case TDSL_ERR_DEVICE: return "tensor is not on the CPU";
    case TDSL_ERR_STRIDES: return "tensor strides are not compact row-major";
    case TDSL_ERR_SHAPE: return "tensor extent disagrees with the declared shape";
    case TDSL_ERR_NEGATIVE: return "a size or derived extent is negative";
    case TDSL_ERR_ALIAS: return "a result overlaps another tensor";
    case TDSL_ERR_NOMEM: return "out of memory for an intermediate buffer";
    case TDSL_ERR_SIZE: return "a tensor or buffer size in bytes overflows";
    default: return "unknown error";
    }
}

/* "argument 2, dim 1: tensor extent disagrees with the declared shape" */
static inline const char *tdsl_format_error(int code, char *buf, size_t len)
{
    if (TDSL_ERR_ARG(code) < 0) snprintf(buf, len, "%s", tdsl_strerror(code));
    else snprintf(buf, len, "argument %d, dim %d: %s", TDSL_ERR_ARG(code), TDSL_ERR_DIM(code), tdsl_strerror(code));
    return buf;
}

/* A tensor over a plain C array, one line per tensor:
 *   tdsl_tensor X = TDSL_F32(x, n, k);   (compound literals: block scope) */
#define TDSL_TENSOR_OF(ptr, code_, bits_, ...)                                       \
    ((tdsl_tensor){ (void *)(ptr),                                                   \
                    { 1, 0 },                                                        \
                    (int32_t)(sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), \
                    { (code_), (bits_), 1 },                                         \
                    (int64_t[]){ __VA_ARGS__ },                                      \
                    NULL,                                                            \
                    0 })
#define TDSL_F32(p, ...) TDSL_TENSOR_OF(p, 2, 32, __VA_ARGS__)
#define TDSL_F64(p, ...) TDSL_TENSOR_OF(p, 2, 64, __VA_ARGS__)
#define TDSL_I8(p, ...) TDSL_TENSOR_OF(p, 0, 8, __VA_ARGS__)
#define TDSL_I16(p, ...) TDSL_TENSOR_OF(p, 0, 16, __VA_ARGS__)
#define TDSL_I32(p, ...) TDSL_TENSOR_OF(p, 0, 32, __VA_ARGS__)
#define TDSL_I64(p, ...) TDSL_TENSOR_OF(p, 0, 64, __VA_ARGS__)
#define TDSL_U8(p, ...) TDSL_TENSOR_OF(p, 1, 8, __VA_ARGS__)
#define TDSL_U16(p, ...) TDSL_TENSOR_OF(p, 1, 16, __VA_ARGS__)
#define TDSL_U32(p, ...) TDSL_TENSOR_OF(p, 1, 32, __VA_ARGS__)
#define TDSL_U64(p, ...) TDSL_TENSOR_OF(p, 1, 64, __VA_ARGS__)
#define TDSL_BOOL(p, ...) TDSL_TENSOR_OF(p, 6, 8, __VA_ARGS__)

#endif /* TDSL_TENSOR_DEFINED */
