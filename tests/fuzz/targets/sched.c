/* sched.c - libFuzzer target `sched`: the input is schedule blocks (or any
 * text) appended to a fixed program, the fns of examples/ and sched_fns.tdsl
 * (sched_fns.inc, made by mk/fuzz.mk), then checked and lowered as tdslc
 * does. A schedule may be rejected with a message; it may never crash the
 * compiler, leak or report an internal error. */
#include "tests/fuzz/targets/fz.h"
#include <stdlib.h>
#include <string.h>

static const char fns[] =
#include "sched_fns.inc"
    ;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192) return -1;
    size_t n = sizeof fns - 1;
    char *text = malloc(n + size + 1);
    if (!text) abort();
    memcpy(text, fns, n);
    memcpy(text + n, data, size);
    fz_compile(text, n + size, FZ_LOWER);
    free(text);
    return 0;
}
