/* grow.h - growable arrays: every array that grows, grows through here, by
 * doubling. GROW reallocs malloc'd storage (and stops the process when memory
 * runs out); ARENA_GROW copies into fresh, zeroed arena storage and abandons the
 * old. A PtrVec is an arena array of pointers with its length and capacity. */
#ifndef TDSL_GROW_H
#define TDSL_GROW_H
#include <stddef.h>

struct Arena;

/* p (with room for *cap elements of elem bytes) with room for at least need */
void *grow(void *p, int *cap, int need, size_t elem);
/* the same in arena a, keeping the first len elements */
void *arena_grow(struct Arena *a, void *p, int len, int *cap, int need, size_t elem);

#define GROW(p, cap, need) ((p) = grow((p), &(cap), (need), sizeof *(p)))
#define ARENA_GROW(a, p, len, cap, need) ((p) = arena_grow((a), (p), (len), &(cap), (need), sizeof *(p)))

typedef struct PtrVec {
    void **items;
    int len, cap;
} PtrVec;
void vec_push(struct Arena *a, PtrVec *v, void *p);

#endif
