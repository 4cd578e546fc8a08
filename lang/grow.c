/* grow.c - growable arrays (grow.h): one doubling rule for malloc'd and
 * arena storage. */
#include "lang/grow.h"
#include "lang/arena.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int next_cap(int cap, int need)
{
    int c = cap > 0 ? cap * 2 : 8;
    while (c < need) c *= 2;
    return c;
}

void *grow(void *p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return p;
    int c = next_cap(*cap, need);
    void *q = realloc(p, (size_t)c * elem);
    if (!q) {
        fputs("tdsl: out of memory\n", stderr);
        abort();
    }
    *cap = c;
    return q;
}

void *arena_grow(Arena *a, void *p, int len, int *cap, int need, size_t elem)
{
    if (need <= *cap) return p;
    int c = next_cap(*cap, need);
    void *q = arena_alloc(a, (size_t)c * elem);
    if (len) memcpy(q, p, (size_t)len * elem);
    *cap = c;
    return q;
}

void vec_push(Arena *a, PtrVec *v, void *p)
{
    ARENA_GROW(a, v->items, v->len, v->cap, v->len + 1);
    v->items[v->len++] = p;
}
