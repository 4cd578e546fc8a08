/* diag.c - prints located diagnostics with the source line and a caret range.
 * An echoed line never holds a raw control character (they are escaped, the
 * caret line widened to match), and after max_errors errors one line says so
 * and nothing more is printed. */
#include "lang/diag.h"
#include "lang/source.h"
#include <stdarg.h>
#include <string.h>

void diag_init(Diag *d, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->out = out ? out : stderr;
    d->max_errors = 20;
}

/* One character of an echoed line at s (n > 0 bytes left): returns its length
 * in bytes, puts what is printed for it in buf, *width columns wide. Controls
 * but tab, bidirectional overrides and ill-formed bytes are escaped. */
static int echo_char(const char *s, int n, char *buf, int *width)
{
    unsigned cp = 0;
    int k = source_utf8_len(s, (size_t)n, &cp);
    bool bidi = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    if (!k) {
        snprintf(buf, 8, "\\x%02x", (unsigned char)*s);
        k = 1;
    } else if (cp < 0x80 && cp != '\t' && source_is_control(cp)) {
        snprintf(buf, 8, "\\x%02x", cp);
    } else if (cp >= 0x80 && (source_is_control(cp) || bidi)) {
        snprintf(buf, 8, "\\u%04x", cp);
    } else {
        memcpy(buf, s, (size_t)k);
        buf[k] = 0;
        *width = 1;
        return k;
    }
    *width = (int)strlen(buf);
    return k;
}

/* Under bytes [from, to) of line t (len bytes), fill as many columns as their
 * echo takes; a tab stays a tab under a tab when fill is ' ', so the caret
 * lands where the terminal put the character. */
static void put_under(FILE *out, const char *t, int len, int from, int to, char fill)
{
    char buf[8];
    int w = 1;
    for (int i = from; i < to;) {
        int k = i < len ? echo_char(t + i, len - i, buf, &w) : (w = 1);
        if (i < len && t[i] == '\t' && fill == ' ') fputc('\t', out);
        else
            for (int c = 0; c < w; c++) fputc(fill, out);
        i += k;
    }
}

static void print_source_line(FILE *out, Span sp)
{
    const char *t = sp.src->text;
    for (int l = 1; l < sp.line && *t; t++)
        if (*t == '\n') l++;
    const char *e = strchr(t, '\n');
    int len = e ? (int)(e - t) : (int)strlen(t);
    if (len > 0 && t[len - 1] == '\r') len--;      /* CRLF: the line ends before its CR */
    char buf[8];
    int w;
    for (int i = 0; i < len;) {
        i += echo_char(t + i, len - i, buf, &w);
        fputs(buf, out);
    }
    fputc('\n', out);
    int first = sp.col > 0 ? sp.col - 1 : 0;      /* 0-based byte of the caret */
    int last = (sp.end_line == sp.line && sp.end_col >= sp.col) ? sp.end_col : sp.col;
    if (last > len + 1) last = len + 1;
    put_under(out, t, len, 0, first, ' ');
    int k = first < len ? echo_char(t + first, len - first, buf, &w) : (w = 1);
    fputc('^', out);
    for (int c = 1; c < w; c++) fputc('~', out);
    put_under(out, t, len, first + k, last, '~');
    fputc('\n', out);
}

bool diag_stopped(const Diag *d) { return d->nerrors > (d->max_errors > 0 ? d->max_errors : 20); }

/* Counts a diagnostic; false when it is not to be printed. The first error
 * past the limit prints the stop line instead. */
static bool diag_count(Diag *d, DiagLevel lvl, const Source *src)
{
    int max = d->max_errors > 0 ? d->max_errors : 20;
    bool was_stopped = diag_stopped(d);
    if (lvl == DIAG_ERROR) d->nerrors++;
    if (lvl == DIAG_WARNING) d->nwarnings++;
    if (was_stopped) return false;
    if (!diag_stopped(d)) return true;
    if (src) fprintf(d->out, "%s: ", src->path);
    fprintf(d->out, "error: too many errors, stopping after %d\n", max);
    return false;
}

void diag_report(Diag *d, DiagLevel lvl, Span sp, const char *fmt, ...)
{
    static const char *names[] = { "error", "warning", "note" };
    if (!diag_count(d, lvl, sp.src)) return;
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
    if (!diag_count(d, DIAG_ERROR, NULL)) return;
    va_list ap;
    va_start(ap, fmt);
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
