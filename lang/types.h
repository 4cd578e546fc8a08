/* types.h - the language's dtypes and their properties (C name, DLPack code,
 * lossless promotion). DT_INDEX is the i64 type of index and size variables. */
#ifndef TDSL_TYPES_H
#define TDSL_TYPES_H
#include <stdbool.h>

typedef enum DType {
    DT_NONE = 0,
    DT_BOOL,
    DT_I8,
    DT_I16,
    DT_I32,
    DT_I64,
    DT_U8,
    DT_U16,
    DT_U32,
    DT_U64,
    DT_F32,
    DT_F64,
    DT_COUNT
} DType;

#define DT_INDEX DT_I64

const char *dtype_name(DType t);          /* "f32" */
const char *dtype_ctype(DType t);         /* "float", "int32_t", "bool" */
DType dtype_from_name(const char *s);     /* DT_NONE if not a dtype */
int dtype_bits(DType t);                  /* storage bits: bool is 8 */
int dtype_dlpack_code(DType t);           /* 0 int, 1 uint, 2 float, 6 bool */
bool dtype_is_float(DType t);
bool dtype_is_int(DType t);               /* signed or unsigned integer */
bool dtype_is_signed(DType t);
/* true if every value of `from` is exactly representable in `to` */
bool dtype_widens_to(DType from, DType to);

#endif
