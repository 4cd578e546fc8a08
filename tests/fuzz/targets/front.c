/* front.c - libFuzzer targets `front` (source text -> parse, modules, sema,
 * lowering) and, built with -DFZ_WITH_CODEGEN, `codegen` (the same, then the
 * object at -O0 and the header). An error message is fine; a crash, a
 * sanitizer's report, a leak, a hang or an internal error is a bug. */
#include "tests/fuzz/targets/fz.h"
#include <stdlib.h>
#include <string.h>

#ifdef FZ_WITH_CODEGEN
#define STAGE FZ_CODEGEN
#define MAX_LEN 4096    /* codegen is slow: keep inputs the size of a real file */
#else
#define STAGE FZ_LOWER
#define MAX_LEN 16384
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_LEN) return -1;
    fz_compile((const char *)data, size, STAGE);
    return 0;
}
