/* print.c - REPL tensors printed the way NumPy 1.24 prints them with
 * np.set_printoptions(precision=4, floatmode='maxprec_equal') and separator ', '
 * (np.array2string(a, separator=', ')), after a header line; deterministic:
 *
 *   f32[2, 3]              header: dtype[shape]; a 0-d tensor prints as one
 *   [[0.10, 0.25, 0.30],   line, dtype then value: `f32 0.5`, `bool true`,
 *    [1.00, 2.00, 3.00]]   `i32 -3`
 *
 * * Every element shown is formatted first and all are padded to the widest, so
 *   columns align. Ints are plain decimals, right-aligned. Bools are " true" and
 *   "false" (just "true" in a 0-d tensor).
 * * Floats: each element's shortest digits that read back as the same f32/f64,
 *   cut to at most 4 decimals, decide how many decimals the longest needs (at
 *   least 1: NumPy prints "1." where we print "1.0"); then every element prints
 *   with that many, rounded from its exact value (f32 8534.118 beside 0.1234 is
 *   8534.1182). Ties round to even, as NumPy's Dragon4.
 *   Scientific notation (1.2346e+09, exponent at least 2 digits, all of one
 *   width) when a nonzero magnitude is >= 1e8 or < 1e-4, or the largest is more
 *   than 1000 times the smallest. nan, inf and -inf are right-aligned.
 * * More than 1000 elements: each axis longer than 6 shows its first and last 3
 *   entries with "..." between; widths come from the shown elements only.
 * * Lines wrap at 75 columns; each nesting level indents one space; rows of a 3-D
 *   or deeper tensor are separated by one blank line per extra dimension.
 * * An empty tensor prints [] under its header. */
#include "repl/print.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINE_WIDTH 75
#define THRESHOLD 1000      /* summarise above this many elements */
#define EDGE 3              /* items kept at each end of a summarised axis */
#define PRECISION 4

typedef struct Buf {
    char *p;
    size_t n, cap;
    bool oom;
} Buf;

static void buf_put(Buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_pad(Buf *b, int n, char c)
{
    for (; n > 0; n--) buf_put(b, &c, 1);
}

/* ---- float digits ---- */

/* |x| in decimal: sig digits dig[0..n) with the point after dig[0], times 10^e10 */
typedef struct Dec {
    char dig[32];
    int n, e10;
} Dec;

/* parses "d.ddde+XX" as snprintf's %e writes it, trailing zeros dropped */
static void dec_parse(const char *s, Dec *d)
{
    d->n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.') d->dig[d->n++] = *s;
    d->e10 = atoi(s + 1);
    while (d->n > 1 && d->dig[d->n - 1] == '0') d->n--;
    d->dig[d->n] = 0;
}

/* the shortest digits that read back as ax in the tensor's type (ax >= 0, finite) */
static void dec_shortest(double ax, bool f32, Dec *d)
{
    char s[48];
    for (int p = 0; p <= (f32 ? 8 : 16); p++) {
        snprintf(s, sizeof s, "%.*e", p, ax);
        if (f32 ? strtof(s, NULL) == (float)ax : strtod(s, NULL) == ax) break;
    }
    dec_parse(s, d);
}

/* positional: integer part and decimals (trailing zeros dropped, at most PRECISION;
 * more are rounded from the exact value, ties to even, as NumPy's Dragon4) */
static void fmt_positional(double ax, bool f32, char *ip, char *fp)
{
    Dec d;
    dec_shortest(ax, f32, &d);
    if (d.n - 1 - d.e10 > PRECISION) {
        char s[400];
        snprintf(s, sizeof s, "%.*f", PRECISION, ax);
        char *dot = strchr(s, '.');
        *dot = 0;
        strcpy(ip, s);
        strcpy(fp, dot + 1);
        size_t n = strlen(fp);
        while (n > 0 && fp[n - 1] == '0') fp[--n] = 0;
        return;
    }
    int k = 0;
    if (d.e10 < 0) {
        strcpy(ip, "0");
        for (int i = 0; i < -d.e10 - 1; i++) fp[k++] = '0';
        memcpy(fp + k, d.dig, (size_t)d.n);
        fp[k + d.n] = 0;
        return;
    }
    for (int i = 0; i <= d.e10; i++) ip[i] = i < d.n ? d.dig[i] : '0';
    ip[d.e10 + 1] = 0;
    for (int i = d.e10 + 1; i < d.n; i++) fp[k++] = d.dig[i];
    fp[k] = 0;
}

/* scientific: shortest digits, at most PRECISION decimals in the mantissa */
static void fmt_scientific(double ax, bool f32, Dec *d)
{
    dec_shortest(ax, f32, d);
    if (d->n - 1 > PRECISION) {
        char s[48];
        snprintf(s, sizeof s, "%.*e", PRECISION, ax);
        dec_parse(s, d);
    }
}

/* ---- element formats: fixed by a first pass over the elements shown ---- */

typedef struct Printer {
    const RTensor *t;
    int64_t stride[RT_MAX_DIMS];
    bool summary;
    /* the element format */
    int width;
    bool exp;                   /* floats: scientific notation */
    int pad_left, pad_right;    /* floats: widths of the integer part and the decimals */
    int prec, exp_size;         /* floats, scientific: decimals, exponent digits */
    /* first pass */
    bool any_finite, neg_inf;
    double max_abs, min_abs;    /* over finite nonzero */
    int64_t imax, imin;
    uint64_t umax;
} Printer;

typedef void (*Visit)(Printer *p, int64_t flat);

/* calls f on every element shown, in order */
static void walk(Printer *p, int axis, int64_t base, Visit f)
{
    if (axis == p->t->ndim) {
        f(p, base);
        return;
    }
    int64_t n = p->t->shape[axis];
    bool cut = p->summary && n > 2 * EDGE;
    for (int64_t i = 0; i < n; i++) {
        if (cut && i == EDGE) i = n - EDGE;
        walk(p, axis + 1, base + i * p->stride[axis], f);
    }
}

static void visit_range(Printer *p, int64_t i)
{
    const RTensor *t = p->t;
    if (dtype_is_float(t->type)) {
        double v = rt_get(t, i);
        if (isnan(v) || isinf(v)) {
            if (v < 0) p->neg_inf = true;
            return;
        }
        double a = fabs(v);
        if (a != 0) {
            if (p->max_abs == 0 || a > p->max_abs) p->max_abs = a;
            if (p->min_abs == 0 || a < p->min_abs) p->min_abs = a;
        }
        p->any_finite = true;
    } else if (t->type == DT_U64) {
        uint64_t u = ((const uint64_t *)t->data)[i];
        if (u > p->umax) p->umax = u;
    } else if (t->type != DT_BOOL) {
        int64_t v;
        rt_get_i64(t, i, &v);
        if (v > p->imax) p->imax = v;
        if (v < p->imin) p->imin = v;
    }
}

static void visit_widths(Printer *p, int64_t i)
{
    double v = rt_get(p->t, i);
    if (isnan(v) || isinf(v)) return;
    bool f32 = p->t->type == DT_F32;
    int sign = signbit(v) ? 1 : 0, l;
    if (p->exp) {
        Dec d;
        fmt_scientific(fabs(v), f32, &d);
        if (d.n - 1 > p->prec) p->prec = d.n - 1;
        if (1 + sign > p->pad_left) p->pad_left = 1 + sign;
        l = snprintf(NULL, 0, "%02d", abs(d.e10));
        if (l > p->exp_size) p->exp_size = l;
    } else {
        char ip[400], fp[400];
        fmt_positional(fabs(v), f32, ip, fp);
        l = (int)strlen(ip) + sign;
        if (l > p->pad_left) p->pad_left = l;
        l = (int)strlen(fp);
        if (l > p->pad_right) p->pad_right = l;
    }
}

static void fill_float_format(Printer *p)
{
    p->pad_left = p->pad_right = p->prec = p->exp_size = 0;
    if (p->max_abs != 0) {
        /* NumPy 1.24 compares in f64 but divides in the array's type */
        double ratio = p->t->type == DT_F32 ? (double)((float)p->max_abs / (float)p->min_abs) : p->max_abs / p->min_abs;
        p->exp = p->max_abs >= 1e8 || p->min_abs < 1e-4 || ratio > 1000.;
    }
    if (p->any_finite) {
        walk(p, 0, 0, visit_widths);
        if (p->exp) {
            if (p->prec == 0) p->prec = 1;
            p->pad_right = p->exp_size + 2 + p->prec;
        } else if (p->pad_right == 0) {
            p->pad_right = 1;
        }
    }
    int offset = p->pad_right + 1, inflen = 3 + p->neg_inf;
    if (3 - offset > p->pad_left) p->pad_left = 3 - offset;
    if (inflen - offset > p->pad_left) p->pad_left = inflen - offset;
    p->width = p->pad_left + p->pad_right + 1;
}

static void fill_format(Printer *p)
{
    const RTensor *t = p->t;
    walk(p, 0, 0, visit_range);
    if (dtype_is_float(t->type)) {
        fill_float_format(p);
    } else if (t->type == DT_BOOL) {
        p->width = t->ndim ? 5 : 0;
    } else if (t->type == DT_U64) {
        p->width = snprintf(NULL, 0, "%llu", (unsigned long long)p->umax);
    } else {
        int a = snprintf(NULL, 0, "%lld", (long long)p->imax), b = snprintf(NULL, 0, "%lld", (long long)p->imin);
        p->width = a > b ? a : b;
    }
}

/* the second pass: every element with the same number of decimals, rounded from
 * its exact value (NumPy's Dragon4 with min_digits), so 8534.118f with 4
 * decimals is 8534.1182, not 8534.1180 */
static void put_float(Printer *p, Buf *b, double v)
{
    char s[420];
    if (isnan(v) || isinf(v)) {
        const char *w = isnan(v) ? "nan" : v < 0 ? "-inf" : "inf";
        buf_pad(b, p->width - (int)strlen(w), ' ');
        buf_puts(b, w);
        return;
    }
    int sign = signbit(v) ? 1 : 0;
    if (p->exp) {
        snprintf(s + 1, sizeof s - 1, "%.*e", p->prec, fabs(v));
        char *e = strchr(s + 1, 'e');
        *e = 0;
        s[0] = '-';
        buf_pad(b, p->pad_left - 1 - sign, ' ');
        buf_puts(b, s + 1 - sign);
        snprintf(s, sizeof s, "e%c%0*d", e[1], p->exp_size, atoi(e + 2));
        buf_puts(b, s);
        return;
    }
    snprintf(s + 1, sizeof s - 1, "%.*f", p->pad_right, fabs(v));
    s[0] = '-';
    int ilen = (int)(strchr(s + 1, '.') - (s + 1));
    buf_pad(b, p->pad_left - ilen - sign, ' ');
    buf_puts(b, s + 1 - sign);
}

static void put_elem(Printer *p, Buf *b, int64_t i)
{
    const RTensor *t = p->t;
    char s[32];
    if (dtype_is_float(t->type)) {
        put_float(p, b, rt_get(t, i));
        return;
    }
    if (t->type == DT_BOOL) snprintf(s, sizeof s, "%s", ((const uint8_t *)t->data)[i] ? "true" : "false");
    else if (t->type == DT_U64) snprintf(s, sizeof s, "%llu", (unsigned long long)((const uint64_t *)t->data)[i]);
    else {
        int64_t v;
        rt_get_i64(t, i, &v);
        snprintf(s, sizeof s, "%lld", (long long)v);
    }
    buf_pad(b, p->width - (int)strlen(s), ' ');
    buf_puts(b, s);
}

/* ---- layout: numpy/core/arrayprint.py _formatArray, separator ", " ---- */

/* appends `word` to the line, first moving the line to `out` if it would pass
 * `width` (unless the line holds nothing but its indent) */
static void extend_line(Buf *out, Buf *line, bool *first, int hang, const char *word, size_t wn, int width)
{
    if (line->n + wn > (size_t)width && line->n > (size_t)hang) {
        size_t n = line->n;
        while (n > 0 && line->p[n - 1] == ' ') n--;
        size_t skip = *first ? (size_t)hang : 0;
        buf_put(out, line->p + skip, n - skip);
        buf_put(out, "\n", 1);
        *first = false;
        line->n = 0;
        buf_pad(line, hang, ' ');
    }
    buf_put(line, word, wn);
}

static void format_rows(Printer *p, Buf *out, int axis, int64_t base)
{
    const RTensor *t = p->t;
    int hang = axis + 1, width = LINE_WIDTH - axis, left = t->ndim - axis;
    int64_t n = t->shape[axis], st = p->stride[axis];
    bool cut = p->summary && n > 2 * EDGE;
    buf_put(out, "[", 1);
    if (left == 1) {
        Buf line = { 0 }, word = { 0 };
        bool first = true;
        buf_pad(&line, hang, ' ');
        for (int64_t i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                extend_line(out, &line, &first, hang, "...", 3, width - 1);
                buf_put(&line, ", ", 2);
                i = n - EDGE;
            }
            word.n = 0;
            put_elem(p, &word, base + i * st);
            extend_line(out, &line, &first, hang, word.p ? word.p : "", word.n, width - 1);
            if (i < n - 1) buf_put(&line, ", ", 2);
        }
        size_t skip = first ? (size_t)hang : 0;
        if (line.n > skip) buf_put(out, line.p + skip, line.n - skip);
        out->oom |= line.oom || word.oom;
        free(line.p);
        free(word.p);
    } else {
        for (int64_t i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                buf_pad(out, hang, ' ');
                buf_puts(out, "...,");
                buf_pad(out, left - 1, '\n');
                i = n - EDGE;
            }
            if (i > 0) buf_pad(out, hang, ' ');
            format_rows(p, out, axis + 1, base + i * st);
            if (i < n - 1) {
                buf_put(out, ",", 1);
                buf_pad(out, left - 1, '\n');
            }
        }
    }
    buf_put(out, "]", 1);
}

char *rt_format(const RTensor *t)
{
    Printer p = { .t = t, .imax = INT64_MIN, .imin = INT64_MAX };
    Buf b = { 0 };
    char s[32];
    buf_puts(&b, dtype_name(t->type));
    if (t->ndim == 0) {
        fill_format(&p);
        buf_put(&b, " ", 1);
        put_elem(&p, &b, 0);
    } else {
        for (int i = 0; i < t->ndim; i++) {
            snprintf(s, sizeof s, "%s%lld", i ? ", " : "[", (long long)t->shape[i]);
            buf_puts(&b, s);
        }
        buf_puts(&b, "]\n");
        int64_t n = rt_numel(t);
        if (n == 0) {
            buf_puts(&b, "[]");
        } else {
            for (int i = t->ndim - 1; i >= 0; i--)
                p.stride[i] = i == t->ndim - 1 ? 1 : p.stride[i + 1] * t->shape[i + 1];
            p.summary = n > THRESHOLD;
            fill_format(&p);
            format_rows(&p, &b, 0, 0);
        }
    }
    buf_put(&b, "\n", 1);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

void rt_print(FILE *out, const RTensor *t)
{
    char *s = rt_format(t);
    if (s) fputs(s, out);
    else fprintf(out, "%s tensor: out of memory printing it\n", dtype_name(t->type));
    free(s);
}
