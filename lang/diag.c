/* diag.c - prints located diagnostics with the source line and a caret range. */
#include "lang/diag.h"
#include <stdarg.h>
#include <string.h>

void diag_init(Diag *d, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->out = out ? out : stderr;
    d->max_errors = 20;
}

static void print_source_line(FILE *out, Span sp)
{
    const char *t = sp.src->text;
    for (int l = 1; l < sp.line && *t; t++)
        if (*t == '\n') l++;
    const char *e = strchr(t, '\n');
    int len = e ? (int)(e - t) : (int)strlen(t);
    fprintf(out, "%.*s\n", len, t);
    int last = (sp.end_line == sp.line && sp.end_col >= sp.col) ? sp.end_col : sp.col;
    if (last > len + 1) last = len + 1;
    for (int c = 1; c < sp.col; c++) fputc(c <= len && t[c - 1] == '\t' ? '\t' : ' ', out);
    fputc('^', out);
    for (int c = sp.col + 1; c <= last; c++) fputc('~', out);
    fputc('\n', out);
}

void diag_report(Diag *d, DiagLevel lvl, Span sp, const char *fmt, ...)
{
    static const char *names[] = { "error", "warning", "note" };
    if (lvl == DIAG_ERROR) d->nerrors++;
    if (lvl == DIAG_WARNING) d->nwarnings++;
    if (lvl == DIAG_ERROR && d->nerrors > d->max_errors) return;
    va_list ap;
    va_start(ap, fmt);
    if (sp.src) fprintf(d->out, "%s:%d:%d: ", sp.src->path, sp.line, sp.col);
    fprintf(d->out, "%s: ", names[lvl]);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
    if (sp.src && sp.src->text && sp.line > 0) print_source_line(d->out, sp);
}

void diag_plain(Diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    d->nerrors++;
    fputs("error: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
}

Span span_join(Span a, Span b)
{
    if (!a.src) return b;
    if (!b.src) return a;
    Span s = a;
    s.end_line = b.end_line;
    s.end_col = b.end_col;
    return s;
}
