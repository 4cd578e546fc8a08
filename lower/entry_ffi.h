/* entry_ffi.h - an entry point's C ABI in libffi's terms, for the callers
 * that call JIT-compiled entries with arguments known only at run time (the
 * REPL, the tuner's trials, the tests' harnesses). */
#ifndef TDSL_ENTRY_FFI_H
#define TDSL_ENTRY_FFI_H
#include "lang/types.h"
#include <ffi.h>

/* The libffi type of a scalar parameter of dtype t (bool: a byte, 0 or 1) */
ffi_type *entry_ffi_type(DType t);

#endif
