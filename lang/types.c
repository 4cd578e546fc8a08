/* types.c - dtype table. */
#include "lang/types.h"
#include <string.h>

static const struct {
    const char *name, *ctype;
    int bits, code;
} info[DT_COUNT] = {
    [DT_NONE] = { "?", "void", 0, 0 },       [DT_BOOL] = { "bool", "bool", 8, 6 },
    [DT_I8] = { "i8", "int8_t", 8, 0 },      [DT_I16] = { "i16", "int16_t", 16, 0 },
    [DT_I32] = { "i32", "int32_t", 32, 0 },  [DT_I64] = { "i64", "int64_t", 64, 0 },
    [DT_U8] = { "u8", "uint8_t", 8, 1 },     [DT_U16] = { "u16", "uint16_t", 16, 1 },
    [DT_U32] = { "u32", "uint32_t", 32, 1 }, [DT_U64] = { "u64", "uint64_t", 64, 1 },
    [DT_F32] = { "f32", "float", 32, 2 },    [DT_F64] = { "f64", "double", 64, 2 },
};

const char *dtype_name(DType t) { return info[t].name; }
const char *dtype_ctype(DType t) { return info[t].ctype; }
int dtype_bits(DType t) { return info[t].bits; }
int dtype_dlpack_code(DType t) { return info[t].code; }

DType dtype_from_name(const char *s)
{
    for (int t = DT_BOOL; t < DT_COUNT; t++)
        if (!strcmp(info[t].name, s)) return (DType)t;
    return DT_NONE;
}

bool dtype_is_float(DType t) { return t == DT_F32 || t == DT_F64; }
bool dtype_is_int(DType t) { return t >= DT_I8 && t <= DT_U64; }
bool dtype_is_signed(DType t) { return t >= DT_I8 && t <= DT_I64; }

bool dtype_widens_to(DType from, DType to)
{
    if (from == to) return true;
    if (from == DT_BOOL || to == DT_BOOL || from == DT_NONE || to == DT_NONE) return false;
    int fb = info[from].bits, tb = info[to].bits;
    if (dtype_is_float(from)) return dtype_is_float(to) && tb >= fb;
    if (dtype_is_float(to)) return fb < (to == DT_F32 ? 24 : 53);  /* mantissa holds it */
    if (dtype_is_signed(from) == dtype_is_signed(to)) return tb >= fb;
    return !dtype_is_signed(from) && tb > fb;                        /* u8 -> i16 */
}
