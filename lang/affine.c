/* affine.c - arithmetic on affine forms of size variables. */
#include "lang/affine.h"
#include <stdlib.h>
#include <string.h>

static Affine *aff_alloc(Arena *a, int n)
{
    Affine *x = ARENA_NEW(a, Affine);
    x->var = ARENA_ARRAY(a, int, n ? n : 1);
    x->coef = ARENA_ARRAY(a, int64_t, n ? n : 1);
    return x;
}

Affine *aff_const(Arena *a, int64_t c)
{
    Affine *x = aff_alloc(a, 0);
    x->c = c;
    return x;
}

Affine *aff_var(Arena *a, int var)
{
    Affine *x = aff_alloc(a, 1);
    x->n = 1;
    x->var[0] = var;
    x->coef[0] = 1;
    return x;
}

/* kx * x + ky * y, merging sorted term lists */
static Affine *aff_combine(Arena *a, const Affine *x, int64_t kx, const Affine *y, int64_t ky)
{
    Affine *r = aff_alloc(a, x->n + y->n);
    int64_t p, q;
    r->overflow = x->overflow || y->overflow || __builtin_mul_overflow(kx, x->c, &p) ||
                  __builtin_mul_overflow(ky, y->c, &q) || __builtin_add_overflow(p, q, &r->c);
    int i = 0, j = 0;
    while (i < x->n || j < y->n) {
        int v;
        int64_t c = 0, cx = 0, cy = 0;
        bool o = false;
        if (j >= y->n || (i < x->n && x->var[i] < y->var[j])) {
            v = x->var[i];
            o = __builtin_mul_overflow(kx, x->coef[i++], &c);
        } else if (i >= x->n || y->var[j] < x->var[i]) {
            v = y->var[j];
            o = __builtin_mul_overflow(ky, y->coef[j++], &c);
        } else {
            v = x->var[i];
            o = __builtin_mul_overflow(kx, x->coef[i++], &cx) || __builtin_mul_overflow(ky, y->coef[j++], &cy) ||
                __builtin_add_overflow(cx, cy, &c);
        }
        r->overflow |= o;
        if (c) {
            r->var[r->n] = v;
            r->coef[r->n++] = c;
        }
    }
    return r;
}

Affine *aff_add(Arena *a, const Affine *x, const Affine *y) { return aff_combine(a, x, 1, y, 1); }
Affine *aff_sub(Arena *a, const Affine *x, const Affine *y) { return aff_combine(a, x, 1, y, -1); }
Affine *aff_scale(Arena *a, const Affine *x, int64_t k) { return aff_combine(a, x, k, x, 0); }

Affine *aff_add_const(Arena *a, const Affine *x, int64_t k)
{
    Affine *r = aff_combine(a, x, 1, x, 0);
    r->overflow |= __builtin_add_overflow(r->c, k, &r->c);
    return r;
}

bool aff_is_const(const Affine *x) { return x->n == 0 && !x->overflow; }

int64_t aff_floor_div(int64_t x, int64_t k) { return x / k - (x % k < 0); }

Affine *aff_exact_div(Arena *a, const Affine *x, int64_t k)
{
    if (x->overflow || x->c % k) return NULL;
    for (int i = 0; i < x->n; i++)
        if (x->coef[i] % k) return NULL;
    return aff_floordiv(a, x, k, false);
}

/* For v >= 0, k * floor(c / k) * v <= c * v <= k * ceil(c / k) * v, so the
 * sum of the rounded terms plus floor(x.c / k) bounds floor(x / k). */
Affine *aff_floordiv(Arena *a, const Affine *x, int64_t k, bool up)
{
    Affine *r = aff_alloc(a, x->n);
    r->overflow = x->overflow;
    r->c = aff_floor_div(x->c, k);
    for (int i = 0; i < x->n; i++) {
        int64_t q = aff_floor_div(x->coef[i], k);
        if (up && q * k != x->coef[i]) q++;
        if (!q) continue;
        r->var[r->n] = x->var[i];
        r->coef[r->n++] = q;
    }
    return r;
}

bool aff_equal(const Affine *x, const Affine *y)
{
    if (x->overflow || y->overflow) return false;
    if (x->c != y->c || x->n != y->n) return false;
    for (int i = 0; i < x->n; i++)
        if (x->var[i] != y->var[i] || x->coef[i] != y->coef[i]) return false;
    return true;
}

bool aff_provably_nonneg(const Affine *x)
{
    if (x->overflow || x->c < 0) return false;
    for (int i = 0; i < x->n; i++)
        if (x->coef[i] < 0) return false;
    return true;
}

int aff_compare(Arena *a, const Affine *x, const Affine *y)
{
    Affine *d = aff_sub(a, x, y);
    if (d->overflow) return 2;
    if (d->n == 0 && d->c == 0) return 0;
    if (aff_provably_nonneg(d)) return 1;
    if (aff_provably_nonneg(aff_scale(a, d, -1))) return -1;
    return 2;
}

void aff_print(FILE *out, const Affine *x, const char *const *names)
{
    if (x->overflow) {
        fputs("(overflow)", out);
        return;
    }
    bool first = true;
    for (int i = 0; i < x->n; i++) {
        int64_t c = x->coef[i];
        if (!first) fputs(c < 0 ? " - " : " + ", out);
        else if (c < 0) fputc('-', out);
        int64_t m = c < 0 ? -c : c;
        if (m != 1) fprintf(out, "%lld*", (long long)m);
        const char *name = names ? names[x->var[i]] : "?";
        /* a derived size var is named like "(h - 1) / 2": 2*((h - 1) / 2) */
        bool paren = strchr(name, ' ') && (m != 1 || (first && c < 0));
        fprintf(out, paren ? "(%s)" : "%s", name);
        first = false;
    }
    if (first) fprintf(out, "%lld", (long long)x->c);
    else if (x->c) fprintf(out, " %c %lld", x->c < 0 ? '-' : '+', (long long)(x->c < 0 ? -x->c : x->c));
}

char *aff_str(Arena *a, const Affine *x, const char *const *names)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    aff_print(f, x, names);
    fclose(f);
    char *r = arena_strdup(a, buf);
    free(buf);
    return r;
}

int64_t aff_eval(const Affine *x, const int64_t *vals)
{
    if (!x || x->overflow) return -1;
    int64_t v = x->c;
    for (int i = 0; i < x->n; i++) v += x->coef[i] * vals[x->var[i]];
    return v;
}
