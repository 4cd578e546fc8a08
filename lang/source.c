/* source.c - decides what is .tdsl source text (see source.h) and reads files
 * with that check, so every loader rejects binary input the same way. */
#include "lang/source.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int source_utf8_len(const char *s, size_t n, unsigned *cp)
{
    static const unsigned least[] = { 0, 0, 0x80, 0x800, 0x10000 };
    const unsigned char *u = (const unsigned char *)s;
    if (!n) return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    int len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
    if (!len || (size_t)len > n) return 0;
    unsigned c = u[0] & (0x7fu >> len);
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80) return 0;
        c = c << 6 | (u[i] & 0x3f);
    }
    if (c < least[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
    *cp = c;
    return len;
}

bool source_is_control(unsigned cp) { return cp < 0x20 || (cp >= 0x7f && cp < 0xa0); }

/* The lexer's blanks besides the newline (parser/lexer.l: [ \t\r\f\v]). */
static bool is_blank_control(unsigned cp) { return cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v'; }

/* Comments run from '#' to the end of the line (TDSL has no strings, so a '#'
 * outside a comment always starts one). Inside a comment any control character
 * but NUL is allowed: diagnostics escape it when they echo the line. */
long source_binary_at(const char *text, size_t len)
{
    bool comment = false;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        int n = source_utf8_len(text + i, len - i, &cp);
        if (!n || cp == 0) return (long)i;
        if (cp == '\n') comment = false;
        else if (cp == '#') comment = true;
        else if (!comment && source_is_control(cp) && !is_blank_control(cp)) return (long)i;
        i += (size_t)n;
    }
    return -1;
}

int source_check(const char *path, const char *text, size_t len, Diag *d)
{
    long at = source_binary_at(text, len);
    if (at < 0) return 0;
    diag_plain(d, "%s: not a .tdsl source file (binary data at byte %ld)", path, at);
    return -1;
}

char *source_read(Arena *a, const char *path, Diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_plain(d, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        if ((len += n) < cap) continue;
        char *more = realloc(buf, cap *= 2);
        if (!more) free(buf);
        buf = more;
    }
    int err = !buf ? ENOMEM : ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    char *s = NULL;
    if (err) diag_plain(d, "cannot read '%s': %s", path, strerror(err));
    else if (!source_check(path, buf, len, d)) s = arena_strndup(a, buf, len);
    free(buf);
    return s;
}
