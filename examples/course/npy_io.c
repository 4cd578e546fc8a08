/* npy_io.c - .npy reading and writing for the course's C programs (version
 * 1.0-3.0 headers, C order, the one dtype the caller names; no more). */
#include "npy_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t numel_of(int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return n;
}

/* The header dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (360, 64), }" */
static int parse_header(const char *h, const char *descr, int ndim, int64_t *shape)
{
    char want[32];
    snprintf(want, sizeof want, "'descr': '%s'", descr);
    if (!strstr(h, want) || !strstr(h, "'fortran_order': False")) return -1;
    const char *p = strstr(h, "'shape': (");
    if (!p) return -1;
    p += strlen("'shape': (");
    for (int i = 0; i < ndim; i++) {
        char *end;
        shape[i] = strtoll(p, &end, 10);
        if (end == p || shape[i] < 0) return -1;
        p = end;
        while (*p == ',' || *p == ' ') p++;
    }
    return *p == ')' ? 0 : -1;
}

static char *read_header(FILE *f)
{
    unsigned char pre[12];
    if (fread(pre, 1, 8, f) != 8 || memcmp(pre, "\x93NUMPY", 6) != 0) return NULL;
    int v1 = pre[6] == 1, nlen = v1 ? 2 : 4;
    if (fread(pre + 8, 1, (size_t)nlen, f) != (size_t)nlen) return NULL;
    size_t len = pre[8] | (size_t)pre[9] << 8;
    if (!v1) len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    char *h = calloc(len + 1, 1);
    if (h && fread(h, 1, len, f) != len) {
        free(h);
        return NULL;
    }
    return h;
}

void *npy_read(const char *path, const char *descr, int ndim, int64_t *shape)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    char *h = read_header(f);
    void *data = NULL;
    if (!h || parse_header(h, descr, ndim, shape) != 0) {
        fprintf(stderr, "%s: not a C-order %s array of rank %d\n", path, descr, ndim);
    } else {
        size_t bytes = (size_t)numel_of(ndim, shape) * (size_t)atoi(descr + 2);
        data = malloc(bytes ? bytes : 1);
        if (data && fread(data, 1, bytes, f) != bytes) {
            fprintf(stderr, "%s: truncated\n", path);
            free(data);
            data = NULL;
        }
    }
    free(h);
    fclose(f);
    return data;
}

int npy_write(const char *path, const char *descr, int ndim, const int64_t *shape, const void *data, int64_t elem_size)
{
    char dict[256];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim; i++) n += snprintf(dict + n, sizeof dict - (size_t)n, "%lld, ", (long long)shape[i]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
    int total = (10 + n + 1 + 63) / 64 * 64; /* magic, version, length, dict, '\n': a multiple of 64 */
    int hlen = total - 10;
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)hlen, (unsigned char)(hlen >> 8) };
    fwrite(pre, 1, 10, f);
    fprintf(f, "%-*s\n", hlen - 1, dict);
    fwrite(data, (size_t)elem_size, (size_t)numel_of(ndim, shape), f);
    return fclose(f) == 0 ? 0 : -1;
}
