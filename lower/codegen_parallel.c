/* codegen_parallel.c - LOOP_PARALLEL loops: the body is outlined into a
 * function and run by the thread pool (runtime/tdsl_pool.c).
 * (Stub until the pool lands: runs the loop serially.) */
#include "codegen.h"

void cg_parallel_for(CgFunc *f, const LStmt *s) { cg_serial_for(f, s); }
