/* codegen_vector.c - LOOP_VECTOR loops become LLVM vector operations of the
 * loop's width; LOOP_UNROLL loops are unrolled.
 * (Stub: both run serially for now.) */
#include "codegen.h"

void cg_vector_for(CgFunc *f, const LStmt *s) { cg_serial_for(f, s); }
void cg_unroll_for(CgFunc *f, const LStmt *s) { cg_serial_for(f, s); }
