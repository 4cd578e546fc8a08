/* entry_ffi.c - entry_ffi.h: dtypes as libffi types. */
#include "lower/entry_ffi.h"

ffi_type *entry_ffi_type(DType t)
{
    switch (t) {
    case DT_F32: return &ffi_type_float;
    case DT_F64: return &ffi_type_double;
    case DT_I8: return &ffi_type_sint8;
    case DT_I16: return &ffi_type_sint16;
    case DT_I32: return &ffi_type_sint32;
    case DT_I64: return &ffi_type_sint64;
    case DT_U16: return &ffi_type_uint16;
    case DT_U32: return &ffi_type_uint32;
    case DT_U64: return &ffi_type_uint64;
    default: return &ffi_type_uint8;       /* u8, and bool (zero-extended i1) */
    }
}
