/* sema.h - semantic checks: names, dtypes, shapes, reduction extents and the
 * static bounds proof. Annotates the AST in place. */
#ifndef TDSL_SEMA_H
#define TDSL_SEMA_H
#include "../lang/ast.h"

/* Checks every fn not yet checked; returns the number of errors reported. */
int sema_check(Arena *a, Program *prog, Diag *d);

#endif
