/* check.h - internal invariants. TDSL_ASSERT(cond, "what") is for compiler bugs
 * only (an index that can be -1, a fixed array that can fill): it prints
 * `internal error: what (file:line)` on stderr and aborts, in every build.
 * Errors in the user's program go to a Diag instead. */
#ifndef TDSL_CHECK_H
#define TDSL_CHECK_H

_Noreturn void tdsl_internal_error(const char *what, const char *file, int line);

#define TDSL_ASSERT(cond, what) ((cond) ? (void)0 : tdsl_internal_error((what), __FILE__, __LINE__))

#endif
