/* parse.h - the parser's entry point: source text -> AST (lang/ast.h).
 * Syntax errors go to the Diag; parsing continues after each to report more. */
#ifndef TDSL_PARSE_H
#define TDSL_PARSE_H
#include "../lang/ast.h"

/* Parses src (which must outlive the arena's use) and appends its fns and
 * schedules to prog. Returns the number of syntax errors reported; text that
 * is not source (lang/source.h) gets one error and is not parsed. */
int parse_source(Arena *a, const Source *src, Program *prog, Diag *d);

#endif
