/* npy.c - REPL tensors to and from .npy files: the format itself is lang/npy.c
 * (shared with const weights); this file only moves data into RTensors. */
#include "repl/npy.h"
#include "lang/npy.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


RTensor *npy_load(const char *path, char *err, size_t cap)
{
    NpyArray a;
    if (npy_read(path, &a, err, cap)) return NULL;
    RTensor *x = calloc(1, sizeof *x);
    int64_t *shape = calloc(a.ndim > 0 ? (size_t)a.ndim : 1, sizeof *shape);
    if (!x || !shape) {
        snprintf(err, cap, "%s: out of memory", path);
        free(x);
        free(shape);
        npy_free(&a);
        return NULL;
    }
    x->type = a.type;
    x->ndim = a.ndim;
    if (a.ndim) memcpy(shape, a.shape, (size_t)a.ndim * sizeof *shape);
    x->shape = shape;
    x->data = a.data;
    return x;
}

int npy_save(const RTensor *t, const char *path, char *err, size_t cap)
{
    size_t hlen;
    char *h = npy_header(t->type, t->ndim, t->shape, &hlen);
    if (!h) {
        snprintf(err, cap, "%s: out of memory", path);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, cap, "%s: cannot write: %s", path, strerror(errno));
        free(h);
        return -1;
    }
    size_t nb = rt_nbytes(t);
    bool ok = fwrite(h, 1, hlen, f) == hlen && fwrite(t->data, 1, nb, f) == nb;
    int e = errno;
    free(h);
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        snprintf(err, cap, "%s: cannot write: %s", path, strerror(e));
        remove(path);
        return -1;
    }
    return 0;
}
