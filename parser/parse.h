/* parse.h - the parser's entry point: source text -> AST (lang/ast.h).
 * Syntax errors go to the Diag; parsing continues after each to report more. */
#ifndef TDSL_PARSE_H
#define TDSL_PARSE_H
#include "lang/ast.h"

/* Parses src (which must outlive the arena's use) and appends its fns and
 * schedules to prog. Returns the number of syntax errors reported; text that
 * is not source (lang/source.h) gets one error and is not parsed. */
int parse_source(Arena *a, const Source *src, Program *prog, Diag *d);

/* Would more text finish src, as Python's codeop decides for its REPL? True
 * when the first syntax error is at the end of the input (nothing wrong so
 * far, only unfinished) or a fn or schedule body is still open there; false
 * when it parses or an error comes before the end. Errors go to d (a REPL
 * passes one that prints nothing); nothing is added to any program. */
bool parse_unfinished(Arena *a, const Source *src, Diag *d);

#endif
