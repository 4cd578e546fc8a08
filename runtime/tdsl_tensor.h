/* tdsl_tensor.h - the tensor descriptor every generated entry point takes
 * (field-for-field DLPack's DLTensor) and its error codes. Plain C (C++11
 * callers get tdsl::tensor below); copied verbatim into every generated
 * header, guarded so several headers coexist. */
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

#ifdef __cplusplus
/* C++: a tensor over a plain array, one line per tensor, its dtype taken
 * from the pointer's type and its shape held inside (so it may be copied):
 *   tdsl::tensor X(x, n, k);        linear_relu(&X, &W, &B, &Y);
 * (or auto X = TDSL_F32(x, n, k)). Keep it a tdsl::tensor: a tdsl_tensor
 * copied out of it points at the shape of the tdsl::tensor. C++ linkage even
 * where the header is included inside extern "C" { } (as C headers often are). */
extern "C++" {
namespace tdsl
{
template <typename T> struct dtype_of;
#define TDSL_DTYPE_OF_(T, code_, bits_)                         \
    template <> struct dtype_of<T> {                            \
        static tdsl_dtype get() { return { code_, bits_, 1 }; } \
    };                                                          \
    template <> struct dtype_of<const T> : dtype_of<T> {        \
    }
TDSL_DTYPE_OF_(float, 2, 32);
TDSL_DTYPE_OF_(double, 2, 64);
TDSL_DTYPE_OF_(int8_t, 0, 8);
TDSL_DTYPE_OF_(int16_t, 0, 16);
TDSL_DTYPE_OF_(int32_t, 0, 32);
TDSL_DTYPE_OF_(int64_t, 0, 64);
TDSL_DTYPE_OF_(uint8_t, 1, 8);
TDSL_DTYPE_OF_(uint16_t, 1, 16);
TDSL_DTYPE_OF_(uint32_t, 1, 32);
TDSL_DTYPE_OF_(uint64_t, 1, 64);
TDSL_DTYPE_OF_(bool, 6, 8);
#undef TDSL_DTYPE_OF_

struct tensor : tdsl_tensor {
    enum { max_dims = 32 };
    int64_t dims[max_dims];

    template <typename T, typename... D> explicit tensor(T *p, D... extents)
    {
        init(const_cast<void *>(static_cast<const void *>(p)), dtype_of<T>::get(), extents...);
    }
    /* the dtype given as DLPack's code and bits (the TDSL_F32 ... macros) */
    template <typename... D> static tensor of(const void *p, uint8_t code, uint8_t bits, D... extents)
    {
        tensor t;
        t.init(const_cast<void *>(p), tdsl_dtype{ code, bits, 1 }, extents...);
        return t;
    }
    tensor(const tensor &o) : tdsl_tensor(o) { copy_dims(o); }
    tensor &operator=(const tensor &o)
    {
        tdsl_tensor::operator=(o);
        copy_dims(o);
        return *this;
    }

  private:
    tensor() : tdsl_tensor() {}
    void copy_dims(const tensor &o)
    {
        for (int k = 0; k < max_dims; k++) dims[k] = o.dims[k];
        shape = dims;
    }
    template <typename... D> void init(void *p, tdsl_dtype dt, D... extents)
    {
        static_assert(sizeof...(D) <= max_dims, "a tdsl::tensor has at most 32 dims");
        const int64_t ext[sizeof...(D) + 1] = { static_cast<int64_t>(extents)..., 0 };
        for (int k = 0; k < max_dims; k++) dims[k] = k < (int)sizeof...(D) ? ext[k] : 0;
        data = p;
        device.device_type = 1;
        device.device_id = 0;
        ndim = (int32_t)sizeof...(D);
        dtype = dt;
        shape = dims;
        strides = NULL;
        byte_offset = 0;
    }
};
} /* namespace tdsl */
} /* extern "C++" */

#define TDSL_TENSOR_OF(ptr, code_, bits_, ...) ::tdsl::tensor::of((ptr), (code_), (bits_), __VA_ARGS__)
#else
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
#endif
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
