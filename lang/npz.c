/* npz.c - members of .npz archives (what np.savez and np.savez_compressed
 * write): a zip file whose members are .npy images, stored or deflated. The
 * central directory is the index (its sizes are exact; zip64 extras are read
 * where a size or offset is 0xffffffff); a member's local header only gives
 * where its data starts. The whole archive is read into memory. */
#include "lang/npy.h"
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u

static void seterr(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

typedef struct Zip {
    const char *path;
    unsigned char *buf;
    size_t len;
    size_t cdir, ncdir;     /* the central directory: offset and entry count */
} Zip;

typedef struct Member {
    const char *name;       /* not NUL-terminated */
    size_t namelen;
    unsigned method;
    uint64_t csize, usize, offset;
} Member;

static bool read_all(Zip *z, char *err, size_t cap)
{
    FILE *f = fopen(z->path, "rb");
    if (!f) {
        seterr(err, cap, "%s: cannot open: %s", z->path, strerror(errno));
        return false;
    }
    size_t capb = 1 << 16;
    z->buf = malloc(capb);
    z->len = 0;
    size_t got;
    while (z->buf && (got = fread(z->buf + z->len, 1, capb - z->len, f)) > 0) {
        z->len += got;
        if (z->len == capb) z->buf = realloc(z->buf, capb *= 2);
    }
    bool bad = ferror(f) || !z->buf;
    fclose(f);
    if (bad) seterr(err, cap, "%s: cannot read: %s", z->path, z->buf ? strerror(errno) : "out of memory");
    return !bad;
}

/* The end of central directory record, searched back over a comment. */
static bool find_cdir(Zip *z, char *err, size_t cap)
{
    if (z->len >= 4 && le32(z->buf) != LOCAL_SIG && le32(z->buf) != EOCD_SIG) {
        seterr(err, cap, "%s: not a .npz file (not a zip archive)", z->path);
        return false;
    }
    for (size_t i = z->len >= 22 ? z->len - 22 : 0; z->len >= 22; i--) {
        if (le32(z->buf + i) == EOCD_SIG) {
            z->ncdir = le16(z->buf + i + 10);
            z->cdir = le32(z->buf + i + 16);
            if (z->cdir > i) break;
            return true;
        }
        if (i == 0 || z->len - i > 22 + 0xffff) break;
    }
    seterr(err, cap, "%s: truncated or corrupt .npz file (no zip directory)", z->path);
    return false;
}

/* zip64 sizes and offset from an entry's extra field, where the 32-bit ones are 0xffffffff */
static bool zip64_extra(const unsigned char *x, size_t n, Member *m)
{
    for (size_t i = 0; i + 4 <= n;) {
        uint32_t id = le16(x + i), sz = le16(x + i + 2);
        if (i + 4 + sz > n) return false;
        if (id == 1) {
            const unsigned char *p = x + i + 4, *end = p + sz;
            uint64_t *f[] = { &m->usize, &m->csize, &m->offset };
            for (int k = 0; k < 3; k++)
                if (*f[k] == 0xffffffffu) {
                    if (p + 8 > end) return false;
                    *f[k] = le64(p);
                    p += 8;
                }
            return true;
        }
        i += 4 + sz;
    }
    return true;
}

/* Entry k of the directory at *pos (advanced past it); false if malformed. */
static bool next_member(const Zip *z, size_t *pos, Member *m)
{
    size_t p = *pos;
    if (p + 46 > z->len || le32(z->buf + p) != CDIR_SIG) return false;
    const unsigned char *e = z->buf + p;
    size_t nl = le16(e + 28), xl = le16(e + 30), cl = le16(e + 32);
    if (p + 46 + nl + xl + cl > z->len) return false;
    m->method = le16(e + 10);
    m->csize = le32(e + 20);
    m->usize = le32(e + 24);
    m->offset = le32(e + 42);
    m->name = (const char *)e + 46;
    m->namelen = nl;
    *pos = p + 46 + nl + xl + cl;
    return zip64_extra(e + 46 + nl, xl, m);
}

static bool name_is(const Member *m, const char *want)
{
    size_t n = strlen(want);
    if (m->namelen == n && !memcmp(m->name, want, n)) return true;
    return m->namelen == n + 4 && !memcmp(m->name, want, n) && !memcmp(m->name + n, ".npy", 4);
}

/* "'a', 'b' and 'c'" (names without .npy) */
static void list_members(const Zip *z, char *out, size_t cap)
{
    size_t pos = z->cdir, len = 0;
    Member m;
    out[0] = 0;
    for (size_t k = 0; k < z->ncdir && next_member(z, &pos, &m) && len < cap; k++) {
        size_t nl = m.namelen >= 4 && !memcmp(m.name + m.namelen - 4, ".npy", 4) ? m.namelen - 4 : m.namelen;
        const char *join = k == 0 ? "" : k + 1 == z->ncdir ? " and " : ", ";
        len += (size_t)snprintf(out + len, cap - len, "%s'%.*s'", join, (int)nl, m.name);
    }
    if (!z->ncdir) snprintf(out, cap, "no members");
}

/* Inflates the raw deflate stream in[0..n) into exactly out[0..want), in
 * pieces zlib's 32-bit counts can take. */
static bool inflate_all(const unsigned char *in, uint64_t n, unsigned char *out, uint64_t want)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK) return false;
    s.next_in = (unsigned char *)in;
    s.next_out = out;
    uint64_t in_left = n, out_left = want;
    int r = Z_OK;
    while (r == Z_OK) {
        uInt ai = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
        uInt ao = out_left > UINT32_MAX ? UINT32_MAX : (uInt)out_left;
        s.avail_in = ai, s.avail_out = ao;
        r = inflate(&s, Z_NO_FLUSH);
        in_left -= ai - s.avail_in, out_left -= ao - s.avail_out;
        if (r == Z_OK && s.avail_in == ai && s.avail_out == ao) break;   /* no progress: truncated */
    }
    inflateEnd(&s);
    return r == Z_STREAM_END && out_left == 0;
}

/* Deflate expands at most 1032 to 1: a member claiming more than that of its
 * compressed bytes is corrupt, found before allocating what it claims. */
#define DEFLATE_MAX_RATIO 1032

/* The member's bytes, uncompressed, malloc'd into *data. */
static bool member_data(const Zip *z, const Member *m, const char *what, unsigned char **data, char *err, size_t cap)
{
    size_t lo = (size_t)m->offset;
    if (m->offset + 30 > z->len || le32(z->buf + lo) != LOCAL_SIG) goto trunc;
    size_t start = lo + 30 + le16(z->buf + lo + 26) + le16(z->buf + lo + 28);
    if (start > z->len || m->csize > z->len - start) goto trunc;
    if (m->method != 0 && m->method != 8) {
        seterr(err, cap, "%s: unsupported zip compression method %u (stored and deflate are)", what, m->method);
        return false;
    }
    if (m->usize > (uint64_t)NPY_MAX_BYTES || (m->method == 0 && m->usize != m->csize)) goto trunc;
    if (m->method == 8 && m->usize / DEFLATE_MAX_RATIO > m->csize) goto corrupt;
    *data = malloc(m->usize ? (size_t)m->usize : 1);
    if (!*data) {
        seterr(err, cap, "%s: out of memory", what);
        return false;
    }
    if (m->method == 0) {
        memcpy(*data, z->buf + start, (size_t)m->usize);
        return true;
    }
    if (inflate_all(z->buf + start, m->csize, *data, m->usize)) return true;
    free(*data);
corrupt:
    seterr(err, cap, "%s: corrupt compressed data in the .npz file", what);
    return false;
trunc:
    seterr(err, cap, "%s: truncated or corrupt .npz file", what);
    return false;
}

int npz_read(const char *path, const char *member, NpyArray *out, char *err, size_t cap)
{
    Zip z = { .path = path };
    int r = -1;
    if (!read_all(&z, err, cap) || !find_cdir(&z, err, cap)) goto done;
    size_t pos = z.cdir;
    Member m;
    size_t k = 0;
    for (; k < z.ncdir; k++) {
        if (!next_member(&z, &pos, &m)) {
            seterr(err, cap, "%s: truncated or corrupt .npz file (bad zip directory)", path);
            goto done;
        }
        if (name_is(&m, member)) break;
    }
    if (k == z.ncdir) {
        char list[1024];
        list_members(&z, list, sizeof list);
        seterr(err, cap, "%s: no member '%s' (it has %s)", path, member, list);
        goto done;
    }
    char what[1024];
    snprintf(what, sizeof what, "%s:%s", path, member);
    unsigned char *data;
    if (!member_data(&z, &m, what, &data, err, cap)) goto done;
    r = npy_read_mem(data, (size_t)m.usize, what, out, err, cap);
    free(data);
done:
    free(z.buf);
    return r;
}
