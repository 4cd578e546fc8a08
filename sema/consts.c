/* consts.c - file-scope consts: a const's dims must be constants; its file is
 * read here, at compile time (relative to the directory of the source that
 * declares it), and its dtype and shape must be the declared ones. A fn that
 * names a const gets a TK_CONST Tensor of its own for it (names.c). */
#include "lang/npy.h"
#include "sema/sema_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A dim of constant integers: its value, or -1 after reporting. */
static int64_t const_dim(Diag *d, const Const *k, const Expr *e)
{
    switch (e->kind) {
    case EX_INT:
        if (e->ival >= 0) return e->ival;
        break;
    case EX_NAME:
        diag_error(d, e->span, "the shape of const '%s' uses '%s'; a const's dims are integer constants", k->name,
                   e->name);
        return -1;
    case EX_BINARY: {
        int64_t x = const_dim(d, k, e->args[0]), y = x < 0 ? -1 : const_dim(d, k, e->args[1]), r;
        if (x < 0 || y < 0) return -1;
        bool ovf = e->op == OP_ADD   ? __builtin_add_overflow(x, y, &r)
                   : e->op == OP_SUB ? __builtin_sub_overflow(x, y, &r)
                   : e->op == OP_MUL ? __builtin_mul_overflow(x, y, &r)
                                     : (r = -1, true);
        if (!ovf && r >= 0) return r;
        break;
    }
    default: break;
    }
    diag_error(d, e->span, "a dim of const '%s' must be a nonnegative integer constant", k->name);
    return -1;
}

/* The file's path: as written if absolute or declared at a prompt, else
 * relative to the directory of the source file. */
static const char *resolve_path(Arena *a, const Const *k)
{
    const char *src = k->span.src ? k->span.src->path : NULL;
    const char *slash = src ? strrchr(src, '/') : NULL;
    if (k->path[0] == '/' || !src || src[0] == '<' || !slash) return k->path;
    return arena_printf(a, "%.*s/%s", (int)(slash - src), src, k->path);
}

static void shape_text(char *buf, size_t cap, DType t, int ndim, const int64_t *shape)
{
    size_t n = (size_t)snprintf(buf, cap, "%s[", dtype_name(t));
    for (int i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, "]");
}

/* Reads the file into the arena: false after reporting. */
static bool read_const(Arena *a, Const *k, Diag *d)
{
    const char *path = resolve_path(a, k);
    NpyArray arr;
    char err[2048];
    int r = k->member ? npz_read(path, k->member, &arr, err, sizeof err) : npy_read(path, &arr, err, sizeof err);
    if (r) {
        bool missing = k->member && strstr(err, ": no member '");
        diag_error(d, missing ? k->member_span : k->path_span, "%s", err);
        return false;
    }
    NpyArray *keep = ARENA_NEW(a, NpyArray);
    *keep = arr;
    keep->data = arena_alloc(a, arr.nbytes ? arr.nbytes : 1);
    memcpy(keep->data, arr.data, arr.nbytes);
    npy_free(&arr);
    k->arr = keep;
    return true;
}

static bool check_const(Arena *a, Program *p, Const *k, Diag *d)
{
    Tensor *t = k->decl;
    t->extent = ARENA_ARRAY(a, Affine *, t->ndim + 1);
    t->min = ARENA_ARRAY(a, Affine *, t->ndim + 1);
    int64_t shape[NPY_MAX_DIMS];
    bool ok = t->ndim <= NPY_MAX_DIMS;
    if (!ok) diag_error(d, t->span, "const '%s' has more than %d dims", k->name, NPY_MAX_DIMS);
    for (int i = 0; ok && i < t->ndim; i++) {
        shape[i] = const_dim(d, k, t->dims[i].expr);
        ok &= shape[i] >= 0;
        if (ok) t->extent[i] = aff_const(a, shape[i]);
        t->min[i] = aff_const(a, 0);
    }
    if (program_find_fn(p, k->name)) {
        diag_error(d, t->span, "'%s' is both a const and a fn", k->name);
        ok = false;
    }
    if (!ok || (!k->arr && !read_const(a, k, d))) return false;
    const NpyArray *arr = k->arr;
    bool same = arr->type == t->type && arr->ndim == t->ndim;
    for (int i = 0; same && i < t->ndim; i++) same = arr->shape[i] == shape[i];
    if (same) return true;
    char want[64 * NPY_MAX_DIMS], got[64 * NPY_MAX_DIMS];
    shape_text(want, sizeof want, t->type, t->ndim, shape);
    shape_text(got, sizeof got, arr->type, arr->ndim, arr->shape);
    diag_error(d, t->span, "const '%s' is declared %s but %s%s%s holds %s", k->name, want, k->path,
               k->member ? ":" : "", k->member ? k->member : "", got);
    return false;
}

int consts_check(Arena *a, Program *p, Diag *d)
{
    int before = d->nerrors;
    for (int i = 0; i < p->nconsts; i++) {
        Const *k = p->consts[i];
        if (k->checked) continue;
        bool ok = true;
        for (int j = 0; j < i && ok; j++)
            if (!strcmp(p->consts[j]->name, k->name)) {
                diag_error(d, k->decl->span, "const '%s' is defined twice", k->name);
                diag_note(d, p->consts[j]->span, "first defined here");
                ok = false;
            }
        k->checked = ok && check_const(a, p, k, d);
    }
    return d->nerrors - before;
}
