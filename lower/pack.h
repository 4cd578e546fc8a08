/* pack.h - local copies of a box of a tensor in a layout (pack.c): the packs
 * of `pack` and the tiles of `accumulate`. Folder-private, like to_loops.h. */
#ifndef TDSL_PACK_H
#define TDSL_PACK_H
#include "lower/to_loops.h"

/* A local buffer over box b in layout ld of nld dims (ld NULL: b's dims in order). */
Buffer *layout_buffer(Lower *L, const char *name, DType t, Box b, const LayoutDim *ld, int nld);
/* Loops copying box b of base into local, its copy in layout ld (NULL: in
 * order); loop vars are named var0, var1, ... (blocks: var1_o, var1_i). */
LStmt *layout_copy(Lower *L, Buffer *local, Buffer *base, Box b, const LayoutDim *ld, int nld, const char *var);
/* The index in such a copy of the point idx of the source, read in n's loops. */
LExpr **layout_index(Lower *L, Nest *n, Box b, const LayoutDim *ld, int nld, LExpr **idx);
/* x - min = F q + r with 0 <= r < F (min NULL: 0), read in n's loops (NULL:
 * none): q and r from x's terms where the ranges of n's loop counters prove
 * it (terms whose coefficient F divides make q: (jo * 16 + ji) / 16 is jo),
 * else (x - min) / F and (x - min) % F, which need x - min >= 0. Shared by
 * blocked packs and the index expressions e / F, e % F of reads. */
void split_divmod(Lower *L, Nest *n, LExpr *x, LExpr *min, int64_t F, LExpr **q, LExpr **r);
/* Does n read the same box of its pack i's source per iteration of the loops
 * fixed in `outer` as per iteration of those fixed in `inner` (more)? Then
 * the pack moves out to the outer loop: the source never changes while n runs. */
bool pack_same_region(Lower *L, Nest *n, int i, const bool *outer, const bool *inner);

#endif
