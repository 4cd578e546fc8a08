/* check.c - the one place an internal error stops the process (check.h):
 * abort(), so that a debugger stops at the broken invariant. */
#include "lang/check.h"
#include <stdio.h>
#include <stdlib.h>

_Noreturn void tdsl_internal_error(const char *what, const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "internal error: %s (%s:%d)\n", what, file, line);
    fflush(stderr);
    abort();
}
