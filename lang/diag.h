/* diag.h - diagnostics sink: located errors, warnings and notes, printed as
 * file:line:col: error: message, the source line, then a caret range.
 * Library code reports here and returns failure; only cli/ prints and exits. */
#ifndef TDSL_DIAG_H
#define TDSL_DIAG_H
#include <stdbool.h>
#include <stdio.h>

typedef struct Source {
    const char *path;
    const char *text;
} Source;

/* A source span: 1-based line/col of first and last character (inclusive). */
typedef struct Span {
    const Source *src;
    int line, col, end_line, end_col;
} Span;

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct Diag {
    FILE *out;          /* where messages go (stderr by default) */
    int nerrors, nwarnings;
    int max_errors;     /* stop reporting after this many (0 = 20) */
} Diag;

void diag_init(Diag *d, FILE *out);
void diag_report(Diag *d, DiagLevel lvl, Span sp, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define diag_error(d, sp, ...) diag_report((d), DIAG_ERROR, (sp), __VA_ARGS__)
#define diag_warning(d, sp, ...) diag_report((d), DIAG_WARNING, (sp), __VA_ARGS__)
#define diag_note(d, sp, ...) diag_report((d), DIAG_NOTE, (sp), __VA_ARGS__)
/* An error with no source location (e.g. a file that cannot be read). */
void diag_plain(Diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True once more than max_errors errors came: the sink printed "too many
 * errors, stopping after N" and prints nothing more; callers may stop early. */
bool diag_stopped(const Diag *d);

Span span_join(Span a, Span b);

#endif
