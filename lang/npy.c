/* npy.c - the NumPy .npy format (numpy.lib.format): "\x93NUMPY", major, minor,
 * a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python dict
 * literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
 * spaces and '\n' so the data starts 64-byte aligned, then the raw C-order data.
 * Big-endian files ('>') are byte-swapped on load; saves use the host order. */
#include "lang/npy.h"
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAX_HEADER (1 << 20)    /* NumPy writes < 1 KiB for 32 dims */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_ORDER '>'
#else
#define HOST_ORDER '<'
#endif

static void seterr(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || cap == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

/* ---- dtypes: the descr strings NumPy writes for the language's dtypes ---- */

static const struct {
    DType t;
    char kind;
    int size;
} descrs[] = {
    { DT_BOOL, 'b', 1 }, { DT_I8, 'i', 1 },  { DT_I16, 'i', 2 }, { DT_I32, 'i', 4 },
    { DT_I64, 'i', 8 },  { DT_U8, 'u', 1 },  { DT_U16, 'u', 2 }, { DT_U32, 'u', 4 },
    { DT_U64, 'u', 8 },  { DT_F32, 'f', 4 }, { DT_F64, 'f', 8 },
};

/* a NumPy type the language lacks, for the error message */
static const char *numpy_kind_name(char kind, int size)
{
    switch (kind) {
    case 'f': return size == 2 ? "float16" : size > 8 ? "longdouble" : "float";
    case 'c': return "complex";
    case 'U': return "unicode string";
    case 'S':
    case 'a': return "bytes";
    case 'O': return "Python object";
    case 'M': return "datetime64";
    case 'm': return "timedelta64";
    case 'V': return "void (raw bytes)";
    default: return NULL;
    }
}

/* "<f4" -> DT_F32 and *swap if the data's byte order is not the host's; DT_NONE
 * with a message for anything else */
static DType parse_descr(const char *d, bool *swap, const char *what, char *err, size_t cap)
{
    const char *p = d;
    char order = '=';
    if (*p == '<' || *p == '>' || *p == '|' || *p == '=') order = *p++;
    char kind = *p ? *p++ : 0;
    char *end;
    long size = isdigit((unsigned char)*p) ? strtol(p, &end, 10) : -1;
    if (size >= 0 && *end == 0) {
        for (size_t i = 0; i < sizeof descrs / sizeof *descrs; i++)
            if (descrs[i].kind == kind && descrs[i].size == size) {
                *swap = size > 1 && (order == '<' || order == '>') && order != HOST_ORDER;
                return descrs[i].t;
            }
    }
    const char *name = numpy_kind_name(kind, (int)size);
    seterr(err, cap,
           "%s: unsupported dtype '%s'%s%s%s; TDSL tensors are bool, i8, i16, i32, i64, "
           "u8, u16, u32, u64, f32 or f64",
           what, d, name ? " (" : "", name ? name : "", name ? ")" : "");
    return DT_NONE;
}

static const char *descr_of(DType t, char *buf)
{
    for (size_t i = 0; i < sizeof descrs / sizeof *descrs; i++)
        if (descrs[i].t == t) {
            sprintf(buf, "%c%c%d", descrs[i].size == 1 ? '|' : HOST_ORDER, descrs[i].kind, descrs[i].size);
            return buf;
        }
    return NULL;
}

/* ---- the header dict: a Python literal with exactly three keys ---- */

typedef struct Header {
    char descr[64];
    bool fortran;
    int ndim;
    int64_t shape[NPY_MAX_DIMS];
    int seen;               /* bit 0 descr, 1 fortran_order, 2 shape */
} Header;

typedef struct Lex {
    const char *p, *end;
} Lex;

static void skip_ws(Lex *l)
{
    while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r')) l->p++;
}

static bool eat(Lex *l, char c)
{
    skip_ws(l);
    if (l->p < l->end && *l->p == c) {
        l->p++;
        return true;
    }
    return false;
}

/* a quoted Python string without escapes, into buf */
static bool lex_string(Lex *l, char *buf, size_t cap)
{
    skip_ws(l);
    if (l->p >= l->end || (*l->p != '\'' && *l->p != '"')) return false;
    char q = *l->p++;
    size_t n = 0;
    while (l->p < l->end && *l->p != q) {
        if (*l->p == '\\' || n + 1 >= cap) return false;
        buf[n++] = *l->p++;
    }
    if (l->p >= l->end) return false;
    l->p++;
    buf[n] = 0;
    return true;
}

/* "(2, 3)", "(5,)", "()"; Python 2 longs ("3L") too. Returns 0, or -1 malformed,
 * -2 too many dimensions, -3 an extent that does not fit in int64. */
static int lex_shape(Lex *l, Header *h)
{
    skip_ws(l);
    const char *start = l->p;
    if (!eat(l, '(')) return -1;
    h->ndim = 0;
    for (;;) {
        skip_ws(l);
        if (eat(l, ')')) return 0;
        if (l->p >= l->end || !isdigit((unsigned char)*l->p)) return -1;
        int64_t v = 0;
        bool big = false;
        while (l->p < l->end && isdigit((unsigned char)*l->p)) {
            int dig = *l->p++ - '0';
            if (v > (INT64_MAX - dig) / 10) big = true;
            else v = v * 10 + dig;
        }
        if (l->p < l->end && (*l->p == 'L' || *l->p == 'l')) l->p++;
        if (h->ndim == NPY_MAX_DIMS) return -2;
        if (big) return -3;
        h->shape[h->ndim++] = v;
        if (eat(l, ')')) {
            if (h->ndim > 1) return 0;
            l->p = start;       /* (5) is an int, not a tuple */
            return -1;
        }
        if (!eat(l, ',')) return -1;
    }
}

static bool lex_ident(Lex *l, const char *word)
{
    skip_ws(l);
    size_t n = strlen(word);
    if ((size_t)(l->end - l->p) < n || memcmp(l->p, word, n)) return false;
    if (l->p + n < l->end && (isalnum((unsigned char)l->p[n]) || l->p[n] == '_')) return false;
    l->p += n;
    return true;
}

/* 0, or -1 with a message */
static int parse_header(const char *s, size_t len, Header *h, const char *what, char *err, size_t cap)
{
    Lex l = { s, s + len };
    memset(h, 0, sizeof *h);
    if (!eat(&l, '{')) goto bad;
    while (!eat(&l, '}')) {
        char key[32];
        if (!lex_string(&l, key, sizeof key) || !eat(&l, ':')) goto bad;
        int bit;
        if (!strcmp(key, "descr")) {
            bit = 1;
            skip_ws(&l);
            if (l.p < l.end && *l.p == '[') {
                seterr(err, cap, "%s: unsupported dtype: structured arrays (a list descr) are not supported", what);
                return -1;
            }
            if (!lex_string(&l, h->descr, sizeof h->descr)) goto bad;
        } else if (!strcmp(key, "fortran_order")) {
            bit = 2;
            if (lex_ident(&l, "True")) h->fortran = true;
            else if (lex_ident(&l, "False")) h->fortran = false;
            else goto bad;
        } else if (!strcmp(key, "shape")) {
            bit = 4;
            int r = lex_shape(&l, h);
            if (r == -2) {
                seterr(err, cap, "%s: shape has more than %d dimensions", what, NPY_MAX_DIMS);
                return -1;
            }
            if (r == -3) {
                seterr(err, cap, "%s: shape too large (an extent does not fit in 64 bits)", what);
                return -1;
            }
            if (r < 0) goto bad;
        } else {
            seterr(err, cap, "%s: malformed .npy header: unexpected key '%s'", what, key);
            return -1;
        }
        if (h->seen & bit) {
            seterr(err, cap, "%s: malformed .npy header: key '%s' appears twice", what, key);
            return -1;
        }
        h->seen |= bit;
        if (eat(&l, '}')) break;
        if (!eat(&l, ',')) goto bad;
    }
    skip_ws(&l);
    if (l.p != l.end) goto bad;
    static const char *keys[] = { "descr", "fortran_order", "shape" };
    for (int i = 0; i < 3; i++)
        if (!(h->seen & (1 << i))) {
            seterr(err, cap, "%s: malformed .npy header: no '%s' key", what, keys[i]);
            return -1;
        }
    return 0;
bad:;
    int n = (int)len;
    while (n > 0 && isspace((unsigned char)s[n - 1])) n--;
    seterr(err, cap, "%s: malformed .npy header at offset %d: %.*s%s", what, (int)(l.p - s), n < 80 ? n : 80, s,
           n > 80 ? "..." : "");
    return -1;
}

/* ---- load ---- */

static void byteswap(void *data, int64_t n, size_t es)
{
    unsigned char *p = data;
    for (int64_t i = 0; i < n; i++, p += es)
        for (size_t a = 0, b = es - 1; a < b; a++, b--) {
            unsigned char c = p[a];
            p[a] = p[b];
            p[b] = c;
        }
}

static void shape_str(const Header *h, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "(");
    for (int i = 0; i < h->ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "", (long long)h->shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, h->ndim == 1 ? ",)" : ")");
}

/* The magic string, the version and the header's length: *hlen, or false
 * with the message in err. */
static bool read_preamble(FILE *f, const char *path, size_t *hlen, char *err, size_t cap)
{
    unsigned char pre[12];
    size_t got = fread(pre, 1, 8, f);
    if (got < 6 ? memcmp(pre, NPY_MAGIC, got) != 0 || got == 0 : memcmp(pre, NPY_MAGIC, 6) != 0) {
        seterr(err, cap, "%s: not a .npy file (it does not start with \\x93NUMPY)", path);
        return false;
    }
    if (got < 8) {
        seterr(err, cap, "%s: truncated .npy header (the file has only %zu bytes)", path, got);
        return false;
    }
    int major = pre[6], minor = pre[7];
    if (!((major == 1 || major == 2 || major == 3) && minor == 0)) {
        seterr(err, cap, "%s: unsupported .npy format version %d.%d (versions 1.0, 2.0 and 3.0 are)", path, major,
               minor);
        return false;
    }
    size_t lenbytes = major == 1 ? 2 : 4;
    if (fread(pre + 8, 1, lenbytes, f) != lenbytes) {
        seterr(err, cap, "%s: truncated .npy header (no header length)", path);
        return false;
    }
    *hlen = pre[8] | (size_t)pre[9] << 8;
    if (major > 1) *hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    if (*hlen > NPY_MAX_HEADER) {
        seterr(err, cap, "%s: the .npy header claims %zu bytes; more than %d is not a header NumPy writes", path, *hlen,
               NPY_MAX_HEADER);
        return false;
    }
    return true;
}

/* The header dict of hlen bytes into h; false with the message in err. */
static bool read_header(FILE *f, const char *path, size_t hlen, Header *h, char *err, size_t cap)
{
    char *hs = malloc(hlen + 1);
    if (!hs) {
        seterr(err, cap, "%s: out of memory", path);
        return false;
    }
    size_t got = fread(hs, 1, hlen, f);
    if (got < hlen) {
        seterr(err, cap, "%s: truncated .npy header (%zu of its %zu bytes)", path, got, hlen);
        free(hs);
        return false;
    }
    hs[hlen] = 0;
    int r = parse_header(hs, hlen, h, path, err, cap);
    free(hs);
    return r == 0;
}

int64_t npy_shape_numel(DType t, int ndim, const int64_t *shape)
{
    int64_t es = t > DT_NONE && t < DT_COUNT ? dtype_bits(t) / 8 : 0;
    if (es == 0 || ndim < 0 || ndim > NPY_MAX_DIMS || (ndim > 0 && !shape)) return -1;
    int64_t n = 1;
    bool empty = false;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return -1;
        if (shape[i] == 0) empty = true;
    }
    if (empty) return 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] > NPY_MAX_BYTES / es / n) return -1;
        n *= shape[i];
    }
    return n;
}

void npy_free(NpyArray *a)
{
    free(a->data);
    a->data = NULL;
}

/* The bytes from f's position to its end (SIZE_MAX when f cannot seek). */
static size_t bytes_left(FILE *f)
{
    off_t here = ftello(f), end;
    if (here < 0 || fseeko(f, 0, SEEK_END)) return SIZE_MAX;
    end = ftello(f);
    if (fseeko(f, here, SEEK_SET) || end < here) return SIZE_MAX;
    return (size_t)(end - here);
}

/* The data the header h describes, in host order (bools as 0/1), into out;
 * false with the message in err. */
static bool read_data(FILE *f, const char *path, const Header *h, NpyArray *out, char *err, size_t cap)
{
    bool swap = false;
    DType t = parse_descr(h->descr, &swap, path, err, cap);
    if (t == DT_NONE) return false;
    char shape[64 * NPY_MAX_DIMS];
    shape_str(h, shape, sizeof shape);
    if (h->fortran) {
        int big = 0;        /* with at most one extent above 1 both orders are the same bytes */
        for (int i = 0; i < h->ndim; i++) big += h->shape[i] > 1;
        if (big > 1) {
            seterr(err, cap, "%s: Fortran-order arrays are not supported; save with np.ascontiguousarray", path);
            return false;
        }
    }
    int64_t n = npy_shape_numel(t, h->ndim, h->shape);
    if (n < 0) {
        seterr(err, cap, "%s: shape %s of %s is too large", path, shape, dtype_name(t));
        return false;
    }
    size_t es = (size_t)dtype_bits(t) / 8, nb = (size_t)n * es;
    memset(out, 0, sizeof *out);
    out->type = t;
    out->ndim = h->ndim;
    memcpy(out->shape, h->shape, sizeof h->shape);
    out->nbytes = nb;
    size_t avail = bytes_left(f);
    if (avail < nb) {      /* before allocating what the header claims */
        seterr(err, cap, "%s: truncated .npy data: shape %s of %s needs %zu bytes, the file has %zu", path, shape,
               dtype_name(t), nb, avail);
        return false;
    }
    out->data = calloc(nb ? nb : 1, 1);
    if (!out->data) {
        seterr(err, cap, "%s: out of memory for shape %s of %s", path, shape, dtype_name(t));
        return false;
    }
    size_t got = fread(out->data, 1, nb, f);
    if (got < nb) {
        seterr(err, cap, "%s: truncated .npy data: shape %s of %s needs %zu bytes, the file has %zu", path, shape,
               dtype_name(t), nb, got);
        npy_free(out);
        return false;
    }
    if (swap) byteswap(out->data, n, es);
    if (t == DT_BOOL)
        for (int64_t i = 0; i < n; i++) ((uint8_t *)out->data)[i] = ((uint8_t *)out->data)[i] != 0;
    return true;
}

static int load_file(FILE *f, const char *path, NpyArray *out, char *err, size_t cap)
{
    size_t hlen;
    Header h;
    if (!read_preamble(f, path, &hlen, err, cap) || !read_header(f, path, hlen, &h, err, cap)) return -1;
    if (!read_data(f, path, &h, out, err, cap)) return -1;
    if (ferror(f)) {
        seterr(err, cap, "%s: read error: %s", path, strerror(errno));
        npy_free(out);
        return -1;
    }
    return 0;
}

int npy_read(const char *path, NpyArray *out, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        seterr(err, cap, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int r = load_file(f, path, out, err, cap);
    fclose(f);
    return r;
}

int npy_read_mem(const void *buf, size_t len, const char *what, NpyArray *out, char *err, size_t cap)
{
    if (!len) {
        seterr(err, cap, "%s: not a .npy file (it does not start with \\x93NUMPY)", what);
        return -1;
    }
    FILE *f = fmemopen((void *)buf, len, "rb");
    if (!f) {
        seterr(err, cap, "%s: cannot read: %s", what, strerror(errno));
        return -1;
    }
    int r = load_file(f, what, out, err, cap);
    fclose(f);
    return r;
}

/* ---- the header np.save writes (NumPy >= 1.24) ---- */

char *npy_header(DType t, int ndim, const int64_t *shape, size_t *len)
{
    char descr[8], dict[128 + 24 * NPY_MAX_DIMS];
    size_t n =
        (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr_of(t, descr));
    for (int i = 0; i < ndim; i++)
        n += (size_t)snprintf(dict + n, sizeof dict - n, "%s%lld", i ? ", " : "", (long long)shape[i]);
    n += (size_t)snprintf(dict + n, sizeof dict - n, "%s), }", ndim == 1 ? "," : "");
    /* NumPy leaves room to grow the first extent to 21 digits in place */
    if (ndim > 0) {
        int digits = snprintf(NULL, 0, "%lld", (long long)shape[0]);
        for (int i = digits; i < 21; i++) dict[n++] = ' ';
    }
    /* 1.0 if the length fits in 2 bytes; then pad (never by 0) to a multiple of 64 */
    size_t lenbytes = 2, pre = 10, pad = 64 - (pre + n + 1) % 64;
    if (n + pad + 1 > 0xffff) {
        lenbytes = 4;
        pre = 12;
        pad = 64 - (pre + n + 1) % 64;
    }
    size_t hlen = n + pad + 1, total = pre + hlen;
    char *h = malloc(total);
    if (!h) return NULL;
    memcpy(h, NPY_MAGIC, 6);
    h[6] = lenbytes == 2 ? 1 : 2;
    h[7] = 0;
    for (size_t i = 0; i < lenbytes; i++) h[8 + i] = (char)(hlen >> (8 * i));
    memcpy(h + pre, dict, n);
    memset(h + pre + n, ' ', pad);
    h[total - 1] = '\n';
    *len = total;
    return h;
}
